// What a stream worker's checkpoint costs at a realistic detector state: `npx tsx bench/stream-checkpoint.ts
// [events] [sources]` (default 5 M flows from 200 k sources to 1 M targets, 3 % failed). Prints CPU ms (user+sys)
// and wall ms of each step the worker takes at a flush (snapshot, v8 serialise, deflate) and at a restart.

import { deserialize, serialize } from 'node:v8';
import { deflateSync, inflateSync } from 'node:zlib';
import { createDetector, type DetectorSnapshot, type FlowEvent, Outcome } from '../src/modules/soc/index.ts';

const events = Number(process.argv[2] ?? 5_000_000);
const sources = Number(process.argv[3] ?? 200_000);
let seed = 1;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed >>> 8;
};
const detector = createDetector();
const e: FlowEvent = {
  kind: 'flow',
  input: 'conn.log',
  line: 0,
  ts: 0,
  src: 0,
  dst: 0,
  srcPort: 40000,
  dstPort: 443,
  proto: 6,
  outcome: Outcome.Ok,
};
for (let i = 0; i < events; i++) {
  e.line = i + 1;
  e.ts = 1_717_200_000 + (3600 * i) / events;
  e.src = 0x0a000000 + (random() % sources);
  e.dst = 0xcb000000 + (random() % 1_000_000);
  e.dstPort = random() % 20 === 0 ? random() % 1024 : 443;
  e.outcome = random() % 33 === 0 ? Outcome.Fail : Outcome.Ok;
  detector.push(e);
}
const stats = detector.findings().stats;

const step = <T>(name: string, run: () => T): T => {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = run();
  const used = process.cpuUsage(cpu);
  console.log(
    `${name.padEnd(24)} cpu ${((used.user + used.system) / 1000).toFixed(1).padStart(7)} ms   wall ${(performance.now() - wall).toFixed(1).padStart(7)} ms`,
  );
  return result;
};
console.log(
  `${events} events, ${stats.trackedSources} sources tracked, ${detector.findings().scanners.length} scanners`,
);
const snapshot = step('snapshot', () => detector.snapshot());
const raw = step('v8 serialise', () => serialize(snapshot));
const packed = step('deflate (level 1)', () => deflateSync(raw, { level: 1 }));
console.log(`size: ${(raw.length / 2 ** 20).toFixed(1)} MiB raw, ${(packed.length / 2 ** 20).toFixed(1)} MiB stored`);
const back = step('inflate + deserialise', () => deserialize(inflateSync(packed)) as DetectorSnapshot);
const restored = step('restore', () => createDetector({ snapshot: back }));
if (JSON.stringify(restored.findings()) !== JSON.stringify(detector.findings())) throw new Error('restore differs');

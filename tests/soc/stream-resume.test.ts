// `khien soc worker` killed with SIGKILL mid-stream and restarted resumes from its checkpoint: no acknowledged event
// lost, none counted twice, and a scanner whose attempts straddle the crash is still detected, with findings equal to
// those of one uninterrupted run over the same stream. Runs its own `nats-server -js` on a free port.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../src/core/db/client.ts';
import { resolveEngineConfig } from '../../src/modules/soc/engine/config.ts';
import { createDetector } from '../../src/modules/soc/engine/detector.ts';
import type { DetectorSnapshot } from '../../src/modules/soc/engine/snapshot.ts';
import { type FlowEvent, Outcome } from '../../src/modules/soc/engine/types.ts';
import { BatchEncoder, decodeBatch } from '../../src/modules/soc/stream/codec.ts';
import {
  ensureStream,
  partitionDurable,
  partitionSubject,
  type StreamNames,
} from '../../src/modules/soc/stream/nats.ts';

const natsServer = spawnSync('sh', ['-c', 'command -v nats-server']).stdout.toString().trim();
if (!natsServer) {
  if (process.env.KHIEN_REQUIRE_ALL === '1')
    throw new Error('nats-server required (KHIEN_REQUIRE_ALL=1) but not found');
  console.warn('SKIPPED: stream resume tests — no nats-server on PATH');
}

const SCANNER = 0xc6336442; // 198.51.100.66
const EVENTS_PER_MESSAGE = 1000;
/** Enough that a worker throttled to 100 unacked messages (one checkpoint each) is caught mid-way. */
const EVENTS = 1_500_000;
const THRESHOLD = resolveEngineConfig().scan.icmpSweepThreshold;
/** Half as many again as the threshold, spread evenly: only events from both sides of a crash at 35–65 % reach it. */
const SCANNER_ATTEMPTS = Math.round(THRESHOLD * 1.5);

/** The stream's messages: background TCP traffic of 20 000 sources and one slow ICMP sweep, all in one 5-min window. */
function streamMessages(events: number): { messages: Uint8Array[]; scannerMessages: number[] } {
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const base = 1_717_200_000; // a multiple of 300: every event is in one window
  const sweepAt = new Map<number, number>();
  for (let k = 0; k < SCANNER_ATTEMPTS; k++) sweepAt.set(Math.floor(((k + 0.5) * events) / SCANNER_ATTEMPTS), k);
  const encoder = new BatchEncoder();
  const messages: Uint8Array[] = [];
  const scannerMessages: number[] = [];
  const e: FlowEvent = {
    kind: 'flow',
    input: 'conn.log',
    line: 0,
    ts: 0,
    src: 0,
    dst: 0,
    srcPort: 0,
    dstPort: 0,
    proto: 6,
    outcome: Outcome.Ok,
  };
  for (let i = 0; i < events; i++) {
    e.line = i + 1;
    e.ts = base + (290 * i) / events;
    const k = sweepAt.get(i);
    if (k !== undefined) {
      Object.assign(e, { src: SCANNER, dst: 0x0a090000 + k, srcPort: 0, dstPort: 8, proto: 1, outcome: Outcome.Fail });
      scannerMessages.push(messages.length);
    } else
      Object.assign(e, {
        src: 0x0a010000 + (random() % 20_000),
        dst: 0xcb000000 + (random() % 50_000),
        srcPort: 1024 + (random() % 60_000),
        dstPort: random() % 50 === 0 ? random() % 1024 : 443,
        proto: 6,
        outcome: random() % 33 === 0 ? Outcome.Fail : Outcome.Ok,
      });
    encoder.add(e);
    if (encoder.count === EVENTS_PER_MESSAGE) messages.push(encoder.finish());
  }
  if (encoder.count) messages.push(encoder.finish());
  return { messages, scannerMessages };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('detector snapshot', () => {
  it('resumes exactly: half the events, snapshot, v8 round trip, restore, the rest = one uninterrupted run', () => {
    const { messages } = streamMessages(200_000);
    const whole = createDetector();
    for (const m of messages) decodeBatch(m, (e) => whole.push(e));
    const first = createDetector();
    const half = Math.floor(messages.length * 0.5);
    for (const m of messages.slice(0, half)) decodeBatch(m, (e) => first.push(e));
    const snapshot = deserialize(serialize(first.snapshot())) as DetectorSnapshot;
    const resumed = createDetector({ snapshot });
    for (const m of messages.slice(half)) decodeBatch(m, (e) => resumed.push(e));
    const expected = whole.findings();
    expect(expected.scanners.map((s) => s.ip)).toContain('198.51.100.66');
    expect(first.findings().scanners.map((s) => s.ip)).not.toContain('198.51.100.66');
    expect(resumed.findings()).toEqual(expected);
    // The first detector goes on unchanged after its snapshot.
    for (const m of messages.slice(half)) decodeBatch(m, (e) => first.push(e));
    expect(first.findings()).toEqual(expected);
  });

  it('refuses a snapshot taken with another layout', () => {
    const snapshot = createDetector().snapshot();
    expect(() => createDetector({ config: { scan: { maxTrackedSources: 1000 } }, snapshot })).toThrow(/shards/);
    expect(() => createDetector({ snapshot: { ...snapshot, version: 99 } })).toThrow(/version 99/);
  });
});

describe.skipIf(!natsServer)('kill -9 of `khien soc worker` mid-stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-stream-resume-'));
  let server: ChildProcess;
  let nc: NatsConnection;
  let url = '';
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    const port = await freePort();
    url = `nats://127.0.0.1:${port}`;
    server = spawn(natsServer, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'js')], {
      stdio: 'ignore',
    });
    for (let i = 0; ; i++) {
      try {
        nc = await connect({ servers: url, timeout: 1000, name: 'khien-test' });
        break;
      } catch (e) {
        if (i >= 50) throw e;
        await sleep(200);
      }
    }
  }, 30_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await nc?.close();
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** `khien soc worker` as a separate process (the compiled CLI, rebuilt by the tests' global setup). */
  const worker = (names: StreamNames, dataDir: string) => {
    const child = spawn(
      process.execPath,
      [
        'bin/khien.mjs',
        'soc',
        'worker',
        '--nats',
        url,
        '--partitions',
        '0',
        '--stream',
        names.stream,
        '--subject-prefix',
        names.subjectPrefix,
        '--flush-seconds',
        '1',
        // The server holds back all but 100 messages and each flush checkpoints 100: the stream is caught mid-way.
        '--max-unacked',
        '100',
        '--until-idle',
      ],
      { env: { ...process.env, KHIEN_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const exit = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
    const logged = (message: string) => {
      const line = out.split('\n').find((l) => l.startsWith(message));
      return line ? (JSON.parse(line.slice(message.length)) as Record<string, number | boolean>) : null;
    };
    return { child, exit, output: () => out, logged };
  };

  it('loses no acknowledged event, counts none twice and still detects the scan across the crash', async () => {
    const { messages, scannerMessages } = streamMessages(EVENTS);
    const eventsIn = (from: number, to: number) =>
      messages.slice(from, to).reduce((sum, m) => sum + decodeBatch(m, () => {}), 0);
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const crashed: StreamNames = { stream: 'RESUME_A', subjectPrefix: 'resume.a', durablePrefix: 'khien-p' };
    const straight: StreamNames = { stream: 'RESUME_B', subjectPrefix: 'resume.b', durablePrefix: 'khien-p' };
    for (const names of [crashed, straight]) {
      await ensureStream(jsm, names, 1, { maxBytes: 2 ** 30, maxAgeSeconds: 3600 });
      for (let i = 0; i < messages.length; i += 200)
        await Promise.all(
          messages.slice(i, i + 200).map((m) => js.publish(partitionSubject(names, 0), m as Uint8Array)),
        );
      expect((await jsm.streams.info(names.stream)).state.messages).toBe(messages.length);
    }
    const dataA = join(dir, 'data-a');
    const dataB = join(dir, 'data-b');

    // The uninterrupted reference run, on its own stream and database, alongside.
    const reference = worker(straight, dataB);
    const first = worker(crashed, dataA);
    const consumerA = () => jsm.consumers.info(crashed.stream, partitionDurable(crashed, 0)).catch(() => null);
    const killAt = Math.floor(messages.length * 0.45);
    for (;;) {
      const info = await consumerA();
      if ((info?.ack_floor.stream_seq ?? 0) >= killAt) break;
      if (first.child.exitCode !== null) throw new Error(`worker ended before the kill:\n${first.output()}`);
      await sleep(50);
    }
    first.child.kill('SIGKILL');
    expect(await first.exit).toBeNull();
    const floorAtKill = (await consumerA())?.ack_floor.stream_seq ?? 0;
    expect(floorAtKill).toBeLessThan(messages.length); // caught mid-way

    const second = worker(crashed, dataA);
    expect(await second.exit, second.output()).toBe(0);
    expect(await reference.exit, reference.output()).toBe(0);
    const resumed = second.logged('SOC stream: resumed ');
    const stopped = second.logged('SOC stream partition stopped ');
    const uninterrupted = reference.logged('SOC stream partition stopped ');
    const firstRun = first.logged('SOC stream: resumed ');
    expect(firstRun).toBeNull(); // the first run started from nothing
    expect(resumed?.restored, second.output()).toBe(true);
    const resumedSeq = resumed?.resumedSeq as number;
    // Every message acked before the kill is in the checkpoint resumed from.
    expect(resumedSeq).toBeGreaterThanOrEqual(floorAtKill);
    expect(resumedSeq).toBeLessThan(messages.length);
    // The restarted worker pushed exactly the events after the checkpoint: none lost, none twice.
    expect(stopped?.events).toBe(eventsIn(resumedSeq, messages.length));
    // Neither side of the crash alone holds the threshold's worth of the sweep.
    const before = scannerMessages.filter((i) => i + 1 <= resumedSeq).length;
    expect(before, 'sweep attempts before the crash').toBeLessThan(THRESHOLD);
    expect(SCANNER_ATTEMPTS - before, 'sweep attempts after the crash').toBeLessThan(THRESHOLD);

    const info = await consumerA();
    expect(info?.num_pending).toBe(0);
    expect(info?.num_ack_pending).toBe(0);
    expect((await jsm.streams.info(crashed.stream)).state.messages).toBe(0);

    const contents = async (dataDir: string) => {
      const database = await openDatabase({ dataDir: join(dataDir, 'pglite') }); // where the CLI keeps it
      try {
        return {
          findings: await queryRows(
            database.db,
            sql`select f.kind, host(f.ip) as ip, f.scan_kind, f.slow, f.rules, f.evidence, s.count, s.distinct_targets,
                       s.distinct_ports, s.first_seen, s.last_seen
                from soc_findings f join soc_sightings s on s.finding_id = f.id order by f.kind, f.ip`,
          ),
          ingests: await queryRows<{ events: number; finished: boolean }>(
            database.db,
            sql`select events, finished_at is not null as finished from soc_ingests`,
          ),
        };
      } finally {
        await database.close();
      }
    };
    const a = await contents(dataA);
    const b = await contents(dataB);
    expect(a.findings.map((f) => (f as { ip: string }).ip)).toContain('198.51.100.66');
    expect(a.findings).toEqual(b.findings);
    expect(a.ingests).toEqual([{ events: EVENTS, finished: true }]);
    expect(b.ingests).toEqual(a.ingests);
    const figures = (s: Record<string, number | boolean> | null) =>
      `${s?.flushes} checkpoints, ${((s?.checkpointMs as number) / (s?.flushes as number)).toFixed(1)} ms each (encode + store), ${s?.checkpointBytes} B`;
    console.log(
      `kill -9 at ack floor ${floorAtKill}/${messages.length}, resumed from ${resumedSeq}; ` +
        `restarted: ${figures(stopped)}; uninterrupted: ${figures(uninterrupted)}`,
    );
  }, 900_000);
});

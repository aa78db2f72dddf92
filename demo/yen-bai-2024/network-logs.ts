import { seededRandom } from '../../src/core/random.ts';
import type { SyntheticFlow } from '../../src/modules/soc/index.ts';
import { connectionUid, zeekConnLine, zeekHeader } from '../../src/modules/soc/index.ts';

/**
 * Demo network logs for the Yên Bái data set, shaped like the article's six-month statement: `scanners` outside
 * addresses (from the 198.18.0.0/15 benchmarking range) sweep the province's networks on common ports between
 * January and June 2024, two internal computers talk to command-and-control servers listed in a demo intel feed,
 * and ordinary web traffic surrounds them. Output: a Zeek conn.log (TSV) and the intel list.
 */
const C2 = ['198.51.100.23', '203.0.113.66'];
const PORTS = [22, 23, 445, 3389, 1433, 3306, 8080, 5900];

export function demoSocData(internalHosts: string[], scanners: number) {
  const rnd = seededRandom(84);
  const start = Date.parse('2024-01-03T08:00:00+07:00') / 1000;
  const span = Date.parse('2024-06-28T08:00:00+07:00') / 1000 - start;
  const events: [number, string][] = [];
  const line = (ts: number, src: string, dst: string, port: number, state: 'S0' | 'SF', bytes: number) => {
    const flow: SyntheticFlow = {
      ts,
      src,
      srcPort: 20000 + Math.floor(rnd() * 40000),
      dst,
      dstPort: port,
      proto: 'tcp',
      state,
      origBytes: bytes,
      respBytes: bytes * 3,
    };
    return zeekConnLine(flow, connectionUid(events.length)).trimEnd();
  };
  for (let s = 0; s < scanners; s++) {
    const ip = `198.18.${Math.floor(s / 200)}.${(s % 200) + 10}`;
    const port = PORTS[s % PORTS.length] as number;
    const t0 = start + rnd() * span;
    // 40 targets in a few minutes: above the 25-target horizontal threshold of one 5-minute window.
    for (let k = 0; k < 40; k++) {
      const dst = internalHosts[Math.floor(rnd() * internalHosts.length)] as string;
      events.push([t0 + k * 2, line(t0 + k * 2, ip, dst, port, 'S0', 0)]);
    }
  }
  const infected = [internalHosts[3], internalHosts[internalHosts.length - 5]] as [string, string];
  infected.forEach((host, i) => {
    for (let k = 0; k < 12; k++) {
      const ts = start + (i + 1) * span * 0.3 + k * 3600;
      events.push([ts, line(ts, host, C2[i] as string, 443, 'SF', 900)]);
    }
  });
  for (let k = 0; k < 4000; k++) {
    const ts = start + rnd() * span;
    const src = internalHosts[Math.floor(rnd() * internalHosts.length)] as string;
    events.push([
      ts,
      line(ts, src, `93.184.${Math.floor(rnd() * 200)}.${Math.floor(rnd() * 250) + 1}`, 443, 'SF', 1200),
    ]);
  }
  events.sort((a, b) => a[0] - b[0]);
  const connLog = zeekHeader('conn', start) + [...events.map((e) => e[1]), ''].join('\n');
  const intel = [
    '# Demo feed: command-and-control servers (documentation addresses)',
    ...C2,
    'c2-update.example.net',
    '',
  ].join('\n');
  return { connLog, intel, infected };
}

// The engine's rules, thresholds and bounds, event by event.

import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, parseCidr, parseIPv4, parseIPv6, parseIpKey } from '../../src/core/net/ip.ts';
import { PrefixTrie } from '../../src/core/net/prefix-trie.ts';
import { createDetector } from '../../src/modules/soc/engine/detector.ts';
import { FlowBatch } from '../../src/modules/soc/engine/flow-batch.ts';
import { IntelIndex } from '../../src/modules/soc/engine/intel-index.ts';
import {
  type FlowEvent,
  type Indicator,
  type NameEvent,
  Outcome,
  Protocol,
} from '../../src/modules/soc/engine/types.ts';
import { parseIntel } from '../../src/modules/soc/intel/parse-intel.ts';

const T0 = 1717218000;

function flow(src: string, dst: string, dstPort: number, outcome: Outcome, ts = T0): FlowEvent {
  return {
    kind: 'flow',
    input: 'test',
    line: 1,
    ts,
    src: parseIpKey(src) as number,
    dst: parseIpKey(dst) as number,
    srcPort: 40000,
    dstPort,
    proto: Protocol.Tcp,
    outcome,
  };
}

describe('core/net', () => {
  it('parses and formats IPv4 and IPv6, rejecting malformed text', () => {
    expect(formatIPv4(parseIPv4('192.168.1.254'))).toBe('192.168.1.254');
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '']) expect(parseIPv4(bad)).toBe(-1);
    expect(formatIPv6(parseIPv6('2001:0db8:0000:0000:0000:0000:0000:0001') as Uint32Array)).toBe('2001:db8::1');
    expect(formatIPv6(parseIPv6('::ffff:10.0.0.1') as Uint32Array)).toBe('::ffff:a00:1');
    expect(parseIpKey('::ffff:10.0.0.1')).toBe(parseIPv4('10.0.0.1'));
    for (const bad of ['2001:db8::1::2', '2001:db8:::1', '12345::', 'g::1']) expect(parseIPv6(bad)).toBeNull();
    expect(parseCidr('10.1.2.3/8')?.words[0]).toBe(parseIPv4('10.0.0.0'));
  });

  it('prefix trie: the most specific range wins, for IPv4 and IPv6', () => {
    const agencies = new PrefixTrie<string>();
    agencies.insert('10.0.0.0/8', 'province');
    agencies.insert('10.20.0.0/16', 'department of health');
    agencies.insert('10.20.5.0/24', 'district hospital');
    agencies.insert('2001:db8::/32', 'v6 province');
    agencies.insert('2001:db8:5::/48', 'v6 agency');
    expect(agencies.lookup('10.20.5.9')).toBe('district hospital');
    expect(agencies.lookup('10.20.6.9')).toBe('department of health');
    expect(agencies.lookup('10.99.0.1')).toBe('province');
    expect(agencies.lookup('11.0.0.1')).toBeUndefined();
    expect(agencies.lookupV4(parseIPv4('10.20.5.9'))).toBe('district hospital');
    expect(agencies.lookupAll('10.20.5.9')).toEqual(['district hospital', 'department of health', 'province']);
    expect(agencies.lookup('2001:db8:5::7')).toBe('v6 agency');
    expect(agencies.lookup('2001:db8:6::7')).toBe('v6 province');
    expect(agencies.lookup('not an ip')).toBeUndefined();
  });
});

describe('scan rules', () => {
  it('TRW flags a source on its 9th failed first contact, not before; repeats to one target do not count', () => {
    const detector = createDetector();
    for (let i = 0; i < 20; i++) detector.push(flow('198.51.100.1', '10.0.0.1', 80, Outcome.Fail));
    for (let i = 1; i <= 8; i++) detector.push(flow('198.51.100.2', `10.0.0.${i}`, 80, Outcome.Fail));
    expect(detector.findings().scanners).toEqual([]);
    detector.push(flow('198.51.100.2', '10.0.0.9', 80, Outcome.Fail));
    const [scanner] = detector.findings().scanners;
    expect(scanner?.ip).toBe('198.51.100.2');
    expect(scanner?.slow).toBe(true);
    expect(scanner?.rules[0]).toMatchObject({ rule: 'trw', threshold: 11.513, observed: 12.477 });
  });

  it('evidence keeps line numbers beyond 2^32, from columnar batches and single events alike', () => {
    const far = 2 ** 33 + 7;
    const one = createDetector({ config: { scan: { trw: { enabled: false } } } });
    for (let port = 1; port <= 18; port++)
      one.push({ ...flow('198.51.100.9', '10.0.0.5', port, Outcome.Fail), line: far + port });
    const columnar = createDetector({ config: { scan: { trw: { enabled: false } } } });
    const batch = new FlowBatch(24);
    for (let port = 1; port <= 18; port++) {
      const k = batch.size++;
      batch.ts[k] = T0;
      batch.line[k] = far + port;
      batch.src[k] = parseIPv4('198.51.100.9');
      batch.dst[k] = parseIPv4('10.0.0.5');
      batch.srcPort[k] = 40000;
      batch.dstPort[k] = port;
      batch.proto[k] = Protocol.Tcp;
      batch.outcome[k] = Outcome.Fail;
    }
    columnar.pushFlows(batch);
    // IPv6 events keep their addresses beside the record, and their lines with them.
    const v6 = createDetector({ config: { scan: { trw: { enabled: false } } } });
    for (let port = 1; port <= 18; port++)
      v6.push({ ...flow('198.51.100.9', '10.0.0.5', port, Outcome.Fail), src: '2001:db8::9', line: far + port });
    for (const detector of [one, columnar, v6]) {
      // Detected on the 15th port; the next ones are samples too.
      const [scanner] = detector.findings().scanners;
      expect(scanner?.evidence.map((e) => e.line)).toEqual([far + 15, far + 16, far + 17, far + 18]);
    }
  });

  it('successful first contacts keep a busy client benign', () => {
    const detector = createDetector();
    for (let i = 0; i < 2000; i++)
      detector.push(flow('10.1.1.1', `203.0.${i >> 8}.${i & 255}`, 443, i % 10 === 0 ? Outcome.Fail : Outcome.Ok));
    expect(detector.findings().scanners).toEqual([]);
  });

  it('vertical: 15 failed ports on one target in a window fire, 14 do not', () => {
    const detector = createDetector({ config: { scan: { trw: { enabled: false } } } });
    for (let port = 1; port <= 14; port++) detector.push(flow('198.51.100.3', '10.0.0.5', port, Outcome.Fail));
    expect(detector.findings().scanners).toEqual([]);
    detector.push(flow('198.51.100.3', '10.0.0.5', 15, Outcome.Fail));
    const [scanner] = detector.findings().scanners;
    expect(scanner?.kind).toBe('vertical');
    expect(scanner?.rules[0]).toMatchObject({
      rule: 'vertical',
      threshold: 15,
      observed: 15,
      target: '10.0.0.5',
      windowSeconds: 300,
    });
  });

  it('horizontal: 25 targets for an outside source, 250 for an internal one; windows are tumbling', () => {
    const detector = createDetector({ config: { scan: { trw: { enabled: false } } } });
    for (let i = 1; i <= 25; i++) detector.push(flow('198.51.100.4', `10.0.1.${i}`, 445, Outcome.Fail));
    for (let i = 1; i <= 249; i++) detector.push(flow('10.9.9.9', `10.0.${i >> 8}.${i & 255}`, 445, Outcome.Fail));
    // 20 targets in one window and 20 in the next never reach 25 together.
    for (let i = 1; i <= 40; i++) detector.push(flow('198.51.100.5', `10.0.2.${i}`, 22, Outcome.Fail, T0 + 280 + i));
    expect(detector.findings().scanners.map((s) => s.ip)).toEqual(['198.51.100.4']);
    detector.push(flow('10.9.9.9', '10.0.3.1', 445, Outcome.Fail));
    expect(detector.findings().scanners.map((s) => `${s.ip} ${s.kind} ${s.internal}`)).toEqual([
      '198.51.100.4 horizontal false',
      '10.9.9.9 horizontal true',
    ]);
  });

  it('a scanner names every target group it swept, most failed attempts first; a successful contact names none', () => {
    const targetGroups = [
      { cidr: '10.20.0.0/16', group: 'province' },
      { cidr: '10.20.1.0/24', group: 'agency-a' },
      { cidr: '10.20.2.0/24', group: 'agency-b' },
      { cidr: '10.20.3.0/24', group: 'agency-c' },
    ];
    const detector = createDetector({ config: { targetGroups, scan: { trw: { enabled: false } } } });
    // 30 hosts of agency A (the window's targets before detection count once each), then 3 of B and 2 outside any
    // agency's /24 (the province's /16: the most specific range wins); agency C only answers.
    for (let i = 1; i <= 30; i++) detector.push(flow('198.51.100.9', `10.20.1.${i}`, 445, Outcome.Fail));
    for (let i = 1; i <= 3; i++) detector.push(flow('198.51.100.9', `10.20.2.${i}`, 445, Outcome.Fail));
    for (let i = 1; i <= 2; i++) detector.push(flow('198.51.100.9', `10.20.9.${i}`, 445, Outcome.Fail));
    detector.push(flow('198.51.100.9', '10.20.3.1', 445, Outcome.Ok));
    const [scanner] = detector.findings().scanners;
    expect(scanner?.targetGroups).toEqual([
      { group: 'agency-a', failedAttempts: 30 },
      { group: 'agency-b', failedAttempts: 3 },
      { group: 'province', failedAttempts: 2 },
    ]);
    // An ICMP sweep (10 hosts of A, then 10 of B: the 20th fires) and a slow scan (A probed every 10 minutes, then B
    // raises the TRW alarm) name the agency swept before detection too, and the most swept one first.
    const icmp = createDetector({ config: { targetGroups, scan: { trw: { enabled: false } } } });
    for (let i = 1; i <= 20; i++)
      icmp.push({
        ...flow('198.51.100.10', `10.20.${i <= 10 ? 1 : 2}.${i}`, 8, Outcome.Fail, T0 + i),
        proto: Protocol.Icmp,
      });
    expect(icmp.findings().scanners[0]?.targetGroups).toEqual([
      { group: 'agency-a', failedAttempts: 10 },
      { group: 'agency-b', failedAttempts: 10 },
    ]);
    const slow = createDetector({ config: { targetGroups } });
    for (let i = 1; i <= 7; i++) slow.push(flow('198.51.100.11', `10.20.1.${i}`, 445, Outcome.Fail, T0 + i * 600));
    for (let i = 8; i <= 9; i++) slow.push(flow('198.51.100.11', `10.20.2.${i}`, 445, Outcome.Fail, T0 + i * 600));
    const [trw] = slow.findings().scanners;
    expect(trw?.ruleCounts).toEqual({ trw: 1 });
    expect(trw?.targetGroups).toEqual([
      { group: 'agency-a', failedAttempts: 7 },
      { group: 'agency-b', failedAttempts: 2 },
    ]);
    const ungrouped = createDetector({ config: { scan: { trw: { enabled: false } } } });
    for (let i = 1; i <= 30; i++) ungrouped.push(flow('198.51.100.9', `10.20.1.${i}`, 445, Outcome.Fail));
    expect(ungrouped.findings().scanners[0]?.targetGroups).toEqual([]);
  });

  it('allow-listed scanners, backscatter and ignored ports are not scans', () => {
    const detector = createDetector({ config: { scan: { allowList: ['10.250.0.0/24'] } } });
    for (let i = 1; i <= 300; i++) {
      detector.push(flow('10.250.0.10', `10.0.${i >> 8}.${i & 255}`, 445, Outcome.Fail));
      detector.push({ ...flow('198.51.100.6', `10.0.${i >> 8}.${i & 255}`, 40000 + i, Outcome.Fail), srcPort: 53 });
      detector.push(flow('198.51.100.7', `10.0.${i >> 8}.${i & 255}`, 137, Outcome.Fail));
    }
    const { scanners, stats } = detector.findings();
    expect(scanners).toEqual([]);
    expect(stats.allowListed).toBe(300);
    expect(stats.ignored).toBe(600);
  });

  it('sources counted shard by shard give one table’s findings: same order, first maxFindings kept, drops counted', () => {
    // 500 000 tracked sources → 16 shards; 8 000 → 1 shard. Neither cap is reached here.
    const run = (maxTrackedSources: number, shardQueueEvents?: number) => {
      const scan = shardQueueEvents ? { maxTrackedSources, shardQueueEvents } : { maxTrackedSources };
      const detector = createDetector({ config: { maxFindings: 7, scan } });
      const events: FlowEvent[] = [];
      // 12 scanners (IPv4 and IPv6, some with a detail), their probes interleaved, from two inputs;
      // ties in detection time are broken by arrival order.
      for (let i = 1; i <= 40; i++)
        for (let s = 0; s < 12; s++) {
          const src = s % 3 === 2 ? `2001:db8::${s + 1}` : `198.51.${100 + s}.${7 * s + 1}`;
          const base = flow('198.51.100.1', `10.7.${s}.${i}`, 445, Outcome.Fail, T0 + Math.floor(i / 4));
          events.push({
            ...base,
            src: parseIpKey(src) as number,
            // Two exporters' events interleaved, as a collector receives them.
            input: (i + s) % 2 === 0 ? 'a.log' : 'b.log',
            line: i * 12 + s,
            ...(s % 4 === 1 ? { detail: 'DROP' } : {}),
          });
        }
      for (const event of events) detector.push(event);
      return detector.findings();
    };
    const sharded = run(500_000);
    const single = run(8_000);
    expect(sharded.scanners).toHaveLength(7);
    expect(sharded.scanners).toEqual(single.scanners);
    expect(sharded.stats).toEqual(single.stats);
    // Queues of 8 (and 10, rounded up to 16) events: counted many times over, with the same findings.
    for (const queue of [8, 10])
      for (const sources of [500_000, 8_000]) {
        const small = run(sources, queue);
        expect(small.scanners, `queue ${queue}, ${sources} sources`).toEqual(single.scanners);
        expect(small.stats).toEqual(single.stats);
      }
    expect(sharded.stats.droppedFindings).toBeGreaterThan(0);
    // Each sample names the input its line came from.
    const samples = sharded.scanners.flatMap((scanner) => scanner.evidence);
    expect(samples.length).toBeGreaterThan(0);
    for (const e of samples)
      expect(e.input).toBe((Math.floor(e.line / 12) + (e.line % 12)) % 2 === 0 ? 'a.log' : 'b.log');
  });

  it('a window’s single failed attempt (kept without sets) counts like any other, at thresholds of 1 and 2', () => {
    const noTrw = { trw: { enabled: false } };
    const two = createDetector({ config: { scan: { ...noTrw, horizontalThreshold: 2, verticalThreshold: 2 } } });
    // Targets above 128.0.0.0 (negative as int32) must meet the same target when the second attempt arrives.
    two.push(flow('203.0.113.1', '198.51.100.9', 1, Outcome.Fail));
    expect(two.findings().scanners).toEqual([]);
    two.push(flow('203.0.113.1', '198.51.100.9', 2, Outcome.Fail));
    two.push(flow('203.0.113.2', '10.0.0.1', 445, Outcome.Fail));
    two.push(flow('203.0.113.2', '10.0.0.2', 445, Outcome.Fail));
    expect(
      two.findings().scanners.map((s) => [s.ip, s.rules.map((r) => `${r.rule} ${r.observed} ${r.target ?? ''}`)]),
    ).toEqual([
      ['203.0.113.1', ['vertical 2 198.51.100.9']],
      ['203.0.113.2', ['horizontal 2 ']],
    ]);
    const one = createDetector({ config: { scan: { ...noTrw, horizontalThreshold: 1 } } });
    one.push(flow('203.0.113.3', '10.0.0.1', 445, Outcome.Fail));
    expect(one.findings().scanners.map((s) => s.rules[0]?.rule)).toEqual(['horizontal']);
    // One failed first contact per 5-minute window: TRW fires on the 9th, and the finding's sketches still hold the
    // previous window's attempt, as they did when every attempt had its sets.
    const slow = createDetector();
    for (let i = 1; i <= 9; i++) slow.push(flow('203.0.113.4', `10.0.5.${i}`, 22, Outcome.Fail, T0 + 300 * i));
    const [scanner] = slow.findings().scanners;
    expect(scanner?.rules.map((r) => r.rule)).toEqual(['trw']);
    expect(scanner?.distinctTargets).toBe(2);
  });

  it('memory stays bounded under a flood of sources, and scanners are still found', () => {
    const detector = createDetector({ config: { scan: { maxTrackedSources: 1000 } } });
    for (let i = 0; i < 100_000; i++)
      detector.push(flow(formatIPv4(0x30000000 + i), '10.0.0.1', 80, Outcome.Fail, T0 + i / 1000));
    for (let i = 1; i <= 30; i++) detector.push(flow('198.51.100.8', `10.0.4.${i}`, 23, Outcome.Fail, T0 + 100));
    const { scanners, stats } = detector.findings();
    expect(stats.trackedSources).toBeLessThanOrEqual(1000);
    expect(stats.evictedSources).toBeGreaterThanOrEqual(99_000);
    expect(scanners.map((s) => s.ip)).toEqual(['198.51.100.8']);
  });
});

describe('malicious contacts', () => {
  const intel = parseIntel(
    JSON.stringify({
      type: 'bundle',
      objects: [
        {
          type: 'indicator',
          id: 'indicator--1',
          pattern: "[ipv4-addr:value ISSUBSET '203.0.113.0/24']",
          pattern_type: 'stix',
          valid_from: '2024-01-01T00:00:00Z',
        },
        {
          type: 'indicator',
          id: 'indicator--2',
          pattern: "[ipv4-addr:value = '203.0.113.9']",
          pattern_type: 'stix',
          valid_from: '2024-01-01T00:00:00Z',
          valid_until: '2024-05-01T00:00:00Z',
        },
        {
          type: 'indicator',
          id: 'indicator--3',
          pattern: "[domain-name:value = 'evil.example'] OR [url:value = 'http://cdn.example/x.exe']",
          pattern_type: 'stix',
          valid_from: '2024-01-01T00:00:00Z',
        },
        {
          type: 'indicator',
          id: 'indicator--4',
          pattern: "[domain-name:value = 'revoked.example']",
          pattern_type: 'stix',
          revoked: true,
        },
      ],
    }),
    'feed',
  );
  const name = (kind: NameEvent['kind'], value: string, url?: string): NameEvent => ({
    kind,
    input: 't',
    line: 1,
    ts: T0,
    src: parseIPv4('10.1.1.1'),
    dst: parseIPv4('10.0.0.53'),
    srcPort: 1,
    dstPort: 53,
    name: value,
    url,
  });

  it('matches CIDRs, expired exact IPs fall back to the valid range, subdomains match, parents do not', () => {
    expect(intel.indicators).toHaveLength(4);
    expect(intel.skipped).toBe(1);
    const detector = createDetector({ intel: intel.indicators });
    detector.push(flow('10.1.1.1', '203.0.113.9', 443, Outcome.Ok));
    detector.push(name('dns', 'a.b.evil.example.'));
    detector.push(name('dns', 'example'));
    detector.push(name('tls', 'notevil.example'));
    detector.push(name('http', 'cdn.example', 'http://cdn.example/x.exe'));
    detector.push(name('http', 'cdn.example', 'http://cdn.example/readme.txt'));
    const contacts = detector
      .findings()
      .maliciousContacts.map((c) => `${c.host} ${c.indicator} ${c.matchedOn.join(',')}`);
    expect(contacts).toEqual([
      '10.1.1.1 203.0.113.0/24 flow',
      '10.1.1.1 evil.example dns',
      '10.1.1.1 http://cdn.example/x.exe http',
    ]);
  });

  it('ranges wider than a /16 match from their first to their last address and nowhere else', () => {
    const feed = (value: string): Indicator => ({ type: 'cidr', value, source: 'feed' });
    const index = new IntelIndex([feed('100.64.0.0/10'), { type: 'ip', value: '8.8.4.4', source: 'feed' }]);
    const hit = (ip: string) => index.matchAddress(parseIPv4(ip), T0)?.value ?? null;
    expect(hit('100.64.0.0')).toBe('100.64.0.0/10');
    expect(hit('100.127.255.255')).toBe('100.64.0.0/10');
    expect(hit('100.63.255.255')).toBeNull();
    expect(hit('100.128.0.0')).toBeNull();
    expect(hit('8.8.4.4')).toBe('8.8.4.4');
    expect(hit('8.8.8.8')).toBeNull();
    expect(new IntelIndex([feed('0.0.0.0/0')]).matchAddress(parseIPv4('1.2.3.4'), T0)?.value).toBe('0.0.0.0/0');
  });

  it('plain lists and CSV feeds: Spamhaus DROP, hosts files, ThreatFox ip:port, bad lines reported', () => {
    const plain = parseIntel(
      '; Spamhaus DROP\n1.10.16.0/20 ; SBL256894\n0.0.0.0 ads.example\nnot_a_domain\n',
      'drop.txt',
    );
    expect(plain.indicators.map((i) => `${i.type}:${i.value}`)).toEqual(['cidr:1.10.16.0/20', 'domain:ads.example']);
    expect(plain.rejected).toEqual([{ line: 4, reason: 'not an IP, CIDR, domain or URL: not_a_domain' }]);
    const csv = parseIntel(
      '# ThreatFox\n# "first_seen_utc","ioc_id","ioc_value","ioc_type","confidence_level"\n"2024-06-01 00:00:00", "1", "198.51.100.20:443", "ip:port", "75"\n',
      'threatfox.csv',
    );
    expect(csv.indicators).toEqual([
      {
        type: 'ip',
        value: '198.51.100.20',
        source: 'threatfox.csv',
        confidence: 75,
        validFrom: undefined,
        validUntil: undefined,
        description: undefined,
      },
    ]);
  });
});

// The fast paths of the Zeek TSV and EVE parsers (whole chunks through their WebAssembly flow
// kernels, in windows) must read exactly what their line-by-line paths read: same
// events, same rejections, same line numbers, across window boundaries, header changes, CRLF
// endings, escapes and broken lines.

import { describe, expect, it } from 'vitest';
import { type FlowBatch, partitionOfSource } from '../../src/modules/soc/engine/flow-batch.ts';
import type { SocEvent } from '../../src/modules/soc/engine/types.ts';
import { Random } from '../../src/modules/soc/generator/scenario.ts';
import { EveParser } from '../../src/modules/soc/parsers/eve.ts';
import { FlowKernel } from '../../src/modules/soc/parsers/kernels/flow-kernel.ts';
import { zeekConnWasm } from '../../src/modules/soc/parsers/kernels/zeek-conn.wasm.ts';
import type { LineParser, ParseSink } from '../../src/modules/soc/parsers/types.ts';
import { ZeekTsvParser } from '../../src/modules/soc/parsers/zeek-tsv.ts';

const FIELDS = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'conn_state',
  'history',
  'resp_pkts',
];

function header(fields: string[]): string[] {
  return ['#separator \\x09', '#unset_field\t-', '#path\tconn', `#fields\t${fields.join('\t')}`];
}

function between(random: Random, low: number, high: number): number {
  return low + random.int(high - low + 1);
}

/** A record in the order of `fields`. */
function record(random: Random, fields: string[], n: number): string {
  const proto = random.pick(['tcp', 'tcp', 'tcp', 'udp', 'icmp']);
  const values: Record<string, string> = {
    ts: `${1717218000 + n}.${String(between(random, 0, 999999)).padStart(6, '0')}`,
    uid: `C${n}`,
    'id.orig_h': `10.${between(random, 0, 3)}.${between(random, 0, 255)}.${between(random, 1, 254)}`,
    'id.orig_p': String(proto === 'icmp' ? 8 : between(random, 1024, 65535)),
    'id.resp_h': `203.0.113.${between(random, 1, 254)}`,
    'id.resp_p': String(proto === 'icmp' ? 0 : random.pick([22, 80, 443, 445, 3389])),
    proto,
    service: '-',
    conn_state: random.pick(['SF', 'S0', 'REJ', 'RSTO', 'RSTR', 'SH', 'OTH']),
    history: random.pick(['ShADadFf', 'S', 'ShR', 'ShADr', '-']),
    resp_pkts: String(between(random, 0, 3)),
  };
  return fields.map((f) => values[f]).join('\t');
}

function breakLine(random: Random, line: string): string {
  switch (between(random, 0, 6)) {
    case 0:
      return line.slice(0, between(random, 0, line.length));
    case 1:
      return `${line}\textra`;
    case 2:
      return line.replace(/^\d+/, '17x');
    case 3:
      return line.replace('203.0.113.', '2001:db8::');
    case 4:
      return `${line}\r`;
    case 5:
      return '#close\t2024-06-01-06-00-00';
    default:
      return '';
  }
}

/**
 * What a parser reads, through `chunk` (flows in batches split among `partitions`, each flow
 * checked to be in its batch's partition) or line by line: the events of each partition, in the
 * order they reached the sink.
 */
function collect(
  Parser: new (input: string, sink: ParseSink) => LineParser,
  useChunks: boolean,
  text: Buffer,
  partitions: number,
) {
  const events: SocEvent[][] = Array.from({ length: partitions }, () => []);
  const rejected: Array<[number, string]> = [];
  let viaKernel = 0;
  const sink: ParseSink = {
    emit: (event) => events[partitionOfSource(event.src, partitions)]?.push({ ...event }),
    reject: (line, reason) => rejected.push([line, reason]),
  };
  if (useChunks) {
    // One partition: left to the sink's default.
    if (partitions > 1) sink.partitions = partitions;
    sink.flows = (batch: FlowBatch, p: number) => {
      viaKernel += batch.size;
      for (let i = 0; i < batch.size; i++) {
        expect(partitionOfSource(batch.src[i] as number, partitions)).toBe(p);
        events[p]?.push(batch.event(i));
      }
    };
  }
  const parser = new Parser('input', sink);
  // Uneven chunks of whole lines, as a reader hands them over.
  let lines = 0;
  let at = 0;
  while (at < text.length) {
    const cut = text.lastIndexOf(10, Math.min(text.length - 1, at + 700_000)) + 1;
    const stop = cut > at ? cut : text.length;
    lines = (parser.chunk as NonNullable<typeof parser.chunk>).call(parser, text, at, stop, lines);
    at = stop;
  }
  return { events, rejected, records: parser.records, lines, viaKernel };
}

/**
 * Reads `text` through `chunk` and line by line, checks both read the same (also with the
 * flows split among 3 partitions: each partition's events in the same order), and returns what
 * `chunk` read.
 */
function readBothWays(Parser: new (input: string, sink: ParseSink) => LineParser, text: Buffer, lines?: number) {
  const slow = collect(Parser, false, text, 1);
  const fast = collect(Parser, true, text, 1);
  if (lines !== undefined) expect(fast.lines).toBe(lines);
  expect(fast.records).toBe(slow.records);
  expect(fast.rejected).toEqual(slow.rejected);
  expect(fast.events).toEqual(slow.events);
  const split = collect(Parser, true, text, 3);
  expect([split.records, split.lines, split.viaKernel]).toEqual([fast.records, fast.lines, fast.viaKernel]);
  expect(split.rejected).toEqual(slow.rejected);
  expect(split.events).toEqual(collect(Parser, false, text, 3).events);
  return { ...fast, events: fast.events[0] as SocEvent[] };
}

describe('Zeek TSV chunks through the conn.log kernel', () => {
  it('read the same events and rejections as line by line, over many windows', () => {
    const random = new Random(11);
    const second = [...FIELDS].reverse();
    const lines: string[] = [...header(FIELDS)];
    let fields = FIELDS;
    for (let n = 0; n < 40_000; n++) {
      if (n === 25_000) {
        fields = second;
        lines.push(...header(second));
      }
      const line = record(random, fields, n);
      lines.push(random.next() < 0.02 ? breakLine(random, line) : line);
    }
    const text = Buffer.from(`${lines.join('\n')}\n`, 'latin1');
    expect(text.length).toBeGreaterThan(4 * 256 * 1024);
    const fast = readBothWays(ZeekTsvParser, text, lines.length);
    // The mix really has records of each kind and errors of several kinds.
    expect(fast.records).toBeGreaterThan(39_000);
    expect(fast.events.some((e) => typeof e.src === 'number' && e.kind === 'flow' && e.proto === 1)).toBe(true);
    expect(fast.events.some((e) => typeof e.dst === 'string')).toBe(true);
    expect(new Set(fast.rejected.map(([, reason]) => reason)).size).toBeGreaterThan(3);
  });
});

/** Values a conn.log field may hold that either path must read (or refuse) alike. */
const TRICKY: Record<string, string[]> = {
  ts: [
    '1717218000',
    '1717218000.',
    '.5',
    '.',
    '-',
    '',
    '1717218000.1.2',
    '0001717218000.25',
    '17172180001717218000.5',
    '123456789012345.123456789012345',
    '1234567890123456.5',
    '1.1234567890123456',
    '1717218000.000000',
    `1717218000.${'5'.repeat(30)}`,
    '1e5',
    ' 1.5',
    '1717218000.25x',
  ],
  'id.orig_h': [
    '010.1.1.1',
    '10.1.1.256',
    '10.1.1',
    '10.1.1.1.1',
    '0.0.0.0',
    '255.255.255.255',
    '10..1.1',
    '-',
    '',
    '1.2.3.',
    '.1.2.3',
    '1234.1.1.1',
    '1.2.3.4444',
    '999.1.1.1',
    '1.2.3.4a',
    '10.00.1.1',
    '10.1.1.0',
    '100.100.100.100',
    '1.1.1.1.',
  ],
  'id.orig_p': ['0', '65535', '65536', '00080', '00000080', '99999', '12345678901', '-', '', '8x', '1a', '+1'],
  'id.resp_h': ['1.2.3.04', '203.0.113.1 ', '2001:db8::1', '100.64.0.1'],
  'id.resp_p': ['0', '65535', '65536', '-', '3'],
  proto: ['TCP', 'tcp ', 'icmp', 'udp', 'sctp', 'ic', '-', ''],
  conn_state: [
    'S0',
    'S1',
    'SF',
    'REJ',
    'S2',
    'S3',
    'RSTO',
    'RSTR',
    'RSTOS0',
    'RSTRH',
    'SH',
    'SHR',
    'OTH',
    'RSTOS1',
    'RSTOS00',
    'S',
    'sf',
    '',
  ],
  history: ['D', 'd', 'ShR', '-', '(empty)', 'x'.repeat(300)],
  resp_pkts: ['0', '1', '-', '', '99999999999', '0x1'],
};

/** FIELDS turned so that `last` ends the line (over-long reads of its value meet the line's end). */
function endingWith(last: string): string[] {
  const at = FIELDS.indexOf(last) + 1;
  return [...FIELDS.slice(at), ...FIELDS.slice(0, at)];
}

describe('Zeek conn.log records through the WebAssembly kernel', () => {
  it.each([
    ["in Zeek's order", FIELDS, 30_000],
    ['in reverse order', [...FIELDS].reverse(), 10_000],
    ['with the responder address last', endingWith('id.resp_h'), 10_000],
    ['with the responder port last', endingWith('id.resp_p'), 10_000],
  ])(
    'read every field value as the JavaScript parser does, also ICMP types and CRLF endings: fields %s',
    (_, fields, count) => {
      const random = new Random(21);
      const lines: string[] = [...header(fields)];
      const proto = fields.indexOf('proto');
      const origP = fields.indexOf('id.orig_p');
      for (let n = 0; n < count; n++) {
        const values = record(random, fields, n).split('\t');
        // Mutate one or two fields of most records.
        for (let m = random.int(3); m > 0; m--) {
          const column = random.int(fields.length);
          const choices = TRICKY[fields[column] as string];
          if (choices) values[column] = random.pick(choices);
        }
        if (values[proto] === 'icmp') values[origP] = random.pick(['8', '128', '0', '3']);
        lines.push(values.join('\t') + (random.next() < 0.01 ? '\r' : ''));
      }
      const text = Buffer.from(`${lines.join('\n')}\n`, 'latin1');
      const fast = readBothWays(ZeekTsvParser, text, lines.length);
      // Both kinds happened: many records read, and many refused for each reason.
      expect(fast.records).toBeGreaterThan(count / 3);
      // And the kernel read most of them (a kernel that left every line to JavaScript would pass the rest).
      expect(fast.viaKernel).toBeGreaterThan(fast.records * 0.8);
      expect(new Set(fast.rejected.map(([, reason]) => reason)).size).toBeGreaterThan(6);
      const outcomes = new Set(fast.events.map((e) => (e.kind === 'flow' ? `${e.proto}/${e.outcome}` : '')));
      expect(outcomes.size).toBeGreaterThan(8);
    },
  );

  it('hand a window that turns into a dns.log, or to another separator, to line()', () => {
    const conn = record(new Random(3), FIELDS, 1);
    const dnsFields = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'query'];
    const lines = [
      ...header(FIELDS),
      conn,
      conn,
      '#path\tdns',
      `#fields\t${dnsFields.join('\t')}`,
      '1717218000.5\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\tbad.example',
      ...header(FIELDS),
      conn,
      '#separator ,',
      `#fields,${FIELDS.join(',')}`,
      conn.replaceAll('\t', ','),
      '',
    ];
    const text = Buffer.from(lines.join('\n'), 'latin1');
    const fast = readBothWays(ZeekTsvParser, text);
    expect(fast.events.map((e) => [e.kind, e.line])).toEqual([
      ['flow', 5],
      ['flow', 6],
      ['dns', 9],
      ['flow', 14],
      ['flow', 17],
    ]);
  });

  it('stops at a line it leaves to JavaScript, and when its output is full; splits flows by source', () => {
    const kernel = FlowKernel.create(zeekConnWasm, 4096, 2);
    expect(kernel).not.toBeNull();
    if (!kernel) return;
    // Fields: ts uid orig_h orig_p resp_h resp_p proto service conn_state history resp_pkts.
    (kernel.exports.columns as (...columns: number[]) => void)(FIELDS.length, 0, 2, 3, 4, 5, 6, 8, 9, 10);
    const good = (src: string) => `1717218000.25\tC1\t${src}\t40000\t203.0.113.9\t445\ttcp\t-\tS0\tS\t0`;
    const [a, b] = ['10.0.0.1', '10.0.0.4'];
    expect(partitionOfSource(0x0a000001, 2)).not.toBe(partitionOfSource(0x0a000004, 2));
    const text = Buffer.from(`${good(a)}\n\n${good(b)}\n${good('2001:db8::1')}\n${good(a)}\n`);
    kernel.load(text, 0, text.length);
    // Two records and an empty line, then the IPv6 record is left where it starts.
    const left = kernel.read(0, text.length, 100);
    expect([kernel.flows, kernel.lines, left, kernel.leftLine]).toEqual([2, 3, 2 * good(a).length + 3, true]);
    const ofA = () => kernel.partition(partitionOfSource(0x0a000001, 2), 'in');
    const ofB = () => kernel.partition(partitionOfSource(0x0a000004, 2), 'in');
    expect([ofA().size, ofB().size, ofA().line[0], ofB().line[0]]).toEqual([1, 1, 101, 103]);
    expect(ofA().event(0)).toMatchObject({
      input: 'in',
      ts: 1717218000.25,
      src: 0x0a000001,
      dst: 0xcb007109,
      dstPort: 445,
    });
    expect(ofA().event(0).outcome).toBe(1);
    // A read starts each partition's output afresh.
    const after = text.indexOf(10, left) + 1;
    expect(kernel.read(after, text.length, 0)).toBe(text.length);
    expect([kernel.flows, ofA().size, ofB().size]).toEqual([1, 1, 0]);
    // 5000 flows: it stops after 4096, a full output rather than a line left.
    const many = Buffer.from(`${good(a)}\n`.repeat(5000));
    kernel.load(many, 0, many.length);
    const full = kernel.read(0, many.length, 0);
    expect([kernel.flows, kernel.lines, full, kernel.leftLine]).toEqual([
      4096,
      4096,
      4096 * (good(a).length + 1),
      false,
    ]);
    expect(kernel.read(full, many.length, 4096)).toBe(many.length);
    expect([kernel.flows, ofA().line[0]]).toEqual([904, 4097]);
  });
});

/** An EVE record of `type` in Suricata's key order. */
function eveRecord(random: Random, n: number): string {
  const second = String(between(random, 0, 59)).padStart(2, '0');
  const time = `2024-06-01T05:00:${second}.${String(between(random, 0, 999999)).padStart(6, '0')}+0700`;
  const src = `10.${between(random, 0, 3)}.${between(random, 0, 255)}.${between(random, 1, 254)}`;
  const dst = `203.0.113.${between(random, 1, 254)}`;
  const head = `"timestamp":"${time}","flow_id":${n},"in_iface":"eth0"`;
  const proto = random.pick(['TCP', 'TCP', 'UDP', 'ICMP']);
  const ports =
    proto === 'ICMP'
      ? '"icmp_type":8,"icmp_code":0'
      : `"src_port":${between(random, 1024, 65535)},"dest_port":${random.pick([22, 443, 445])}`;
  const flow = `"flow":{"pkts_toserver":2,"pkts_toclient":${between(random, 0, 3)},"start":"${time}","end":"${time}","state":"closed"}`;
  const tcp = `"tcp":{"tcp_flags":"1b","tcp_flags_ts":"${random.pick(['02', '1b', '06'])}","tcp_flags_tc":"${random.pick(['00', '12', '14', '1b'])}","state":"closed"}`;
  switch (between(random, 0, 9)) {
    case 0:
      return `{${head},"src_ip":"${src}","dest_ip":"${dst}","proto":"UDP","event_type":"dns","dns":{"type":"query","rrname":"example${n}.vn"}}`;
    case 1:
      return `{${head},"src_ip":"${src}","dest_ip":"${dst}","proto":"TCP","event_type":"alert","alert":{"signature":"ET SCAN \\"quoted\\" probe"}}`;
    case 2:
      // app_proto ends like proto; a nested object has its own "start".
      return `{${head},"src_ip":"${src}",${ports},"dest_ip":"${dst}","proto":"${proto}","app_proto":"tls","event_type":"flow","metadata":{"start":"x"},${flow},${tcp}}`;
    default:
      return `{${head},"src_ip":"${src}",${ports},"dest_ip":"${dst}","proto":"${proto}","event_type":"flow","app_proto":"failed",${flow},${tcp}}`;
  }
}

function breakEve(random: Random, line: string): string {
  switch (between(random, 0, 8)) {
    case 7:
      // A malformed unwanted value: both paths still read the flow from the wanted ones.
      return line.replace('"app_proto":"failed"', '"app_proto":-x"');
    case 8:
      return line.replace(/"state":"closed"}}$/, '"state":"clo\\\\sed"}}');
    case 0:
      return line.slice(0, between(random, 0, line.length));
    case 1:
      return line.replace(/"src_ip":"[^"]*"/, '"src_ip":"2001:db8::7"');
    case 2:
      return `${line}\r`;
    case 3:
      return line.replace('"proto":', '"proto" : ');
    case 4:
      return line.replace('"dest_ip":"', '"dest_ip":"999.');
    case 5:
      return line.replace('"event_type":"flow"', '"event_type":"fl\\u006fw"');
    default:
      return '{"timestamp":"2024-06-01T05:00:00.000000+0700","event_type":"stats","stats":{"uptime":1}}';
  }
}

/** Replacements in an EVE flow record that either path must read (or leave to JSON.parse) alike. */
const EVE_TRICKS: Array<[RegExp, string[]]> = [
  [
    /"start":"[^"]*"/,
    [
      '"start":"2024-06-01T05:00:00+0700"',
      '"start":"2024-06-01T05:00:00.5-05:30"',
      '"start":"2024-02-31T23:59:59.999999+0000"',
      '"start":"0999-06-01T05:00:00.000000+0700"',
      '"start":"0099-06-01T05:00:00.000000+0700"',
      '"start":"2024-13-01T05:00:00.000000+0700"',
      '"start":"2024-06-00T05:00:00.000000+0700"',
      '"start":"2024-06-01T05:0a:00.000000+0700"',
      '"start":"2024-06-01T05:00:00.000000Z"',
      '"start":"2024-06-01T05:00:00.000000+07"',
      '"start":"2024-06-01 05:00:00"',
      '"start":1717218000',
    ],
  ],
  [
    /"src_ip":"[^"]*"/,
    [
      '"src_ip":"010.0.0.1"',
      '"src_ip":"10.0.0.256"',
      '"src_ip":"10.0.0"',
      '"src_ip":"10.0.0.1 "',
      '"src_ip":"::1"',
      '"src_ip":"10.0.0.1.1"',
      '"src_ip":"100.100.100.100"',
      '"src_ip":"1000.100.100.100"',
      '"src_ip":"10..0.1"',
      '"src_ip":""',
      '"src_ip":"10.0.0.1\\u0000"',
    ],
  ],
  [
    /"dest_ip":"[^"]*"/,
    [
      '"dest_ip":"255.255.255.255"',
      '"dest_ip":"0.0.0.0"',
      '"dest_ip":10',
      '"dest_ip":"1.2.3.4x"',
      '"dest_ip":"1.02.3.4"',
    ],
  ],
  [
    /"src_port":\d+/,
    [
      '"src_port":000080',
      '"src_port":65536',
      '"src_port":99999999999',
      '"src_port":"80"',
      '"src_port":1234567',
      '"src_port":12345678',
      '"src_port":123456789',
      '"src_port":0000000080',
      '"src_port":8e1',
      '"src_port":80.5',
    ],
  ],
  [/"dest_port":\d+/, ['"dest_port":0', '"dest_port":-1', '"dest_port":65535', '"dest_port":65535}']],
  [/"proto":"[^"]*"/, ['"proto":"tcp"', '"proto":"IPv6-ICMP"', '"proto":"SCTP"', '"proto":"ICMP"', '"proto":6']],
  [/"pkts_toclient":\d+/, ['"pkts_toclient":0', '"pkts_toclient":12345678901234', '"pkts_toclient":"1"']],
  [
    /"tcp_flags_tc":"[^"]*"/,
    ['"tcp_flags_tc":"1B"', '"tcp_flags_tc":"014"', '"tcp_flags_tc":"zz"', '"tcp_flags_tc":""'],
  ],
  [/"tcp_flags_ts":"[^"]*"/, ['"tcp_flags_ts":"6"', '"tcp_flags_ts":"02"', '"tcp_flags_ts":null']],
  [/"icmp_type":\d+/, ['"icmp_type":128', '"icmp_type":0', '"icmp_type":3']],
  [/"event_type":"flow"/, ['"event_type":"flows"', '"event_type":"Flow"', '"xevent_type":"flow"']],
  [/"in_iface":"eth0"/, ['"in_iface":"eth\\\\0"', '"src_ipx":"1.2.3.4"', '"dest_ip":"198.51.100.7"']],
  // A wanted key after the tcp object, which both paths stop reading at.
  [/"state":"closed"}}$/, ['"state":"closed"},"dest_port":7,"proto":"UDP"}']],
];

describe('EVE flow records through the WebAssembly kernel', () => {
  it('read every value as the JavaScript parser does, or leave the line to it', () => {
    const random = new Random(22);
    const lines: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      let line = eveRecord(random, n);
      for (let m = random.int(3); m > 0; m--) {
        const [pattern, choices] = random.pick(EVE_TRICKS);
        line = line.replace(pattern, random.pick(choices));
      }
      lines.push(random.next() < 0.01 ? `${line}\r` : line);
    }
    const text = Buffer.from(`${lines.join('\n')}\n`);
    const fast = readBothWays(EveParser, text, lines.length);
    expect(fast.records).toBeGreaterThan(10_000);
    // And the kernel read most of them (the others are events of other types, read by JavaScript).
    expect(fast.viaKernel).toBeGreaterThan(fast.records * 0.55);
    const outcomes = new Set(fast.events.map((e) => (e.kind === 'flow' ? `${e.proto}/${e.outcome}` : '')));
    expect(outcomes.size).toBeGreaterThan(7);
  });
});

describe('a line longer than the index takes', () => {
  it('goes through line() on its own, between indexed ones', () => {
    const huge = `{"x":"${'a'.repeat(5 * 1024 * 1024)}"}`;
    const text = Buffer.from(['{"a":1}', huge, '{"b":2}', ''].join('\n'));
    const fast = collect(EveParser, true, text, 1);
    expect(fast.rejected).toEqual(collect(EveParser, false, text, 1).rejected);
    expect(fast.lines).toBe(3);
    expect(fast.rejected.map(([line]) => line)).toEqual([1, 2, 3]);
  });
});

describe('EVE chunks through the flow kernel', () => {
  it('malformed lines whose first key closes within 4 bytes are rejected, not a crash', () => {
    const text = Buffer.from(['{"a":1}', '{"":1}', '{":"}', '{"src_ip":"10.0.0.1"}', ''].join('\n'));
    const fast = collect(EveParser, true, text, 1);
    const slow = collect(EveParser, false, text, 1);
    expect(fast.rejected).toEqual(slow.rejected);
    expect(fast.rejected.map(([line]) => line)).toEqual([1, 2, 3, 4]);
  });

  it('read the same events and rejections as line by line, over many windows', () => {
    const random = new Random(12);
    const lines: string[] = [];
    for (let n = 0; n < 12_000; n++) {
      const line = eveRecord(random, n);
      lines.push(random.next() < 0.05 ? breakEve(random, line) : line);
    }
    const text = Buffer.from(`${lines.join('\n')}\n`);
    expect(text.length).toBeGreaterThan(4 * 256 * 1024);
    const fast = readBothWays(EveParser, text, lines.length);
    expect(fast.records).toBeGreaterThan(11_000);
    expect(fast.events.some((e) => e.kind === 'dns')).toBe(true);
    expect(fast.events.some((e) => e.kind === 'flow' && e.proto === 1)).toBe(true);
    expect(fast.events.some((e) => typeof e.src === 'string')).toBe(true);
    expect(fast.rejected.length).toBeGreaterThan(20);
  });
});

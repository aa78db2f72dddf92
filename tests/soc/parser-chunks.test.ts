// The fast paths of the Zeek TSV and EVE parsers (whole chunks through the WebAssembly
// separator index, in windows) must read exactly what their line-by-line paths read: same
// events, same rejections, same line numbers, across window boundaries, header changes, CRLF
// endings, escapes and broken lines.

import { describe, expect, it } from 'vitest';
import type { FlowBatch } from '../../src/modules/soc/engine/flow-batch.ts';
import type { SocEvent } from '../../src/modules/soc/engine/types.ts';
import { Random } from '../../src/modules/soc/generator/scenario.ts';
import { EveParser } from '../../src/modules/soc/parsers/eve.ts';
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

function collect(Parser: new (input: string, sink: ParseSink) => LineParser, useChunks: boolean, text: Buffer) {
  const events: SocEvent[] = [];
  const rejected: Array<[number, string]> = [];
  const sink: ParseSink = {
    emit: (event) => events.push({ ...event }),
    reject: (line, reason) => rejected.push([line, reason]),
  };
  if (useChunks) {
    sink.flows = (batch: FlowBatch) => {
      for (let i = 0; i < batch.size; i++) events.push(batch.event(i));
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
  return { events, rejected, records: parser.records, lines };
}

describe('Zeek TSV chunks through the separator index', () => {
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
    const fast = collect(ZeekTsvParser, true, text);
    const slow = collect(ZeekTsvParser, false, text);
    expect(fast.lines).toBe(lines.length);
    expect(fast.records).toBe(slow.records);
    expect(fast.rejected).toEqual(slow.rejected);
    expect(fast.events).toEqual(slow.events);
    // The mix really has records of each kind and errors of several kinds.
    expect(fast.records).toBeGreaterThan(39_000);
    expect(fast.events.some((e) => typeof e.src === 'number' && e.kind === 'flow' && e.proto === 1)).toBe(true);
    expect(fast.events.some((e) => typeof e.dst === 'string')).toBe(true);
    expect(new Set(fast.rejected.map(([, reason]) => reason)).size).toBeGreaterThan(3);
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

describe('a line longer than the index takes', () => {
  it('goes through line() on its own, between indexed ones', () => {
    const huge = `{"x":"${'a'.repeat(5 * 1024 * 1024)}"}`;
    const text = Buffer.from(['{"a":1}', huge, '{"b":2}', ''].join('\n'));
    const fast = collect(EveParser, true, text);
    expect(fast.rejected).toEqual(collect(EveParser, false, text).rejected);
    expect(fast.lines).toBe(3);
    expect(fast.rejected.map(([line]) => line)).toEqual([1, 2, 3]);
  });
});

describe('EVE chunks through the key index', () => {
  it('malformed lines whose first key closes within 4 bytes are rejected, not a crash', () => {
    const text = Buffer.from(['{"a":1}', '{"":1}', '{":"}', '{"src_ip":"10.0.0.1"}', ''].join('\n'));
    const fast = collect(EveParser, true, text);
    const slow = collect(EveParser, false, text);
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
    const fast = collect(EveParser, true, text);
    const slow = collect(EveParser, false, text);
    expect(fast.lines).toBe(lines.length);
    expect(fast.records).toBe(slow.records);
    expect(fast.rejected).toEqual(slow.rejected);
    expect(fast.events).toEqual(slow.events);
    expect(fast.records).toBeGreaterThan(11_000);
    expect(fast.events.some((e) => e.kind === 'dns')).toBe(true);
    expect(fast.events.some((e) => e.kind === 'flow' && e.proto === 1)).toBe(true);
    expect(fast.events.some((e) => typeof e.src === 'string')).toBe(true);
    expect(fast.rejected.length).toBeGreaterThan(20);
  });
});

// Broken input never crashes a parser: every bad record is counted as rejected with its line
// number, and every line is accounted for (read, skipped or rejected), also under fuzzing.

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyzeStreams } from '../../src/modules/soc/analyze.ts';
import { Random } from '../../src/modules/soc/generator/scenario.ts';
import type { LogFormat } from '../../src/modules/soc/parsers/types.ts';

const ZEEK_HEADER = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\thistory\tresp_pkts',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tstring\tcount',
];
const GOOD_CONN =
  '1717218000.123456\tCabc\t10.1.2.3\t51234\t203.0.113.5\t443\ttcp\tssl\t0.5\t100\t2000\tSF\tShADadFf\t6';
const GOOD_EVE =
  '{"timestamp":"2024-06-01T05:00:00.000000+0000","flow_id":1,"event_type":"flow","src_ip":"10.1.2.3","src_port":51234,"dest_ip":"203.0.113.5","dest_port":443,"proto":"TCP","flow":{"pkts_toserver":3,"pkts_toclient":0,"start":"2024-06-01T05:00:00.000000+0000"},"tcp":{"tcp_flags_ts":"02","tcp_flags_tc":"00"}}';
const GOOD_NFDUMP_HEADER = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt';
const GOOD_NFDUMP =
  '2024-06-01 12:00:00,2024-06-01 12:00:01,1.000,10.1.2.3,203.0.113.5,51234,443,TCP,......S.,0,0,1,44';
const GOOD_SYSLOG =
  '<4>Jun  1 12:00:00 fw1 kernel: [1234.5678] DROP IN=eth0 OUT= MAC=00:00 SRC=198.51.100.7 DST=10.1.2.3 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0';

async function analyze(text: string | Buffer, format: LogFormat | 'auto' = 'auto') {
  return analyzeStreams([{ name: 'input', stream: Readable.from([Buffer.from(text)]) }], {
    format,
    maxErrors: 100_000,
  });
}

describe('malformed records are rejected with line numbers', () => {
  it('Zeek TSV: truncated line, wrong field count, invalid IP, invalid port, binary garbage', async () => {
    const garbage = Buffer.from([0x00, 0xff, 0xfe, 0x09, 0x80, 0x81, 0x09, 0x1b, 0x5b, 0x41]).toString('latin1');
    const lines = [
      ...ZEEK_HEADER,
      GOOD_CONN,
      GOOD_CONN.slice(0, 25), // 9: truncated
      `${GOOD_CONN}\textra`, // 10: one field too many
      GOOD_CONN.replace('10.1.2.3', '10.1.2.300'), // 11: invalid IPv4
      GOOD_CONN.replace('\t443\t', '\t70000\t'), // 12: port out of range
      garbage, // 13
      GOOD_CONN.replace('SF', 'XX'), // 14: unknown conn_state
      GOOD_CONN.replace('1717218000.123456', '17172x8000'), // 15: bad ts
      GOOD_CONN.replace('10.1.2.3', '2001:db8::1'), // 16: IPv6 is fine
    ];
    const result = await analyze(Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
    expect(result.events).toBe(2);
    expect(result.rejected).toBe(7);
    expect(result.errors.map((e) => e.line)).toEqual([9, 10, 11, 12, 13, 14, 15]);
    expect(result.errors[1]?.reason).toBe('expected 14 fields, found 15');
    expect(result.errors[2]?.reason).toBe('invalid id.orig_h');
  });

  it('EVE: invalid JSON, missing event_type, invalid address; stats records are skipped', async () => {
    const lines = [
      GOOD_EVE,
      GOOD_EVE.slice(0, 60),
      '{"timestamp":"2024-06-01T05:00:00Z","src_ip":"10.0.0.1","dest_ip":"10.0.0.2"}',
      GOOD_EVE.replace('"10.1.2.3"', '"10.1.2"'),
      '{"timestamp":"2024-06-01T05:00:00Z","event_type":"stats","stats":{"uptime":1}}',
      '[1,2,3]',
    ];
    const result = await analyze(lines.join('\n'), 'eve');
    expect(result.events).toBe(1);
    expect(result.skipped).toBe(1);
    expect(result.errors.map((e) => `${e.line} ${e.reason}`)).toEqual([
      '2 invalid JSON',
      '3 missing event_type',
      '4 invalid src_ip',
      '6 invalid JSON',
    ]);
  });

  it('nfdump CSV and syslog: bad rows rejected, other programs’ messages skipped', async () => {
    const nfdump = await analyze(
      [
        GOOD_NFDUMP_HEADER,
        GOOD_NFDUMP,
        '2024-06-01 12:00:00,x',
        GOOD_NFDUMP.replace('10.1.2.3', 'nope'),
        'Summary',
        'flows,bytes',
        '1,44',
      ].join('\n'),
    );
    expect([nfdump.events, nfdump.rejected]).toEqual([1, 2]);
    expect(nfdump.errors.map((e) => e.line)).toEqual([3, 4]);
    const syslog = await analyze(
      [
        GOOD_SYSLOG,
        '<13>Jun  1 12:00:01 host sshd[1]: Accepted publickey for admin',
        'no framing at all',
        GOOD_SYSLOG.replace('SRC=198.51.100.7', 'SRC=198.51.100.700'),
      ].join('\n'),
    );
    expect([syslog.events, syslog.skipped, syslog.rejected]).toEqual([1, 1, 2]);
    expect(syslog.errors.map((e) => `${e.line} ${e.reason}`)).toEqual([
      '3 not a syslog line',
      '4 invalid source address',
    ]);
  });

  it('unknown content is rejected, not guessed', async () => {
    const result = await analyze('hello world\nthis is not a log\n');
    expect(result.inputs[0]?.format).toBeNull();
    expect(result.rejected).toBe(2);
  });
});

/** Mutates a line: byte flips, cuts, duplicated or dropped fields, inserted garbage (never a newline or a leading '#'). */
function mutate(line: string, random: Random): Buffer {
  const bytes = [...Buffer.from(line, 'latin1')];
  const edits = 1 + random.int(4);
  for (let e = 0; e < edits; e++) {
    const at = random.int(bytes.length + 1);
    switch (random.int(5)) {
      case 0:
        bytes[at] = random.int(256);
        break;
      case 1:
        bytes.length = at;
        break;
      case 2:
        bytes.splice(at, 0, ...Array.from({ length: 1 + random.int(8) }, () => random.int(256)));
        break;
      case 3:
        bytes.splice(at, 1 + random.int(10));
        break;
      default:
        bytes.splice(at, 0, 9);
    }
  }
  const cleaned = bytes.map((b) => (b === 10 || b === 13 ? 32 : b));
  if (cleaned[0] === 35) cleaned[0] = 120;
  return Buffer.from(cleaned);
}

describe('fuzzing: thousands of mutated lines, every one accounted for', () => {
  const cases: Array<[LogFormat, string[], string]> = [
    ['zeek-tsv', ZEEK_HEADER, GOOD_CONN],
    ['eve', [], GOOD_EVE],
    ['nfdump-csv', [GOOD_NFDUMP_HEADER], GOOD_NFDUMP],
    ['syslog', [], GOOD_SYSLOG],
    [
      'zeek-json',
      [],
      '{"ts":1717218000.1,"uid":"C1","id.orig_h":"10.1.2.3","id.orig_p":5,"id.resp_h":"10.9.9.9","id.resp_p":22,"proto":"tcp","conn_state":"S0","history":"S"}',
    ],
  ];
  it.each(cases)('%s', async (format, header, good) => {
    const random = new Random(format.length * 7919);
    const body: Buffer[] = [];
    for (let i = 0; i < 4000; i++) body.push(i % 4 === 0 ? Buffer.from(good, 'latin1') : mutate(good, random));
    const nonEmpty = body.filter((b) => b.length > 0).length;
    const text = Buffer.concat([
      Buffer.from(header.map((h) => `${h}\n`).join('')),
      ...body.flatMap((b) => [b, Buffer.from('\n')]),
    ]);
    const result = await analyze(text, format);
    expect(result.events + result.skipped + result.rejected).toBe(nonEmpty);
    expect(result.events).toBeGreaterThanOrEqual(1000);
    expect(result.rejected).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(error.line).toBeGreaterThan(header.length);
      expect(error.line).toBeLessThanOrEqual(header.length + body.length);
    }
  });
});

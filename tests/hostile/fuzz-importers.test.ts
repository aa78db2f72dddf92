// A seeded fuzz of every importer through the real API: a small valid file of each format is mutated (bytes flipped,
// cut, lines doubled or dropped, NUL / invalid UTF-8 / huge numbers / deep nesting inserted) and sent as a client
// would. Every answer must be 2xx, or 4xx with a message; never a 500, never a crash. A mutation confined to one
// record keeps the records around it, and sending the same file again stores nothing twice.
// Case `i` of target `t` uses seededRandom(seedOf(t, i)): a failure names both, so it replays alone.
// The scanner formats added with web findings are fuzzed from their real reports (shared/fixtures/scans, DefectDojo's
// test data, and tests/fixtures/scans-web): mutated and cut copies answer a 4xx naming where, or a partial import
// whose issues name their lines, each in bounded time.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { seededRandom } from '../../src/core/random.ts';
import { collectScan } from '../../src/modules/vulnerabilities/parsers/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { fixture } from '../support/scan-fixtures.ts';

/** Cases per importer and database: PGlite gets the full run, a PostgreSQL server a quarter (2-core budget). */
const CASES = Number(process.env.KHIEN_FUZZ_CASES ?? 100);
const N = 5;
const range = (f: (i: number) => string) => Array.from({ length: N }, (_, i) => f(i + 1));

type Body = Record<string, unknown>;
type Target = {
  name: string;
  url: string;
  base: Buffer;
  /** Indices (in the file's lines) of the N lines that are one record each; none for JSON documents and XLSX. */
  recordLines?: number[];
  /** Records the answer says were stored (or kept). */
  good(body: Body): number;
  /** The answer to the same file sent again stores nothing new. */
  again(body: Body): void;
  /** Records of the unmutated file (default N). */
  records?: number;
};

const numbers = (b: Body, ...keys: string[]) => keys.reduce((n, k) => n + Number(b[k] ?? 0), 0);
const hashDeduped = (b: Body) => expect(b.duplicate).toBe(true);
const scans = (name: string, text: string, first: number): Target => ({
  name,
  url: `/api/vulnerabilities/scans?fileName=${name}`,
  base: Buffer.from(text),
  recordLines: range((i) => String(first + i - 1)).map(Number),
  good: (b) => numbers(b, 'hosts'),
  again: hashDeduped,
});
/** A real report of a scanner format, with the hosts and websites a parse finds in it. */
async function report(path: string): Promise<Target> {
  const base = readFileSync(path);
  const { summary } = await collectScan(base);
  return {
    name: path.slice(path.lastIndexOf('/scans') + 1),
    url: `/api/vulnerabilities/scans?fileName=${encodeURIComponent(path.slice(path.lastIndexOf('/') + 1))}`,
    base,
    good: (b) => numbers(b, 'hosts', 'websites'),
    again: hashDeduped,
    records: summary.hosts + summary.websites,
  };
}
const REPORTS = [
  'tenable-sc/tenable_many_vuln.csv',
  'qualys/Qualys_Sample_Report.xml',
  'qualys/Qualys_Sample_Report.csv',
  'nexpose/many_vulns.xml',
  'wazuh/v4-7_many_findings.json',
  'openscap/many_vuln_rhsa.xml',
  'zap/0_zap_sample.xml',
  'acunetix/XML_http_example_co_id_.xml',
  'acunetix/acunetix360_many_findings.json',
  'nuclei/many_findings.json',
  'nikto/nikto-report-many-vuln.xml',
  'nikto/juice-shop.json',
  'burp/seven_findings.xml',
]
  .map(fixture)
  .concat(
    ['zap-traditional.json', 'nuclei-export.json', 'nikto-array.json'].map(
      (name) => new URL(`../fixtures/scans-web/${name}`, import.meta.url).pathname,
    ),
  );
/** Each case of a report within this (a cut or mutated copy of at most 3.5 MB, imported and sent again). */
const REPORT_CASE_MS = 10_000;

const logs = (format: string, header: string[], line: (i: number) => string): Target => ({
  name: format,
  url: `/api/soc/logs?fileName=fuzz.log&format=${format}`,
  base: Buffer.from([...header, ...range(line), ''].join('\n')),
  recordLines: range((i) => String(header.length + i - 1)).map(Number),
  good: (b) => numbers(b, 'events'),
  again: hashDeduped,
});
const intel = (name: string, text: string, recordLines?: number[]): Target => ({
  name,
  url: `/api/soc/intel?source=fuzz-${name}`,
  base: Buffer.from(text),
  recordLines,
  good: (b) => numbers(b, 'added', 'updated'),
  again: (b) => expect(b.added).toBe(0),
});
const table = (name: string, url: string, base: Buffer, recordLines?: number[]): Target => ({
  name,
  url,
  base,
  recordLines,
  good: (b) => numbers(b, 'created', 'updated', 'unchanged'),
  again: (b) => expect(numbers(b, 'created', 'updated')).toBe(0),
});

const ZEEK_HEADER = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\thistory\tresp_pkts',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tstring\tcount',
];

const ORG_HEADER = 'code,name,type,parent_code,head_name,ip_ranges';
const orgRow = (i: number) => `FZ-${i},Đơn vị thử ${i},other,FZ,Nguyễn Văn ${i},10.78.${i}.0/24`;

async function orgWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const line of [ORG_HEADER, ...range(orgRow)]) ws.addRow(line.split(','));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function targets(): Promise<Target[]> {
  return [
    scans(
      'fuzz.nessus',
      [
        '<?xml version="1.0"?>',
        '<NessusClientData_v2><Report name="fuzz">',
        ...range(
          (i) =>
            `<ReportHost name="10.77.0.${i}"><HostProperties><tag name="host-ip">10.77.0.${i}</tag></HostProperties><ReportItem port="${440 + i}" svc_name="x" protocol="tcp" severity="${i % 5}" pluginID="${1000 + i}" pluginName="Check ${i}" pluginFamily="F"><cvss3_base_score>${i}.5</cvss3_base_score><cve>CVE-2024-000${i}</cve></ReportItem></ReportHost>`,
        ),
        '</Report></NessusClientData_v2>',
        '',
      ].join('\n'),
      2,
    ),
    scans(
      'fuzz-openvas.xml',
      [
        '<get_reports_response status="200"><report id="r"><report id="r">',
        '<results>',
        ...range(
          (i) =>
            `<result id="r${i}"><host>10.77.1.${i}</host><port>${80 + i}/tcp</port><nvt oid="1.3.6.1.4.1.25623.1.0.${i}"><name>NVT ${i}</name><cvss_base>${i}.0</cvss_base><refs><ref type="cve" id="CVE-2024-100${i}"/></refs></nvt><threat>High</threat><severity>${i}.0</severity></result>`,
        ),
        '</results></report></report></get_reports_response>',
        '',
      ].join('\n'),
      2,
    ),
    scans(
      'fuzz-nmap.xml',
      [
        '<?xml version="1.0"?>',
        '<nmaprun>',
        ...range(
          (i) =>
            `<host><status state="up"/><address addr="10.77.2.${i}" addrtype="ipv4"/><ports><port protocol="tcp" portid="${20 + i}"><state state="open"/><service name="s${i}"/></port></ports></host>`,
        ),
        '</nmaprun>',
        '',
      ].join('\n'),
      2,
    ),
    scans(
      'fuzz.csv',
      [
        '"Plugin ID","CVE","CVSS","Risk","Host","Protocol","Port","Name","Plugin Output"',
        ...range(
          (i) =>
            `"${2000 + i}","CVE-2024-200${i}","${i}.5","High","10.77.3.${i}","tcp","${22 + i}","Check ${i}","out ${i}"`,
        ),
        '',
      ].join('\n'),
      1,
    ),
    table(
      'organisations.csv',
      '/api/organisations/import',
      Buffer.from([ORG_HEADER, ...range(orgRow), ''].join('\n')),
      range((i) => String(i)).map(Number),
    ),
    table('organisations.xlsx', '/api/organisations/import', await orgWorkbook()),
    table(
      'systems.csv',
      '/api/systems/import',
      Buffer.from(
        [
          'organisation_code,system_code,name,system_type',
          ...range((i) => `FZ,FZS-${i},Hệ thống ${i},internal`),
          '',
        ].join('\n'),
      ),
      range((i) => String(i)).map(Number),
    ),
    intel(
      'plain',
      [...range((i) => (i % 2 ? `198.51.100.${i}` : `evil-${i}.example.com`)), ''].join('\n'),
      range((i) => String(i - 1)).map(Number),
    ),
    intel(
      'csv',
      ['ioc_value,malware,confidence_level', ...range((i) => `198.51.101.${i},Bot ${i},${50 + i}`), ''].join('\n'),
      range((i) => String(i)).map(Number),
    ),
    intel(
      'stix',
      [
        '{"type":"bundle","id":"bundle--1","objects":[',
        range(
          (i) =>
            `{"type":"indicator","spec_version":"2.1","id":"indicator--${i}","name":"C2 ${i}","pattern_type":"stix","pattern":"[ipv4-addr:value = '198.51.102.${i}']","valid_from":"2024-01-0${i}T00:00:00Z","confidence":${i * 10}}`,
        ).join(',\n'),
        ']}',
      ].join('\n'),
    ),
    intel(
      'misp',
      [
        '{"Event":{"info":"fuzz","Orgc":{"name":"CERT"},"Attribute":[',
        range(
          (i) =>
            `{"type":"ip-dst","value":"198.51.103.${i}","to_ids":true,"uuid":"u-${i}","first_seen":"2024-01-0${i}T00:00:00Z"}`,
        ).join(',\n'),
        ']}}',
      ].join('\n'),
    ),
    {
      name: 'csaf',
      url: '/api/advisories/import?fileName=fuzz-csaf.json',
      base: Buffer.from(
        [
          '{"document":{"category":"csaf_security_advisory","csaf_version":"2.0",',
          '"publisher":{"category":"vendor","name":"Fuzz","namespace":"https://fuzz.example"},"title":"Fuzz",',
          '"tracking":{"id":"FUZZ-1","status":"final","version":"1","initial_release_date":"2024-06-01T00:00:00Z",',
          '"current_release_date":"2024-06-01T00:00:00Z","revision_history":[{"date":"2024-06-01T00:00:00Z","number":"1","summary":"x"}]}},',
          '"product_tree":{"full_product_names":[',
          range((i) => `{"product_id":"P${i}","name":"Fuzz Server ${i}.0"}`).join(',\n'),
          ']},"vulnerabilities":[{"cve":"CVE-2024-0001","product_status":{"known_affected":[',
          range((i) => `"P${i}"`).join(','),
          ']}}]}',
        ].join('\n'),
      ),
      good: (b) => (b.advisory as { products: unknown[] }).products.length,
      again: (b) => expect(['unchanged', 'older']).toContain(b.outcome),
    },
    logs(
      'zeek-tsv',
      ZEEK_HEADER,
      (i) =>
        `1717218000.12345${i}\tC${i}\t10.77.4.${i}\t5123${i}\t203.0.113.${i}\t443\ttcp\tssl\t0.5\t100\t2000\tSF\tShADadFf\t6`,
    ),
    logs(
      'eve',
      [],
      (i) =>
        `{"timestamp":"2024-06-01T05:00:0${i}.000000+0000","flow_id":${i},"event_type":"flow","src_ip":"10.77.5.${i}","src_port":5123${i},"dest_ip":"203.0.113.${i}","dest_port":443,"proto":"TCP","flow":{"pkts_toserver":3,"pkts_toclient":0,"start":"2024-06-01T05:00:0${i}.000000+0000"},"tcp":{"tcp_flags_ts":"02","tcp_flags_tc":"00"}}`,
    ),
    logs(
      'nfdump-csv',
      ['ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt'],
      (i) =>
        `2024-06-01 12:00:0${i},2024-06-01 12:00:1${i},1.000,10.77.6.${i},203.0.113.${i},5123${i},443,TCP,......S.,0,0,1,44`,
    ),
    logs(
      'syslog',
      [],
      (i) =>
        `<4>Jun  1 12:00:0${i} fw1 kernel: [1234.5678] DROP IN=eth0 OUT= MAC=00:00 SRC=198.51.104.${i} DST=10.77.7.${i} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${i} PROTO=TCP SPT=4000${i} DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0`,
    ),
  ];
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, below: number) => Math.floor(rng() * below);
const INVALID_UTF8 = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]];
const HUGE = ['9'.repeat(40), '-99999999999999999999', '1e309', '18446744073709551616', '4294967296', '-0'];

function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, from)) {
    out.push(buf.subarray(from, nl));
    from = nl + 1;
  }
  out.push(buf.subarray(from));
  return out;
}
const join = (parts: Buffer[]) => Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from('\n'), p] : [p])));
const insert = (buf: Buffer, at: number, bytes: Buffer) =>
  Buffer.concat([buf.subarray(0, at), bytes, buf.subarray(at)]);

/** Replaces a run of digits (or, with none, inserts) with a huge number. */
function hugeNumber(rng: Rng, buf: Buffer): Buffer {
  const text = buf.toString('latin1');
  const runs = [...text.matchAll(/\d+/g)];
  const huge = Buffer.from(pick(rng, HUGE));
  if (!runs.length) return insert(buf, int(rng, buf.length + 1), huge);
  const run = pick(rng, runs);
  return Buffer.concat([buf.subarray(0, run.index), huge, buf.subarray(run.index + run[0].length)]);
}

/** Letters and spaces only: no delimiter, quote or markup, so the damage stays in its record. */
function garbage(rng: Rng): Buffer {
  const chars = 'abcxyz ÀĐư09';
  return Buffer.from(Array.from({ length: 1 + int(rng, 40) }, () => pick(rng, [...chars])).join(''));
}

function deepNesting(rng: Rng, buf: Buffer): Buffer {
  const depth = 10_000 + int(rng, 40_000);
  const [open, close] = pick(rng, [
    ['[', ']'],
    ['{"a":', '}'],
    ['<x>', '</x>'],
    ['"', '"'],
  ] as const);
  return insert(buf, int(rng, buf.length + 1), Buffer.from(open.repeat(depth) + close.repeat(depth)));
}

type Mutation = { kind: string; confined: boolean; body: Buffer };

/** One mutation of `base`; `confined` when it touched a single record line only. */
function mutate(rng: Rng, target: Target): Mutation {
  const base = target.base;
  const all = lines(base);
  const record = target.recordLines?.length ? pick(rng, target.recordLines) : undefined;
  const kinds = ['flip', 'truncate', 'dup-line', 'drop-line', 'nul', 'utf8', 'huge', 'nest'];
  if (record !== undefined)
    kinds.push('line-garbage', 'line-nul', 'line-utf8', 'line-huge', 'line-dup', 'line-drop', 'line-flip');
  const kind = pick(rng, kinds);
  const at = int(rng, base.length + 1);
  const onLine = (f: (line: Buffer) => Buffer[]) => {
    const r = record as number;
    return join([...all.slice(0, r), ...f(all[r] as Buffer), ...all.slice(r + 1)]);
  };
  const body = (() => {
    switch (kind) {
      case 'flip': {
        const copy = Buffer.from(base);
        for (let n = 1 + int(rng, 4); n > 0; n--) copy[int(rng, copy.length)] = int(rng, 256);
        return copy;
      }
      case 'truncate':
        return base.subarray(0, int(rng, base.length));
      case 'dup-line': {
        const i = int(rng, all.length);
        return join([...all.slice(0, i + 1), ...all.slice(i)]);
      }
      case 'drop-line': {
        const i = int(rng, all.length);
        return join([...all.slice(0, i), ...all.slice(i + 1)]);
      }
      case 'nul':
        return insert(base, at, Buffer.from([0]));
      case 'utf8':
        return insert(base, at, Buffer.from(pick(rng, INVALID_UTF8)));
      case 'huge':
        return hugeNumber(rng, base);
      case 'nest':
        return deepNesting(rng, base);
      case 'line-garbage':
        return onLine(() => [garbage(rng)]);
      case 'line-nul':
        return onLine((l) => [insert(l, int(rng, l.length + 1), Buffer.from([0]))]);
      case 'line-utf8':
        return onLine((l) => [insert(l, int(rng, l.length + 1), Buffer.from(pick(rng, INVALID_UTF8)))]);
      case 'line-huge':
        return onLine((l) => [hugeNumber(rng, l)]);
      case 'line-dup':
        return onLine((l) => [l, l]);
      case 'line-drop':
        return onLine(() => []);
      default: {
        // line-flip: one byte of the line to a letter or digit (a delimiter would move the damage to its neighbours).
        return onLine((l) => {
          const copy = Buffer.from(l);
          copy[int(rng, copy.length)] = pick(rng, [...Buffer.from('a0Z9x')]);
          return [copy];
        });
      }
    }
  })();
  return { kind, confined: kind.startsWith('line-'), body };
}

const seedOf = (target: string, i: number) => [...target].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), i);
const show = (buf: Buffer) => JSON.stringify(buf.toString('utf8').slice(0, 400));

describe.each(TEST_DATABASES)('importers under a seeded fuzz on %s', (kind) => {
  const cases = kind === 'pglite' ? CASES : Math.ceil(CASES / 4);
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let all: Target[];
  let reports: Target[];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('fuzz-admin', 'admin');
    const root = await admin.request('POST', '/api/organisations', {
      code: 'FZ',
      name: 'Sở thử nghiệm',
      type: 'department',
      ipRanges: ['10.77.0.0/16'],
    });
    expect(root.statusCode, root.body).toBe(201);
    all = await targets();
    reports = await Promise.all(REPORTS.map(report));
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('accepts every unmutated file, keeping all its records', async () => {
    for (const target of [...all, ...reports]) {
      const res = await admin.request('POST', target.url, target.base);
      expect(res.statusCode, `${target.name}: ${res.body}`).toBeLessThan(300);
      expect(target.good(res.json()), target.name).toBe(target.records ?? N);
    }
  });

  it(`answers ${cases} mutations of each format with 2xx or 4xx, keeping the good records`, async () => {
    const tally: Record<string, number> = {};
    const problems: string[] = [];
    const check = (ok: boolean, problem: string) => {
      if (!ok) problems.push(problem);
      return ok;
    };
    for (const target of all) {
      const started = performance.now();
      for (let i = 0; i < cases; i++) {
        const { kind: mutation, confined, body } = mutate(seededRandom(seedOf(target.name, i)), target);
        const where = `${target.name} case ${i} (${mutation}) input ${show(body)}`;
        const res = await admin.request('POST', target.url, body);
        const status = res.statusCode < 300 ? '2xx' : String(res.statusCode);
        tally[status] = (tally[status] ?? 0) + 1;
        if (!check(res.statusCode < 500, `${where} → ${res.body}`)) continue;
        const answer = res.json() as Body & { error?: { message?: string } };
        if (res.statusCode >= 300) {
          check(!!answer.error?.message, `${where}: no message`);
          continue;
        }
        if (confined) {
          // The other N - 1 records survive; a doubled record is stored once (a doubled log line is two events).
          const good = target.good(answer);
          const most = mutation === 'line-dup' ? N + 1 : N;
          check(good >= N - 1 && good <= most, `${where}: ${good} good records → ${res.body}`);
        }
        const again = await admin.request('POST', target.url, body);
        if (!check(again.statusCode < 300, `${where} again → ${again.body}`)) continue;
        try {
          target.again(again.json());
        } catch (e) {
          check(false, `${where} again: ${(e as Error).message}`);
        }
      }
      console.info(`${target.name}: ${cases} cases in ${Math.round(performance.now() - started)} ms`);
    }
    // The server still answers after everything it was sent.
    expect((await admin.request('GET', '/api/health')).statusCode).toBe(200);
    console.info(`fuzz on ${kind}:`, tally);
    expect(problems.slice(0, 5)).toEqual([]);
  }, 300_000);

  it(`answers cut and mutated copies of each scanner's real report with a 4xx naming where, or issues with lines`, async () => {
    const tally: Record<string, number> = {};
    const problems: string[] = [];
    const check = (ok: boolean, problem: string) => {
      if (!ok) problems.push(problem);
      return ok;
    };
    for (const target of reports) {
      for (let i = 0; i < Math.ceil(cases / 2); i++) {
        const rng = seededRandom(seedOf(target.name, i));
        // Every fourth case is the report cut short; the others are mutated as every importer's files are.
        const cut = i % 4 === 0;
        const { kind: mutation, body } = cut
          ? { kind: 'cut', body: target.base.subarray(0, int(rng, target.base.length)) }
          : mutate(rng, target);
        const where = `${target.name} case ${i} (${mutation}, ${body.length} bytes)`;
        const started = performance.now();
        const res = await admin.request('POST', target.url, body);
        const ms = performance.now() - started;
        check(ms < REPORT_CASE_MS, `${where}: ${Math.round(ms)} ms`);
        const status = res.statusCode < 300 ? '2xx' : String(res.statusCode);
        tally[status] = (tally[status] ?? 0) + 1;
        if (!check(res.statusCode < 500, `${where} → ${res.body.slice(0, 400)}`)) continue;
        const answer = res.json() as Body & {
          error?: { message?: string; details?: { fatal?: { kind: string; line?: number } } };
          issues?: { line?: number; message: string }[];
        };
        if (res.statusCode >= 300) {
          check(!!answer.error?.message, `${where}: no message`);
          const fatal = answer.error?.details?.fatal;
          // A refused report says where, unless it is no report of a known format at all.
          if (fatal && fatal.kind !== 'unknown-format')
            check((fatal.line ?? 0) >= 1, `${where}: ${fatal.kind} without a line → ${answer.error?.message}`);
          continue;
        }
        for (const issue of answer.issues ?? [])
          check((issue.line ?? 0) >= 1, `${where}: issue without a line: ${issue.message}`);
        const again = await admin.request('POST', target.url, body);
        if (check(again.statusCode < 300, `${where} again → ${again.body.slice(0, 400)}`)) target.again(again.json());
      }
    }
    expect((await admin.request('GET', '/api/health')).statusCode).toBe(200);
    console.info(`scanner reports fuzzed on ${kind}:`, tally);
    expect(problems.slice(0, 5)).toEqual([]);
  }, 600_000);
});

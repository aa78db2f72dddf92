import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixture, testdata } from '../../../../tests/support/scan-fixtures.ts';
import { DETECT_LIMIT, readHead } from './format.ts';
import {
  collectScan,
  type Finding,
  FORMATS,
  parseScan,
  parseScanFile,
  SCAN_FORMATS,
  type ScanEvent,
  type WebFinding,
} from './index.ts';

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Every report fixture: the shared real ones and those written for the tests. */
function reports(): string[] {
  const dirs = [
    FIXTURES,
    ...['csv', 'host', 'web', 'openvas'].map((d) =>
      fileURLToPath(new URL(`../../../../tests/fixtures/scans-${d}/`, import.meta.url)),
    ),
  ];
  return dirs
    .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)))
    .filter((file) => /\.(xml|json|csv|nessus)$/.test(file));
}

describe('format detection', () => {
  it.each([
    ['nessus/nessus_with_cvssv3.nessus', 'nessus'],
    ['nessus/nessus_v_unknown.xml', 'nessus'],
    ['nessus/nessus_many_vuln.xml', 'nessus'],
    ['openvas/many_vuln.xml', 'openvas'],
    ['openvas/one_vuln.xml', 'openvas'],
    ['openvas/no_vuln.xml', 'openvas'],
    ['nmap/issue4406.xml', 'nmap'],
    ['nmap/nmap_0port.xml', 'nmap'],
    ['nmap/nmap_multiple_port.xml', 'nmap'],
    ['nmap/nmap_script_vulners.xml', 'nmap'],
    ['tenable-sc/issue_9612.csv', 'tenable-sc-csv'],
    ['tenable-sc/tenable_many_vuln.csv', 'tenable-sc-csv'],
    ['qualys/Qualys_Sample_Report.csv', 'qualys-csv'],
    ['qualys/Qualys_Sample_Report.xml', 'qualys'],
    ['nexpose/many_vulns.xml', 'nexpose'],
    ['wazuh/v4-7_many_findings.json', 'wazuh'],
    ['openscap/many_vuln_rhsa.xml', 'openscap'],
    ['zap/0_zap_sample.xml', 'zap'],
    ['acunetix/XML_http_example_co_id_.xml', 'acunetix'],
    ['acunetix/acunetix360_many_findings.json', 'acunetix360'],
    ['nuclei/many_findings.json', 'nuclei'],
    ['nikto/nikto-report-many-vuln.xml', 'nikto'],
    ['nikto/juice-shop.json', 'nikto-json'],
    ['burp/seven_findings.xml', 'burp'],
  ])('%s is %s', async (file, format) => {
    const events: ScanEvent[] = [];
    for await (const event of parseScanFile(fixture(file))) events.push(event);
    expect(events[0]).toMatchObject({ type: 'start', format });
    expect(events.at(-1)).toMatchObject({ type: 'end', format, fatal: null });
  });

  it.each([
    ['nessus-classic.csv', 'nessus-csv'],
    ['nessus-v3.csv', 'nessus-csv'],
    ['openvas.csv', 'openvas-csv'],
    ['qualys-preamble.csv', 'qualys-csv'],
  ])('testdata %s is %s', async (file, format) => {
    expect((await collectScan(readFileSync(testdata(file)))).format).toBe(format);
  });

  it.each([['zap-traditional.json', 'zap-json']])('web testdata %s is %s', async (file, format) => {
    const path = fileURLToPath(new URL(`../../../../tests/fixtures/scans-web/${file}`, import.meta.url));
    expect((await collectScan(readFileSync(path))).format).toBe(format);
  });

  it('detects from content, not the name: an XML declaration, BOM and comments before the root', async () => {
    const scan = await collectScan('\uFEFF<?xml version="1.0"?>\n<!-- exported -->\n<nmaprun></nmaprun>');
    expect(scan.format).toBe('nmap');
    expect(scan.fatal).toBeNull();
  });

  it.each([
    ['plain text', 'hello, world\nthis is not a report\n'],
    ['empty input', ''],
    ['another XML document', '<?xml version="1.0"?><html><body/></html>'],
    ['Nessus v1', '<NessusClientData><Report/></NessusClientData>'],
    ['binary', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe])],
  ])('rejects %s as an unknown format', async (_, input) => {
    const scan = await collectScan(input);
    expect(scan.format).toBeNull();
    expect(scan.fatal?.kind).toBe('unknown-format');
    expect(scan.fatal?.message).toMatch(
      /^unknown format: not a report Khiên reads \(Nessus .*Nmap XML.*\); it starts with/,
    );
    expect(scan.hosts).toEqual([]);
    expect(scan.summary.complete).toBe(false);
  });

  // What users also upload by mistake: no format may claim it, whatever words it shares with a report.
  it.each([
    [
      'an HTML page',
      '<!DOCTYPE html>\n<html lang="vi"><body><table><tr><th>IP</th><th>QID</th><th>Severity</th></tr></table></body></html>',
    ],
    [
      'an SVG image',
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect/></svg>',
    ],
    [
      'a generic <report>',
      '<?xml version="1.0"?>\n<report id="1"><results><result><host>10.0.0.1</host></result></results></report>',
    ],
    ['a <SCAN> that is not Qualys’', '<SCAN value="1"><IP value="10.0.0.1"/></SCAN>'],
    ['an <issues> that is not Burp’s', '<issues><issue><host>https://a.example.gov.vn</host></issue></issues>'],
    [
      'a <Benchmark> without XCCDF',
      '<Benchmark id="b"><TestResult id="t"><target-address>10.0.0.1</target-address></TestResult></Benchmark>',
    ],
    [
      'a package.json',
      JSON.stringify({ name: 'khien', version: '1.0.0', scripts: { test: 'vitest' }, dependencies: {} }, null, 2),
    ],
    [
      'an npm audit report',
      JSON.stringify({
        auditReportVersion: 2,
        vulnerabilities: { lodash: { name: 'lodash', severity: 'high', via: [], range: '<4.17.21' } },
        metadata: {},
      }),
    ],
    [
      'a GeoJSON of exposed services',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [104.9, 21.7] },
            properties: { host: '203.113.0.10', port: 443, banner: 'nginx', vulnerabilities: [] },
          },
        ],
      }),
    ],
    [
      'another index’s search answer',
      JSON.stringify({
        hits: {
          total: { value: 1 },
          hits: [{ _index: 'logs-2024', _source: { vulnerability: { id: 'CVE-2024-1' } } }],
        },
      }),
    ],
    [
      'JSON Lines of a log',
      '{"time":"2024-06-01T08:00:00Z","level":"info","host":"a","msg":"started"}\n{"time":"2024-06-01T08:00:01Z"}\n',
    ],
    ['an empty JSON array', '[]'],
    ['a CSV with an IP column', 'IP,Hostname,Severity,Description\n10.0.0.1,pc01,High,disk full\n'],
    ['a firewall CSV', 'Time,Source IP,Destination IP,Port,Severity\n2024-06-01 08:00,10.0.0.1,10.0.0.2,443,high\n'],
    ['a CSV of plugins by IP address', 'Plugin,Version,IP Address\nakismet,5.0,10.0.0.1\n'],
  ])('does not take %s for a report', async (_, input) => {
    const scan = await collectScan(input);
    expect(scan.fatal?.kind).toBe('unknown-format');
    expect(scan.format).toBeNull();
  });

  it('registers every format, and each fixture is claimed by its own format alone (the order does not decide)', () => {
    expect(FORMATS.map((f) => f.format).sort()).toEqual([...SCAN_FORMATS].sort());
    for (const file of reports()) {
      const text = readFileSync(file, 'utf8');
      const head = readHead(text.slice(0, DETECT_LIMIT), text.length <= DETECT_LIMIT);
      expect(
        FORMATS.filter((f) => head && f.detect(head)).map((f) => f.format),
        file,
      ).toHaveLength(1);
    }
  });

  it('keeps every finding’s evidence and texts within the limits given, in every format', async () => {
    for (const file of reports()) {
      const scan = await collectScan(readFileSync(file), { maxOutputLength: 50, maxTextLength: 80 });
      for (const f of [...scan.hosts, ...scan.websites].flatMap((r): (Finding | WebFinding)[] => r.findings)) {
        expect(f.output?.length ?? 0, `${file} ${f.scannerId}`).toBeLessThanOrEqual(51);
        for (const text of [f.description, f.solution, 'synopsis' in f ? f.synopsis : undefined])
          expect(text?.length ?? 0, `${file} ${f.scannerId}`).toBeLessThanOrEqual(81);
      }
    }
  });

  it('names every format in the unknown-format message', async () => {
    const { fatal } = await collectScan('hello');
    for (const spec of FORMATS) expect(fatal?.message).toContain(spec.label);
  });

  it('reports an unreadable file as a read error', async () => {
    const scan = await collectScan(parseScanFileInput('/nonexistent/report.nessus'));
    expect(scan.fatal).toMatchObject({ kind: 'read-error' });
    expect(scan.fatal?.message).toContain('ENOENT');
  });
});

/** An async iterable that fails like a missing file does. */
async function* parseScanFileInput(path: string): AsyncGenerator<Uint8Array> {
  yield readFileSync(path);
}

describe('streaming', () => {
  it.each([
    [
      'Nuclei JSON Lines',
      '',
      (i: number, big: string) =>
        `${JSON.stringify({ 'template-id': 't', info: { name: 'n', severity: 'low', description: big }, 'matched-at': `https://a.example.gov.vn/p${i}`, 'extracted-results': [`CVE-2024-${1000 + i} ${big}`] })}\n`,
      '',
    ],
    [
      'ZAP JSON',
      '{"@generated":"Tue, 12 May 2020 20:57:30","site":[{"@name":"https://a.example.gov.vn","alerts":[{"pluginid":"1","riskcode":"2","instances":[',
      (i: number, big: string) =>
        `${i ? ',' : ''}${JSON.stringify({ uri: `https://a.example.gov.vn/p${i}`, evidence: big, otherinfo: big })}`,
      '],"desc":"d"}]}]}',
    ],
    [
      'Nikto JSON',
      '[{"host":"a.example.gov.vn","port":"443","banner":"x","vulnerabilities":[',
      (i: number, big: string) =>
        `${i ? ',' : ''}${JSON.stringify({ id: `00${1000 + i}`, method: 'GET', url: `/p${i}`, msg: `CVE-2024-${1000 + i} ${big}` })}`,
      ']}]',
    ],
    [
      'Wazuh indexer JSON',
      '{"hits":{"hits":[',
      (i: number, big: string) =>
        `${i ? ',' : ''}${JSON.stringify({ _index: 'wazuh-states-vulnerabilities-x', _source: { agent: { host: { ip: '10.0.0.1' } }, package: { name: `p${i}` }, vulnerability: { id: `CVE-2024-${1000 + i}`, severity: 'High', description: big }, wazuh: {} } })}`,
      ']}}',
    ],
  ])('keeps bounded copies of %s texts, never the record they were read from', async (_, head, record, tail) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const big = 'y'.repeat(1024 * 1024);
    let peak = 0;
    const held = () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    async function* report(): AsyncGenerator<string> {
      yield head;
      for (let i = 0; i < 16; i++) {
        yield record(i, big);
        held();
      }
      yield tail;
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    const scan = await collectScan(report());
    held();
    // 16 records of 2 MB of text each are read, one at a time; what findings keep of them is bounded (a few KB each).
    expect(peak - before).toBeLessThan(10 * 1024 * 1024);
    expect(scan.fatal).toBeNull();
    expect(scan.summary.findings).toBe(16);
  });

  it('gives the same result whatever the chunk boundaries, even inside UTF-8 characters', async () => {
    const bytes = readFileSync(fixture('nessus/nessus_v_unknown.xml'));
    const whole = await collectScan(bytes);
    for (const size of [1_000, 4_099]) {
      expect(await collectScan(pieces(bytes, size))).toEqual(whole);
    }
    const csv = readFileSync(testdata('nessus-classic.csv'));
    expect(await collectScan(pieces(csv, 7))).toEqual(await collectScan(csv));
  });

  it('emits a host before reading the rest of the file', async () => {
    const bytes = readFileSync(fixture('nessus/nessus_v_unknown.xml'));
    let read = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of pieces(bytes, 16 * 1024)) {
        read += chunk.length;
        yield chunk;
      }
    }
    for await (const event of parseScan(counted())) {
      if (event.type === 'host') break;
    }
    // Only the chunk holding the end of the first host has been read past it.
    const firstHostEnd = bytes.indexOf('</ReportHost>') + '</ReportHost>'.length;
    expect(read).toBeLessThanOrEqual(firstHostEnd + 16 * 1024);
    expect(read).toBeLessThan(bytes.length);
  });
});

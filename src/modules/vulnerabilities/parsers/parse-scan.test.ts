import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, testdata } from '../../../../tests/support/scan-fixtures.ts';
import { collectScan, parseScan, parseScanFile, type ScanEvent } from './index.ts';

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
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

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fixtureText, testdata } from '../../../../../tests/support/scan-fixtures.ts';
import { formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { scanInstant } from '../../scan-time.ts';
import { collectScan, type Severity } from '../index.ts';

/** Counts from the file's own cells: a finding per plugin on a host's port (rows repeat it once per CVE). */
function expected(text: string) {
  const all: Record<string, string>[] = parse(text, { columns: true });
  const rows = all.filter((r) => Object.values(r).some((v) => v.trim() !== ''));
  const findings = new Map<string, Severity>();
  for (const r of rows) {
    const plugin = r.Plugin ?? r['Plugin ID'];
    // The first layout rates by its Severity label; the second is checked against its Risk label (the parser reads
    // its numeric Severity), and a fixed vulnerability is informational.
    const label = (r['Plugin ID'] ? r.Risk : r.Severity)?.toLowerCase() as Severity;
    const severity = r['Vulnerability State'] === 'Fixed' ? 'info' : label;
    findings.set(`${r['IP Address']}|${plugin}|${r.Port}|${r.Protocol}`, severity);
  }
  const bySeverity = noFindings();
  for (const severity of findings.values()) bySeverity[severity]++;
  return { subjects: new Set(rows.map((r) => r['IP Address'])).size, bySeverity };
}

describe('Tenable.sc CSV', () => {
  const sc = fixtureText('tenable-sc/issue_9612.csv');
  formatContract({
    file: 'tenable-sc/issue_9612.csv',
    format: 'tenable-sc-csv',
    expected,
    // The middle of this small file is inside a quoted Plugin Output: the garbage goes before the last row instead.
    garbageAt: (sc.lastIndexOf('\n"73756"') + 1.5) / sc.length,
  });
  formatContract({ file: 'tenable-sc/tenable_many_vuln.csv', format: 'tenable-sc-csv', expected });

  it('reads the "Plugin" layout: host identity, scores, and Last Observed (UTC) as the scan time', async () => {
    const scan = await collectScan(fixtureText('tenable-sc/issue_9612.csv'));
    expect(scan.issues).toEqual([]);
    expect(scan.hosts.map((h) => [h.host.ip, h.findings.map((f) => f.port)])).toEqual([
      ['2.3.4.5', [1433, 5555]],
      ['1.2.3.4', [1433]],
    ]);
    expect(scan.hosts[0]?.host).toEqual({
      ip: '2.3.4.5',
      ipVersion: 4,
      netbios: 'WORKGROUP\\ECODARCHDB',
      mac: '9c:8e:99:1b:8b:dc',
      scanStart: { raw: 'Feb 19, 2024 21:01:01 UTC', iso: '2024-02-19T21:01:01.000Z' },
    });
    expect(scan.hosts[0]?.findings[0]).toMatchObject({
      scanner: 'nessus',
      scannerId: '73756',
      name: 'Microsoft SQL Server Unsupported Version Detection (remote check)',
      severity: 'critical',
      scannerRating: 'Critical',
      cvss2: { score: 10, vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' },
      cvss3: { score: 10, vector: 'AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' },
      protocol: 'tcp',
      family: 'Databases',
      seeAlso: ['http://www.nessus.org/u?d4418a57'],
      exploitAvailable: false,
      position: { line: 2, row: 1 },
    });
    expect(scan.hosts[0]?.findings[0]?.output).toContain('Installed version : 10.50.6560.0');
  });

  it('reads the "Plugin ID" layout: CVE rows merged, Host Start as the scan time, empty rows ignored', async () => {
    const scan = await collectScan(fixtureText('tenable-sc/tenable_many_vuln.csv'));
    // The file ends with two rows of empty cells: neither an issue nor a dropped finding.
    expect(scan.issues).toEqual([]);
    expect(scan.hosts.map((h) => h.host.ip)).toEqual(['127.0.0.1', '192.168.1.110', '192.167.1.110']);
    expect(scan.hosts[0]?.host).toEqual({
      ip: '127.0.0.1',
      ipVersion: 4,
      hostname: 'ip-127-0-0-1.us-west-2.compute.internal',
      fqdn: 'ip-127-0-0-1.us-west-2.compute.internal',
      os: 'Linux Kernel 4.14.313-235.533.amzn2.x86_64 on Amazon Linux 2',
      scanStart: { raw: '2023-06-08T01:07:18.371Z', iso: '2023-06-08T01:07:18.371Z' },
    });
    const mariadb = scan.hosts[0]?.findings.find((f) => f.scannerId === '176703');
    expect(mariadb).toMatchObject({
      severity: 'high',
      scannerRating: '3',
      port: 0,
      protocol: 'tcp',
      cvss2: { score: 5, vector: 'AV:N/AC:L/Au:N/C:N/I:N/A:P' },
      cvss3: { score: 7.5, vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
      exploitAvailable: true,
    });
    // Ten rows, one per CVE, are one finding.
    expect(mariadb?.cves).toHaveLength(10);
    expect(mariadb?.cves).toEqual(expect.arrayContaining(['CVE-2021-46657', 'CVE-2022-31624']));
    expect(scan.summary).toMatchObject({ findings: 9, distinctCves: 18, vulnerableHosts: 3 });
  });

  it('reads a vulnerability Tenable saw fixed as informational: not open on the computer', async () => {
    const text = fixtureText('tenable-sc/tenable_many_vuln.csv');
    const fixedKernel = text.replace(',Active,127.0.0.1,', ',Fixed,127.0.0.1,');
    expect(fixedKernel).not.toBe(text);
    const scan = await collectScan(fixedKernel);
    expect(scan.hosts[0]?.findings[0]).toMatchObject({ scannerId: '176700', severity: 'info', scannerRating: '3' });
    expect(scan.summary.findingsBySeverity).toEqual({ critical: 0, high: 2, medium: 6, low: 0, info: 1 });
    expect(scan.summary.hosts).toBe(3);
  });

  it('keeps an impossible Last Observed as written, without an instant', async () => {
    const csv = [
      '"Plugin","Plugin Name","Severity","IP Address","Protocol","Port","Last Observed"',
      '"10863","SSL Certificate Information","Info","192.168.10.5","TCP","443","Feb 30, 2024 10:00:00 UTC"',
      '"10863","SSL Certificate Information","Info","192.168.10.6","TCP","443","Feb 29, 2024 10:00:00 UTC"',
    ].join('\n');
    const scan = await collectScan(csv);
    expect(scan.format).toBe('tenable-sc-csv');
    expect(scan.hosts.map((h) => h.host.scanStart)).toEqual([
      { raw: 'Feb 30, 2024 10:00:00 UTC' },
      { raw: 'Feb 29, 2024 10:00:00 UTC', iso: '2024-02-29T10:00:00.000Z' },
    ]);
    expect(scanInstant(scan.hosts[0]?.host.scanStart)).toBeUndefined();
    expect(scan.hosts[0]?.findings[0]).toMatchObject({ severity: 'info', protocol: 'tcp' });
  });

  it.each(['nessus-classic.csv', 'nessus-v3.csv'])('leaves the plain Nessus CSV %s to nessus-csv', async (file) => {
    expect((await collectScan(readFileSync(testdata(file)))).format).toBe('nessus-csv');
  });
});

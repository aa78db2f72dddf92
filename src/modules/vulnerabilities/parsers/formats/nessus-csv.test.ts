import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../../../tests/support/scan-fixtures.ts';
import { collectScan } from '../index.ts';

describe('Nessus CSV export', () => {
  it('reads the classic layout, merges one-row-per-CVE, and reports bad rows by number', async () => {
    const scan = await collectScan(createReadStream(testdata('nessus-classic.csv')));
    expect(scan.format).toBe('nessus-csv');
    expect(scan.fatal).toBeNull();

    expect(scan.issues.map(({ code, row, line, dropped }) => ({ code, row, line, dropped }))).toEqual([
      { code: 'bad-row', row: 6, line: 16, dropped: 1 },
      { code: 'invalid-score', row: 8, line: 18, dropped: 0 },
      { code: 'invalid-ip', row: 9, line: 19, dropped: 1 },
    ]);
    expect(scan.issues[0]?.message).toMatch(/^row 6: Invalid Record Length/);
    expect(scan.issues[2]?.message).toContain('"10.20.1.300"');

    expect(scan.hosts.map((h) => [h.host.ip, h.findings.map((f) => f.scannerId)])).toEqual([
      ['10.20.1.15', ['19506', '97833', '57608']],
      ['10.20.1.16', ['10863', '51192', '58453']],
    ]);
    const eternalBlue = scan.hosts[0]?.findings[1];
    expect(eternalBlue).toMatchObject({
      scanner: 'nessus',
      severity: 'critical',
      scannerRating: 'Critical',
      cvss2: { score: 10 },
      cves: ['CVE-2017-0143', 'CVE-2017-0144'],
      port: 445,
      protocol: 'tcp',
      seeAlso: [
        'https://technet.microsoft.com/library/security/MS17-010',
        'https://support.microsoft.com/en-us/help/4013389',
      ],
    });
    expect(scan.hosts[0]?.findings[0]?.output).toContain('Nessus version : 10.4.2');
    // "high" is no CVSS score: dropped, and the Risk column still rates the finding.
    expect(scan.hosts[1]?.findings[2]).toMatchObject({ severity: 'medium' });
    expect(scan.hosts[1]?.findings[2]?.cvss2).toBeUndefined();

    expect(scan.summary).toMatchObject({
      hosts: 2,
      findings: 6,
      findingsBySeverity: { critical: 1, high: 0, medium: 3, low: 0, info: 2 },
      distinctCves: 2,
      vulnerableHosts: 2,
      issues: 3,
      droppedFindings: 2,
    });
  });

  it('reads the newer layout with CVSS v3 and IPv6 hosts', async () => {
    const scan = await collectScan(readFileSync(testdata('nessus-v3.csv')));
    expect(scan.issues).toEqual([]);
    expect(scan.hosts.map((h) => h.host.ip)).toEqual(['172.16.5.20', 'fe80::1']);
    expect(scan.hosts[0]?.findings[0]).toMatchObject({
      severity: 'critical',
      cvss2: { score: 10 },
      cvss3: { score: 10 },
    });
    expect(scan.hosts[0]?.findings[1]).toMatchObject({
      cves: ['CVE-2020-7069', 'CVE-2020-7070'],
      cvss3: { score: 7.5 },
    });
    expect(scan.summary).toMatchObject({
      hosts: 2,
      findings: 4,
      findingsBySeverity: { critical: 1, high: 1, medium: 0, low: 1, info: 1 },
      distinctCves: 4,
      vulnerableHosts: 2,
    });
  });

  it('reports a CSV cut inside a quoted field as truncated', async () => {
    const text = readFileSync(testdata('nessus-classic.csv'), 'utf8');
    const scan = await collectScan(text.slice(0, text.indexOf('Nessus version')));
    expect(scan.fatal).toMatchObject({ kind: 'truncated' });
    expect(scan.fatal?.message).toMatch(/^truncated at line \d+/);
    expect(scan.summary.complete).toBe(false);
  });
});

describe('OpenVAS CSV export', () => {
  it('rates by the Severity column and keeps rows with a bad CVSS value', async () => {
    const scan = await collectScan(createReadStream(testdata('openvas.csv')));
    expect(scan.format).toBe('openvas-csv');
    expect(scan.issues).toEqual([
      expect.objectContaining({ code: 'invalid-score', row: 5, line: 6, path: 'openvas-csv', dropped: 0 }),
    ]);
    // The Timestamp column is when the scanner found the result: the host's scan time.
    const scanStart = { raw: '2024-06-03T02:11:07Z', iso: '2024-06-03T02:11:07.000Z' };
    expect(scan.hosts.map((h) => h.host)).toEqual([
      { ip: '192.168.10.5', ipVersion: 4, hostname: 'mail.ubnd.yenbai.gov.vn', scanStart },
      { ip: '192.168.10.7', ipVersion: 4, scanStart },
    ]);
    expect(scan.hosts[0]?.findings[1]).toMatchObject({
      scanner: 'openvas',
      scannerId: '1.3.6.1.4.1.25623.1.0.117274',
      severity: 'medium',
      scannerScore: 5,
      cves: ['CVE-2011-3389', 'CVE-2015-0204'],
      port: 443,
    });
    expect(scan.hosts[0]?.findings[2]).toMatchObject({ severity: 'info', port: 0, protocol: '' });
    expect(scan.summary).toMatchObject({
      hosts: 2,
      findings: 5,
      findingsBySeverity: { critical: 0, high: 1, medium: 2, low: 1, info: 1 },
      distinctCves: 4,
      vulnerableHosts: 2,
    });
  });
});

describe('a CSV cut in its last row', () => {
  const header = '"Plugin ID","CVE","CVSS","Risk","Host","Protocol","Port","Name"';
  const row = (ip: string, id: string) => `"${id}","","","High","${ip}","tcp","80","Check ${id}"`;

  it('is refused whole at that row when the file ends inside it', async () => {
    const text = `${header}\n${row('10.0.0.1', '1')}\n${row('10.0.0.2', '2')}\n"3","","","High","10.0.0.3"`;
    const scan = await collectScan(text);
    expect(scan.fatal).toMatchObject({ kind: 'truncated', line: 4 });
    expect(scan.fatal?.message).toMatch(/^truncated at line 4: the last row is cut/);
  });

  it('is one malformed row, the others kept, when a line end follows it', async () => {
    const text = `${header}\n${row('10.0.0.1', '1')}\n"3","","","High","10.0.0.3"\n${row('10.0.0.2', '2')}\n`;
    const scan = await collectScan(text);
    expect(scan.fatal).toBeNull();
    expect(scan.issues).toMatchObject([{ code: 'bad-row', line: 3, dropped: 1 }]);
    expect(scan.summary.findings).toBe(2);
  });
});

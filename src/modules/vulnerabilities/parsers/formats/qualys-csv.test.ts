import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fixtureText, testdata } from '../../../../../tests/support/scan-fixtures.ts';
import { formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { scanInstant } from '../../scan-time.ts';
import { collectScan, type Severity } from '../index.ts';

/** Qualys levels as docs/scan-formats.md states them (qualys.com/research/knowledge/severity). */
const LEVEL: Record<string, Severity> = { '5': 'critical', '4': 'high', '3': 'medium', '2': 'low', '1': 'low' };

/** Counts from the file's own cells: the header is the line that starts with "IP" (after any title block). */
function expected(text: string) {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.startsWith('"IP",'));
  const rows: Record<string, string>[] = parse(lines.slice(header).join('\n'), { columns: true });
  const findings = new Map<string, Severity>();
  for (const r of rows) {
    const informational = r.Type === 'Ig' || r['Vuln Status'] === 'Fixed';
    // A row without a level 1–5 is rated by the score in its CVSS3 Base ("5.3 (AV:…)"), on CVSS v3's scale.
    const score = Number.parseFloat(r['CVSS3 Base'] ?? '');
    const byScore = score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';
    const severity = informational ? 'info' : (LEVEL[r.Severity ?? ''] ?? byScore);
    findings.set(`${r.IP}|${r.QID}|${r.Port}|${r.Protocol}`, severity);
  }
  const bySeverity = noFindings();
  for (const severity of findings.values()) bySeverity[severity]++;
  return { subjects: new Set(rows.map((r) => r.IP)).size, bySeverity };
}

describe('Qualys CSV', () => {
  const sample = fixtureText('qualys/Qualys_Sample_Report.csv');
  formatContract({
    file: 'qualys/Qualys_Sample_Report.csv',
    format: 'qualys-csv',
    expected,
    // The middle of this small file is inside a quoted Threat: the garbage goes before the fourth row instead.
    garbageAt: (sample.indexOf('\n"10.98.57.151"') + 1.5) / sample.length,
  });
  // Written for these tests: most of the real sample's columns, and CVSS Base, under a title block like Qualys' reports
  // start with; it has what the sample lacks (levels 1–4, Ig, Practice and Potential types, a fixed detection).
  const preamble = readFileSync(testdata('qualys-preamble.csv'), 'utf8');
  formatContract({
    file: testdata('qualys-preamble.csv'),
    format: 'qualys-csv',
    expected,
    // Its middle is inside a quoted Threat too, where garbage is only more text: it goes before the second host.
    garbageAt: (preamble.indexOf('\n"192.168.10.7"') + 1.5) / preamble.length,
  });

  it('reads the host, the QID and its CVEs, and Last Detected as the province-time scan time', async () => {
    const scan = await collectScan(fixtureText('qualys/Qualys_Sample_Report.csv'));
    expect(scan.issues).toEqual([]);
    expect(scan.hosts.map((h) => [h.host.ip, h.findings.map((f) => f.scannerId)])).toEqual([
      ['10.98.57.180', ['105971', '105970', '91762']],
      ['10.98.57.151', ['105971']],
      ['10.98.49.209', ['105971']],
      ['10.98.35.11', ['105971']],
    ]);
    const [first] = scan.hosts;
    expect(first?.host).toEqual({
      ip: '10.98.57.180',
      ipVersion: 4,
      fqdn: 'ip-10-98-57-180.eu-west-1.compute.internal',
      netbios: 'EC2AMAZ-IU0C43L',
      os: 'Windows Server 2016 Datacenter 64 bit Edition Version 1607',
      scanStart: { raw: '2021-05-25T07:36:58' },
    });
    // "05/25/2021 07:36:58" has no zone: read as UTC+7.
    expect(scanInstant(first?.host.scanStart)).toEqual({ at: new Date('2021-05-25T00:36:58Z'), zoneAssumed: true });
    const update = first?.findings[2];
    expect(update).toMatchObject({
      scanner: 'qualys',
      name: 'Microsoft Windows Security Update for May 2021',
      severity: 'critical',
      scannerRating: '5',
      cvss3: { score: 9.9, vector: 'AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H' },
      port: 0,
      protocol: '',
      family: 'Windows',
      synopsis: 'A remote attacker could exploit this vulnerability and execute code on the target system.',
    });
    expect(update?.cves).toHaveLength(23);
    expect(update?.cves.slice(0, 2)).toEqual(['CVE-2021-31192', 'CVE-2021-31188']);
    expect(update?.solution).toContain('Security Update Guide');
  });

  it('finds the header after a title block, and maps types, levels and fixed detections', async () => {
    const scan = await collectScan(readFileSync(testdata('qualys-preamble.csv')));
    expect(scan.format).toBe('qualys-csv');
    expect(scan.fatal).toBeNull();
    // The first data row is line 10: the title block's 8 lines and the header are not rows.
    expect(scan.hosts[0]?.position).toMatchObject({ line: 10, row: 1 });
    const rated = scan.hosts.flatMap((h) => h.findings.map((f) => [f.scannerId, f.severity, f.port]));
    expect(rated).toEqual([
      ['38170', 'low', 443],
      ['38657', 'medium', 443],
      // A potential vulnerability ("Practice", "Potential") is rated by its level like a confirmed one.
      ['86473', 'low', 80],
      // Information gathered is never a vulnerability, whatever its level.
      ['45038', 'info', 0],
      // Fixed: no longer open on the computer.
      ['38739', 'info', 22],
      // Level 1 (minimal) of a vulnerability is still one.
      ['150004', 'low', 80],
      ['105943', 'high', 80],
      // "urgent" is no level: rated by CVSS3 Base 5.3, with an issue.
      ['38794', 'medium', 443],
    ]);
    expect(scan.issues).toEqual([expect.objectContaining({ code: 'invalid-severity', row: 8, line: 17, dropped: 0 })]);
    expect(scan.issues[0]?.message).toBe('row 8: Severity "urgent" is not a level 1–5; rated medium');
    expect(scan.hosts[0]?.findings[1]).toMatchObject({
      cves: ['CVE-2016-2183', 'CVE-2016-6329'],
      cvss2: { score: 5, vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' },
      cvss3: { score: 7.5, vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' },
      output: 'TLSv1.2 DES-CBC3-SHA',
    });
    // A host first listed by a fixed detection is dated by when the scan found it fixed.
    expect(scan.hosts.map((h) => h.host.scanStart?.raw)).toEqual(['2024-06-03T09:12:40', '2024-06-03T09:40:02']);
  });

  it('rates a vulnerability without a level 1–5 as the XML layout does: by its CVSS, else medium, reported', async () => {
    const csv = [
      '"IP","QID","Title","Type","Severity","Port","Protocol","CVSS Base","CVSS3 Base"',
      '"10.0.0.1","38794","Invalid protocol version tolerance","Vuln","urgent","443","tcp","",""',
      '"10.0.0.1","38795","Weak cipher","Vuln","","443","tcp","","9.8 (AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H)"',
      '"10.0.0.1","45038","Host scan time","Ig","","","","",""',
    ].join('\n');
    const scan = await collectScan(csv);
    expect(scan.hosts[0]?.findings.map((f) => [f.scannerId, f.severity])).toEqual([
      ['38794', 'medium'],
      ['38795', 'critical'],
      ['45038', 'info'],
    ]);
    expect(scan.issues.map((i) => [i.code, i.row])).toEqual([
      ['invalid-severity', 1],
      ['invalid-severity', 2],
    ]);
  });

  it('reports a malformed row at the line where it starts, as any other row, when a cell spans lines', async () => {
    const csv = [
      '"IP","QID","Title","Type","Severity","Port","Protocol","Results"',
      '"10.0.0.1","38170","a","Vuln","2","443","tcp","one\ntwo"',
      '"10.0.0.1","38171","b","Vuln","2","443","tcp","three\nfour\nfive","one cell too many"',
      '"10.0.0.999","38172","c","Vuln","2","443","tcp","six\nseven"',
    ].join('\n');
    const scan = await collectScan(csv);
    expect(scan.issues.map((i) => [i.code, i.row, i.line])).toEqual([
      ['bad-row', 2, 4],
      ['invalid-ip', 3, 7],
    ]);
  });

  it('reports a CVSS cell that is no score and keeps the finding', async () => {
    const text = readFileSync(testdata('qualys-preamble.csv'), 'utf8').replace('"5.8 (AV:', '"n/a (AV:');
    const scan = await collectScan(text);
    expect(scan.issues[0]).toMatchObject({ code: 'invalid-score', row: 1, line: 10, dropped: 0 });
    expect(scan.issues[0]?.message).toBe('row 1: CVSS Base "n/a (AV:N/AC:M/Au:N/C:P/I:P/A:N)" is not a score; ignored');
    expect(scan.hosts[0]?.findings[0]).toMatchObject({ scannerId: '38170', severity: 'low', cvss3: { score: 6.5 } });
    expect(scan.hosts[0]?.findings[0]?.cvss2).toBeUndefined();
  });

  it('is not a Nessus or OpenVAS CSV, nor a header past the title block it may have', async () => {
    for (const file of ['nessus-classic.csv', 'openvas.csv'])
      expect((await collectScan(readFileSync(testdata(file)))).format).not.toBe('qualys-csv');
    const late = `${'"title"\n'.repeat(60)}"IP","QID","Title","Severity"\n"10.0.0.1","38170","x","2"\n`;
    expect((await collectScan(late)).format).toBeNull();
  });
});

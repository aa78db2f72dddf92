import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { collectScan, hostKey, type Severity } from '../index.ts';

/** The `<results>` section only: the `<ports>` summary repeats hosts and threats. */
function resultsOf(xml: string): string[] {
  const section = xml.slice(xml.indexOf('<results'), xml.indexOf('</results>'));
  return section.split(/<result id=/).slice(1);
}

describe('OpenVAS / Greenbone XML fixtures', () => {
  it('reports every result on the invalid address 192.168.1.1001 and attributes none', async () => {
    const xml = fixtureText('openvas/many_vuln.xml');
    const scan = await collectScan(xml);
    const results = resultsOf(xml);

    expect(scan.format).toBe('openvas');
    expect(scan.fatal).toBeNull();
    expect(results).toHaveLength(44);
    expect(scan.hosts).toEqual([]);
    expect(scan.summary).toMatchObject({ hosts: 0, findings: 0, vulnerableHosts: 0, droppedFindings: 44 });

    const perResult = scan.issues.filter((i) => i.path === 'report/report/results/result/host');
    expect(perResult).toHaveLength(44);
    expect(perResult.every((i) => i.code === 'invalid-ip' && i.dropped === 1)).toBe(true);
    expect(perResult[0]?.message).toContain('"192.168.1.1001"');
    // Each issue points at the <host> element of its result.
    const hostLines = Array.from(xml.matchAll(/<host>192\.168\.1\.1001<asset/g), (m) => lineOf(xml, m.index));
    expect(perResult.map((i) => i.line)).toEqual(hostLines);
    // …and the host summary at the end of the report is reported too.
    expect(scan.issues.at(-1)).toMatchObject({ code: 'invalid-ip', path: 'report/report/host', dropped: 0 });
  });

  it('rates results by the threat label, falling back to the score when the label is empty', async () => {
    // Same report with a valid address, to check what would have been imported.
    const xml = fixtureText('openvas/many_vuln.xml').replaceAll('192.168.1.1001', '192.168.1.101');
    const scan = await collectScan(xml);
    const expected: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const result of resultsOf(xml)) {
      const threat = /<threat>([^<]*)<\/threat>/.exec(result)?.[1] ?? '';
      const score = Number(/<severity>([^<]*)<\/severity>/.exec(result)?.[1]);
      const label = threat ? (threat.toLowerCase() as Severity) : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
      expected[label]++;
    }
    expect(scan.issues).toEqual([]);
    expect(scan.summary.findings).toBe(44);
    expect(scan.summary.findingsBySeverity).toEqual(expected);
    expect(expected).toEqual({ critical: 0, high: 19, medium: 25, low: 0, info: 0 });
    expect(scan.summary.hosts).toBe(1);
    expect(scan.summary.vulnerableHosts).toBe(1);
    const cves = new Set(Array.from(xml.matchAll(/<ref id="(CVE-[^"]+)" type="cve"/g), (m) => m[1]));
    expect(scan.summary.distinctCves).toBe(cves.size);

    const empty = scan.hosts.flatMap((h) => h.findings).filter((f) => f.scannerRating === undefined);
    expect(empty).toHaveLength(2);
    expect(empty.every((f) => f.severity === 'medium' && f.scannerScore === 4)).toBe(true);
    // The host summary carries the scan times; the results' host name follows it.
    const summary = scan.hosts.find((h) => h.findings.length === 0);
    expect(summary?.host).toMatchObject({
      ip: '192.168.1.101',
      hostname: 'b6b9f466d63',
      scanStart: { iso: '2023-09-26T10:50:34.000Z' },
      scanEnd: { iso: '2023-09-26T13:04:00.000Z' },
    });
    expect(new Set(scan.hosts.map((h) => hostKey(h.host))).size).toBe(1);
  });

  it('dates the results by the report’s scan start until the host summary gives the host’s own times', async () => {
    const scan = await collectScan(fixtureText('openvas/one_vuln.xml'));
    const [results, summary] = scan.hosts;
    expect(results?.findings).toHaveLength(1);
    expect(results?.host.scanStart).toEqual({ raw: '2023-09-28T14:48:02Z', iso: '2023-09-28T14:48:02.000Z' });
    expect(results?.host.scanEnd).toBeUndefined();
    expect(summary?.host).toMatchObject({ scanEnd: { iso: '2023-09-28T16:12:15.000Z' } });
  });

  it('reads one result with its NVT, CVSS, refs and tags', async () => {
    const scan = await collectScan(fixtureText('openvas/one_vuln.xml'));
    expect(scan.summary).toMatchObject({ hosts: 1, findings: 1, vulnerableHosts: 1, distinctCves: 12 });
    const finding = scan.hosts[0]?.findings[0];
    expect(finding).toMatchObject({
      scanner: 'openvas',
      scannerId: '1.3.6.1.4.1.25623.1.0.832260',
      name: 'Mozilla Firefox Security Update (mfsa_2023-32_2023-36) - Windows',
      severity: 'high',
      scannerRating: 'High',
      scannerScore: 10,
      cvss2: { score: 10 },
      port: 0,
      protocol: 'tcp',
      family: 'General',
      synopsis: 'Mozilla Firefox is prone to multiple vulnerabilities.',
    });
    expect(finding?.solution).toMatch(/^Upgrade to version 117 or later/);
    expect(finding?.output).toMatch(/^Installed version: 116\.0\.3/);
    expect(finding?.cves).toContain('CVE-2023-4573');
    expect(finding?.cves).not.toContain('https://www.mozilla.org/en-US/security/advisories/mfsa2023-34/');
  });

  it('reads a report without results as zero hosts', async () => {
    const scan = await collectScan(fixtureText('openvas/no_vuln.xml'));
    expect(scan.fatal).toBeNull();
    expect(scan.issues).toEqual([]);
    expect(scan.summary).toMatchObject({ hosts: 0, findings: 0, vulnerableHosts: 0, complete: true });
  });

  it('reads the newer layout: severities vector, nvt solution, Critical and Log threats', async () => {
    const xml = `<get_reports_response status="200"><report id="r"><report id="r">
<results>
<result id="a"><host>10.1.2.3<asset asset_id="x"/><hostname>ws01</hostname></host><port>443/tcp</port>
<nvt oid="1.3.6.1.4.1.25623.1.0.1"><name>Critical thing</name><family>Web</family><cvss_base>9.8</cvss_base>
<severities score="9.8"><severity type="cvss_base_v3"><origin/><date>2024-01-01T00:00:00Z</date><score>9.8</score>
<value>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</value></severity></severities>
<tags>summary=Bad.|insight=Worse.|vuldetect=x</tags><solution type="VendorFix">Update it.</solution>
<refs><ref type="cve" id="CVE-2024-0001"/></refs></nvt>
<threat>Critical</threat><severity>9.8</severity><description>found</description>
<detection><result id="d"><details><detail><name>product</name><value>cpe:/a:x</value></detail></details></result></detection>
</result>
<result id="b"><host>10.1.2.3</host><port>general/tcp</port><nvt oid="1.3.6.1.4.1.25623.1.0.2"><name>OS</name><cvss_base>0.0</cvss_base><cve>NOCVE</cve></nvt>
<threat>Log</threat><severity>0.0</severity></result>
</results></report></report></get_reports_response>`;
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([]);
    expect(scan.hosts).toHaveLength(1);
    const [critical, log] = scan.hosts[0]?.findings ?? [];
    expect(critical).toMatchObject({
      severity: 'critical',
      cvss3: { score: 9.8, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      solution: 'Update it.',
      description: 'Worse.',
      port: 443,
      cves: ['CVE-2024-0001'],
    });
    expect(critical?.cvss2).toBeUndefined();
    expect(log).toMatchObject({ severity: 'info', cves: [], port: 0 });
    expect(scan.hosts[0]?.host.hostname).toBe('ws01');
    expect(scan.summary.vulnerableHosts).toBe(1);
  });
});

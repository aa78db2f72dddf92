import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { HOLD_LIMIT } from '../held.ts';
import { collectScan, type Severity } from '../index.ts';

/** Qualys levels 1–5 of a confirmed or potential vulnerability, as docs/scan-formats.md states them. */
const LEVELS: Severity[] = ['low', 'low', 'medium', 'high', 'critical'];

const bands = (score: number): Severity =>
  score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';

const tag = (text: string, name: string) => new RegExp(`<${name}[^>]*>([^<]*)</${name}>`).exec(text)?.[1];

/** The hosts of an asset data report and their detections, read from the text. */
function detections(xml: string) {
  const end = xml.includes('<GLOSSARY>') ? xml.indexOf('<GLOSSARY>') : xml.length;
  const hosts = xml.slice(0, end).split('<HOST>').slice(1);
  return hosts.map((host) =>
    Array.from(host.matchAll(/<VULN_INFO>([\s\S]*?)<\/VULN_INFO>/g), ([, info = '']) => ({
      qid: tag(info, 'QID') ?? '',
      informational: tag(info, 'TYPE') === 'Ig' || tag(info, 'VULN_STATUS') === 'Fixed',
      scores: [tag(info, 'CVSS3_FINAL'), tag(info, 'CVSS_FINAL')].map(Number).filter((n) => !Number.isNaN(n)),
    })),
  );
}

/** Each detection rated by its TYPE and status and by the SEVERITY its QID has in the glossary. */
function assetData(xml: string): ExpectedCounts {
  const glossary = xml.slice(xml.indexOf('<GLOSSARY>'));
  const levels = new Map(
    Array.from(glossary.matchAll(/<VULN_DETAILS id="qid_(\d+)">[\s\S]*?<SEVERITY>(\d)<\/SEVERITY>/g), (m) => [
      m[1],
      Number(m[2]),
    ]),
  );
  const hosts = detections(xml);
  const bySeverity = noFindings();
  for (const d of hosts.flat())
    bySeverity[d.informational ? 'info' : (LEVELS[(levels.get(d.qid) ?? 0) - 1] as Severity)]++;
  return { subjects: hosts.length, bySeverity };
}

const FIXTURE = 'qualys/Qualys_Sample_Report.xml';

describe('Qualys asset data report (ASSET_DATA_REPORT)', () => {
  // Garbage goes between hosts and glossary: the middle of the file is inside a CDATA section, where it is content.
  const xml = fixtureText(FIXTURE);
  const between = xml.indexOf('\n  </HOST_LIST>') + 2;
  formatContract({ file: FIXTURE, format: 'qualys', expected: assetData, garbageAt: between / xml.length });

  it('reads the fixture’s hosts and rates a QID by its glossary entry', async () => {
    const xml = fixtureText(FIXTURE);
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([]);
    expect(assetData(xml).bySeverity).toEqual({ critical: 7, high: 6, medium: 32, low: 47, info: 209 });
    // Checked by hand: host .247 (line 1069), its QID 90783 (line 1405) and the glossary entry at line 9389.
    const host = scan.hosts.find((h) => h.host.ip === '64.41.200.247');
    expect(host?.host).toMatchObject({
      fqdn: 'trn-win7.trn.qualys.com',
      netbios: 'TRN-WIN7',
      os: 'Windows 2008 R2/7',
      scanStart: { iso: '2019-07-31T21:58:08.000Z' },
    });
    const rdp = host?.findings.find((f) => f.scannerId === '90783');
    expect(rdp).toMatchObject({
      scanner: 'qualys',
      name: 'Microsoft Windows Remote Desktop Protocol Remote Code Execution Vulnerability (MS12-020)',
      severity: 'critical',
      scannerRating: '5',
      cves: ['CVE-2012-0002', 'CVE-2012-0152'],
      port: 0,
      protocol: '',
      family: 'Windows',
      exploitAvailable: true,
      output: 'QID: 90783 detected on port 3389 over TCP.',
      position: { line: 1405, path: 'ASSET_DATA_REPORT/HOST_LIST/HOST/VULN_INFO_LIST/VULN_INFO' },
    });
    // The glossary's HTML is plain text.
    expect(rdp?.description).toMatch(/^The Remote Desktop feature in Windows enables access/);
    expect(rdp?.description).not.toMatch(/<P>|<BR>/i);
    expect(rdp?.seeAlso).toEqual(['http://technet.microsoft.com/en-us/security/bulletin/ms12-020']);
  });

  it('rates information gathered info, a level-1 vulnerability low and a potential one by its level', async () => {
    const scan = await collectScan(fixtureText(FIXTURE));
    const first = scan.hosts.find((h) => h.host.ip === '64.41.200.243');
    const byQid = (qid: string) => first?.findings.find((f) => f.scannerId === qid);
    expect(byQid('6')).toMatchObject({ name: 'DNS Host Name', severity: 'info', scannerRating: '1' });
    // QID 82003 is TYPE Vuln with SEVERITY 1; 370876 is TYPE Practice (potential) with SEVERITY 4.
    expect(byQid('82003')).toMatchObject({ severity: 'low', scannerRating: '1' });
    expect(byQid('370876')).toMatchObject({ severity: 'high', scannerRating: '4' });
    // Dated by the latest LAST_FOUND of its detections (the fixture's first host was scanned again in 2021).
    expect(first?.host.scanStart).toEqual({ raw: '2021-04-19T02:35:28Z', iso: '2021-04-19T02:35:28.000Z' });
    // A detection with PORT, PROTOCOL and SERVICE (host .246, line 2052).
    const web = scan.hosts.find((h) => h.host.ip === '64.41.200.246')?.findings.find((f) => f.scannerId === '45104');
    expect(web).toMatchObject({ port: 80, protocol: 'tcp', service: 'http', severity: 'info' });
  });

  it('reports a glossary entry without a level, as the CSV layout does, and rates its detections medium', async () => {
    const full = fixtureText(FIXTURE);
    const entry = full.indexOf('<VULN_DETAILS id="qid_90783">');
    const xml = full.slice(0, entry) + full.slice(entry).replace('<SEVERITY>5</SEVERITY>', '');
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([
      expect.objectContaining({
        code: 'invalid-severity',
        line: lineOf(xml, entry),
        message: expect.stringMatching(/^QID 90783: /),
      }),
    ]);
    const rdp = scan.hosts.flatMap((h) => h.findings).filter((f) => f.scannerId === '90783');
    expect(rdp.length).toBeGreaterThan(0);
    expect(rdp.every((f) => f.severity === 'medium')).toBe(true);
  });

  it('rates from the detection’s own CVSS, else medium, when the report has no glossary', async () => {
    const full = fixtureText(FIXTURE);
    const xml = full.slice(0, full.indexOf('<GLOSSARY>')) + full.slice(full.indexOf('</GLOSSARY>') + 11);
    const scan = await collectScan(xml);
    const expected = noFindings();
    const unrated = new Set<string>();
    for (const d of detections(xml).flat()) {
      if (!d.informational) unrated.add(d.qid);
      expected[d.informational ? 'info' : d.scores[0] !== undefined ? bands(d.scores[0]) : 'medium']++;
    }
    expect(scan.fatal).toBeNull();
    expect(scan.summary.findingsBySeverity).toEqual(expected);
    // One issue per QID that needed a rating, where it is first detected.
    expect(scan.issues.map((i) => i.code)).toEqual([...unrated].map(() => 'missing-field'));
    expect(scan.issues[0]?.message).toMatch(/^QID \d+ is not in the report's glossary/);
    expect(scan.hosts[0]?.findings[0]?.name).toBe('QID 6');
  });

  it('keeps no host of a report cut before its glossary ends: nothing can be rated', async () => {
    const xml = fixtureText(FIXTURE);
    const scan = await collectScan(xml.slice(0, xml.indexOf('</GLOSSARY>')));
    expect(scan.fatal).toMatchObject({ kind: 'truncated' });
    expect(scan.hosts).toEqual([]);
  });

  it('reports a host with an invalid IP and the detections it leaves out', async () => {
    const xml = fixtureText(FIXTURE).replace('<IP>64.41.200.244</IP>', '<IP>64.41.200.444</IP>');
    const scan = await collectScan(xml);
    const left = detections(xml)[1]?.length ?? 0;
    expect(scan.issues).toEqual([
      expect.objectContaining({
        code: 'invalid-ip',
        dropped: left,
        line: lineOf(xml, xml.indexOf('<HOST>', xml.indexOf('<HOST>') + 1)),
      }),
    ]);
    expect(scan.summary).toMatchObject({ hosts: 6, droppedFindings: left, findings: 301 - left });
  });

  it(`refuses a report holding more than ${HOLD_LIMIT / 1024 / 1024} M characters before its glossary`, async () => {
    const result = 'x'.repeat(1024 * 1024);
    async function* huge(): AsyncGenerator<string> {
      yield '<ASSET_DATA_REPORT><HOST_LIST><HOST><IP>10.0.0.1</IP><VULN_INFO_LIST>\n';
      for (let i = 0; i < 70; i++)
        yield `<VULN_INFO><QID>38</QID><TYPE>Vuln</TYPE><RESULT>${result}</RESULT></VULN_INFO>\n`;
      yield '</VULN_INFO_LIST></HOST></HOST_LIST><GLOSSARY/></ASSET_DATA_REPORT>';
    }
    const scan = await collectScan(huge(), { maxOutputLength: result.length });
    expect(scan.fatal).toMatchObject({ kind: 'too-large', line: 65 });
    expect(scan.fatal?.message).toMatch(/before its glossary.*CSV export/);
    expect(scan.hosts).toEqual([]);
    expect(scan.summary.complete).toBe(false);
  });

  it('counts the hosts it holds, with or without detections, toward the same bound', async () => {
    const result = 'x'.repeat(1024 * 1024);
    async function* manyHosts(): AsyncGenerator<string> {
      yield '<ASSET_DATA_REPORT><HOST_LIST><HOST><IP>10.0.0.1</IP><VULN_INFO_LIST>\n';
      for (let i = 0; i < 63; i++)
        yield `<VULN_INFO><QID>38</QID><TYPE>Vuln</TYPE><RESULT>${result}</RESULT></VULN_INFO>\n`;
      yield '</VULN_INFO_LIST></HOST>\n';
      // 63 M characters are held; 20 000 hosts without detections must not go on growing memory for free.
      for (let i = 0; i < 20_000; i++)
        yield `<HOST><IP>10.1.${i >> 8}.${i & 255}</IP><DNS>pc-${i}.so.gov.vn</DNS></HOST>\n`;
      yield '</HOST_LIST><GLOSSARY/></ASSET_DATA_REPORT>';
    }
    const scan = await collectScan(manyHosts(), { maxOutputLength: result.length });
    expect(scan.fatal).toMatchObject({ kind: 'too-large', path: 'ASSET_DATA_REPORT/HOST_LIST/HOST' });
    expect(scan.fatal?.line).toBeGreaterThan(65);
    expect(scan.hosts).toEqual([]);
  });
});

/** Scan results written after scan-1.dtd (Qualys "Vulnerability Scan Results in XML"). */
const SCAN_RESULTS = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE SCAN SYSTEM "https://qualysguard.qg2.apps.qualys.com/scan-1.dtd">
<SCAN value="scan/1714962600.40213">
<HEADER>
  <KEY value="USERNAME">so_tt</KEY>
  <KEY value="DATE">2024-05-06T02:30:00Z</KEY>
  <KEY value="TITLE"><![CDATA[Quét định kỳ tháng 5]]></KEY>
</HEADER>
<IP value="10.10.1.5" name="web01.so.gov.vn">
  <OS><![CDATA[Ubuntu 20.04]]></OS>
  <NETBIOS_HOSTNAME><![CDATA[WEB01]]></NETBIOS_HOSTNAME>
  <INFOS>
    <CAT value="Information gathering">
      <INFO number="6" severity="1">
        <TITLE><![CDATA[DNS Host Name]]></TITLE>
        <RESULT format="table"><![CDATA[IP address	Host name
10.10.1.5	web01.so.gov.vn]]></RESULT>
      </INFO>
    </CAT>
  </INFOS>
  <SERVICES>
    <CAT value="TCP/IP">
      <SERVICE number="82023" severity="1"><TITLE><![CDATA[Open TCP Services List]]></TITLE></SERVICE>
    </CAT>
  </SERVICES>
  <VULNS>
    <CAT value="General remote services" port="443" protocol="tcp">
      <VULN number="38657" severity="3" cveid="CVE-2016-2183">
        <TITLE><![CDATA[Birthday attacks against TLS ciphers with 64bit block size vulnerability (Sweet32)]]></TITLE>
        <CVSS_BASE source="service">5</CVSS_BASE>
        <CVSS3_BASE>7.5</CVSS3_BASE>
        <CVE_ID_LIST>
          <CVE_ID><ID><![CDATA[CVE-2016-2183]]></ID><URL><![CDATA[http://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2016-2183]]></URL></CVE_ID>
          <CVE_ID><ID><![CDATA[CVE-2016-6329]]></ID><URL><![CDATA[http://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2016-6329]]></URL></CVE_ID>
        </CVE_ID_LIST>
        <DIAGNOSIS><![CDATA[Legacy block ciphers having a block size of 64 bits are vulnerable.<P>]]></DIAGNOSIS>
        <CONSEQUENCE><![CDATA[Attackers can recover plain text.]]></CONSEQUENCE>
        <SOLUTION><![CDATA[Disable 3DES and other 64-bit block ciphers.<BR>]]></SOLUTION>
        <RESULT><![CDATA[TLSv1.2 DES-CBC3-SHA]]></RESULT>
      </VULN>
    </CAT>
    <CAT value="Local">
      <VULN number="123168" severity="5" cveid="CVE-2014-6601,CVE-2015-0412">
        <TITLE><![CDATA[Oracle Java SE Critical Patch Update - January 2015]]></TITLE>
        <CVSS_BASE>10</CVSS_BASE>
      </VULN>
    </CAT>
  </VULNS>
  <PRACTICES>
    <CAT value="Local">
      <PRACTICE number="124848" severity="3">
        <TITLE><![CDATA[Oracle Java Unspecified Vulnerability (Oracle Security Alert for CVE-2016-0636)]]></TITLE>
      </PRACTICE>
    </CAT>
  </PRACTICES>
</IP>
<IP value="10.10.1.6">
  <INFOS>
    <CAT value="TCP/IP">
      <INFO number="82040" severity="1"><TITLE><![CDATA[ICMP Replies Received]]></TITLE></INFO>
    </CAT>
  </INFOS>
</IP>
</SCAN>
`;

describe('Qualys scan results (SCAN)', () => {
  it('reads each IP with its detections, rated by their own level', async () => {
    const scan = await collectScan(SCAN_RESULTS);
    expect(scan.format).toBe('qualys');
    expect(scan.fatal).toBeNull();
    expect(scan.issues).toEqual([]);
    expect(scan.summary).toMatchObject({
      hosts: 2,
      findings: 6,
      findingsBySeverity: { critical: 1, high: 0, medium: 2, low: 0, info: 3 },
    });
    const [web, other] = scan.hosts;
    expect(web?.host).toEqual({
      ip: '10.10.1.5',
      ipVersion: 4,
      fqdn: 'web01.so.gov.vn',
      netbios: 'WEB01',
      os: 'Ubuntu 20.04',
      scanStart: { raw: '2024-05-06T02:30:00Z', iso: '2024-05-06T02:30:00.000Z' },
    });
    expect(web?.findings.map((f) => [f.scannerId, f.severity, f.port, f.protocol])).toEqual([
      ['6', 'info', 0, ''],
      ['82023', 'info', 0, ''],
      ['38657', 'medium', 443, 'tcp'],
      ['123168', 'critical', 0, ''],
      ['124848', 'medium', 0, ''],
    ]);
    expect(web?.findings[2]).toMatchObject({
      name: 'Birthday attacks against TLS ciphers with 64bit block size vulnerability (Sweet32)',
      family: 'General remote services',
      cvss2: { score: 5 },
      cvss3: { score: 7.5 },
      cves: ['CVE-2016-2183', 'CVE-2016-6329'],
      description: 'Legacy block ciphers having a block size of 64 bits are vulnerable.',
      synopsis: 'Attackers can recover plain text.',
      solution: 'Disable 3DES and other 64-bit block ciphers.',
      output: 'TLSv1.2 DES-CBC3-SHA',
      position: { line: lineOf(SCAN_RESULTS, SCAN_RESULTS.indexOf('<VULN number="38657"')) },
    });
    expect(web?.findings[3]?.cves).toEqual(['CVE-2014-6601', 'CVE-2015-0412']);
    expect(other?.host).toMatchObject({ ip: '10.10.1.6', scanStart: { iso: '2024-05-06T02:30:00.000Z' } });
  });

  it('keeps the IP a cut file ends in, marked incomplete', async () => {
    const scan = await collectScan(SCAN_RESULTS.slice(0, SCAN_RESULTS.indexOf('<IP value="10.10.1.6">') + 40));
    expect(scan.fatal).toMatchObject({ kind: 'truncated' });
    expect(scan.hosts.map((h) => [h.host.ip, h.complete])).toEqual([
      ['10.10.1.5', true],
      ['10.10.1.6', false],
    ]);
  });
});

describe('Qualys detection', () => {
  it.each([
    ['a SCAN root without scan-1.dtd or a scan/ reference', '<SCAN><IP value="10.0.0.1"/></SCAN>'],
    ['a Qualys compliance report', '<COMPLIANCE_SCAN_RESULT_OUTPUT/>'],
    ['a WAS report', '<WAS_SCAN_REPORT/>'],
  ])('does not read %s', async (_, xml) => {
    expect((await collectScan(xml)).format).toBeNull();
  });

  it('reads a SCAN root known by its reference alone', async () => {
    const scan = await collectScan('<SCAN value="scan/1.2"><IP value="10.0.0.1"/></SCAN>');
    expect(scan.format).toBe('qualys');
    expect(scan.summary.hosts).toBe(1);
  });
});

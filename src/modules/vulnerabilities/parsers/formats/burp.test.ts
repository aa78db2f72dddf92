import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';

const SEVERITY: Record<string, Severity> = { High: 'high', Medium: 'medium', Low: 'low', Information: 'info' };
const cdata = (xml: string, name: string) =>
  new RegExp(`<${name}(?: [^>]*)?>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</${name}>`).exec(xml)?.[1] ?? '';

/** Websites and findings by severity from the XML text: one finding per (type, path, location's parameter). */
function expectedBurp(text: string): ExpectedCounts {
  const bySeverity = noFindings();
  const websites = new Set<string>();
  const seen = new Set<string>();
  for (const issue of text.split('<issue>').slice(1)) {
    const url = new URL(cdata(issue, 'path'), cdata(issue, 'host'));
    websites.add(url.origin);
    const parameter = /\[([^\]]+)\]$/.exec(cdata(issue, 'location'))?.[1] ?? '';
    const key = `${url.origin} ${cdata(issue, 'type')} ${url.pathname} ${parameter}`;
    if (!seen.has(key)) bySeverity[SEVERITY[cdata(issue, 'severity')] as Severity]++;
    seen.add(key);
  }
  return { subjects: websites.size, bySeverity };
}

/** An issues export in the layout of Burp 2 (references and CWE classifications), written for these tests. */
const BURP2 = `<?xml version="1.0"?>
<!DOCTYPE issues [
<!ELEMENT issues (issue*)>
<!ATTLIST issues burpVersion CDATA "">
<!ATTLIST issues exportTime CDATA "">
]>
<issues burpVersion="2023.10.3" exportTime="Tue Oct 24 14:05:09 ICT 2023">
  <issue>
    <serialNumber>1</serialNumber>
    <type>1049088</type>
    <name><![CDATA[SQL injection]]></name>
    <host ip="203.113.0.10">https://motcua.example.gov.vn</host>
    <path><![CDATA[/ho-so/tra-cuu?ma=1]]></path>
    <location><![CDATA[/ho-so/tra-cuu [ma URL parameter]]]></location>
    <severity>High</severity>
    <confidence>Firm</confidence>
    <issueBackground><![CDATA[<p>SQL injection vulnerabilities arise when <b>user-controllable data</b> is incorporated into queries.</p>]]></issueBackground>
    <remediationBackground><![CDATA[<p>Use parameterized queries.</p>]]></remediationBackground>
    <references><![CDATA[<ul><li><a href="https://portswigger.net/web-security/sql-injection">SQL injection</a></li><li><a href="https://portswigger.net/kb/issues/00100200_sql-injection">Burp KB</a></li></ul>]]></references>
    <vulnerabilityClassifications><![CDATA[<ul>
<li><a href="https://cwe.mitre.org/data/definitions/89.html">CWE-89: Improper Neutralization of Special Elements used in an SQL Command</a></li>
<li><a href="https://capec.mitre.org/data/definitions/66.html">CAPEC-66: SQL Injection</a></li>
</ul>]]></vulnerabilityClassifications>
    <issueDetail><![CDATA[The <b>ma</b> URL parameter appears to be vulnerable to SQL injection attacks.]]></issueDetail>
    <requestresponse>
      <request method="GET" base64="true"><![CDATA[R0VUIC9oby1zby90cmEtY3V1P21hPTEnIEhUVFAvMS4xDQoNCg==]]></request>
      <response base64="true"><![CDATA[SFRUUC8xLjEgNTAwIEludGVybmFsIFNlcnZlciBFcnJvcg0KDQo=]]></response>
      <responseRedirected>false</responseRedirected>
    </requestresponse>
  </issue>
  <issue>
    <serialNumber>2</serialNumber>
    <type>5243392</type>
    <name><![CDATA[Strict transport security not enforced]]></name>
    <host ip="203.113.0.10">https://motcua.example.gov.vn</host>
    <path><![CDATA[/]]></path>
    <location><![CDATA[/]]></location>
    <severity>False positive</severity>
    <confidence>Certain</confidence>
  </issue>
  <issue>
    <serialNumber>3</serialNumber>
    <type>16777728</type>
    <name><![CDATA[Unknown rating]]></name>
    <host ip="203.113.0.10">https://motcua.example.gov.vn</host>
    <path><![CDATA[/a]]></path>
    <location><![CDATA[/a]]></location>
    <severity>Severe</severity>
    <confidence>Certain</confidence>
  </issue>
  <issue>
    <serialNumber>4</serialNumber>
    <type>16777728</type>
    <name><![CDATA[No host]]></name>
    <host ip=""></host>
    <path><![CDATA[/b]]></path>
    <location><![CDATA[/b]]></location>
    <severity>Low</severity>
    <confidence>Certain</confidence>
  </issue>
</issues>
`;

describe('Burp Suite XML issues export', () => {
  const seven = fixtureText('burp/seven_findings.xml');
  formatContract({
    file: 'burp/seven_findings.xml',
    format: 'burp',
    expected: expectedBurp,
    // The middle of this file is inside a base64 response, text skipped unread: the garbage goes between issues.
    garbageAt: seven.indexOf('<issue>', seven.length / 2) / seven.length,
  });

  it('counts what the export holds: 16 issues, none at the same place twice', () => {
    expect(expectedBurp(seven)).toEqual({
      subjects: 1,
      bySeverity: { critical: 0, high: 5, medium: 0, low: 2, info: 9 },
    });
  });

  it('reads the website, its address and the export time, and places findings on path and parameter', async () => {
    const scan = await collectScan(seven);
    expect(scan.issues).toEqual([]);
    const [record] = scan.websites;
    expect(record?.website).toEqual({
      scheme: 'http',
      host: 'bwa',
      port: 80,
      ip: '192.168.187.137',
      // exportTime="Sat Sep 13 22:35:04 CEST 2014"
      scanEnd: { raw: '2014-09-13T22:35:04+02:00', iso: '2014-09-13T20:35:04.000Z' },
    });
    const xss = record?.findings.find((f) => f.scannerId === '2097920');
    expect(xss).toMatchObject({
      scanner: 'burp',
      name: 'Cross-site scripting (reflected)',
      severity: 'high',
      scannerRating: 'High (Certain)',
      url: 'http://bwa/bodgeit/search.jsp',
      location: '/bodgeit/search.jsp [q]',
      parameter: 'q',
      method: 'GET',
    });
    expect(xss?.position.line).toBe(lineOf(seven, seven.indexOf('<type>2097920</type>')) - 2);
    expect(xss?.description).toMatch(/^Reflected cross-site scripting vulnerabilities arise/);
    expect(xss?.description).not.toContain('<br>');
    expect(xss?.output).toContain('The payload 5d4ff<script>alert(1)</script>18327 was submitted in the q parameter');
    // Another insertion point than a parameter keeps its kind; the same check on the same path without it is apart.
    const sql = record?.findings.filter((f) => f.name === 'SQL injection').map((f) => [f.location, f.severity]);
    expect(sql).toEqual([
      ['/bodgeit/basket.jsp [b_id cookie]', 'high'],
      ['/bodgeit/login.jsp [username]', 'high'],
      ['/bodgeit/login.jsp [password]', 'high'],
    ]);
    // The detail items repeat the detail's own list: the detail is kept, and no request or response is read.
    const cookie = record?.findings.find((f) => f.scannerId === '5244416');
    expect(cookie?.output?.match(/JSESSIONID=AD00240A932835EDD60B3F7487A9D15D/g)).toHaveLength(1);
    expect(record?.findings.every((f) => !/R0VU|SFRUUC/.test(`${f.output}${f.description}`))).toBe(true);
  });

  it('reads the Burp 2 layout: CWE classifications, references, a false positive, a zone of Asia', async () => {
    const scan = await collectScan(BURP2);
    expect(scan.format).toBe('burp');
    expect(scan.issues.map(({ code, line, dropped }) => ({ code, line, dropped }))).toEqual([
      { code: 'invalid-severity', line: lineOf(BURP2, BURP2.indexOf('<serialNumber>3')) - 1, dropped: 0 },
      { code: 'invalid-url', line: lineOf(BURP2, BURP2.indexOf('<serialNumber>4')) - 1, dropped: 1 },
    ]);
    const [record] = scan.websites;
    expect(record?.website).toMatchObject({
      host: 'motcua.example.gov.vn',
      port: 443,
      ip: '203.113.0.10',
      scanEnd: { raw: '2023-10-24T14:05:09+07:00', iso: '2023-10-24T07:05:09.000Z' },
    });
    expect(record?.findings[0]).toMatchObject({
      scannerId: '1049088',
      url: 'https://motcua.example.gov.vn/ho-so/tra-cuu?ma=1',
      location: '/ho-so/tra-cuu [ma]',
      cwes: ['CWE-89'],
      seeAlso: [
        'https://portswigger.net/web-security/sql-injection',
        'https://portswigger.net/kb/issues/00100200_sql-injection',
      ],
      description: 'SQL injection vulnerabilities arise when user-controllable data is incorporated into queries.',
      solution: 'Use parameterized queries.',
      output: 'The ma URL parameter appears to be vulnerable to SQL injection attacks.',
    });
    expect(record?.findings.slice(1).map((f) => [f.name, f.severity, f.scannerRating])).toEqual([
      ['Strict transport security not enforced', 'info', 'False positive (Certain)'],
      ['Unknown rating', 'info', 'Severe (Certain)'],
    ]);
  });

  it('is not another document whose root is `issues`', async () => {
    expect(
      (await collectScan('<?xml version="1.0"?><issues><issue><name>x</name></issue></issues>')).format,
    ).toBeNull();
  });
});

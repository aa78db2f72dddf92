import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';

const RISKS: Severity[] = ['info', 'low', 'medium', 'high'];
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** Websites and findings by severity from the XML text: one finding per (plugin, path, parameter) of each site. */
function expectedZap(text: string): ExpectedCounts {
  const xml = text.replace(/<!--[\s\S]*?-->/g, '');
  const bySeverity = noFindings();
  const websites = new Set<string>();
  const seen = new Set<string>();
  for (const site of xml.split(/<site\s/).slice(1)) {
    websites.add(new URL(/name="([^"]+)"/.exec(site)?.[1] ?? '').origin);
    for (const item of site.split('<alertitem>').slice(1)) {
      const severity = tag(item, 'confidence') === '0' ? 'info' : (RISKS[Number(tag(item, 'riskcode'))] as Severity);
      const instances = item.match(/<instance>[\s\S]*?<\/instance>/g) ?? [item];
      for (const instance of instances) {
        const url = new URL(tag(instance, 'uri') ?? '');
        websites.add(url.origin);
        const key = `${url.origin} ${tag(item, 'pluginid')} ${url.pathname} ${tag(instance, 'param') ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        bySeverity[severity]++;
      }
    }
  }
  return { subjects: websites.size, bySeverity };
}

describe('OWASP ZAP XML report', () => {
  formatContract({ file: 'zap/0_zap_sample.xml', format: 'zap', expected: expectedZap });

  it('counts what the sample holds (the commented-out alert is not read)', () => {
    expect(expectedZap(fixtureText('zap/0_zap_sample.xml'))).toEqual({
      subjects: 1,
      bySeverity: { critical: 0, high: 0, medium: 1, low: 9, info: 0 },
    });
  });

  it('makes one finding per plugin and place, dated by the report', async () => {
    const xml = fixtureText('zap/0_zap_sample.xml');
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([]);
    const [record] = scan.websites;
    // `generated` is the scanning computer's local time, without zone.
    expect(record?.website).toEqual({
      scheme: 'https',
      host: 'mainsite.com',
      port: 443,
      scanEnd: { raw: '2020-05-12T20:57:30' },
    });
    const cookie = record?.findings.find((f) => f.scannerId === '10011' && f.location === '/dashboard [opvc]');
    expect(cookie).toMatchObject({
      scanner: 'zap',
      name: 'Cookie Without Secure Flag',
      severity: 'low',
      scannerRating: 'Low (Medium)',
      url: 'https://mainsite.com/dashboard',
      method: 'GET',
      parameter: 'opvc',
      cwes: ['CWE-614'],
      output: 'Evidence: Set-Cookie: opvc',
      seeAlso: ['http://www.owasp.org/index.php/Testing_for_cookies_attributes_(OWASP-SM-002)'],
    });
    expect(cookie?.position.line).toBe(lineOf(xml, xml.indexOf('<instance>')));
    // Three instances on `/` and one on `/dashboard`: two findings, the first instance's evidence kept.
    const timestamps = record?.findings.filter((f) => f.scannerId === '10096');
    expect(timestamps?.map((f) => [f.location, f.output])).toEqual([
      ['/', 'Evidence: 265151019\n265151019, which evaluates to: 1978-05-27 22:03:39'],
      ['/dashboard', 'Evidence: 1028274645'],
    ]);
    // Links written one after the other without a separator are told apart.
    expect(record?.findings.find((f) => f.scannerId === '10055')?.seeAlso).toEqual([
      'http://www.w3.org/TR/CSP2/',
      'http://www.w3.org/TR/CSP/',
      'http://caniuse.com/#search=content+security+policy',
      'http://content-security-policy.com/',
      'https://github.com/shapesecurity/salvation',
    ]);
    expect(record?.findings.some((f) => f.scannerId === '10010')).toBe(false);
  });

  it('reads the current layout: escaped <p> as plain text, the zoned `created`, a false positive as info', async () => {
    const scan = await collectScan(`<?xml version="1.0"?>
<OWASPZAPReport programName="ZAP" version="2.15.0" generated="Thu, 6 Jun 2024 09:15:42" created="2024-06-06T02:15:42.318Z">
  <site name="https://dichvucong.example.gov.vn" host="dichvucong.example.gov.vn" port="443" ssl="true">
    <alerts>
      <alertitem>
        <pluginid>40012</pluginid><alertRef>40012</alertRef>
        <alert>Cross Site Scripting (Reflected)</alert><name>Cross Site Scripting (Reflected)</name>
        <riskcode>3</riskcode><confidence>2</confidence><riskdesc>High (Medium)</riskdesc>
        <desc>&lt;p&gt;Cross-site Scripting (XSS) is an attack.&lt;/p&gt;&lt;p&gt;Use &amp;lt;b&amp;gt; sparingly.&lt;/p&gt;</desc>
        <instances>
          <instance><uri>https://dichvucong.example.gov.vn/tim-kiem?q=%3Cb%3E</uri><nodeName>x</nodeName><method>GET</method>
            <param>q</param><attack>&lt;b&gt;</attack><evidence>&lt;b&gt;</evidence><otherinfo></otherinfo></instance>
        </instances>
        <count>1</count><systemic>false</systemic>
        <solution>&lt;p&gt;Encode output.&lt;/p&gt;</solution><otherinfo></otherinfo>
        <reference>&lt;p&gt;https://owasp.org/www-community/attacks/xss/&lt;/p&gt;&lt;p&gt;https://cwe.mitre.org/data/definitions/79.html&lt;/p&gt;</reference>
        <cweid>79</cweid><wascid>8</wascid><sourceid>1</sourceid>
      </alertitem>
      <alertitem>
        <pluginid>10021</pluginid><name>X-Content-Type-Options Header Missing</name>
        <riskcode>1</riskcode><confidence>0</confidence><riskdesc>Low (False Positive)</riskdesc>
        <instances><instance><uri>https://dichvucong.example.gov.vn/app.js</uri><method>GET</method></instance></instances>
        <cweid>693</cweid>
      </alertitem>
    </alerts>
  </site>
</OWASPZAPReport>`);
    expect(scan.issues).toEqual([]);
    const [record] = scan.websites;
    expect(record?.website.scanEnd).toEqual({ raw: '2024-06-06T02:15:42.318Z', iso: '2024-06-06T02:15:42.318Z' });
    expect(record?.findings[0]).toMatchObject({
      severity: 'high',
      location: '/tim-kiem [q]',
      description: 'Cross-site Scripting (XSS) is an attack.\n\nUse <b> sparingly.',
      solution: 'Encode output.',
      output: 'Attack: <b>\nEvidence: <b>',
      cwes: ['CWE-79'],
      seeAlso: ['https://owasp.org/www-community/attacks/xss/', 'https://cwe.mitre.org/data/definitions/79.html'],
    });
    // Confidence 0: marked a false positive in ZAP, never a vulnerability.
    expect(record?.findings[1]).toMatchObject({ severity: 'info', scannerRating: 'Low (False Positive)' });
    expect(scan.summary.vulnerableWebsites).toBe(1);
  });

  it('reads the older layout, where an alert holds its one URL itself', async () => {
    const scan = await collectScan(`<OWASPZAPReport version="2.3.1" generated="Mon, 2 Mar 2015 10:11:12">
<site name="http://cong.example.gov.vn:8080" host="cong.example.gov.vn" port="8080" ssl="false"><alerts>
<alertitem><pluginid>40018</pluginid><alert>SQL Injection</alert><riskcode>3</riskcode><reliability>2</reliability>
<riskdesc>High (Warning)</riskdesc><desc>SQL injection may be possible</desc>
<uri>http://cong.example.gov.vn:8080/tra-cuu?id=1</uri><param>id</param><attack>1'</attack><cweid>89</cweid></alertitem>
<alertitem><pluginid>40018</pluginid><alert>SQL Injection</alert><riskcode>3</riskcode><reliability>0</reliability>
<uri>http://cong.example.gov.vn:8080/tin-tuc?id=2</uri><param>id</param><cweid>89</cweid></alertitem>
</alerts></site></OWASPZAPReport>`);
    expect(scan.format).toBe('zap');
    expect(scan.issues).toEqual([]);
    expect(scan.websites[0]?.website).toMatchObject({
      scheme: 'http',
      port: 8080,
      scanEnd: { raw: '2015-03-02T10:11:12' },
    });
    expect(scan.websites[0]?.findings.map((f) => [f.name, f.location, f.severity, f.output])).toEqual([
      ['SQL Injection', '/tra-cuu [id]', 'high', "Attack: 1'"],
      ['SQL Injection', '/tin-tuc [id]', 'info', undefined],
    ]);
  });

  it('reports a bad instance, a missing plugin id and an unknown risk where they are, and keeps the rest', async () => {
    const xml = `<OWASPZAPReport version="2.9.0" generated="Tue, 12 May 2020 20:57:30">
<site name="https://a.example.gov.vn" host="a.example.gov.vn" port="443" ssl="true"><alerts>
<alertitem><pluginid>10020</pluginid><name>Missing Anti-clickjacking Header</name><riskcode>2</riskcode><confidence>2</confidence>
<instances>
<instance><uri>javascript:alert(1)</uri></instance>
<instance><uri>https://a.example.gov.vn/</uri><param>X-Frame-Options</param></instance>
</instances></alertitem>
<alertitem><name>No id</name><riskcode>1</riskcode><instances><instance><uri>https://a.example.gov.vn/x</uri></instance></instances></alertitem>
<alertitem><pluginid>10035</pluginid><riskcode>9</riskcode><riskdesc>Medium (High)</riskdesc>
<instances><instance><uri>https://a.example.gov.vn/</uri></instance></instances></alertitem>
</alerts></site></OWASPZAPReport>`;
    const scan = await collectScan(xml);
    expect(scan.issues.map(({ code, line, dropped }) => ({ code, line, dropped }))).toEqual([
      { code: 'invalid-url', line: lineOf(xml, xml.indexOf('<instance><uri>javascript')), dropped: 1 },
      { code: 'missing-field', line: lineOf(xml, xml.indexOf('<alertitem><name>No id')), dropped: 1 },
      { code: 'invalid-severity', line: lineOf(xml, xml.indexOf('<alertitem><pluginid>10035')), dropped: 0 },
    ]);
    expect(scan.issues[2]?.message).toContain('rated medium from riskdesc');
    expect(scan.websites[0]?.findings.map((f) => [f.scannerId, f.location, f.severity])).toEqual([
      ['10020', '/ [X-Frame-Options]', 'medium'],
      ['10035', '/', 'medium'],
    ]);
  });

  it('is not an unrelated XML document with an OWASP-like root', async () => {
    expect((await collectScan('<OWASPReport><site name="https://x.example"/></OWASPReport>')).format).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';

const FILE = 'acunetix/XML_http_example_co_id_.xml';

const cdata = (block: string, tag: string) =>
  new RegExp(`<${tag}><!\\[CDATA\\[([\\s\\S]*?)\\]\\]>`).exec(block)?.[1] ?? '';

/**
 * Websites and findings from the text: each Scan's website is its StartURL with the scheme its crawler used; a finding
 * is a ReportItem's module at Affects + Parameter (`<empty>` is none), rated by its label unless a false positive.
 */
function expected(xml: string): ExpectedCounts {
  const sites = new Set<string>();
  const findings = new Map<string, Severity>();
  for (const scan of xml.split('<Scan>').slice(1)) {
    const scheme = /<Crawler StartUrl="(\w+):/.exec(scan)?.[1] ?? 'http';
    const start = cdata(scan, 'StartURL');
    const origin = new URL(/:\/\//.test(start) ? start : `${scheme}://${start}`).origin;
    sites.add(origin);
    for (const item of scan.split('<ReportItem ').slice(1)) {
      const label = cdata(item, 'Severity');
      const severity = /^true$/i.test(cdata(item, 'IsFalsePositive'))
        ? 'info'
        : label === 'informational'
          ? 'info'
          : (label as Severity);
      const place = `${cdata(item, 'Affects')} ${cdata(item, 'Parameter').replace('<empty>', '')}`;
      const key = `${origin}|${cdata(item, 'ModuleName')}|${place}`;
      if (!findings.has(key)) findings.set(key, severity);
    }
  }
  const bySeverity = noFindings();
  for (const severity of findings.values()) bySeverity[severity]++;
  return { subjects: sites.size, bySeverity };
}

describe('Acunetix XML', () => {
  formatContract({ file: FILE, format: 'acunetix', expected });

  it('counts what the fixture holds: one website, 19 items as 8 findings (repeats on one place are one)', () => {
    expect(expected(fixtureText(FILE))).toEqual({
      subjects: 1,
      bySeverity: { critical: 0, high: 0, medium: 4, low: 3, info: 1 },
    });
  });

  it('reads the website from the StartURL with the crawler’s scheme, dated by the scan’s local times', async () => {
    const xml = fixtureText(FILE);
    const scan = await collectScan(xml);
    expect(scan.websites).toHaveLength(1);
    expect(scan.websites[0]?.website).toEqual({
      scheme: 'http',
      host: 'example.co.id',
      port: 80,
      // 28/04/2020, 05:36:46 and 06:07:03: day first, zone-less (the importer reads them as UTC+7).
      scanStart: { raw: '2020-04-28T05:36:46' },
      scanEnd: { raw: '2020-04-28T06:07:03' },
    });
    const csrf = scan.websites[0]?.findings.find((f) => f.location === '/h/search');
    expect(csrf).toMatchObject({
      scanner: 'acunetix',
      scannerId: '/Crawler/12-Crawler_Form_NO_CSRF.js',
      name: 'HTML form without CSRF protection',
      severity: 'medium',
      url: 'http://example.co.id/h/search',
      method: 'GET',
      cwes: ['CWE-352'],
      cvss3: { score: 4.3, vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N' },
    });
    expect(csrf?.parameter).toBeUndefined();
    expect(csrf?.position.line).toBe(lineOf(xml, xml.indexOf('<ReportItem id="1"')));
    // HTML written as text: tags gone, entities decoded.
    expect(csrf?.description).toMatch(/^This alert requires manual confirmation\n\nCross-Site Request Forgery/);
    expect(csrf?.output).toContain('Form name: <empty>');
  });

  it('takes a vulnerable library’s CVE from its attack details and keeps every cookie of a repeated check', async () => {
    const findings = (await collectScan(fixtureText(FILE))).websites[0]?.findings ?? [];
    const library = findings.find((f) => f.scannerId === '/Scripts/PerFile/Javascript_Libraries_Audit.script');
    expect(library).toMatchObject({
      location: '/yui/2.7.0/yahoo-dom-event/yahoo-dom-event.js',
      cves: ['CVE-2010-4207'],
      cvss3: { score: 6.5 },
    });
    const httpOnly = findings.find((f) => f.scannerId === '/RPA/Cookie_Without_HttpOnly.js');
    expect(httpOnly?.location).toBe('/');
    for (const cookie of ['ZM_AUTH_TOKEN', 'JSESSIONID', 'AUTH_TOKEN_TYPE', 'T=', 'Y=', 'ADMIN_AUTH_KEY'])
      expect(httpOnly?.output).toContain(`Set-Cookie: ${cookie}`);
    expect(findings.find((f) => f.scannerId === '/httpdata/CSP_not_implemented.js')).toMatchObject({
      severity: 'info',
      scannerRating: 'informational',
    });
  });

  it('rates a false positive as info, and places a named parameter and a server-wide alert', async () => {
    const xml = fixtureText(FILE)
      .replace('<IsFalsePositive><![CDATA[]]>', '<IsFalsePositive><![CDATA[True]]>')
      .replace('<Parameter><![CDATA[<empty>]]>', '<Parameter><![CDATA[sq]]>')
      .replace('<Affects><![CDATA[/]]></Affects>', '<Affects><![CDATA[Web Server]]></Affects>');
    const findings = (await collectScan(xml)).websites[0]?.findings ?? [];
    expect(findings.find((f) => f.location === '/h/search [sq]')).toMatchObject({
      parameter: 'sq',
      severity: 'info',
      scannerRating: 'medium (false positive)',
    });
    expect(findings.find((f) => f.scannerId === '/SlowHTTPDOS')).toMatchObject({
      url: 'http://example.co.id/',
      location: '/',
    });
  });

  it('makes each Scan its own website; a StartURL with a scheme and port is taken as written', async () => {
    const xml = fixtureText(FILE);
    const scanBlock = xml.slice(xml.indexOf('<Scan>'), xml.indexOf('</Scan>') + '</Scan>'.length);
    const second = scanBlock
      .replace('<![CDATA[example.co.id]]>', '<![CDATA[https://Portal.Example.gov.vn:8443/app/]]>')
      .replace(/<ReportItem id="([2-9]|1\d)"[\s\S]*?<\/ReportItem>/g, '');
    const scan = await collectScan(xml.replace('</Scan>', `</Scan>\n${second}`));
    expect(scan.fatal).toBeNull();
    expect(scan.websites.map((w) => [w.website.scheme, w.website.host, w.website.port])).toEqual([
      ['http', 'example.co.id', 80],
      ['https', 'portal.example.gov.vn', 8443],
    ]);
    expect(scan.websites[1]?.findings.map((f) => f.url)).toEqual(['https://portal.example.gov.vn:8443/h/search']);
  });

  it('reports a scan whose start URL is no web address, with the findings it leaves out', async () => {
    const xml = fixtureText(FILE)
      .replace('<![CDATA[example.co.id]]>', '<![CDATA[]]>')
      .replace('StartUrl="http://example.co.id/"', 'StartUrl=""');
    const scan = await collectScan(xml);
    expect(scan.fatal).toBeNull();
    expect(scan.websites).toEqual([]);
    expect(scan.issues).toEqual([
      expect.objectContaining({ code: 'invalid-url', dropped: 19, line: lineOf(xml, xml.indexOf('<Scan>')) }),
    ]);
    expect(scan.summary.droppedFindings).toBe(19);
  });

  it('keeps a scan without findings as a covered website', async () => {
    const xml = fixtureText(FILE).replace(/<ReportItem [\s\S]*<\/ReportItem>/, '');
    const scan = await collectScan(xml);
    expect(scan.summary).toMatchObject({ websites: 1, findings: 0, vulnerableWebsites: 0 });
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { DETECT_LIMIT, readHead } from '../format.ts';
import { collectScan, type Severity } from '../index.ts';
import { niktoJson } from './nikto.ts';

const XML = 'nikto/nikto-report-many-vuln.xml';
const JSON_OBJECT = 'nikto/juice-shop.json';
const JSON_ARRAY = fileURLToPath(new URL('../../../../../tests/fixtures/scans-web/nikto-array.json', import.meta.url));

/** The documented rule: these tests only repeat what the server announces; info unless a CVE is named. */
const INFO_TESTS = ['999986', '000287', '999100', '999990', '999985', '999996'];

/** Distinct (site, test id, path) findings; a finding is low when any of its items names a CVE. */
class Tally {
  readonly sites = new Set<string>();
  private readonly cve = new Map<string, boolean>();

  item(site: string, id: string, path: string, text: string): void {
    const key = `${site}|${id}|${path}`;
    this.cve.set(key, (this.cve.get(key) ?? false) || /CVE-\d{4}-\d+/i.test(text));
  }

  counts(): ExpectedCounts {
    const bySeverity = noFindings();
    for (const [key, cve] of this.cve) {
      const id = key.split('|')[1] ?? '';
      const severity: Severity = INFO_TESTS.includes(id) && !cve ? 'info' : 'low';
      bySeverity[severity]++;
    }
    return { subjects: this.sites.size, bySeverity };
  }
}

/** From the XML's text: each `<scandetails>` is a site (its `sitename`), each `<item>` in it an item on its `<uri>`. */
function fromXml(xml: string): ExpectedCounts {
  const tally = new Tally();
  for (const details of xml.split('<scandetails ').slice(1)) {
    const site = /sitename="([^"]*)"/.exec(details)?.[1] ?? '';
    tally.sites.add(site);
    for (const item of details.split('<item ').slice(1)) {
      const id = /^id="([^"]*)"/.exec(item)?.[1] ?? '';
      const uri = /<uri><!\[CDATA\[([^\]]*)\]\]><\/uri>/.exec(item)?.[1] ?? '';
      tally.item(site, id, uri, item);
    }
  }
  return tally.counts();
}

interface NiktoHost {
  host: string;
  port: string;
  ssl_info?: object;
  vulnerabilities: { id: string; url: string; msg: string; references?: string }[];
}

/** From JSON.parse: a host is https when it has `ssl_info` or is on 443; each vulnerability an item on its `url`. */
function fromJson(json: string): ExpectedCounts {
  const parsed = JSON.parse(json) as NiktoHost | NiktoHost[];
  const tally = new Tally();
  for (const host of Array.isArray(parsed) ? parsed : [parsed]) {
    const scheme = host.ssl_info || host.port === '443' ? 'https' : 'http';
    const site = `${scheme}://${host.host}:${host.port}`;
    tally.sites.add(site);
    for (const v of host.vulnerabilities) tally.item(site, v.id, v.url, `${v.msg} ${v.references ?? ''}`);
  }
  return tally.counts();
}

describe('Nikto XML and JSON', () => {
  formatContract({ file: XML, format: 'nikto', expected: fromXml });
  formatContract({ file: JSON_OBJECT, format: 'nikto-json', expected: fromJson });
  formatContract({ file: JSON_ARRAY, format: 'nikto-json', expected: fromJson });

  it('counts what the fixtures hold', () => {
    expect(fromXml(fixtureText(XML))).toEqual({ subjects: 4, bySeverity: { ...noFindings(), low: 6, info: 3 } });
    expect(fromJson(fixtureText(JSON_OBJECT))).toEqual({
      subjects: 1,
      bySeverity: { ...noFindings(), low: 148, info: 2 },
    });
    expect(fromJson(readFileSync(JSON_ARRAY, 'utf8'))).toEqual({
      subjects: 3,
      bySeverity: { ...noFindings(), low: 5, info: 3 },
    });
  });

  it('reads each nested <niktoscan> as a website dated by its local start time', async () => {
    const xml = fixtureText(XML);
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([]);
    expect(scan.websites.map((w) => w.website)).toEqual([
      {
        scheme: 'https',
        host: '192.168.0.24',
        port: 443,
        ip: '192.168.0.24',
        scanStart: { raw: '2020-11-14T19:24:57' },
      },
      {
        scheme: 'https',
        host: '192.168.0.20',
        port: 443,
        ip: '192.168.0.20',
        scanStart: { raw: '2020-11-14T20:35:15' },
      },
      {
        scheme: 'https',
        host: '192.168.0.65',
        port: 443,
        ip: '192.168.0.65',
        scanStart: { raw: '2020-11-14T21:06:50' },
      },
      {
        scheme: 'https',
        host: '192.168.0.49',
        port: 443,
        ip: '192.168.0.49',
        scanStart: { raw: '2020-11-14T21:28:21' },
      },
    ]);
    const system = scan.websites[3]?.findings.find((f) => f.scannerId === '001885');
    expect(system).toMatchObject({
      scanner: 'nikto',
      severity: 'low',
      url: 'https://192.168.0.49/system/',
      location: '/system/',
      method: 'GET',
      name: 'Finding 4.4',
      seeAlso: ['https://vulners.com/osvdb/OSVDB:3092'],
    });
    expect(system?.position.line).toBe(lineOf(xml, xml.indexOf('<item id="001885"')));
    // The same test twice at one path is one finding that keeps both messages.
    const uncommon = scan.websites[2]?.findings.find((f) => f.scannerId === '999100');
    expect(uncommon).toMatchObject({ severity: 'info', description: 'Finding 3.2\nFinding 3.3' });
  });

  it('reads the single-host JSON: https on 443, one finding per test and path', async () => {
    const scan = await collectScan(fixtureText(JSON_OBJECT));
    expect(scan.issues).toEqual([]);
    expect(scan.websites.map((w) => w.website)).toEqual([
      { scheme: 'https', host: 'juice-shop.herokuapp.com', port: 443, ip: '52.51.36.193' },
    ]);
    const findings = scan.websites.flatMap((w) => w.findings);
    expect(findings.find((f) => f.scannerId === '999986')).toMatchObject({
      severity: 'info',
      location: '/',
      name: 'Retrieved via header: 1.1 vegur',
      description: 'Retrieved via header: 1.1 vegur\nRetrieved access-control-allow-origin header: *',
    });
    expect(findings.filter((f) => f.scannerId === '740001')).toHaveLength(140);
    expect(findings.filter((f) => f.scannerId === '006737').map((f) => [f.method, f.severity, f.location])).toEqual([
      ['POST', 'low', expect.stringMatching(/^\/wp-content\/plugins\/nextgen-gallery\/.*jqueryFileTree\.php$/)],
      ['POST', 'low', expect.stringMatching(/^\/wordpress\/wp-content\/plugins\/nextgen-gallery\//)],
    ]);
    expect(findings.find((f) => f.scannerId === '999996')).toMatchObject({ severity: 'info', location: '/robots.txt' });
  });

  it('reads the 2.5 array: scheme from ssl_info, zoned start time, references, a host without findings', async () => {
    const scan = await collectScan(readFileSync(JSON_ARRAY));
    expect(scan.issues).toEqual([]);
    expect(scan.websites.map((w) => [w.website.scheme, w.website.host, w.website.port, w.findings.length])).toEqual([
      ['https', 'cong-thong-tin.example.gov.vn', 443, 5],
      ['https', 'dichvucong.example.gov.vn', 8443, 3],
      ['http', 'thuvien.example.gov.vn', 80, 0],
    ]);
    expect(scan.websites[0]?.website.scanStart).toEqual({
      raw: '2025-03-12T10:02:11+07:00',
      iso: '2025-03-12T03:02:11.000Z',
    });
    const findings = scan.websites.flatMap((w) => w.findings);
    expect(findings.find((f) => f.scannerId === '999984')).toMatchObject({ severity: 'low', cves: ['CVE-2003-1418'] });
    expect(findings.find((f) => f.scannerId === '000482')).toMatchObject({
      severity: 'low',
      method: 'TRACE',
      url: 'https://dichvucong.example.gov.vn:8443/',
      cves: ['CVE-2003-1567'],
      seeAlso: ['https://owasp.org/www-community/attacks/Cross_Site_Tracing'],
    });
    expect(findings.find((f) => f.scannerId === '999990')).toMatchObject({ severity: 'info', method: 'OPTIONS' });
    expect(findings.find((f) => f.scannerId === '000287')?.description).toBe(
      'Retrieved x-powered-by header: PHP/7.4.3.\nRetrieved via header: 1.1 varnish (Varnish/7.1).',
    );
  });

  it('reads the 2.5 XML layout: <niktoscans>, references, the message’s path prefix dropped', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE niktoscans SYSTEM "/usr/share/nikto/docs/nikto.dtd">
<niktoscans>
  <niktoscan hoststest="0" options="-h portal.example.gov.vn -Format xml" version="2.5.0" scanstart="Wed Mar 12 10:02:11 2025" scanend="Wed Mar 12 10:31:47 2025" scanelapsed="1776" nxmlversion="1.2">
    <scandetails targetip="203.0.113.20" targethostname="portal.example.gov.vn" targetport="80" targetbanner="Apache" starttime="2025-03-12 10:02:11" sitename="http://portal.example.gov.vn:80/" siteip="http://203.0.113.20:80/" hostheader="portal.example.gov.vn" errors="0" checks="8044">
      <item id="999986" method="GET">
        <description>/: Microsoft Exchange Systems (CAS and OWA) may reveal the internal or real IP.</description>
        <uri>/</uri>
        <namelink>http://portal.example.gov.vn:80/</namelink>
        <iplink>http://203.0.113.20:80/</iplink>
        <references>CVE-2000-0649</references>
      </item>
      <statistics elapsed="1776" itemsfound="1" itemstested="8044" endtime="2025-03-12 10:31:47" />
    </scandetails>
  </niktoscan>
  <niktoscan hoststest="1" options="" version="2.5.0" scanstart="" scanend="" scanelapsed="0" nxmlversion="1.2">
    <scandetails targetip="203.0.113.21" targethostname="" targetport="80" targetbanner="" starttime="2025-03-12 10:31:47" sitename="N/A" siteip="http://203.0.113.21:80/" hostheader="" errors="0" checks="8044">
      <statistics elapsed="10" itemsfound="0" itemstested="8044" endtime="2025-03-12 10:31:57" />
    </scandetails>
  </niktoscan>
</niktoscans>
`;
    const scan = await collectScan(xml);
    expect(scan.format).toBe('nikto');
    expect(scan.issues).toEqual([]);
    // A header test that names a CVE is no longer informational.
    expect(scan.websites[0]?.findings).toMatchObject([
      {
        scannerId: '999986',
        severity: 'low',
        name: 'Microsoft Exchange Systems (CAS and OWA) may reveal the internal or real IP.',
        cves: ['CVE-2000-0649'],
        url: 'http://portal.example.gov.vn/',
      },
    ]);
    // No name: the site by its address, tested with nothing found.
    expect(scan.websites[1]).toMatchObject({ website: { host: '203.0.113.21', port: 80 }, findings: [] });
  });

  it('skips the items of a site that makes no website, once, with their count', async () => {
    const xml = `<niktoscan><niktoscan><scandetails targetip="" targetport="x" sitename="N/A" siteip="N/A" starttime="">
<item id="999957" method="GET"><description>a</description><uri>/</uri></item>
<item id="999970" method="GET"><description>b</description><uri>/</uri></item>
</scandetails></niktoscan></niktoscan>`;
    const scan = await collectScan(xml);
    expect(scan.issues).toMatchObject([{ code: 'invalid-url', line: 1, dropped: 2 }]);
    expect(scan.summary).toMatchObject({ websites: 0, findings: 0, droppedFindings: 2 });

    const json =
      '{"host":"a.example.gov.vn","ip":"203.0.113.5","port":"http","banner":"","vulnerabilities":[{"id":"1"}]}';
    expect((await collectScan(json)).issues).toMatchObject([{ code: 'invalid-url', dropped: 1 }]);
  });

  it('keeps the leading zeros of an id older versions wrote as a bare number, and a `//` path on the site', async () => {
    const json =
      '{"host":"a.example.gov.vn","ip":"203.0.113.5","port":"80","banner":"","vulnerabilities":[' +
      '{"id":1811,"OSVDB":3092,"method":"GET","url":"/public/","msg":"This might be interesting."},' +
      '{"id":"000123","method":"GET","url":"//admin/","msg":"Admin folder."}]}';
    const scan = await collectScan(json);
    expect(scan.websites[0]?.findings).toMatchObject([
      { scannerId: '001811', url: 'http://a.example.gov.vn/public/', severity: 'low' },
      { scannerId: '000123', url: 'http://a.example.gov.vn//admin/', location: '//admin/' },
    ]);
  });

  it('does not take a Nuclei file for Nikto, whichever is asked first', () => {
    const text = fixtureText('nuclei/many_findings.json');
    const head = readHead(text.slice(0, DETECT_LIMIT), text.length <= DETECT_LIMIT);
    expect(head && niktoJson.detect(head)).toBe(false);
  });
});

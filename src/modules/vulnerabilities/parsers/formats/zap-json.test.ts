import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity, type WebsiteRecord } from '../index.ts';

const FILE = fileURLToPath(new URL('../../../../../tests/fixtures/scans-web/zap-traditional.json', import.meta.url));
const RISKS: Severity[] = ['info', 'low', 'medium', 'high'];

interface Report {
  '@version': string;
  '@generated': string;
  created?: string;
  site: {
    '@name': string;
    '@host': string;
    '@port': string;
    '@ssl': string;
    alerts: (Record<string, unknown> & { instances: Record<string, string>[] })[];
  }[];
}

/** Websites and findings by severity from JSON.parse: one finding per (plugin, path, parameter) of each site. */
function expectedZapJson(text: string): ExpectedCounts {
  const report = JSON.parse(text) as Report;
  const bySeverity = noFindings();
  const websites = new Set<string>();
  const seen = new Set<string>();
  for (const site of report.site) {
    websites.add(new URL(site['@name']).origin);
    for (const alert of site.alerts) {
      const severity = alert.confidence === '0' ? 'info' : (RISKS[Number(alert.riskcode)] as Severity);
      for (const instance of alert.instances) {
        const url = new URL(instance.uri ?? '');
        websites.add(url.origin);
        const key = `${url.origin} ${alert.pluginid} ${url.pathname} ${instance.param ?? ''}`;
        if (!seen.has(key)) bySeverity[severity]++;
        seen.add(key);
      }
    }
  }
  return { subjects: websites.size, bySeverity };
}

/** The same report in ZAP's traditional XML layout (text escaped, `<p>` and all, as ZAP writes it). */
function asXml(report: Report): string {
  const esc = (v: unknown) =>
    String(v).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
  const fields = (o: Record<string, unknown>): string =>
    Object.entries(o)
      .map(([k, v]) =>
        Array.isArray(v)
          ? `<${k}>${v.map((i: Record<string, unknown>) => `<instance>${fields(i)}</instance>`).join('\n')}</${k}>`
          : `<${k}>${esc(v)}</${k}>`,
      )
      .join('\n');
  const sites = report.site.map(
    (s) =>
      `<site name="${esc(s['@name'])}" host="${esc(s['@host'])}" port="${s['@port']}" ssl="${s['@ssl']}"><alerts>` +
      s.alerts.map((a) => `<alertitem>${fields(a)}</alertitem>`).join('\n') +
      '</alerts></site>',
  );
  return `<?xml version="1.0"?>\n<OWASPZAPReport programName="ZAP" version="${report['@version']}" generated="${report['@generated']}" created="${report.created}">\n${sites.join('\n')}\n</OWASPZAPReport>`;
}

const withoutPositions = (records: WebsiteRecord[]) =>
  records.map((r) => ({ ...r, position: undefined, findings: r.findings.map((f) => ({ ...f, position: undefined })) }));

describe('OWASP ZAP JSON report', () => {
  formatContract({ file: FILE, format: 'zap-json', expected: expectedZapJson });

  it('counts what the written report holds', () => {
    expect(expectedZapJson(readFileSync(FILE, 'utf8'))).toEqual({
      subjects: 3,
      bySeverity: { critical: 0, high: 2, medium: 3, low: 4, info: 2 },
    });
  });

  it('reads sites, alerts and instances as the XML report does (one mapping)', async () => {
    const text = readFileSync(FILE, 'utf8');
    const json = await collectScan(text);
    const xml = await collectScan(asXml(JSON.parse(text) as Report));
    expect(xml.format).toBe('zap');
    expect(json.issues).toEqual([]);
    expect(xml.issues).toEqual([]);
    expect(withoutPositions(xml.websites)).toEqual(withoutPositions(json.websites));
  });

  it('pins what the report says: time, places, evidence, CWE, a false positive, a site without alerts', async () => {
    const text = readFileSync(FILE, 'utf8');
    const scan = await collectScan(text);
    expect(scan.websites.map((r) => [r.website.host, r.website.port, r.findings.length])).toEqual([
      ['congdichvu.example.gov.vn', 443, 9],
      ['tracuu.example.gov.vn', 8080, 2],
      ['vanban.example.gov.vn', 443, 0],
    ]);
    // `created` is zoned and wins over `generated` (09:15:42 at UTC+7).
    expect(scan.websites[0]?.website.scanEnd).toEqual({
      raw: '2024-06-06T02:15:42.318Z',
      iso: '2024-06-06T02:15:42.318Z',
    });
    const xss = scan.websites[0]?.findings.filter((f) => f.scannerId === '40012');
    // Two instances on /tim-kiem [q] are one finding; the first one's URL and evidence are kept.
    expect(xss?.map((f) => [f.location, f.method, f.url])).toEqual([
      [
        '/tim-kiem [q]',
        'GET',
        'https://congdichvu.example.gov.vn/tim-kiem?q=%3CscrIpt%3Ealert%281%29%3B%3C%2FscRipt%3E',
      ],
      ['/tra-cuu [ma_ho_so]', 'POST', 'https://congdichvu.example.gov.vn/tra-cuu'],
    ]);
    expect(xss?.[0]).toMatchObject({
      severity: 'high',
      scannerRating: 'High (Medium)',
      cwes: ['CWE-79'],
      description: expect.stringMatching(/^Cross-site Scripting \(XSS\) is .*\n\nNon-persistent XSS/),
      output: 'Attack: <scrIpt>alert(1);</scRipt>\nEvidence: <scrIpt>alert(1);</scRipt>',
    });
    expect(xss?.[0]?.position.line).toBe(lineOf(text, text.indexOf('{', text.indexOf('"instances"'))));
    const csrf = scan.websites[0]?.findings.find((f) => f.scannerId === '10202');
    expect(csrf?.output).toBe(
      'Evidence: <form action="/dang-nhap" method="post" title="Đăng nhập">\nNo known Anti-CSRF token was found in the following HTML form: [Form 1: "mat_khau" "ten_dang_nhap" ].',
    );
    expect(scan.websites[0]?.findings.find((f) => f.scannerId === '10021')).toMatchObject({
      severity: 'info',
      scannerRating: 'Low (False Positive)',
    });
    expect(scan.summary).toMatchObject({ websites: 3, vulnerableWebsites: 2 });
  });

  it('dates a report without `created` by `generated`, as local time', async () => {
    const scan = await collectScan(
      '{"@version":"2.10.0","@generated":"Fri, 4 Feb 2022 16:00:01","site":[{"@name":"https://a.example.gov.vn","@host":"a.example.gov.vn","@port":"443","@ssl":"true","alerts":[]}]}',
    );
    expect(scan.format).toBe('zap-json');
    expect(scan.websites).toEqual([
      {
        website: { scheme: 'https', host: 'a.example.gov.vn', port: 443, scanEnd: { raw: '2022-02-04T16:00:01' } },
        findings: [],
        position: expect.objectContaining({ line: 1 }),
        complete: true,
      },
    ]);
  });

  it('keeps at most 5 000 places of one alert and says how many it left out', async () => {
    const instances = Array.from({ length: 5_003 }, (_, i) => ({
      uri: `https://a.example.gov.vn/p${i}`,
      method: 'GET',
    }));
    const report = {
      '@version': '2.15.0',
      '@generated': 'Thu, 6 Jun 2024 09:15:42',
      site: [{ '@name': 'https://a.example.gov.vn', alerts: [{ pluginid: '10096', riskcode: '0', instances }] }],
    };
    const scan = await collectScan(JSON.stringify(report, null, 1));
    expect(scan.summary.findings).toBe(5_000);
    expect(scan.issues).toMatchObject([{ code: 'bad-row', dropped: 3 }]);
    expect(scan.issues[0]?.message).toContain('the other 3 were not imported');
  });

  it('is not another JSON document', async () => {
    expect((await collectScan('{"site":[{"@name":"https://a.example"}]}')).format).toBeNull();
  });
});

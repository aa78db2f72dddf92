import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';

const FILE = 'acunetix/acunetix360_many_findings.json';

interface Vulnerability {
  Type: string;
  Url: string;
  Severity: string;
  State: string;
  HttpRequest: { Parameters: { Name: string; Vulnerable: boolean }[] };
  [key: string]: unknown;
}
interface Report {
  Target: { Url: string; [key: string]: unknown };
  Vulnerabilities: Vulnerability[];
  [key: string]: unknown;
}

/**
 * Websites and findings from JSON.parse: the target's origin and each vulnerability's own; a finding is a Type at the
 * URL's path and vulnerable parameter; Best Practice, Information and dismissed states are info.
 */
function expected(json: string): ExpectedCounts {
  const report = JSON.parse(json) as Report;
  const sites = new Set([new URL(report.Target.Url).origin]);
  const findings = new Map<string, Severity>();
  for (const v of report.Vulnerabilities) {
    const url = new URL(v.Url);
    sites.add(url.origin);
    const parameter = v.HttpRequest.Parameters.find((p) => p.Vulnerable)?.Name ?? '';
    const dismissed = /FalsePositive|AcceptedRisk|Ignored|Fixed/.test(v.State);
    const label = v.Severity.toLowerCase();
    const severity = dismissed || label === 'bestpractice' || label === 'information' ? 'info' : (label as Severity);
    const key = `${url.origin}|${v.Type}|${url.pathname}|${parameter}`;
    if (!findings.has(key)) findings.set(key, severity);
  }
  const bySeverity = noFindings();
  for (const severity of findings.values()) bySeverity[severity]++;
  return { subjects: sites.size, bySeverity };
}

const report = () => JSON.parse(fixtureText(FILE)) as Report;

describe('Acunetix 360 JSON', () => {
  formatContract({ file: FILE, format: 'acunetix360', expected });

  it('counts what the fixture holds: one website, 16 findings', () => {
    expect(expected(fixtureText(FILE))).toEqual({
      subjects: 1,
      bySeverity: { critical: 5, high: 3, medium: 8, low: 0, info: 0 },
    });
  });

  it('reads the target as the website, dated by the scan’s start, and a finding on its vulnerable parameter', async () => {
    const json = fixtureText(FILE);
    const scan = await collectScan(json);
    expect(scan.websites).toHaveLength(1);
    // "Initiated": "25/06/2021 01:46 AM": day first, 12-hour, zone-less.
    expect(scan.websites[0]?.website).toEqual({
      scheme: 'http',
      host: 'php.testsparker.com',
      port: 80,
      scanStart: { raw: '2021-06-25T01:46:00' },
    });
    const sqli = scan.websites[0]?.findings.find((f) => f.scannerId === 'ConfirmedBooleanSqlInjection');
    expect(sqli).toMatchObject({
      scanner: 'acunetix',
      name: 'Boolean Based SQL Injection',
      severity: 'critical',
      scannerRating: 'Critical',
      url: 'http://php.testsparker.com/artist.php?id=-1%20OR%2017-7%3d10',
      location: '/artist.php [id]',
      parameter: 'id',
      method: 'GET',
      cwes: ['CWE-89'],
      // Cvss31 when the report has it, else Cvss (a CVSS 3.0 vector).
      cvss3: { score: 10, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' },
    });
    expect(sqli?.description).toContain('Identified Database Name\n\nsqlibench');
    // Where its object opens: the second in the list, indented by four spaces.
    const starts = Array.from(json.matchAll(/^ {4}\{$/gm), (m) => lineOf(json, m.index));
    expect(sqli?.position).toMatchObject({ line: starts[1], column: 5 });
  });

  it('keeps the extra facts and the request as evidence, never the response', async () => {
    const findings = (await collectScan(fixtureText(FILE))).websites[0]?.findings ?? [];
    const cookie = findings.find((f) => f.scannerId === 'CookieNotMarkedAsHttpOnly');
    expect(cookie?.output).toMatch(/^Identified Cookie\(s\): PHPSESSID\nCookie Source: HTTP Header/);
    expect(cookie?.output).toContain('GET /auth/login.php HTTP/1.1');
    expect(cookie?.output).not.toContain('HTTP/1.1 200 OK');
    expect(cookie?.seeAlso).toContain('https://wiki.owasp.org/index.php/HttpOnly');
    expect(findings.find((f) => f.scannerId === 'ApacheVersionDisclosure')?.cvss3).toEqual({
      score: 4.3,
      vector: 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N/E:H/RL:O/RC:C',
    });
  });

  it('rates Best Practice as info, keeps a dismissed or fixed vulnerability as info, and reads a CWE list', async () => {
    const r = report();
    const [first, second, third] = r.Vulnerabilities as [Vulnerability, Vulnerability, Vulnerability];
    first.State = 'Present, FalsePositive';
    second.State = 'Fixed (Confirmed)';
    third.Severity = 'BestPractice';
    (third.Classification as { Cwe: string }).Cwe = '16, 200';
    const findings = (await collectScan(JSON.stringify(r))).websites[0]?.findings ?? [];
    expect(findings[0]).toMatchObject({ severity: 'info', scannerRating: 'Medium (FalsePositive)' });
    expect(findings[1]).toMatchObject({ severity: 'info', scannerRating: 'Critical (Fixed)' });
    expect(findings[2]).toMatchObject({ severity: 'info', scannerRating: 'BestPractice', cwes: ['CWE-16', 'CWE-200'] });
  });

  it('reads a report whose target comes last, and a target without findings as a covered website', async () => {
    const { Target, Vulnerabilities, Generated } = report();
    const last = await collectScan(JSON.stringify({ Generated, Vulnerabilities, Target }));
    expect(last.fatal).toBeNull();
    expect(last.format).toBe('acunetix360');
    expect(last.summary).toMatchObject({ websites: 1, findings: 16 });

    const none = await collectScan(JSON.stringify({ Generated, Target, Vulnerabilities: [] }, null, 2));
    expect(none.format).toBe('acunetix360');
    expect(none.summary).toMatchObject({ websites: 1, findings: 0, vulnerableWebsites: 0 });
  });

  it.each([
    ['25/06/2021 12:30 PM', '2021-06-25T12:30:00'],
    ['25/06/2021 12:05 AM', '2021-06-25T00:05:00'],
    ['01/12/2021 11:59 pm', '2021-12-01T23:59:00'],
    ['31/02/2021 10:00 AM', undefined],
    ['25/06/2021 13:00 PM', undefined],
  ])('reads the start %s day first on a 12-hour clock', async (initiated, raw) => {
    const r = report();
    r.Target.Initiated = initiated;
    const scan = await collectScan(JSON.stringify(r));
    expect(scan.websites[0]?.website.scanStart).toEqual(raw && { raw });
  });

  it('bounds what it keeps of a vulnerability with a huge request and response', async () => {
    const r = report();
    const v = r.Vulnerabilities[0] as Vulnerability & {
      HttpRequest: { Content: string };
      HttpResponse: { Content: string };
    };
    v.HttpRequest.Content = `POST /upload HTTP/1.1\r\n\r\n${'A'.repeat(3_000_000)}`;
    v.HttpResponse.Content = `HTTP/1.1 200 OK\r\n\r\n${'B'.repeat(5_000_000)}`;
    v.Description = `<p>${'C'.repeat(2_000_000)}</p>`;
    const scan = await collectScan(JSON.stringify(r), { maxOutputLength: 500, maxTextLength: 1_000 });
    const finding = scan.websites[0]?.findings[0];
    expect(finding?.output?.length).toBeLessThanOrEqual(501);
    expect(finding?.output).toContain('POST /upload');
    expect(finding?.output).not.toContain('BBBB');
    expect(finding?.description?.length).toBeLessThanOrEqual(1_001);
  });

  it('reports a vulnerability without a type or URL, and keeps the others', async () => {
    const r = report();
    (r.Vulnerabilities[0] as Partial<Vulnerability>).Type = undefined;
    (r.Vulnerabilities[1] as Vulnerability).Url = 'mailto:someone@example.gov.vn';
    const scan = await collectScan(JSON.stringify(r, null, 2));
    expect(scan.issues.map((i) => [i.code, i.dropped])).toEqual([
      ['missing-field', 1],
      ['invalid-url', 1],
    ]);
    expect(scan.summary).toMatchObject({ findings: 14, droppedFindings: 2 });
  });

  it('is not taken for another JSON report', async () => {
    expect(
      (await collectScan('{"Vulnerabilities": [], "Target": {"Url": "https://example.gov.vn/"}}')).format,
    ).toBeNull();
  });
});

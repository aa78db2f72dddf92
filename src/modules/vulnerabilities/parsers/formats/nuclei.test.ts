import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureText } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';

const JSONL = 'nuclei/many_findings.json';
const EXPORT = fileURLToPath(new URL('../../../../../tests/fixtures/scans-web/nuclei-export.json', import.meta.url));

interface Result {
  'template-id'?: string;
  templateID?: string;
  'matcher-name'?: string;
  matcher_name?: string;
  'matched-at'?: string;
  matched?: string;
  fuzzing_parameter?: string;
  info: { severity: string; classification?: { 'cvss-score'?: number } };
}

const byScore = (score = 0): Severity =>
  score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';

/**
 * Websites and findings from JSON.parse: a result on an http(s) URL is its template (and matcher) at the URL's path
 * (and fuzzed parameter), rated by its severity (`unknown` by its CVSS score); any other result is dropped.
 */
function counts(results: Result[]): ExpectedCounts {
  const sites = new Set<string>();
  const findings = new Map<string, Severity>();
  let dropped = 0;
  for (const r of results) {
    const matched = r['matched-at'] ?? r.matched ?? '';
    if (!/^https?:\/\//.test(matched)) {
      dropped++;
      continue;
    }
    const url = new URL(matched);
    sites.add(url.origin);
    const id = [r['template-id'] ?? r.templateID, r['matcher-name'] ?? r.matcher_name].filter(Boolean).join(':');
    const key = `${url.origin}|${id}|${url.pathname}|${r.fuzzing_parameter ?? ''}`;
    const label = r.info.severity;
    const severity = label === 'unknown' ? byScore(r.info.classification?.['cvss-score']) : (label as Severity);
    if (!findings.has(key)) findings.set(key, severity);
  }
  const bySeverity = noFindings();
  for (const severity of findings.values()) bySeverity[severity]++;
  return { subjects: sites.size, bySeverity, dropped };
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Result);

describe('Nuclei JSON Lines and JSON export', () => {
  formatContract({ file: JSONL, format: 'nuclei', expected: (text) => counts(lines(text)) });
  formatContract({ file: EXPORT, format: 'nuclei', expected: (text) => counts(JSON.parse(text) as Result[]) });

  it('counts what the fixtures hold', () => {
    expect(counts(lines(fixtureText(JSONL)))).toEqual({
      subjects: 3,
      bySeverity: { critical: 0, high: 0, medium: 1, low: 0, info: 15 },
      dropped: 2,
    });
    expect(counts(JSON.parse(readFileSync(EXPORT, 'utf8')))).toEqual({
      subjects: 3,
      bySeverity: { critical: 1, high: 1, medium: 2, low: 0, info: 4 },
      dropped: 2,
    });
  });

  it('skips the network results of the JSON Lines file at their line, and reads the older field names', async () => {
    const scan = await collectScan(fixtureText(JSONL));
    expect(scan.issues.map(({ code, line, dropped }) => ({ code, line, dropped }))).toEqual([
      { code: 'invalid-url', line: 1, dropped: 1 },
      { code: 'invalid-url', line: 18, dropped: 1 },
    ]);
    expect(scan.issues[0]?.message).toContain('openssh5.3-detect (network) matched "nuclei-example.com:22"');

    const first = scan.websites[0];
    expect(first?.website).toEqual({
      scheme: 'https',
      host: 'nuclei-example.com',
      port: 443,
      ip: '178.21.15.56',
      scanStart: { raw: '2021-05-20T11:11:02.287655+03:00', iso: '2021-05-20T08:11:02.287Z' },
    });
    expect(first?.findings.map((f) => [f.scannerId, f.location, f.severity])).toEqual([
      ['nginx-version', '/', 'info'],
      ['phpmyadmin-setup', '/phpmyadmin/setup/index.php', 'medium'],
    ]);
    expect(first?.findings[0]?.output).toBe('nginx/1.14.2');
    expect(first?.findings[1]).toMatchObject({
      scanner: 'nuclei',
      name: 'phpMyAdmin setup page',
      scannerRating: 'medium',
      url: 'https://nuclei-example.com/phpmyadmin/setup/index.php',
      seeAlso: ['https://hackerone.com/reports/297339'],
    });
    // `matcher_name`: one finding per technology tech-detect saw.
    const webGoat = scan.websites.find((w) => w.website.port === 8080);
    expect(webGoat?.website).toMatchObject({ scheme: 'http', host: '127.0.0.1' });
    expect(webGoat?.findings.map((f) => f.scannerId)).toEqual([
      'tech-detect:animate.css',
      'tech-detect:bootstrap',
      'tech-detect:font-awesome',
    ]);
    expect(webGoat?.findings[1]).toMatchObject({
      name: 'Wappalyzer Technology Detection (bootstrap)',
      location: '/WebGoat',
    });
  });

  it('reads the export’s classification, fuzzed parameter and severities, and keeps no request or response', async () => {
    const text = readFileSync(EXPORT, 'utf8');
    const scan = await collectScan(text);
    const findings = scan.websites.flatMap((w) => w.findings);
    const struts = findings.find((f) => f.scannerId === 'CVE-2017-5638');
    expect(struts).toMatchObject({
      severity: 'critical',
      cves: ['CVE-2017-5638'],
      cwes: ['CWE-20'],
      scannerScore: 10,
      cvss3: { score: 10, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      url: 'https://congdichvu.example.gov.vn/struts2-showcase/index.action',
      location: '/struts2-showcase/index.action',
      method: 'GET',
      solution: 'Upgrade Apache Struts to 2.3.32 or 2.5.10.1 or later.',
      seeAlso: [
        'https://nvd.nist.gov/vuln/detail/CVE-2017-5638',
        'https://cwiki.apache.org/confluence/display/WW/S2-045',
      ],
    });
    expect(findings.find((f) => f.scannerId === 'sqli-error-based')).toMatchObject({
      severity: 'high',
      location: '/tin-tuc/chi-tiet [id]',
      parameter: 'id',
      method: 'GET',
      cwes: ['CWE-89'],
      output: 'You have an error in your SQL syntax',
    });
    // `unknown` is rated by the CVSS score; the label is kept as written.
    expect(findings.find((f) => f.scannerId === 'custom-admin-panel')).toMatchObject({
      severity: 'medium',
      scannerRating: 'unknown',
      url: 'http://dichvucong.example.gov.vn:8080/quan-tri/dang-nhap',
    });
    expect(scan.websites.find((w) => w.website.port === 8080)?.website).toMatchObject({
      scheme: 'http',
      host: 'dichvucong.example.gov.vn',
      ip: '203.0.113.30',
    });
    // The ssl and dns results are skipped where they are (one line: the column says which).
    expect(scan.issues.map((i) => [i.code, i.line, i.dropped])).toEqual([
      ['invalid-url', 1, 1],
      ['invalid-url', 1, 1],
    ]);
    const at = (column = 0) => text.slice(column - 1, column + 40);
    expect(at(scan.issues[0]?.column)).toMatch(/^\{"template-id":"expired-ssl"/);
    expect(at(scan.issues[1]?.column)).toMatch(/^\{"template-id":"caa-fingerprint"/);
    expect(JSON.stringify(scan)).not.toContain('X-Nuclei: 1337');
  });

  it('says when a severity is not Nuclei’s, and rates it by the score', async () => {
    const line = (id: string, severity: string, score?: number) =>
      JSON.stringify({
        'template-id': id,
        info: { name: id, severity, classification: { 'cvss-score': score } },
        type: 'http',
        'matched-at': 'https://portal.example.gov.vn/a',
      });
    const scan = await collectScan([line('a', 'severe', 7.5), line('b', 'unknown'), line('c', 'High')].join('\n'));
    expect(scan.issues).toMatchObject([{ code: 'invalid-severity', line: 1, dropped: 0 }]);
    expect(scan.websites[0]?.findings.map((f) => [f.scannerId, f.severity])).toEqual([
      ['a', 'high'],
      ['b', 'info'],
      ['c', 'high'],
    ]);
  });

  it.each([
    ['an empty export', '[]'],
    ['a result without info', '{"template-id":"x","matched-at":"https://a.example.gov.vn/"}\n'],
    ['a Nikto report', fixtureText('nikto/juice-shop.json')],
  ])('does not take %s for Nuclei', async (_, text) => {
    expect((await collectScan(text)).format).not.toBe('nuclei');
  });
});

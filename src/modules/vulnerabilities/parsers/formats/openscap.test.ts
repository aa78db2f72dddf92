import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';
import { MAX_RULE_TEXT } from './openscap.ts';

const REAL = 'openscap/many_vuln_rhsa.xml';
const ARF = fileURLToPath(new URL('../../../../../tests/fixtures/scans-host/openscap-arf.xml', import.meta.url));

/** An element name with any namespace prefix (`xccdf-1.2:Rule`, `rule-result`). */
const el = (name: string) => `(?:[\\w.-]+:)?${name}`;

/**
 * Hosts and findings from the text: a TestResult is a computer when it has an address other than loopback or
 * link-local; each of its rule-results whose result is `fail` is a finding, rated by its severity (`unknown` is low).
 */
function expected(xml: string): ExpectedCounts {
  const bySeverity = noFindings();
  let subjects = 0;
  let dropped = 0;
  for (const test of xml.split(new RegExp(`<${el('TestResult')}\\b`)).slice(1)) {
    const addresses = Array.from(test.matchAll(new RegExp(`<${el('target-address')}>([^<]+)<`, 'g')), (m) => m[1]);
    const real = addresses.filter((a) => a && isIP(a) && !/^(127\.|0:0:0:0:0:0:0:1$|::1$|fe80:)/.test(a));
    const results = test.matchAll(
      new RegExp(`<${el('rule-result')}\\b([^>]*)>([\\s\\S]*?)</${el('rule-result')}>`, 'g'),
    );
    const fails = Array.from(results).filter((m) => new RegExp(`<${el('result')}>fail<`).test(m[2] ?? ''));
    if (!real.length) {
      dropped += fails.length;
      continue;
    }
    subjects++;
    for (const [, attrs] of fails) {
      const label = / severity="(\w+)"/.exec(attrs ?? '')?.[1] ?? 'unknown';
      bySeverity[label === 'unknown' ? 'low' : (label as Severity)]++;
    }
  }
  return { subjects, bySeverity, dropped };
}

describe('OpenSCAP XCCDF results', () => {
  formatContract({ file: REAL, format: 'openscap', expected });
  formatContract({ file: ARF, format: 'openscap', expected });

  it('counts what the real report holds: one computer, 31 of 2,935 rules failed', () => {
    expect(expected(fixtureText(REAL))).toEqual({
      subjects: 1,
      bySeverity: { critical: 0, high: 25, medium: 5, low: 1, info: 0 },
      dropped: 0,
    });
  });

  it('puts the results on the first address that is not loopback, with its MAC, dated by the TestResult', async () => {
    const xml = fixtureText(REAL);
    const scan = await collectScan(xml);
    expect(scan.hosts).toHaveLength(1);
    expect(scan.hosts[0]?.host).toEqual({
      ip: '192.168.94.166',
      ipVersion: 4,
      hostname: 'sample.system',
      // The second MAC fact, as 192.168.94.166 is the second address (127.0.0.1 has 00:00:00:00:00:00).
      mac: '00:aa:bb:86:6a:49',
      // Zone-less: the importer reads them as the province's time.
      scanStart: { raw: '2019-03-04T07:43:35' },
      scanEnd: { raw: '2019-03-04T07:43:39' },
    });
    const cves = new Set<string>();
    for (const m of xml.matchAll(/<rule-result [^>]*>\s*<result>fail<\/result>([\s\S]*?)<\/rule-result>/g))
      for (const cve of m[1]?.matchAll(/CVE-\d{4}-\d+/g) ?? []) cves.add(cve[0]);
    expect(scan.summary.distinctCves).toBe(cves.size);
    expect(cves.size).toBe(128);
  });

  it('names a failed rule by its Rule’s title, read before the results', async () => {
    const xml = fixtureText(REAL);
    const scan = await collectScan(xml);
    const finding = scan.hosts[0]?.findings[0];
    const at = xml.indexOf('<rule-result idref="oval-com.redhat.rhsa-def-20173315"');
    expect(finding).toEqual({
      scanner: 'openscap',
      scannerId: 'oval-com.redhat.rhsa-def-20173315',
      name: 'RHSA-2017:3315: kernel security and bug fix update (Moderate)',
      severity: 'medium',
      scannerRating: 'medium',
      cves: ['CVE-2017-1000380'],
      port: 0,
      protocol: '',
      position: { line: lineOf(xml, at), column: 5, path: 'Benchmark/TestResult/rule-result' },
    });
  });

  it('reads a bare TestResult root: its rules are known by their ids', async () => {
    const xml = fixtureText(REAL);
    const test = xml
      .slice(xml.indexOf('<TestResult '), xml.indexOf('</TestResult>') + '</TestResult>'.length)
      .replace('<TestResult ', '<TestResult xmlns="http://checklists.nist.gov/xccdf/1.1" ');
    const scan = await collectScan(`<?xml version="1.0"?>\n${test}`);
    expect(scan.format).toBe('openscap');
    expect(scan.summary.findingsBySeverity).toEqual(expected(xml).bySeverity);
    expect(scan.hosts[0]?.findings.every((f) => f.name === f.scannerId)).toBe(true);
  });

  it('reads an ARF collection: prefixed rules, XHTML descriptions, only failed rules, no loopback computer', async () => {
    const xml = readFileSync(ARF, 'utf8');
    const scan = await collectScan(xml);
    expect(scan.hosts.map((h) => h.host)).toEqual([
      {
        ip: '10.30.0.5',
        ipVersion: 4,
        hostname: 'web02.example.gov.vn',
        mac: '52:54:00:12:34:56',
        scanStart: { raw: '2024-05-02T10:11:12+07:00', iso: '2024-05-02T03:11:12.000Z' },
        scanEnd: { raw: '2024-05-02T10:13:40+07:00', iso: '2024-05-02T03:13:40.000Z' },
      },
    ]);
    const [minlen, banner, patches] = scan.hosts[0]?.findings ?? [];
    expect(minlen).toMatchObject({
      name: 'Set Password Minimum Length in login.defs',
      severity: 'medium',
      description:
        'To specify password length requirements for new accounts, edit the file\n/etc/login.defs and add or ' +
        'correct the following line:\n\nPASS_MIN_LEN 12',
      // No fixtext: the rule's fix script.
      solution: "sed -i 's/^PASS_MIN_LEN.*/PASS_MIN_LEN 12/' /etc/login.defs",
    });
    // XCCDF's default severity `unknown` on a failed rule: low.
    expect(banner).toMatchObject({ name: 'Modify the System Login Banner', severity: 'low', scannerRating: 'unknown' });
    // A rule the benchmark does not define: named by its id, rated and given CVEs by the result.
    expect(patches).toMatchObject({
      name: 'xccdf_org.ssgproject.content_rule_security_patches_up_to_date',
      severity: 'high',
      cves: ['CVE-2024-6387'],
      output: 'openssh-server-8.7p1-38.el9 is older than the fixed 8.7p1-38.el9_4.1',
    });
    // The error result (a probe failed) says nothing of the computer: no finding.
    expect(scan.hosts[0]?.findings).toHaveLength(3);
    expect(scan.issues).toEqual([
      expect.objectContaining({
        code: 'invalid-ip',
        dropped: 1,
        line: lineOf(xml, xml.lastIndexOf('<TestResult ')),
        message: expect.stringContaining('TestResult of "container01" has no address but loopback'),
      }),
    ]);
  });

  it('bounds what it keeps of the rules: descriptions by the text limit, all summaries by MAX_RULE_TEXT', async () => {
    const title = 'T'.repeat(1_000);
    const count = Math.ceil(MAX_RULE_TEXT / 1_050) + 1;
    const rules = Array.from(
      { length: count },
      (_, i) =>
        `<Rule id="r${i}" severity="high"><title>${title}</title><description>${'d'.repeat(50)}</description></Rule>`,
    );
    const xml =
      '<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b">' +
      `<Rule id="first" severity="low"><title>First</title><description>${'x'.repeat(500)}</description></Rule>` +
      `${rules.join('\n')}<TestResult id="t"><target>pc</target><target-address>10.0.0.9</target-address>` +
      '<rule-result idref="first"><result>fail</result></rule-result>' +
      `<rule-result idref="r${count - 1}" severity="high"><result>fail</result></rule-result></TestResult></Benchmark>`;
    const scan = await collectScan(xml, { maxTextLength: 100 });
    const [first, last] = scan.hosts[0]?.findings ?? [];
    expect(first).toMatchObject({ name: 'First', description: `${'x'.repeat(100)}…` });
    expect(last).toMatchObject({ name: `r${count - 1}`, severity: 'high' });
    expect(scan.issues).toHaveLength(1);
    expect(scan.issues[0]?.message).toMatch(/^rule definitions beyond 16000000 characters are not kept/);
  });

  it('says when a benchmark holds no results', async () => {
    const xml = fixtureText(REAL);
    const benchmark = `${xml.slice(0, xml.indexOf('<TestResult '))}</Benchmark>\n`;
    const scan = await collectScan(benchmark);
    expect(scan.format).toBe('openscap');
    expect(scan.hosts).toEqual([]);
    expect(scan.issues).toEqual([expect.objectContaining({ code: 'missing-field', line: 2, dropped: 0 })]);
  });

  it.each([
    ['an XCCDF-less Benchmark root', '<?xml version="1.0"?><Benchmark xmlns="urn:example:perf"><run/></Benchmark>'],
    ['another ARF-named root', '<asset-report-collection xmlns="urn:example:other"/>'],
  ])('does not take %s for OpenSCAP results', async (_, xml) => {
    expect((await collectScan(xml)).format).not.toBe('openscap');
  });
});

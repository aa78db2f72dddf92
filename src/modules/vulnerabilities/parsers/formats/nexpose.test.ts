import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';

/** Nexpose severity 1–10 on the CVSS bands, as docs/scan-formats.md states it. */
const level = (n: number): Severity => (n >= 9 ? 'critical' : n >= 7 ? 'high' : n >= 4 ? 'medium' : 'low');

const VULNERABLE =
  /<test id="([^"]*)"[^>]*status="(?:vulnerable-exploited|vulnerable-version|vulnerable-potential|potential)"/g;

/**
 * From the text: each node, and its vulnerable tests counted once per vulnerability and port (node-level tests come
 * before the node's endpoints), rated by the definition's severity.
 */
function findings(xml: string) {
  const definitions = xml.slice(xml.indexOf('<VulnerabilityDefinitions'));
  const severity = new Map(
    Array.from(definitions.matchAll(/<vulnerability id="([^"]*)"[^>]*? severity="(\d+)"/g), (m) => [
      m[1]?.toLowerCase(),
      Number(m[2]),
    ]),
  );
  const nodes = xml
    .slice(0, xml.indexOf('<VulnerabilityDefinitions'))
    .split(/<node /)
    .slice(1);
  return nodes.map((node) => {
    const [own = '', ...endpoints] = node.split('<endpoint ');
    const keys = new Set(Array.from(own.matchAll(VULNERABLE), (m) => `${m[1]}|0`));
    for (const endpoint of endpoints) {
      const place = /protocol="([^"]*)" port="([^"]*)"/.exec(endpoint)?.slice(1).join('/');
      for (const m of endpoint.matchAll(VULNERABLE)) keys.add(`${m[1]}|${place}`);
    }
    return [...keys].map((key) => level(severity.get(key.split('|')[0]?.toLowerCase()) ?? 0));
  });
}

function expected(xml: string): ExpectedCounts {
  const nodes = findings(xml);
  const bySeverity = noFindings();
  for (const s of nodes.flat()) bySeverity[s]++;
  return { subjects: nodes.length, bySeverity };
}

const FIXTURE = 'nexpose/many_vulns.xml';

describe('Rapid7 Nexpose XML export', () => {
  formatContract({ file: FIXTURE, format: 'nexpose', expected });

  it('reads the fixture: 8 nodes, 162 vulnerable tests as 28 findings', async () => {
    const xml = fixtureText(FIXTURE);
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([]);
    expect(Array.from(xml.matchAll(VULNERABLE))).toHaveLength(162);
    expect(expected(xml).bySeverity).toEqual({ critical: 1, high: 5, medium: 8, low: 14, info: 0 });
    expect(scan.summary).toMatchObject({ hosts: 8, findings: 28, vulnerableHosts: 6 });
  });

  it('rates a vulnerability by its definition at the end and dates it by the scan', async () => {
    const xml = fixtureText(FIXTURE);
    const scan = await collectScan(xml);
    // Checked by hand: node 192.168.1.33, endpoint udp/123 (line 5507), its test (line 5518), definition (line 12726).
    const node = scan.hosts.find((h) => h.host.ip === '192.168.1.33');
    expect(node?.host).toMatchObject({
      os: 'Linux 2.6.18_pro500-davinci_IPNC_1.00',
      // <scan startTime="20131127T050242739" endTime="20131127T115513233">: the console's local time.
      scanStart: { raw: '2013-11-27T05:02:42' },
      scanEnd: { raw: '2013-11-27T11:55:13' },
    });
    expect(node?.host.scanStart?.iso).toBeUndefined();
    const ntp = node?.findings.find((f) => f.scannerId === 'ntpd-crypto-recv-buffer-overflow');
    expect(ntp).toMatchObject({
      scanner: 'nexpose',
      name: "NTP 'ntpd' Autokey Stack Buffer Overflow Vulnerability",
      severity: 'high',
      scannerRating: '7',
      cvss2: { score: 6.8, vector: 'AV:N/AC:M/Au:N/C:P/I:P/A:P' },
      cves: ['CVE-2009-1252'],
      port: 123,
      protocol: 'udp',
      service: 'NTP',
      position: { line: 5518, path: 'NexposeReport/nodes/node/endpoints/endpoint/services/service/tests/test' },
    });
    expect(ntp?.description).toMatch(/^There exists a stack-based buffer overflow in the crypto_recv function found/);
    expect(node?.software).toContainEqual({
      product: 'NTP',
      version: '4.2.0a@1:4.2.0a+stable-8-r',
      port: 123,
      protocol: 'udp',
      service: 'NTP',
    });
    // Severity 10 (CVSS 10.0) on 192.168.1.1:22 is the fixture's one critical.
    const critical = scan.hosts.flatMap((h) => h.findings.filter((f) => f.severity === 'critical'));
    expect(critical.map((f) => [f.scannerId, f.port])).toEqual([['ssh-default-account-root-password-root', 22]]);
  });

  it('makes the 134 instances of one vulnerability on one port a single finding listing them', async () => {
    const xml = fixtureText(FIXTURE);
    const scan = await collectScan(xml);
    const node = scan.hosts.find((h) => h.host.ip === '192.168.1.18');
    const basic = node?.findings.filter((f) => f.scannerId === 'http-basic-auth-cleartext');
    expect(basic).toHaveLength(1);
    expect(basic?.[0]).toMatchObject({
      name: 'HTTP Basic Authentication Enabled',
      severity: 'high',
      port: 80,
      position: {
        line: lineOf(xml, xml.indexOf('<test id="http-basic-auth-cleartext" key="/cgi-bin/Management.asp"')),
      },
    });
    expect(basic?.[0]?.output).toMatch(
      /^\/cgi-bin\/Management\.asp: Running vulnerable HTTP service\.\nHTTP request to http:\/\/192\.168\.1\.18\/cgi-bin\/Management\.asp\n/,
    );
    expect(basic?.[0]?.output?.length).toBeLessThanOrEqual(2_001);
  });

  it('reads the node’s names, MAC and OS', async () => {
    const scan = await collectScan(fixtureText(FIXTURE));
    expect(scan.hosts.find((h) => h.host.ip === '192.168.1.37')?.host).toMatchObject({
      hostname: 'MACBOOKPRO-C9A7',
      mac: 'e4:ce:8f:49:0d:7c',
    });
    expect(scan.hosts.find((h) => h.host.ip === '192.168.1.1')?.host.os).toBe('Linux 2.6.9');
    // Of the OS guesses (Mac OS X 0.68, FreeBSD 0.66, … OpenVMS), the most certain one is the computer's.
    const mac = scan.hosts.find((h) => h.host.ip === '192.168.1.35');
    expect(mac?.host.os).toBe('Apple Mac OS X 10.5.6');
    expect(mac?.software).toEqual([
      { cpe: 'cpe:2.3:o:apple:mac_os_x:10.0:*:*:*:*:*:*:*', vendor: 'apple', product: 'mac_os_x', version: '10.0' },
    ]);
  });

  it('rates medium, with an issue, a vulnerability the report does not define', async () => {
    const xml = fixtureText(FIXTURE).replace(
      '<vulnerability id="ssh-default-account-root-password-root"',
      '<vulnerability id="renamed"',
    );
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([
      expect.objectContaining({
        code: 'missing-field',
        message: 'vulnerability ssh-default-account-root-password-root has no definition in the report; rated medium',
        line: 181,
      }),
    ]);
    expect(scan.summary.findingsBySeverity).toMatchObject({ critical: 0, medium: 9 });
  });

  it('refuses a report holding too much before its definitions, and keeps no node', async () => {
    const proof = 'x'.repeat(1024 * 1024);
    async function* huge(): AsyncGenerator<string> {
      yield '<NexposeReport version="2.0"><nodes>\n';
      for (let i = 0; i < 70; i++)
        yield `<node address="10.0.${i >> 8}.${i & 255}"><tests><test id="t" status="vulnerable-exploited"><Paragraph>${proof}</Paragraph></test></tests></node>\n`;
      yield '</nodes><VulnerabilityDefinitions/></NexposeReport>';
    }
    const scan = await collectScan(huge(), { maxOutputLength: proof.length });
    expect(scan.fatal).toMatchObject({ kind: 'too-large', path: 'NexposeReport/nodes/node' });
    expect(scan.fatal?.message).toMatch(/before its VulnerabilityDefinitions.*fewer assets per report/);
    expect(scan.hosts).toEqual([]);
  });

  it('counts held nodes and their software toward the same bound, with or without findings', async () => {
    const proof = 'x'.repeat(1024 * 1024);
    const services = Array.from(
      { length: 40 },
      (_, p) =>
        `<endpoint protocol="tcp" port="${1000 + p}"><services><service name="s${p}"><fingerprints><fingerprint product="Product ${p}" version="1.${p}"/></fingerprints></service></services></endpoint>`,
    ).join('');
    async function* inventory(): AsyncGenerator<string> {
      yield '<NexposeReport version="2.0"><nodes>\n';
      for (let i = 0; i < 63; i++)
        yield `<node address="10.0.0.${i}"><tests><test id="t" status="vulnerable-exploited"><Paragraph>${proof}</Paragraph></test></tests></node>\n`;
      // 63 M characters are held; then nodes with 40 services each and nothing vulnerable.
      for (let i = 0; i < 500; i++)
        yield `<node address="10.1.${i >> 8}.${i & 255}"><endpoints>${services}</endpoints></node>\n`;
      yield '</nodes><VulnerabilityDefinitions/></NexposeReport>';
    }
    const scan = await collectScan(inventory(), { maxOutputLength: proof.length });
    expect(scan.fatal).toMatchObject({ kind: 'too-large', path: 'NexposeReport/nodes/node' });
    expect(scan.fatal?.line).toBeGreaterThan(64);
    expect(scan.hosts).toEqual([]);
  });

  it.each([
    ['the simple XML export', '<NeXposeSimpleXML version="1.0"><devices/></NeXposeSimpleXML>'],
    ['another vendor’s report', '<report><node address="10.0.0.1"/></report>'],
  ])('does not read %s as Nexpose XML (nor as any other report)', async (_, xml) => {
    expect((await collectScan(xml)).format).toBeNull();
  });
});

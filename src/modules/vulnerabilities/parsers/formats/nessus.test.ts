import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { collectScan, findingKey, hostKey, parseScanFile, type Severity } from '../index.ts';

const LEVELS: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Counts computed from the raw file, independently of the parser. */
function expectedFromText(xml: string) {
  const hosts = xml.match(/<ReportHost[\s>]/g)?.length ?? 0;
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const m of xml.matchAll(/<ReportItem\b[^>]*\bseverity="(\d)"/g)) bySeverity[LEVELS[Number(m[1])] as Severity]++;
  const cves = new Set(Array.from(xml.matchAll(/<cve>([^<]+)<\/cve>/g), (m) => m[1]));
  // A host is vulnerable when any of its items has severity ≥ 1.
  const vulnerable = xml
    .split(/<ReportHost[\s>]/)
    .slice(1)
    .filter((h) => /<ReportItem\b[^>]*\bseverity="[1-4]"/.test(h));
  return { hosts, bySeverity, cves: cves.size, vulnerable: vulnerable.length };
}

describe('Nessus v2 fixtures', () => {
  it.each([
    // file, hosts, ReportItems, vulnerable hosts, distinct CVEs — verified by hand with grep.
    ['nessus/nessus_with_cvssv3.nessus', 1, 49, 1, 136],
    ['nessus/nessus_v_unknown.xml', 7, 296, 7, 1],
    ['nessus/nessus_many_vuln.xml', 1, 7, 0, 0],
  ])('%s: %i hosts, %i findings', async (file, hosts, items, vulnerable, cves) => {
    const xml = fixtureText(file);
    const expected = expectedFromText(xml);
    const scan = await collectScan(createReadStream(fixture(file)));

    expect(scan.fatal).toBeNull();
    expect(scan.issues).toEqual([]);
    expect(scan.format).toBe('nessus');
    expect(scan.summary.hosts).toBe(hosts);
    expect(scan.summary.hosts).toBe(expected.hosts);
    expect(scan.summary.findings).toBe(items);
    expect(scan.summary.findingsBySeverity).toEqual(expected.bySeverity);
    expect(scan.summary.distinctCves).toBe(cves);
    expect(scan.summary.distinctCves).toBe(expected.cves);
    expect(scan.summary.vulnerableHosts).toBe(vulnerable);
    expect(scan.summary.vulnerableHosts).toBe(expected.vulnerable);
    expect(scan.hosts.every((h) => h.complete)).toBe(true);
  });

  it('pins the severity split of nessus_with_cvssv3 (grep severity="N")', async () => {
    const scan = await collectScan(fixtureText('nessus/nessus_with_cvssv3.nessus'));
    expect(scan.summary.findingsBySeverity).toEqual({ critical: 2, high: 10, medium: 13, low: 1, info: 23 });
    expect(scan.summary.hostsByMaxSeverity.critical).toBe(1);
  });

  it('reads host properties and the fields of a finding', async () => {
    const scan = await collectScan(createReadStream(fixture('nessus/nessus_with_cvssv3.nessus')));
    const [record] = scan.hosts;
    expect(record?.host).toMatchObject({
      ip: '44.228.249.3',
      ipVersion: 4,
      hostname: 'testphp.vulnweb.com',
      fqdn: 'testphp.vulnweb.com',
      os: 'Linux Kernel 2.6',
      scanStart: { raw: '1648042311', iso: '2022-03-23T13:31:51.000Z' },
      scanEnd: { raw: '1648044472', iso: '2022-03-23T14:07:52.000Z' },
    });
    expect(record?.position).toMatchObject({ line: 7598, column: 9, path: 'NessusClientData_v2/Report/ReportHost' });

    const withV3 = record?.findings.find((f) => f.cvss3 !== undefined && f.cves.length > 0);
    expect(withV3).toBeDefined();
    expect(withV3?.cvss3?.vector).toMatch(/^CVSS:3\.\d\//);
    expect(withV3?.cves.every((c) => /^CVE-\d{4}-\d+$/.test(c))).toBe(true);
    for (const f of record?.findings ?? []) {
      expect(f.scanner).toBe('nessus');
      expect(f.scannerId).toMatch(/^\d+$/);
      expect(f.output?.length ?? 0).toBeLessThanOrEqual(2_001);
    }
  });

  it('keeps plugin_output and descriptions bounded', async () => {
    const scan = await collectScan(fixtureText('nessus/nessus_v_unknown.xml'), {
      maxOutputLength: 50,
      maxTextLength: 80,
    });
    const findings = scan.hosts.flatMap((h) => h.findings);
    expect(findings.some((f) => f.output?.endsWith('…'))).toBe(true);
    for (const f of findings) {
      expect(f.output?.length ?? 0).toBeLessThanOrEqual(51);
      expect(f.description?.length ?? 0).toBeLessThanOrEqual(81);
    }
  });

  it('gives every finding a distinct identity within a host', async () => {
    const scan = await collectScan(fixtureText('nessus/nessus_v_unknown.xml'));
    for (const { host, findings } of scan.hosts) {
      const keys = new Set(findings.map((f) => findingKey(host, f)));
      expect(keys.size).toBe(findings.length);
      expect(findingKey(host, findings[0] ?? ({} as never))).toContain(hostKey(host));
    }
  });

  it('reports a truncated file as fatal with its line, keeping the hosts completed before the cut', async () => {
    const xml = fixtureText('nessus/nessus_v_unknown.xml');
    const thirdHost = xml.indexOf('<ReportHost', xml.indexOf('<ReportHost', xml.indexOf('<ReportHost') + 1) + 1);
    const cut = xml.indexOf('<ReportItem', xml.indexOf('<ReportItem', thirdHost) + 1) + 20;
    const scan = await collectScan(xml.slice(0, cut));

    expect(scan.fatal?.kind).toBe('truncated');
    expect(scan.fatal?.line).toBe(lineOf(xml, cut));
    expect(scan.fatal?.message).toMatch(new RegExp(`^truncated at line ${lineOf(xml, cut)}`));
    expect(scan.summary.complete).toBe(false);
    expect(scan.hosts.map((h) => h.complete)).toEqual([true, true, false]);
    // The third host is cut in its second item: only its first item is kept.
    expect(scan.hosts[2]?.findings).toHaveLength(1);
    expect(scan.summary.incompleteHosts).toBe(1);
  });

  it('reports a not well-formed file as fatal, distinct from truncation', async () => {
    const xml = fixtureText('nessus/nessus_many_vuln.xml').replace('</synopsis>', '</synopsys>');
    const scan = await collectScan(xml);
    expect(scan.fatal?.kind).toBe('not-well-formed');
    expect(scan.fatal?.message).toMatch(/^not well-formed at line \d+/);
    expect(scan.fatal?.line).toBe(lineOf(xml, xml.indexOf('</synopsys>')));
  });

  it('reports a corrupted ReportItem with its position and keeps the rest', async () => {
    const xml = fixtureText('nessus/nessus_v_unknown.xml');
    const target = xml.indexOf('severity="2"');
    const broken = `${xml.slice(0, target)}severity="high"${xml.slice(target + 'severity="2"'.length)}`;
    const itemStart = broken.lastIndexOf('<ReportItem', target);
    const scan = await collectScan(broken);

    expect(scan.fatal).toBeNull();
    expect(scan.summary.findings).toBe(296);
    expect(scan.issues).toHaveLength(1);
    expect(scan.issues[0]).toMatchObject({
      code: 'invalid-severity',
      line: lineOf(broken, itemStart),
      path: 'NessusClientData_v2/Report/ReportHost/ReportItem',
      dropped: 0,
    });
    // risk_factor of that item says Medium: the finding keeps its rating.
    expect(scan.issues[0]?.message).toMatch(/rated medium from risk_factor "Medium"/);
    expect(scan.summary.findingsBySeverity.medium).toBe(23);
  });

  it('does not attribute the findings of a host with an invalid IP', async () => {
    const xml = fixtureText('nessus/nessus_many_vuln.xml').replace(
      '<tag name="host-ip">12.233.108.201</tag>',
      '<tag name="host-ip">12.233.108.2011</tag>',
    );
    const scan = await collectScan(xml);
    expect(scan.hosts).toEqual([]);
    expect(scan.issues).toEqual([expect.objectContaining({ code: 'invalid-ip', line: 2609, column: 1, dropped: 7 })]);
    expect(scan.summary.droppedFindings).toBe(7);
  });

  it('streams from a file path', async () => {
    const types: string[] = [];
    for await (const event of parseScanFile(fixture('nessus/nessus_v_unknown.xml'))) types.push(event.type);
    expect(types[0]).toBe('start');
    expect(types.filter((t) => t === 'host')).toHaveLength(7);
    expect(types.at(-1)).toBe('end');
  });
});

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureText, lineOf } from '../../../../../tests/support/scan-fixtures.ts';
import { type ExpectedCounts, formatContract, noFindings } from '../../../../../tests/support/scan-format-contract.ts';
import { collectScan, type Severity } from '../index.ts';

const REAL = 'wazuh/v4-7_many_findings.json';
const API = fileURLToPath(new URL('../../../../../tests/fixtures/scans-host/wazuh-4.7-agents.json', import.meta.url));
const INDEXER = fileURLToPath(new URL('../../../../../tests/fixtures/scans-host/wazuh-indexer.json', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: the tests read the reports as plain JSON.
type Json = any;

/** A rating from a CVSS score, for the CVEs Wazuh has not rated. */
const fromScore = (score: number): Severity =>
  score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';

/** Hosts and findings from the report itself: an item is on a computer when its address is one. */
function counted(items: { address: string; host: string; severity: Severity }[], total: number): ExpectedCounts {
  const bySeverity = noFindings();
  const hosts = new Set<string>();
  let dropped = total - items.length;
  for (const item of items) {
    if (!isIP(item.address)) {
      dropped++;
      continue;
    }
    hosts.add(`${item.address}|${item.host}`);
    bySeverity[item.severity]++;
  }
  return { subjects: hosts.size, bySeverity, dropped };
}

/** 4.7: VALID items by their label (Untriaged by the CVSS v3 score); any other status informational. */
function expectedApi(text: string): ExpectedCounts {
  const data = JSON.parse(text).data;
  const items = data.affected_items.map((item: Json) => ({
    address: item.agent_ip ?? '',
    host: item.agent_name,
    severity:
      item.status !== 'VALID'
        ? 'info'
        : item.severity === 'Untriaged'
          ? fromScore(item.cvss3_score)
          : item.severity.toLowerCase(),
  }));
  return counted(items, data.total_affected_items);
}

/** 4.8+: the first address of `agent.host.ip`; `-` rated by the base score. */
function expectedIndexer(text: string): ExpectedCounts {
  const hits = JSON.parse(text).hits;
  const items = hits.hits.map(({ _source: doc }: Json) => ({
    address: [doc.agent.host?.ip ?? ''].flat()[0],
    host: doc.agent.host?.hostname,
    severity:
      doc.vulnerability.severity === '-'
        ? fromScore(doc.vulnerability.score.base)
        : doc.vulnerability.severity.toLowerCase(),
  }));
  return counted(items, hits.total.value);
}

describe('Wazuh 4.7 API answer (GET /vulnerability/{agent_id})', () => {
  formatContract({ file: REAL, format: 'wazuh', expected: expectedApi });
  formatContract({ file: API, format: 'wazuh', expected: expectedApi });

  it('puts none of the real answer on a computer: its items name no agent address, each reported at its line', async () => {
    const text = fixtureText(REAL);
    // The endpoint answers for the agent named in its URL, so the items themselves never say which computer.
    expect(expectedApi(text)).toEqual({ subjects: 0, bySeverity: noFindings(), dropped: 13 });
    const scan = await collectScan(text);
    expect(scan.hosts).toEqual([]);
    expect(scan.issues).toHaveLength(13);
    expect(scan.issues.every((i) => i.code === 'missing-field' && i.dropped === 1)).toBe(true);
    // The API sorts each item's keys: every item opens with its architecture.
    const itemLines = Array.from(text.matchAll(/\{\s*\n\s*"architecture"/g), (m) => lineOf(text, m.index));
    expect(scan.issues.map((i) => i.line)).toEqual(itemLines);
    expect(scan.issues[0]?.message).toBe(
      'CVE-YYYY-fjiewof on 123123: no agent address (agent_ip), so no computer to put it on; not imported',
    );
  });

  it('reads the real answer once an exporter has added the agent: one finding per CVE per package', async () => {
    const report = JSON.parse(fixtureText(REAL));
    for (const item of report.data.affected_items) Object.assign(item, { agent_ip: '10.20.0.40', agent_name: 'srv40' });
    const text = JSON.stringify(report, null, 2);
    const scan = await collectScan(text);
    expect(scan.summary.findingsBySeverity).toEqual(expectedApi(text).bySeverity);
    // Untriaged without a score, and the item whose status is not VALID, are informational.
    expect(scan.summary.findingsBySeverity).toEqual({ critical: 2, high: 3, medium: 4, low: 2, info: 2 });
    const ids = scan.hosts.flatMap((h) => h.findings.map((f) => f.scannerId));
    expect(ids).toContain('CVE-YYYY-fjiewof 123123');
    expect(ids).toContain('CVE-YYYY-fjiewof test');
    expect(new Set(ids).size).toBe(13);
    // The fixture's ids are placeholders, not CVE ids: kept as the check's id, listed as no CVE.
    expect(scan.summary.distinctCves).toBe(0);
    expect(scan.issues.every((i) => i.code === 'invalid-cve' && i.dropped === 0)).toBe(true);
    expect(scan.issues).toHaveLength(13);
  });

  it('keeps an unfixed package open, and what the last scan did not confirm informational', async () => {
    const scan = await collectScan(readFileSync(API, 'utf8'));
    const db01 = scan.hosts.find((h) => h.host.hostname === 'db01');
    expect(db01?.host).toEqual({
      ip: '10.20.0.21',
      ipVersion: 4,
      hostname: 'db01',
    });
    const byId = new Map(db01?.findings.map((f) => [f.scannerId, f]));
    expect(byId.get('CVE-2023-38545 curl')).toMatchObject({
      name: 'CVE-2023-38545 affects curl',
      severity: 'critical',
      cvss3: { score: 9.8 },
      cves: ['CVE-2023-38545'],
      port: 0,
      output: 'curl 7.81.0-1ubuntu1.13 (amd64); Package unfixed',
      seeAlso: ['https://nvd.nist.gov/vuln/detail/CVE-2023-38545'],
    });
    expect(byId.get('CVE-2022-3715 bash')).toMatchObject({ severity: 'high', scannerRating: 'Untriaged' });
    expect(byId.get('CVE-2023-0464 openssl')).toMatchObject({ severity: 'info', scannerRating: 'High' });
    expect(byId.get('CVE-2023-0464 openssl')?.output).toContain('status OBSOLETE');
    const app01 = scan.hosts.find((h) => h.host.hostname === 'app01');
    expect(app01?.findings.map((f) => f.severity)).toEqual(['info']);
    expect(scan.summary.vulnerableHosts).toBe(1);
    expect(scan.issues).toEqual([
      expect.objectContaining({ code: 'invalid-ip', dropped: 1, path: 'wazuh:data.affected_items.5' }),
    ]);
  });

  it('reports a rating or a score it cannot read, and keeps the finding', async () => {
    const report = JSON.parse(readFileSync(API, 'utf8'));
    report.data.affected_items = [{ ...report.data.affected_items[0], severity: 'Severe', cvss3_score: 12 }];
    report.data.total_affected_items = 1;
    const scan = await collectScan(JSON.stringify(report, null, 1));
    // No score left to rate it by: info, and both problems said at the item's line.
    expect(scan.hosts[0]?.findings[0]).toMatchObject({ severity: 'info', scannerRating: 'Severe' });
    expect(scan.hosts[0]?.findings[0]?.cvss3).toBeUndefined();
    expect(scan.issues.map((i) => [i.code, i.line, i.dropped])).toEqual([
      ['invalid-score', 4, 0],
      ['invalid-severity', 4, 0],
    ]);
  });

  it('says when the answer is one page of what the query matched', async () => {
    const report = JSON.parse(readFileSync(API, 'utf8'));
    report.data.total_affected_items = 500;
    const scan = await collectScan(JSON.stringify(report));
    expect(scan.issues.at(-1)).toMatchObject({ code: 'missing-field', dropped: 494 });
    expect(scan.issues.at(-1)?.message).toMatch(/^the answer holds 6 of the 500 vulnerabilities/);
  });
});

describe('Wazuh 4.8+ indexer answer (wazuh-states-vulnerabilities-*)', () => {
  formatContract({ file: INDEXER, format: 'wazuh', expected: expectedIndexer });

  it('reads the agent’s address when the document has one, and the score’s CVSS version', async () => {
    const text = readFileSync(INDEXER, 'utf8');
    const scan = await collectScan(text);
    expect(scan.hosts).toHaveLength(1);
    expect(scan.hosts[0]?.host).toEqual({
      ip: '10.20.0.11',
      ipVersion: 4,
      hostname: 'web01',
      os: 'Ubuntu 22.04.4 LTS (Jammy Jellyfish)',
    });
    const [openssl, kernel] = scan.hosts[0]?.findings ?? [];
    expect(openssl).toMatchObject({
      scannerId: 'CVE-2024-5535 openssl',
      name: 'CVE-2024-5535 affects openssl',
      severity: 'critical',
      cvss3: { score: 9.1 },
      output: 'openssl 3.0.2-0ubuntu1.15 (amd64); Package less than 3.0.2-0ubuntu1.17',
      seeAlso: [
        'https://ubuntu.com/security/CVE-2024-5535',
        'https://www.cve.org/CVERecord?id=CVE-2024-5535',
        'https://cti.wazuh.com/vulnerabilities/cves/CVE-2024-5535',
      ],
    });
    expect(openssl?.description).toMatch(/^Calling the OpenSSL API function/);
    expect(openssl?.scannerScore).toBeUndefined();
    // Severity "-" (under evaluation): rated from its CVSS 3.1 base score 5.5.
    expect(kernel).toMatchObject({ severity: 'medium', scannerRating: '-', cvss3: { score: 5.5 } });
    // A 4.8 document names its agent but no address; the answer's total says 2 more were not in the file.
    expect(scan.issues).toEqual([
      expect.objectContaining({
        code: 'missing-field',
        dropped: 1,
        line: lineOf(text, text.lastIndexOf('{', text.indexOf('"002_'))),
      }),
      expect.objectContaining({ code: 'missing-field', dropped: 2, path: 'wazuh:hits.total' }),
    ]);
    expect(scan.issues[0]?.message).toContain('no agent address (agent.host.ip)');
  });

  it('cuts descriptions and output at the limits given', async () => {
    const scan = await collectScan(readFileSync(INDEXER, 'utf8'), { maxTextLength: 20, maxOutputLength: 10 });
    const finding = scan.hosts[0]?.findings[0];
    expect(finding?.description).toBe('Calling the OpenSSL …');
    expect(finding?.output).toBe('openssl 3.…');
  });
});

describe('Wazuh detection', () => {
  it.each([
    ['an agents list', '{"data":{"affected_items":[{"id":"001","name":"web01","ip":"10.0.0.1","status":"active"}]}}'],
    [
      'another tool’s vulnerability search',
      '{"hits":{"hits":[{"_index":"logs-vulns","_source":{"vulnerability":{"id":"CVE-2024-1"},"package":{"name":"x"}}}]}}',
    ],
  ])('does not take %s for a Wazuh report', async (_, text) => {
    expect((await collectScan(text)).format).not.toBe('wazuh');
  });

  it('takes the endpoint’s empty answer for one, with nothing to import', async () => {
    const text =
      '{"data":{"affected_items":[],"failed_items":[],"total_affected_items":0,"total_failed_items":0},' +
      '"error":0,"message":"All selected vulnerabilities were returned"}';
    const scan = await collectScan(text);
    expect(scan).toMatchObject({ format: 'wazuh', fatal: null, hosts: [], issues: [] });
  });
});

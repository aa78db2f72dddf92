import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/core/db/client.ts';
import { importScanFile } from '../../src/modules/vulnerabilities/index.ts';
import { TEST_DATABASES } from '../support/db.ts';
import { fixture, fixtureText, testdata } from '../support/scan-fixtures.ts';
import { emptyScans, type ImportCase, importContracts, tableState } from '../support/scan-import-contract.ts';

/**
 * Every format's real report through the importer, on both databases (tests/support/scan-import-contract.ts): stored
 * as parsed, idempotent, a cut copy refused whole (or its cut line reported), a later scan resolving what it no longer
 * reports. Each row names the report and the smallest edit that takes one stored finding out of it.
 */

const local = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

/** Without the first `<tag>` element holding `marker` (its start tag, or a text inside it). */
const element = (tag: string, marker: string) => (text: string) => {
  const at = text.indexOf(marker);
  const start = Math.max(text.lastIndexOf(`<${tag}>`, at), text.lastIndexOf(`<${tag} `, at));
  const end = text.indexOf(`</${tag}>`, at) + tag.length + 3;
  if (at < 0 || start < 0 || end < at) throw new Error(`no <${tag}> holding ${marker}`);
  return text.slice(0, start) + text.slice(end);
};

/** Without the first CSV record holding `marker` (a quoted cell may hold line breaks). */
const csvRow = (marker: string) => (text: string) => {
  const records = text.match(/(?:"[^"]*"|[^"\n])*(?:\n|$)/g) ?? [];
  const i = records.findIndex((r) => r.includes(marker));
  if (i < 0) throw new Error(`no row holding ${marker}`);
  return records.filter((_, j) => j !== i).join('');
};

/** Without the first line holding `marker` (JSON Lines). */
const jsonLine = (marker: string) => (text: string) => {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`no line holding ${marker}`);
  return lines.filter((_, j) => j !== i).join('\n');
};

// biome-ignore lint/suspicious/noExplicitAny: the reports are edited as plain JSON.
type Json = any;
/** The JSON document written again after `edit`. */
const json = (edit: (doc: Json) => void) => (text: string) => {
  const doc = JSON.parse(text);
  edit(doc);
  return JSON.stringify(doc, null, 2);
};
/** Removes the first item `pick` chooses. */
const drop = (items: Json[], pick: (item: Json) => boolean) => {
  const i = items.findIndex(pick);
  if (i < 0) throw new Error('no such item');
  items.splice(i, 1);
};

const CASES: ImportCase[] = [
  // Host scanners.
  { file: 'tenable-sc/issue_9612.csv', format: 'tenable-sc-csv', dropOne: csvRow('"TCP","5555"') },
  { file: 'tenable-sc/tenable_many_vuln.csv', format: 'tenable-sc-csv', dropOne: csvRow('176711,CVE-2019-9923') },
  { file: 'qualys/Qualys_Sample_Report.csv', format: 'qualys-csv', dropOne: csvRow('"105970"') },
  { file: 'qualys/Qualys_Sample_Report.xml', format: 'qualys', dropOne: element('VULN_INFO', '<QID id="qid_82054">') },
  { file: 'nexpose/many_vulns.xml', format: 'nexpose', dropOne: element('test', '<test id="generic-icmp-timestamp"') },
  {
    file: local('scans-host/wazuh-4.7-agents.json'),
    format: 'wazuh',
    dropOne: json((d) => {
      drop(d.data.affected_items, (i) => i.cve === 'CVE-2023-38545');
      d.data.total_affected_items--;
    }),
  },
  {
    file: 'openscap/many_vuln_rhsa.xml',
    format: 'openscap',
    dropOne: element('rule-result', '<rule-result idref="oval-com.redhat.rhsa-def-20173315"'),
  },
  {
    file: local('scans-host/openscap-arf.xml'),
    format: 'openscap',
    dropOne: element('rule-result', '<rule-result idref="xccdf_org.ssgproject.content_rule_banner_etc_issue"'),
  },
  { file: 'openvas/one_vuln.xml', format: 'openvas', dropOne: element('result', '<result id=') },
  { file: 'nessus/nessus_v_unknown.xml', format: 'nessus', dropOne: element('ReportItem', 'pluginID="58453"') },
  { file: 'nessus/nessus_with_cvssv3.nessus', format: 'nessus', dropOne: element('ReportItem', 'pluginID="40984"') },
  {
    file: 'nmap/nmap_script_vulners.xml',
    format: 'nmap',
    dropOne: element('table', '<elem key="id">CVE-2017-15906</elem>'),
  },
  { file: 'nmap/issue4406.xml', format: 'nmap', dropOne: element('table', '<elem key="id">CVE-2019-6110</elem>') },
  { file: testdata('nessus-classic.csv'), format: 'nessus-csv', dropOne: csvRow('"57608"') },
  { file: testdata('nessus-v3.csv'), format: 'nessus-csv', dropOne: csvRow('"156164"') },
  // Cut in an unquoted cell, its last row has too few cells: a cut file, refused at that row.
  {
    file: testdata('openvas.csv'),
    format: 'openvas-csv',
    dropOne: csvRow('1.3.6.1.4.1.25623.1.0.117274'),
    cut: (text) => text.slice(0, text.indexOf('jQuery is prone')),
  },
  { file: testdata('qualys-preamble.csv'), format: 'qualys-csv', dropOne: csvRow('"86473"') },
  // Web scanners.
  { file: 'zap/0_zap_sample.xml', format: 'zap', dropOne: element('instance', '<param>dmid</param>') },
  {
    file: local('scans-web/zap-traditional.json'),
    format: 'zap-json',
    dropOne: json((d) =>
      drop(d.site[0].alerts.find((a: Json) => a.pluginid === '10010').instances, (i) => i.uri.endsWith('/dang-nhap')),
    ),
  },
  {
    file: 'acunetix/XML_http_example_co_id_.xml',
    format: 'acunetix',
    dropOne: element('ReportItem', '<ModuleName><![CDATA[/SlowHTTPDOS]]>'),
  },
  {
    file: 'acunetix/acunetix360_many_findings.json',
    format: 'acunetix360',
    dropOne: json((d) => drop(d.Vulnerabilities, (v) => v.Type === 'BackupSourceCodeFound')),
  },
  { file: 'nuclei/many_findings.json', format: 'nuclei', dropOne: jsonLine('"templateID":"phpmyadmin-setup"') },
  {
    file: local('scans-web/nuclei-export.json'),
    format: 'nuclei',
    dropOne: json((d) => drop(d, (r) => r['template-id'] === 'sqli-error-based')),
  },
  { file: 'nikto/nikto-report-many-vuln.xml', format: 'nikto', dropOne: element('item', '<item id="999993"') },
  {
    file: 'nikto/juice-shop.json',
    format: 'nikto-json',
    dropOne: json((d) => drop(d.vulnerabilities, (v) => v.url === '/juice-shop.pem')),
  },
  {
    file: local('scans-web/nikto-array.json'),
    format: 'nikto-json',
    dropOne: json((d) => drop(d[0].vulnerabilities, (v) => v.id === '999970')),
  },
  { file: 'burp/seven_findings.xml', format: 'burp', dropOne: element('issue', '<type>5244928</type>') },
];

describe.each(TEST_DATABASES)('%s: every format imported, re-imported, cut and scanned again', (kind) => {
  const dbOf = importContracts(kind, CASES);

  it("DefectDojo's Wazuh 4.7 answer (no agent address): nothing imported, each item reported at its line", async () => {
    const file = 'wazuh/v4-7_many_findings.json';
    const items: unknown[] = JSON.parse(fixtureText(file)).data.affected_items;
    const db = dbOf();
    await emptyScans(db);
    const r = await importScanFile(db, null, fixture(file), { scannedAt: new Date('2024-03-04T02:00:00Z') });
    expect(r.outcome).toBe('nothing');
    expect([r.hosts, r.findings]).toEqual([0, 0]);
    expect(r.issues).toHaveLength(items.length);
    const lines = r.issues.map((i) => i.line);
    expect(lines.every((l) => l > 0)).toBe(true);
    expect(new Set(lines).size).toBe(items.length);
    expect(await tableState(db)).toMatchObject({ computers: 0, websites: 0, findings: 0, imports: 1 });
  });

  it('an older report imported late does not replace what a newer scan said of a finding', async () => {
    const db = dbOf();
    await emptyScans(db);
    const dir = await mkdtemp(join(tmpdir(), 'khien-older-'));
    const original = fixtureText('zap/0_zap_sample.xml');
    // The same report, except that the newer scan rates plugin 10055 high (riskcode 3) and names it anew.
    const newer = original.replace(
      /(<pluginid>10055<\/pluginid>[\s\S]*?<name>)[^<]*(<\/name>[\s\S]*?<riskcode>)\d(<\/riskcode>)/,
      '$1CSP: Wildcard Directive (rated again)$23$3',
    );
    expect(newer).not.toBe(original);
    await writeFile(join(dir, 'newer.xml'), newer);
    await importScanFile(db, null, join(dir, 'newer.xml'), { scannedAt: new Date('2024-04-01T03:00:00Z') });
    await importScanFile(db, null, fixture('zap/0_zap_sample.xml'), { scannedAt: new Date('2024-03-01T03:00:00Z') });
    const rows = await queryRows<{ name: string; severity: string; lastSeen: Date; firstSeen: Date }>(
      db,
      sql`select name, severity::text as severity, last_seen as "lastSeen", first_seen as "firstSeen"
        from vuln_findings where scanner = 'zap' and scanner_id = '10055'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r).toMatchObject({ name: 'CSP: Wildcard Directive (rated again)', severity: 'high' });
      expect(new Date(r.lastSeen).toISOString()).toBe('2024-04-01T03:00:00.000Z');
      // The older sighting still extends the finding's life backwards.
      expect(new Date(r.firstSeen).toISOString()).toBe('2024-03-01T03:00:00.000Z');
    }
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { queryRows } from '../../src/core/db/client.ts';
import { openConfiguredDatabase } from '../../src/core/db/open.ts';
import { fixture, fixtureText } from '../support/scan-fixtures.ts';

/**
 * `khien scans import --json` and `khien scans summary`, the real CLI on a scratch data folder (the embedded database):
 * a ZAP report (websites), a Nessus report (hosts), a Nuclei export with results that are no web findings (skipped,
 * with the reason) and a truncated file (refused whole). Every count is computed here from the files' text.
 */
const khien = (args: string[], dataDir: string) =>
  spawnSync(process.execPath, ['bin/khien.mjs', 'scans', ...args], {
    encoding: 'utf8',
    env: { ...process.env, KHIEN_DATA_DIR: dataDir, DATABASE_URL: '' },
  });

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** ZAP: websites, and findings (one per plugin, path and parameter) above informational, and informational ones. */
function zapCounts(text: string) {
  const xml = text.replace(/<!--[\s\S]*?-->/g, '');
  const websites = new Set<string>();
  const findings = new Set<string>();
  const info = new Set<string>();
  for (const site of xml.split(/<site\s/).slice(1)) {
    websites.add(new URL(/name="([^"]+)"/.exec(site)?.[1] ?? '').origin);
    for (const item of site.split('<alertitem>').slice(1))
      for (const instance of item.match(/<instance>[\s\S]*?<\/instance>/g) ?? []) {
        const url = new URL(tag(instance, 'uri') ?? '');
        const key = `${url.origin} ${tag(item, 'pluginid')} ${url.pathname} ${tag(instance, 'param') ?? ''}`;
        (tag(item, 'riskcode') === '0' ? info : findings).add(key);
      }
  }
  return { websites: websites.size, findings: findings.size, informational: info.size };
}

/** Nessus: hosts, findings (plugin, port, protocol per host) of severity 1–4, and severity-0 items. */
function nessusCounts(text: string) {
  const hosts = text.split('<ReportHost ').slice(1);
  let findings = 0;
  let informational = 0;
  for (const host of hosts) {
    const items = [...host.matchAll(/<ReportItem\b([^>]*)>/g)].map((m) => {
      const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[1] ?? '')?.[1];
      return { key: `${attr('pluginID')} ${attr('port')} ${attr('protocol')}`, info: attr('severity') === '0' };
    });
    findings += new Set(items.filter((i) => !i.info).map((i) => i.key)).size;
    informational += new Set(items.filter((i) => i.info).map((i) => i.key)).size;
  }
  return { hosts: hosts.length, findings, informational };
}

/** Nuclei JSON Lines: results on an http(s) URL are web findings; the others (network templates) are skipped. */
function nucleiCounts(text: string) {
  const websites = new Set<string>();
  const findings = new Set<string>();
  const info = new Set<string>();
  const skippedLines: number[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    const matched: string = r['matched-at'] ?? r.matched;
    if (!/^https?:\/\//.test(matched)) {
      skippedLines.push(i + 1);
      continue;
    }
    const url = new URL(matched);
    websites.add(url.origin);
    const matcher = r['matcher-name'] ?? r.matcher_name;
    const key = `${r['template-id'] ?? r.templateID}${matcher ? `:${matcher}` : ''} ${url.origin} ${url.pathname}`;
    (r.info.severity === 'info' ? info : findings).add(key);
  }
  return { websites: websites.size, findings: findings.size, informational: info.size, skippedLines };
}

type Imported = {
  file: string;
  subject?: 'hosts' | 'websites';
  format?: string;
  duplicate?: boolean;
  hosts?: number;
  websites?: number;
  findings?: number;
  outcome?: string;
  skipped?: { reason: string; issues: number; findings: number; first?: string }[];
  error?: { message: string; code?: string; key?: string; details?: { fatal?: { kind: string; line: number } } };
};

describe('khien scans import --json and scans summary', () => {
  it('prints per file the format, hosts or websites, findings stored and what was skipped and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'khien-scans-cli-'));
    try {
      const nessusText = fixtureText('nessus/nessus_with_cvssv3.nessus');
      // Cut inside a host: the file is refused whole, with the line it ends on.
      const broken = join(dir, 'cut.nessus');
      const cut = nessusText.slice(0, Math.floor(nessusText.length / 2));
      writeFileSync(broken, cut);
      const files = [
        fixture('zap/0_zap_sample.xml'),
        fixture('nessus/nessus_with_cvssv3.nessus'),
        fixture('nuclei/many_findings.json'),
        broken,
      ];
      const dataDir = join(dir, 'data');
      const res = khien(['import', ...files, '--json'], dataDir);
      expect(res.status, res.stderr).toBe(1); // one file refused
      const out = JSON.parse(res.stdout) as Imported[];
      expect(out.map((r) => r.file)).toEqual(files);
      const [zap, nessus, nuclei, refused] = out;

      const z = zapCounts(fixtureText('zap/0_zap_sample.xml'));
      expect(zap).toMatchObject({
        subject: 'websites',
        format: 'zap',
        duplicate: false,
        hosts: 0,
        websites: z.websites,
        findings: z.findings,
        outcome: 'imported',
        skipped: [],
      });
      const n = nessusCounts(nessusText);
      expect(nessus).toMatchObject({
        subject: 'hosts',
        format: 'nessus',
        hosts: n.hosts,
        websites: 0,
        findings: n.findings,
        outcome: 'imported',
        skipped: [{ reason: 'informational', issues: 0, findings: n.informational }],
      });
      const u = nucleiCounts(fixtureText('nuclei/many_findings.json'));
      expect(nuclei).toMatchObject({
        subject: 'websites',
        format: 'nuclei',
        websites: u.websites,
        findings: u.findings,
        outcome: 'partial',
      });
      expect(nuclei?.skipped).toEqual([
        { reason: 'informational', issues: 0, findings: u.informational },
        {
          reason: 'invalid-url',
          issues: u.skippedLines.length,
          findings: u.skippedLines.length,
          first: expect.stringMatching(new RegExp(`^${u.skippedLines[0]}:\\d+ .*no http\\(s\\) URL`)),
        },
      ]);
      expect(refused).toEqual({
        file: broken,
        error: expect.objectContaining({
          code: 'VALIDATION',
          key: 'vuln.scanFatal.truncated',
          details: expect.objectContaining({
            fatal: expect.objectContaining({ kind: 'truncated', line: cut.split('\n').length }),
          }),
        }),
      });
      expect(refused?.error?.message).toContain('nothing was imported');

      // Again: every file already imported is recognised, nothing changes; the broken one is still refused.
      const again = JSON.parse(khien(['import', ...files, '--json'], dataDir).stdout) as Imported[];
      expect(again.slice(0, 3).map((r) => [r.duplicate, r.findings])).toEqual([
        [true, z.findings],
        [true, n.findings],
        [true, u.findings],
      ]);

      // Nothing of the refused file is stored; the three others are, with their findings.
      const database = await openConfiguredDatabase(loadConfig({ KHIEN_DATA_DIR: dataDir }));
      try {
        const stored = await queryRows<{ file: string; findings: number }>(
          database.db,
          sql`select s.file_name as file, count(f.id)::int as findings from scan_imports s
            left join vuln_findings f on f.last_scan_id = s.id group by 1 order by 1`,
        );
        expect(stored).toEqual([
          { file: '0_zap_sample.xml', findings: z.findings },
          { file: 'many_findings.json', findings: u.findings },
          { file: 'nessus_with_cvssv3.nessus', findings: n.findings },
        ]);
      } finally {
        await database.close();
      }

      // The summary of the ZAP report's month (12/05/2020) names its website beside the (absent) computers.
      const summary = khien(['summary', '--from', '2020-05-01', '--to', '2020-05-31', '--json'], dataDir);
      expect(summary.status, summary.stderr).toBe(0);
      expect(JSON.parse(summary.stdout)).toMatchObject({
        vulnerableComputers: 0,
        vulnerableWebsites: z.websites,
        scannedWebsites: z.websites,
        unattributedVulnerableWebsites: z.websites,
      });
      const text = khien(['summary', '--from', '2020-05-01', '--to', '2020-05-31'], dataDir);
      expect(text.status, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/Máy tính \/ computers\s+Trang web \/ websites/);
      expect(text.stdout).toMatch(new RegExp(`có lỗ hổng / vulnerable\\s+0\\s+${z.websites}\\n`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

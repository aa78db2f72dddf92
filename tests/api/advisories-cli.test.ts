import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { queryRows } from '../../src/core/db/client.ts';
import { openConfiguredDatabase } from '../../src/core/db/open.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/advisories/${name}`, import.meta.url));
const khien = (args: string[], dataDir: string) =>
  spawnSync(process.execPath, ['bin/khien.mjs', 'advisories', ...args], {
    encoding: 'utf8',
    // Always the embedded database, in a folder of its own.
    env: { ...process.env, KHIEN_DATA_DIR: dataDir, DATABASE_URL: '' },
  });

type Printed = {
  files: {
    file: string;
    format: string;
    outcome?: string;
    advisory: {
      sourceNumber: string;
      cves: string[];
      products: { vendor: string | null; product: string; range: string; cpe: string | null; status: string }[];
    };
    targetedOrganisations?: { name: string; targets: number }[];
  }[];
  errors: { file: string; error: string; details?: { path?: string } }[];
};

describe('khien advisories import', () => {
  it('reads files without a database (--dry-run): ids, CVEs, products with ranges and CPEs', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'khien-adv-cli-'));
    try {
      const res = khien(
        ['import', fixture('icsa-24-284-06.json'), fixture('CVE-2024-3400.json'), '--dry-run', '--json'],
        dataDir,
      );
      expect(res.status, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout) as Printed;
      const csaf = JSON.parse(readFileSync(fixture('icsa-24-284-06.json'), 'utf8'));
      expect(out.files.map((f) => [f.format, f.advisory.sourceNumber])).toEqual([
        ['csaf', csaf.document.tracking.id],
        ['cve', 'CVE-2024-3400'],
      ]);
      expect(out.files[0]?.advisory.cves).toEqual(csaf.vulnerabilities.map((v: { cve: string }) => v.cve).sort());
      expect(out.files[0]?.advisory.products).toEqual([
        {
          vendor: 'Siemens',
          product: 'Siemens SINEC Security Monitor',
          range: '< V4.9.0',
          cpe: null,
          status: 'known_affected',
          cves: csaf.vulnerabilities.map((v: { cve: string }) => v.cve).sort(),
        },
      ]);
      const affected = out.files[1]?.advisory.products.filter((p) => p.status === 'known_affected');
      expect(affected?.map((p) => [p.vendor, p.product, p.range, p.cpe])).toEqual([
        ['Palo Alto Networks', 'PAN-OS', '>= 10.2.0, < 10.2.9-h1', 'cpe:2.3:o:paloaltonetworks:pan-os:*:*:*:*:*:*:*:*'],
        ['Palo Alto Networks', 'PAN-OS', '>= 11.0.0, < 11.0.4-h1', 'cpe:2.3:o:paloaltonetworks:pan-os:*:*:*:*:*:*:*:*'],
        ['Palo Alto Networks', 'PAN-OS', '>= 11.1.0, < 11.1.2-h3', 'cpe:2.3:o:paloaltonetworks:pan-os:*:*:*:*:*:*:*:*'],
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('imports into the database and names the targeted organisations; a bad file fails with its JSON path', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'khien-adv-cli-'));
    try {
      const database = await openConfiguredDatabase(loadConfig({ KHIEN_DATA_DIR: dataDir }));
      const [org] = await queryRows<{ id: string }>(
        database.db,
        sql`insert into organisations (code, name, type) values ('YT', 'Sở Y tế', 'department') returning id`,
      );
      const [system] = await queryRows<{ id: string }>(
        database.db,
        sql`insert into information_systems (organisation_id, name, system_type)
          values (${org?.id}, 'Giám sát an ninh', 'internal') returning id`,
      );
      await database.db.execute(
        sql`insert into system_software (system_id, name, vendor, version)
          values (${system?.id}, 'SINEC Security Monitor', 'Siemens', 'V4.3.0')`,
      );
      await database.close();
      const broken = join(dataDir, 'broken.json');
      const doc = JSON.parse(readFileSync(fixture('icsa-24-284-06.json'), 'utf8'));
      doc.vulnerabilities[1].scores[0].cvss_v3.baseScore = 'high';
      writeFileSync(broken, JSON.stringify(doc));
      const res = khien(['import', fixture('icsa-24-284-06.json'), broken, '--json'], dataDir);
      expect(res.status).toBe(1);
      const out = JSON.parse(res.stdout) as Printed;
      expect(out.files.map((f) => [f.outcome, f.targetedOrganisations])).toEqual([
        ['created', [{ id: org?.id, name: 'Sở Y tế', targets: 1 }]],
      ]);
      expect(out.errors).toEqual([
        expect.objectContaining({
          file: broken,
          details: expect.objectContaining({ path: '/vulnerabilities/1/scores/0/cvss_v3/baseScore' }),
        }),
      ]);
      const again = khien(['import', fixture('icsa-24-284-06.json')], dataDir);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toContain('unchanged');
      expect(again.stdout).toContain('Sở Y tế: 1');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../core/db/client.ts';
import { users } from '../../auth/auth.schema.ts';
import { createUser } from '../../auth/auth.service.ts';
import type { Actor } from '../../auth/scope.ts';
import { demoSocData } from '../../soc/demo.ts';
import { importIntel, ingestLogFile } from '../../soc/soc.service.ts';
import { loadSystemsDemo } from '../../systems/demo/load-systems-demo.ts';
import { demoHostAddresses, demoNessusReports } from '../../vulnerabilities/demo.ts';
import { importScanFile } from '../../vulnerabilities/scan-import.ts';
import { importOrganisationRows } from '../organisations.io.ts';
import { organisations } from '../organisations.schema.ts';
import { YEN_BAI_2024 } from './yen-bai.ts';

/** The article's six-month figures (617 vulnerable computers, more than 84 scanning IPs, 2 contacts with C2 servers). */
const ARTICLE = { vulnerableComputers: 617, scanningIps: 86 };

/**
 * Scanner reports and network logs for the same province, imported through the real importers (so loading twice
 * is a no-op: the generated files are identical and recognised by their hash).
 */
async function loadFindingsDemo(db: Db, actor: Actor) {
  const dir = await mkdtemp(join(tmpdir(), 'khien-demo-'));
  try {
    const hosts = demoHostAddresses(YEN_BAI_2024);
    const reports = demoNessusReports(hosts, ARTICLE.vulnerableComputers);
    for (const r of reports) {
      const path = join(dir, r.name);
      await writeFile(path, r.xml);
      await importScanFile(db, actor, path, { scannedAt: new Date(r.scannedAt) });
    }
    const soc = demoSocData(hosts, ARTICLE.scanningIps);
    await importIntel(db, actor, soc.intel, 'Demo: máy chủ C2 (tài liệu)');
    const log = join(dir, 'conn.log');
    await writeFile(log, soc.connLog);
    await ingestLogFile(db, actor, log, { fileName: 'yenbai-conn-2024H1.log', format: 'zeek-tsv' });
    return { scanReports: reports.length, logFiles: 1 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One demo account per role besides the administrator (who is made through the setup link, as in production). */
const DEMO_USERS = [
  { username: 'demo.sotttt', displayName: 'Cán bộ Sở TT&TT (demo)', role: 'department', org: null },
  { username: 'demo.soc', displayName: 'Chuyên viên SOC (demo)', role: 'soc', org: null },
  { username: 'demo.mucangchai', displayName: 'Cán bộ UBND huyện Mù Căng Chải (demo)', role: 'agency', org: '137' },
  { username: 'demo.soyte', displayName: 'Cán bộ Sở Y tế (demo)', role: 'agency', org: 'SO-YTE' },
  { username: 'demo.lanhdao', displayName: 'Lãnh đạo tỉnh (demo)', role: 'viewer', org: null },
] as const;

export type DemoResult = {
  findings: { scanReports: number; logFiles: number };
  organisations: { created: number; updated: number; unchanged: number; errors: number };
  accounts: { username: string; role: string; password: string | null }[];
};

/**
 * Loads the Yên Bái 2024 demo data set: the organisation tree (upserted by code, so loading twice changes nothing)
 * and demo accounts with freshly generated passwords (existing demo accounts are left as they are).
 */
export async function loadDemo(db: Db, actor: Actor): Promise<DemoResult> {
  const report = await importOrganisationRows(
    db,
    actor,
    YEN_BAI_2024.map((o, i) => ({
      row: i + 1,
      cells: {
        code: o.code,
        name: o.name,
        type: o.type,
        parent_code: o.parentCode ?? '',
        head_name: o.headName ?? '',
        head_title: o.headTitle ?? '',
        email: o.email ?? '',
        phone: o.phone ?? '',
        address: o.address ?? '',
        ip_ranges: o.ipRanges.join(';'),
      },
    })),
  );
  const codes = DEMO_USERS.flatMap((u) => (u.org ? [u.org] : []));
  const orgIds = new Map(
    (
      await db
        .select({ id: organisations.id, code: organisations.code })
        .from(organisations)
        .where(inArray(organisations.code, codes))
    ).map((o) => [o.code, o.id]),
  );
  const accounts: DemoResult['accounts'] = [];
  for (const u of DEMO_USERS) {
    const [exists] = await db.select({ id: users.id }).from(users).where(eq(users.username, u.username));
    if (exists) {
      accounts.push({ username: u.username, role: u.role, password: null });
      continue;
    }
    const password = randomBytes(12).toString('base64url');
    await createUser(db, actor, {
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      organisationId: u.org ? (orgIds.get(u.org) ?? null) : null,
      password,
    });
    accounts.push({ username: u.username, role: u.role, password });
  }
  // Information systems, dossiers, plans and targets of the same province (after the accounts they notify).
  await loadSystemsDemo(db, actor);
  const findings = await loadFindingsDemo(db, actor);
  return {
    findings,
    organisations: {
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      errors: report.errors.length,
    },
    accounts,
  };
}

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { auditActor } from '../src/core/actor.ts';
import type { Db } from '../src/core/db/client.ts';
import { fromRoot } from '../src/core/paths.ts';
import type { Actor } from '../src/modules/auth/index.ts';
import { createUser, users } from '../src/modules/auth/index.ts';
import {
  importOrganisationRows,
  organisationByCodeOn,
  type ReorganisationReport,
  readReorganisation,
  reorganise,
} from '../src/modules/organisations/index.ts';
import { saveBodies } from '../src/modules/rules/index.ts';
import { importIntel, ingestLogFile } from '../src/modules/soc/index.ts';
import { importScanFile } from '../src/modules/vulnerabilities/index.ts';
import { loadAwarenessDemo } from './load-awareness.ts';
import { loadInspectionsDemo } from './load-inspections.ts';
import { loadOversightDemo } from './load-oversight.ts';
import { loadPhishingDemo } from './load-phishing.ts';
import { loadReadinessDemo } from './load-readiness.ts';
import { loadResidentsDemo } from './load-residents.ts';
import { loadResponse2024, loadResponseLaoCai, type ResponseCounts } from './load-response.ts';
import { loadSitesDemo } from './load-sites.ts';
import { loadSystemsDemo } from './load-systems.ts';
import { demoSocData } from './yen-bai-2024/network-logs.ts';
import { YEN_BAI_2024, yenBai2024Rows } from './yen-bai-2024/organisations.ts';
import { demoHostAddresses, demoNessusReports, demoReport2026 } from './yen-bai-2024/scans.ts';
import { demoWebReports, type WebScan } from './yen-bai-2024/web-scans.ts';

/** What `khien demo --help` says the demo is. */
export const DEMO_DESCRIPTION =
  'Nạp dữ liệu mẫu: tỉnh Yên Bái 2024, sáp nhập vào tỉnh Lào Cai 01/07/2025 / load the demo province in time ' +
  '(Yên Bái’s 2024 tree, bodies, systems and dossiers with their 2024 history, H1-2024 scans and logs, the 2025 ' +
  'reorganisations into Lào Cai, a 2026 scan, ZAP and Nuclei reports of agency websites (2024, 2026), the response team and its rota, incidents of 2024–2026, an advisory, ' +
  'demo accounts).';

/** The article's six-month figures (617 vulnerable computers, more than 84 scanning IPs, 2 contacts with C2 servers). */
const ARTICLE = { vulnerableComputers: 617, scanningIps: 86 };
/** The day the 2024 tree is read on (the article's statement), before any 2025 change. */
const TREE_2024 = '2024-06-30';
const LAO_CAI = fromRoot('demo/lao-cai-2025');
/** The province's reorganisations, in order (each applied once; applying again changes nothing). */
const REORGANISATIONS = [
  'reorganisation-2025-01-01.csv',
  'reorganisation-2025-03-01.csv',
  'reorganisation-2025-07-01.csv',
];

/**
 * Scanner reports and network logs of the first half of 2024, imported through the real importers (so loading twice
 * is a no-op: the generated files are identical and recognised by their hash), attributed by the ranges of their day.
 */
async function loadFindings2024(db: Db, actor: Actor, dir: string) {
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
  return reports.length;
}

/** A March 2026 scan of the same addresses, after the merger: a 2026 figure rolls up under the new province. */
async function loadFindings2026(db: Db, actor: Actor, dir: string) {
  const r = demoReport2026(demoHostAddresses(YEN_BAI_2024));
  const path = join(dir, r.name);
  await writeFile(path, r.xml);
  await importScanFile(db, actor, path, { scannedAt: new Date(r.scannedAt) });
  return 1;
}

/** The web scans of the first half of 2024, and those of 2026 (after the merger). */
const WEB_SCANS_2024: WebScan[] = ['zap2403', 'nuclei2403', 'zap2406'];
const WEB_SCANS_2026: WebScan[] = ['zap2603', 'nuclei2603'];

/**
 * ZAP and Nuclei reports of the agencies' sites (after the register they are matched to), imported in the order they
 * ran and dated by the times in the files. Returns what this load added (a report imported before is a no-op).
 */
async function loadWebFindings(db: Db, actor: Actor, dir: string, scans: WebScan[]) {
  const added = { reports: 0, websites: new Set<string>(), findings: 0 };
  for (const r of demoWebReports(scans)) {
    const path = join(dir, r.name);
    await writeFile(path, r.content);
    const result = await importScanFile(db, actor, path);
    if (result.duplicate) continue;
    added.reports++;
    added.findings += result.opened;
    for (const o of r.origins) added.websites.add(o);
  }
  return added;
}

/**
 * One demo account per role, each on the unit it belongs to in 2024 (accounts are never moved by a
 * reorganisation: an administrator decides), and one on a 2025 commune of the merged province.
 */
const DEMO_USERS = [
  { username: 'demo.admin', displayName: 'Quản trị viên (demo)', role: 'admin', org: null },
  {
    username: 'demo.department',
    displayName: 'Cán bộ cơ quan chuyên trách ATTT (demo)',
    role: 'department',
    org: null,
  },
  { username: 'demo.soc', displayName: 'Chuyên viên SOC (demo)', role: 'soc', org: null },
  {
    username: 'demo.mucangchai',
    displayName: 'Cán bộ UBND huyện Mù Căng Chải (demo)',
    role: 'agency',
    org: ['137', TREE_2024],
  },
  { username: 'demo.soyte', displayName: 'Cán bộ Sở Y tế (demo)', role: 'agency', org: ['SO-YTE', TREE_2024] },
  {
    username: 'demo.xamucangchai',
    displayName: 'Cán bộ UBND xã Mù Cang Chải (demo)',
    role: 'agency',
    org: ['04456', '2025-07-01'],
  },
  { username: 'demo.lanhdao', displayName: 'Lãnh đạo tỉnh (demo)', role: 'viewer', org: null },
] as const;

export type DemoResult = {
  findings: { scanReports: number; logFiles: number };
  /** What this load added of web-scanner reports: reports, websites they tested, findings opened (0 when loaded before). */
  web: { reports: number; websites: number; findings: number };
  organisations: { created: number; updated: number; unchanged: number; errors: number };
  reorganisations: Pick<ReorganisationReport, 'effective' | 'applied' | 'alreadyApplied' | 'errors'>[];
  accounts: { username: string; role: string; password: string | null }[];
  /** What this load added of the response team, its rota, incidents and advisories (0 when loaded before). */
  response: ResponseCounts;
  /** What this load added to the programme's pages (0 when loaded before). */
  programme: {
    warnings: number;
    awarenessActivities: number;
    siteChecks: number;
    phishing: number;
    orderTasks: number;
  };
};

/** Creates the demo accounts not there yet, each with a fresh password (null: it existed). */
async function loadAccounts(db: Db, actor: Actor, accounts: readonly (typeof DEMO_USERS)[number][]) {
  const out: DemoResult['accounts'] = [];
  for (const u of accounts) {
    const [exists] = await db.select({ id: users.id }).from(users).where(eq(users.username, u.username));
    if (exists) {
      out.push({ username: u.username, role: u.role, password: null });
      continue;
    }
    const password = randomBytes(12).toString('base64url');
    const org = u.org ? await organisationByCodeOn(db, u.org[0], u.org[1]) : null;
    await createUser(db, actor, {
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      organisationId: org?.id ?? null,
      password,
    });
    out.push({ username: u.username, role: u.role, password });
  }
  return out;
}

const sum = (a: ResponseCounts, b: ResponseCounts): ResponseCounts => ({
  members: a.members + b.members,
  shifts: a.shifts + b.shifts,
  incidents: a.incidents + b.incidents,
  advisories: a.advisories + b.advisories,
});

/**
 * Loads the demo province in time: Yên Bái's 2024 tree, its bodies, systems and dossiers with their 2024 history,
 * the first half of 2024's scans and logs (the article's statement), its response team and the incident the SOC
 * escalated, then the 2025 reorganisations (01/01 commune changes, 01/03 department mergers, 01/07 merger into Lào
 * Cai with its 99 communes), a 2026 scan, Lào Cai's team and rota, the 2025–2026 incidents and an advisory. Loading
 * twice changes nothing. Accounts get freshly generated passwords (existing demo accounts are left as they are).
 */
export async function loadDemo(
  db: Db,
  actor: Actor,
  /** `only2024`: stop after the 2024 data (tests compare 2024 figures before and after the 2025 changes). */
  { only2024 = false }: { only2024?: boolean } = {},
): Promise<DemoResult> {
  const report = await importOrganisationRows(db, actor, yenBai2024Rows(), TREE_2024);
  await saveBodies(db, auditActor(actor), JSON.parse(readFileSync(join(LAO_CAI, 'bodies.json'), 'utf8')));
  const dir = await mkdtemp(join(tmpdir(), 'khien-demo-'));
  try {
    // Systems, dossiers, plans and targets of 2024 (before the accounts they notify would matter), then the
    // findings of 2024 while the 2024 ranges are the ones in force.
    await loadSystemsDemo(db, actor);
    const reports2024 = await loadFindings2024(db, actor, dir);
    // The 2024 accounts act in the 2024 response (the SOC escalates, the Department coordinates).
    const on2024 = (u: (typeof DEMO_USERS)[number]) => !u.org || u.org[1] === TREE_2024;
    const accounts = await loadAccounts(db, actor, DEMO_USERS.filter(on2024));
    let response = await loadResponse2024(db);
    const reorganisations = [];
    for (const file of only2024 ? [] : REORGANISATIONS) {
      const r = await reorganise(db, actor, await readReorganisation(readFileSync(join(LAO_CAI, file))));
      if (r.errors.length)
        throw new Error(`${file}: ${r.errors.map((e) => `row ${e.row} ${e.column ?? ''}: ${e.message}`).join('; ')}`);
      reorganisations.push({
        effective: r.effective,
        applied: r.applied,
        alreadyApplied: r.alreadyApplied,
        errors: r.errors,
      });
    }
    const reports2026 = only2024 ? 0 : await loadFindings2026(db, actor, dir);
    // The residents' page: fraud warnings, guidance and reports of the 2024 campaign.
    const residents = await loadResidentsDemo(db, actor);
    // The 2024 anti-fraud campaign on the 2024 communes (population and reach are invented).
    const awareness = await loadAwarenessDemo(db, actor);
    // The .vn programme: the agencies' websites with a week of trust checks, and the programme's indicators.
    const siteChecks = await loadSitesDemo(db, actor);
    // Web scans of those sites: 2024, then (in the merged province) 2026.
    const web = await loadWebFindings(
      db,
      actor,
      dir,
      only2024 ? WEB_SCANS_2024 : [...WEB_SCANS_2024, ...WEB_SCANS_2026],
    );
    if (!only2024) {
      accounts.push(
        ...(await loadAccounts(
          db,
          actor,
          DEMO_USERS.filter((u) => !on2024(u)),
        )),
      );
      response = sum(response, await loadResponseLaoCai(db));
    }
    // The staff register (both trees) and drills with attendance, scores and findings.
    await loadReadinessDemo(db, actor, { only2024 });
    // Two completed phishing exercises (10/2025, 03/2026) on the Lào Cai officials of the register.
    const phishing = only2024 ? 0 : await loadPhishingDemo(db);
    // The Department's 2024 inspection plan: inspections, checklists, findings followed until closed.
    await loadInspectionsDemo(db, actor);
    // The provincial order's tasks on the leaders' dashboard (figures computed from everything above).
    const orderTasks = await loadOversightDemo(db, actor);
    return {
      findings: { scanReports: reports2024 + reports2026, logFiles: 1 },
      web: { reports: web.reports, websites: web.websites.size, findings: web.findings },
      organisations: {
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        errors: report.errors.length,
      },
      reorganisations,
      accounts,
      response,
      programme: {
        warnings: residents.warnings,
        awarenessActivities: awareness.activities,
        siteChecks,
        phishing,
        orderTasks,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { type Database, type Db, openDatabase, queryRows } from '../../src/core/db/client.ts';
import {
  cachedFigure,
  FIGURE_CACHE_LIMITS,
  FIGURE_TOPICS,
  figureCacheStats,
  isSharedFigure,
  VERSION_TOPICS,
} from '../../src/core/figure-cache.ts';
import { provinceDay } from '../../src/core/time.ts';
import { type Scope, subtreeIds } from '../../src/modules/auth/index.ts';
import { organisationByCodeOn } from '../../src/modules/organisations/index.ts';
import {
  oversightBoard,
  plainOversightBoard,
  plainTaskFigures,
  taskFigures,
} from '../../src/modules/oversight/index.ts';
import { listIndicators, plainListIndicators, plainSiteSummary, siteSummary } from '../../src/modules/sites/index.ts';
import { plainSocSummary, socSummary, triageSocFinding } from '../../src/modules/soc/index.ts';
import {
  getTargetProgress,
  listTargets,
  plainListTargets,
  plainTargetProgress,
} from '../../src/modules/systems/index.ts';
import {
  importScanFile,
  plainVulnerabilitySummary,
  vulnerabilitySummary,
} from '../../src/modules/vulnerabilities/index.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { testdata } from '../support/scan-fixtures.ts';

const ALL: Scope = { all: true };
const PAST = '2024-06-30';
const H1_2024 = { from: '2024-01-01', to: PAST };

/** Tables no dashboard figure reads: no trigger, so their churn never invalidates a figure. */
const NOT_FIGURE_SOURCES = [
  'audit_log',
  'login_failures',
  'api_tokens',
  'notifications',
  'phishing_campaigns',
  'phishing_recipients',
  'resident_warnings',
  'resident_guidance',
  'scam_reports',
  'official_reports',
  'threat_indicators',
  'soc_stream_checkpoints',
  'figure_versions',
];

type Figure = {
  name: string;
  topics: readonly string[];
  cached: (db: Db) => Promise<unknown>;
  plain: (db: Db) => Promise<unknown>;
};

/** Every wrapped figure, for one scope and one day, each beside its plain computation. */
async function figures(db: Db, scope: Scope, asOf: string): Promise<Figure[]> {
  const period = { from: '2024-01-01', to: asOf };
  const targets = (await plainListTargets(db, ALL, { asOf })) as { id: string }[];
  return [
    {
      name: 'vulnerabilitySummary',
      topics: ['vuln', 'org'],
      cached: (d) => vulnerabilitySummary(d, scope, period),
      plain: (d) => plainVulnerabilitySummary(d, scope, period),
    },
    {
      name: 'vulnerabilitySummary H1 2024',
      topics: ['vuln', 'org'],
      cached: (d) => vulnerabilitySummary(d, scope, { ...H1_2024, asOf }),
      plain: (d) => plainVulnerabilitySummary(d, scope, { ...H1_2024, asOf }),
    },
    {
      name: 'socSummary',
      topics: ['soc', 'org'],
      cached: (d) => socSummary(d, scope, period),
      plain: (d) => plainSocSummary(d, scope, period),
    },
    {
      name: 'listTargets',
      topics: ['systems', 'org', 'rules'],
      cached: (d) => listTargets(d, scope, { asOf }),
      plain: (d) => plainListTargets(d, scope, { asOf }),
    },
    ...targets.map((t) => ({
      name: `targetProgress ${t.id}`,
      topics: ['systems', 'org', 'rules'],
      cached: (d: Db) => getTargetProgress(d, scope, t.id, { asOf }).catch((e: Error) => e.message),
      plain: (d: Db) => plainTargetProgress(d, scope, t.id, { asOf }).catch((e: Error) => e.message),
    })),
    {
      name: 'siteSummary',
      topics: ['sites', 'org', 'rules'],
      cached: (d) => siteSummary(d, scope, asOf),
      plain: (d) => plainSiteSummary(d, scope, asOf),
    },
    {
      name: 'listIndicators',
      topics: ['sites'],
      cached: (d) => listIndicators(d),
      plain: (d) => plainListIndicators(d),
    },
    {
      name: 'oversightBoard',
      topics: FIGURE_TOPICS,
      cached: (d) => oversightBoard(d, scope, { asOf }),
      plain: (d) => plainOversightBoard(d, scope, { asOf }),
    },
    {
      name: 'oversightBoard children',
      topics: FIGURE_TOPICS,
      cached: (d) => oversightBoard(d, scope, { asOf, children: true }),
      plain: (d) => plainOversightBoard(d, scope, { asOf, children: true }),
    },
    {
      name: 'taskFigures',
      topics: FIGURE_TOPICS,
      cached: (d) => taskFigures(d, scope, { asOf }),
      plain: (d) => plainTaskFigures(d, scope, { asOf }),
    },
  ];
}

async function versions(db: Db) {
  const rows = await queryRows<{ topic: string; version: string }>(
    db,
    sql`select topic, version::text as version from figure_versions`,
  );
  return Object.fromEntries(rows.map((r) => [r.topic, Number(r.version)]));
}

/** Each table's topic, as the triggers in the database say. */
async function triggeredTables(db: Db) {
  const rows = await queryRows<{ table: string; def: string }>(
    db,
    sql`select c.relname as table, pg_get_triggerdef(t.oid) as def from pg_trigger t
      join pg_class c on c.oid = t.tgrelid where t.tgname = 'figure_version'`,
  );
  for (const r of rows) expect(r.def).toMatch(/AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE .* FOR EACH STATEMENT/);
  return new Map(rows.map((r) => [r.table, /bump_figure_version\('(\w+)'\)/.exec(r.def)?.[1] ?? '?']));
}

describe.each(TEST_DATABASES)('dashboard figures from the versioned cache on %s', (kind) => {
  let database: Database;
  let db: Db;
  let agency: Scope;

  /** Reads every figure twice through the cache (a miss, then a hit) and compares both with the plain one. */
  async function expectCachedEqualsPlain(asOfs = [provinceDay(), PAST]) {
    const out = new Map<string, unknown>();
    for (const [label, scope] of [
      ['all', ALL],
      ['agency', agency],
    ] as const)
      for (const asOf of asOfs)
        for (const f of await figures(db, scope, asOf)) {
          const plain = await f.plain(db);
          expect(await f.cached(db), `${f.name} (${label}, ${asOf})`).toEqual(plain);
          expect(await f.cached(db), `${f.name} (${label}, ${asOf}) again`).toEqual(plain);
          out.set(`${f.name} ${label} ${asOf}`, plain);
        }
    return out;
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.db;
    await loadDemo(db, CLI_ACTOR, { only2024: true });
    const district = await organisationByCodeOn(db, '136', PAST);
    agency = { all: false, organisationIds: await subtreeIds(db, district?.id as string, PAST) };
  }, 600_000);
  afterAll(async () => {
    await database?.close();
  });

  it('serves every figure equal to its plain computation, for the province and an agency, today and a past day', async () => {
    const before = await expectCachedEqualsPlain();
    expect(figureCacheStats(db).entries).toBeGreaterThan(10);
    // The demo has figures to show: the comparisons above are not of empty results.
    expect(before.get(`vulnerabilitySummary H1 2024 all ${PAST}`)).toMatchObject({ vulnerableComputers: 617 });
  }, 600_000);

  it('shows a scan import, a remediation and a SOC triage at the next read', async () => {
    const scope = ALL;
    const vuln = () => vulnerabilitySummary(db, scope, H1_2024);
    const soc = () => socSummary(db, scope, H1_2024);
    const v0 = await vuln();
    await importScanFile(db, CLI_ACTOR, testdata('nessus-v3.csv'), { scannedAt: new Date('2024-05-02T03:00:00Z') });
    const v1 = await vuln();
    expect(v1).toEqual(await plainVulnerabilitySummary(db, scope, H1_2024));
    expect(v1.vulnerableComputers).not.toBe(v0.vulnerableComputers);

    // A remediation: a critical finding the Department confirms fixed (raw SQL too: the trigger, not the service).
    const [finding] = await queryRows<{ id: string }>(
      db,
      sql`select id from vuln_findings where severity = 'critical' and status = 'open' and computer_id is not null
        order by id limit 1`,
    );
    await db.execute(sql`update vuln_findings set status = 'false_positive' where id = ${finding?.id}::uuid`);
    const v2 = await vuln();
    expect(v2).toEqual(await plainVulnerabilitySummary(db, scope, H1_2024));
    expect(v2).not.toEqual(v1);

    const s0 = await soc();
    const [scanner] = await queryRows<{ id: string }>(
      db,
      sql`select id from soc_findings where kind = 'scanner' and status = 'new' order by id limit 1`,
    );
    const [user] = await queryRows<{ id: string }>(db, sql`select id from users order by username limit 1`);
    await triageSocFinding(db, { ...CLI_ACTOR, userId: user?.id as string }, ALL, scanner?.id as string, {
      status: 'false_positive',
      note: 'Máy quét của chính Sở, đã xác minh',
    });
    const s1 = await soc();
    expect(s1).toEqual(await plainSocSummary(db, scope, H1_2024));
    expect(s1.byTriage).not.toEqual(s0.byTriage);
    await expectCachedEqualsPlain([PAST]);
  }, 600_000);

  it('follows a reorganisation (the merger into Lào Cai): current figures change, past ones stay as they were', async () => {
    const past = await vulnerabilitySummary(db, ALL, H1_2024);
    const agencyPast = await socSummary(db, agency, H1_2024);
    const untilToday = { from: '2024-01-01', to: provinceDay() };
    const current = await vulnerabilitySummary(db, ALL, untilToday);
    await loadDemo(db, CLI_ACTOR);
    expect(await vulnerabilitySummary(db, ALL, H1_2024)).toEqual(past);
    expect(await socSummary(db, agency, H1_2024)).toEqual(agencyPast);
    const now = await vulnerabilitySummary(db, ALL, untilToday);
    expect(now).toEqual(await plainVulnerabilitySummary(db, ALL, untilToday));
    expect(now.byOrganisation).not.toEqual(current.byOrganisation);
    await expectCachedEqualsPlain();
  }, 900_000);

  it('has a trigger on every table a figure reads, each bumping its topic on any write, even through raw SQL', async () => {
    const triggered = await triggeredTables(db);
    const tables = await queryRows<{ name: string }>(
      db,
      sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
    );
    const unclassified = tables.map((t) => t.name).filter((t) => !triggered.has(t) && !NOT_FIGURE_SOURCES.includes(t));
    expect(unclassified, 'tables with neither a figure trigger nor a place in NOT_FIGURE_SOURCES').toEqual([]);
    for (const t of NOT_FIGURE_SOURCES) expect(triggered.has(t), t).toBe(false);
    expect(new Set(triggered.values())).toEqual(new Set(VERSION_TOPICS));
    for (const [table, topic] of triggered) {
      const before = await versions(db);
      // A statement-level trigger fires even when no row is touched (one trigger covers every kind of write).
      await db.execute(sql`delete from ${sql.identifier(table)} where false`);
      const after = await versions(db);
      expect(after[topic], `${table} → ${topic}`).toBe((before[topic] ?? 0) + 1);
      for (const other of VERSION_TOPICS)
        if (other !== topic) expect(after[other], `${table} → ${other}`).toBe(before[other]);
    }
    // A write to a table no figure reads changes no version.
    const before = await versions(db);
    await db.execute(sql`delete from login_failures where false`);
    expect(await versions(db)).toEqual(before);
  }, 600_000);

  it('computes concurrent identical misses once, recomputes after a write, and stays within its bounds', async () => {
    let runs = 0;
    const figure = { name: 'test.concurrent', topics: ['soc'] as const, key: { a: 1, b: [2] } };
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 50));
      return { runs, at: new Date(0) };
    };
    const all = await Promise.all(Array.from({ length: 10 }, () => cachedFigure(db, figure, compute)));
    expect(runs).toBe(1);
    expect(all.every((v) => v.runs === 1 && v.at instanceof Date)).toBe(true);
    // A caller altering its copy alters nobody else's.
    (all[0] as { runs: number }).runs = 99;
    expect(await cachedFigure(db, { ...figure, key: { b: [2], a: 1 } }, compute)).toEqual({ runs: 1, at: new Date(0) });
    await db.execute(sql`delete from soc_sightings where false`);
    expect(await cachedFigure(db, figure, compute)).toMatchObject({ runs: 2 });
    // Another database never sees this one's figures.
    const other = await openDatabase({});
    await other.migrate();
    try {
      expect(await cachedFigure(other.db, figure, compute)).toMatchObject({ runs: 3 });
    } finally {
      await other.close();
    }
    const limit = FIGURE_CACHE_LIMITS.entries;
    FIGURE_CACHE_LIMITS.entries = 5;
    try {
      for (let i = 0; i < 20; i++) await cachedFigure(db, { ...figure, key: i }, async () => i);
      expect(figureCacheStats(db).entries).toBe(5);
    } finally {
      FIGURE_CACHE_LIMITS.entries = limit;
    }
  }, 120_000);

  it('hands a shared figure out deep-frozen, the same object to every caller until its topics change', async () => {
    const figure = { name: 'test.shared', topics: ['staff'] as const, key: 1, shared: true };
    let runs = 0;
    const compute = async () => ({ runs: ++runs, rows: [{ n: 1 }] });
    const a = await cachedFigure(db, figure, compute);
    expect(await cachedFigure(db, figure, compute)).toBe(a);
    expect(isSharedFigure(a)).toBe(true);
    expect(() => {
      (a.rows[0] as { n: number }).n = 2;
    }).toThrow(TypeError);
    await db.execute(sql`delete from staff_members where false`);
    const b = await cachedFigure(db, figure, compute);
    expect(b).not.toBe(a);
    expect(b.runs).toBe(2);
    // A copied figure is not shared.
    expect(isSharedFigure(await cachedFigure(db, { ...figure, shared: false, key: 2 }, compute))).toBe(false);
  });

  it.runIf(kind === 'pglite')(
    'on the embedded database, knows the versions from its commits: a hit runs no query, any commit is seen next',
    async () => {
      const client = (db as unknown as { $client: { query: (...a: unknown[]) => Promise<unknown> } }).$client;
      const query = client.query;
      let queries = 0;
      client.query = function (this: unknown, ...a: unknown[]) {
        queries++;
        return query.apply(this, a);
      };
      try {
        let runs = 0;
        const figure = { name: 'test.pushed', topics: ['inspections'] as const, key: 1 };
        const compute = async () => ++runs;
        await cachedFigure(db, figure, compute);
        queries = 0;
        for (let i = 0; i < 10; i++) expect(await cachedFigure(db, figure, compute)).toBe(1);
        expect(queries).toBe(0);
        // Committed by a transaction, or by a single statement: seen by the very next read.
        await db.transaction(async (tx) => {
          await tx.execute(sql`delete from inspection_findings where false`);
          expect(await cachedFigure(db, figure, compute)).toBe(1);
        });
        expect(await cachedFigure(db, figure, compute)).toBe(2);
        await db.execute(sql`update inspections set id = id where false`);
        expect(await cachedFigure(db, figure, compute)).toBe(3);
        // A rolled-back write changes nothing.
        await db
          .transaction(async (tx) => {
            await tx.execute(sql`delete from inspection_findings where false`);
            throw new Error('rollback');
          })
          .catch(() => {});
        expect(await cachedFigure(db, figure, compute)).toBe(3);
      } finally {
        client.query = query;
      }
    },
  );

  it.runIf(kind === 'postgres')(
    'reads no table outside its topics (each plain figure run by a role allowed only those tables)',
    async () => {
      const triggered = await triggeredTables(db);
      const [{ name } = { name: '' }] = await queryRows<{ name: string }>(db, sql`select current_database() as name`);
      const url = new URL(process.env.KHIEN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      url.pathname = `/${name}`;
      const district = agency;
      for (const f of await figures(db, district, provinceDay())) {
        const role = `khien_fig_${Math.random().toString(36).slice(2, 10)}`;
        const tables = [...triggered].filter(([, topic]) => f.topics.includes(topic)).map(([t]) => t);
        await db.execute(sql.raw(`create role ${role} login`));
        await db.execute(sql.raw(`grant select on figure_versions, ${tables.join(', ')} to ${role}`));
        url.username = role;
        const restricted = await openDatabase({ url: url.toString() });
        try {
          expect(await f.plain(restricted.db), f.name).toEqual(await f.plain(db));
        } finally {
          await restricted.close();
          await db.execute(sql.raw(`drop owned by ${role}`));
          await db.execute(sql.raw(`drop role ${role}`));
        }
      }
    },
    600_000,
  );
});

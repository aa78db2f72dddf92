// Benchmark of the dashboard figures on a province-sized data set: seeds the Yên Bái organisation tree, 30 000
// scanned computers with 300 000 findings over 2024, and 5 000 SOC findings, starts the real server on it and loads
// every dashboard route of the compiled server (`khien serve` in its own process; `npm run build:server` first) with
// autocannon in a worker thread (20 connections for 30 s each, as an administrator and as one district's agency), on
// the embedded database and on PostgreSQL when one answers at KHIEN_BENCH_PG_URL (default
// postgres://postgres@127.0.0.1:5432/postgres). Reference, printed beside each route: the plain (uncached) figure's
// time in the same process; the cached figure is checked equal to the plain one. `--duckdb` adds DuckDB computing
// the "vulnerable computers" figures over the same rows exported to CSV.
//   npm run bench:dashboard [-- --seconds 5 --connections 20 --duckdb]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { yenBai2024Rows } from '../demo/yen-bai-2024/organisations.ts';
import { type Database, openDatabase, queryRows } from '../src/core/db/client.ts';
import { type Actor, createUser, resolveScope, type Scope } from '../src/modules/auth/index.ts';
import { importOrganisationRows } from '../src/modules/organisations/index.ts';
import { oversightBoard, plainOversightBoard } from '../src/modules/oversight/index.ts';
import { listIndicators, plainListIndicators, plainSiteSummary, siteSummary } from '../src/modules/sites/index.ts';
import { plainSocSummary, socSummary } from '../src/modules/soc/index.ts';
import { listTargets, plainListTargets } from '../src/modules/systems/index.ts';
import { plainVulnerabilitySummary, vulnerabilitySummary } from '../src/modules/vulnerabilities/index.ts';
import { signIn, startServer } from './support/server.ts';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '20' },
    duckdb: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(opts.seconds);
const CONNECTIONS = Number(opts.connections);
if (!(SECONDS > 0) || !(CONNECTIONS > 0)) {
  console.error('Lỗi / Error: --seconds and --connections must be positive numbers');
  process.exit(2);
}
const COMPUTERS = 30_000;
const FINDINGS_PER_COMPUTER = 10;
const SOC_FINDINGS = 5_000;
const RUNS = 3;
const PERIOD = { from: '2024-01-01', to: '2024-06-30' };
/** The dashboards' day: the six months ending on it (what the cards ask for). */
const AS_OF = PERIOD.to;
const PASSWORD = 'bench password that is long enough 42';
const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const ACTOR: Actor = {
  userId: '00000000-0000-0000-0000-000000000000',
  username: 'bench',
  displayName: 'bench',
  role: 'admin',
  organisationId: null,
  scopeIncludesChildren: true,
  ip: null,
};

async function seed(db: Database['db']) {
  await importOrganisationRows(db, ACTOR, yenBai2024Rows());
  // Deterministic data generated inside the database (setseed), so both databases hold the same rows.
  await db.execute(sql`select setseed(0.42)`);
  await db.execute(sql`
    insert into computers (host_key, ip, organisation_id, first_seen, last_seen)
    select 'bench|' || g, ('10.15.' || (g / 250) % 256 || '.' || (g % 250 + 1))::inet,
      (select id from organisations order by code offset (g % (select count(*) from organisations)) limit 1),
      timestamptz '2024-01-01 08:00+07' + (g % 300) * interval '1 day', timestamptz '2024-12-31 08:00+07'
    from generate_series(1, ${COMPUTERS}) g`);
  await db.execute(sql`
    insert into vuln_findings (computer_id, organisation_id, scanner, scanner_id, port, protocol, name, severity,
      first_seen, last_seen, resolved_at, status)
    select c.id, c.organisation_id, 'nessus', (10000 + (abs(hashtext(c.host_key || k)) % 400))::text, k, 'tcp',
      'Plugin ' || k, f.severity,
      f.first_seen, f.first_seen + interval '30 days',
      case when f.resolved then f.first_seen + interval '45 days' end,
      case when f.resolved then 'resolved' else 'open' end::finding_status
    from computers c cross join generate_series(1, ${FINDINGS_PER_COMPUTER}) k
    cross join lateral (select c.first_seen + (random() * 60) * interval '1 day' as first_seen, random() < 0.6 as resolved,
      (array['critical','high','high','medium','medium','medium','low','low','low','low'])[1 + floor(random() * 10)::int]::vuln_severity
        as severity) f`);
  const [ingest] = await queryRows<{ id: string }>(
    db,
    sql`insert into soc_ingests (source, format) values ('bench', 'zeek-tsv') returning id`,
  );
  await db.execute(sql`
    insert into soc_findings (kind, dedupe_key, ip, organisation_id, internal, first_seen, last_seen)
    select (case when g % 3 = 0 then 'malicious_contact' else 'scanner' end)::soc_finding_kind, 'bench|' || g,
      ('198.18.' || (g / 250) % 256 || '.' || (g % 250 + 1))::inet,
      (select id from organisations order by code offset (g % (select count(*) from organisations)) limit 1), false,
      timestamptz '2024-01-01 08:00+07' + (g % 360) * interval '1 day', timestamptz '2024-01-01 09:00+07' + (g % 360) * interval '1 day'
    from generate_series(1, ${SOC_FINDINGS}) g`);
  await db.execute(sql`
    insert into soc_sightings (finding_id, ingest_id, first_seen, last_seen, count)
    select id, ${ingest?.id}::uuid, first_seen, last_seen, 10 from soc_findings`);
  await db.execute(sql`analyze`);
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const samples: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    result = await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(RUNS / 2)] as number, result: result as T };
}

async function duckdbReference(csv: string) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const query = `select count(distinct computer_id) as vulnerable,
      count(distinct computer_id) filter (where severity = 'critical') as critical
    from read_csv('${csv}', header = true, timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')
    where severity <> 'info' and status <> 'false_positive'
      and first_seen < timestamptz '2024-07-01 00:00:00+07' and (resolved_at is null or resolved_at >= timestamptz '2024-01-01 00:00:00+07')`;
  return time(
    async () => (await connection.runAndReadAll(query)).getRowObjects()[0] as { vulnerable: bigint; critical: bigint },
  );
}

/** A dashboard route with the figure it serves: cached (what the route calls) and plain, for the same caller. */
type Route = { path: string; cached: (scope: Scope) => Promise<unknown>; plain: (scope: Scope) => Promise<unknown> };

function routes(db: Database['db']): Route[] {
  const period = `from=${PERIOD.from}&to=${PERIOD.to}&asOf=${AS_OF}`;
  return [
    {
      path: `/api/vulnerabilities/summary?${period}`,
      cached: (s) => vulnerabilitySummary(db, s, { ...PERIOD, asOf: AS_OF }),
      plain: (s) => plainVulnerabilitySummary(db, s, { ...PERIOD, asOf: AS_OF }),
    },
    {
      path: `/api/soc/summary?${period}`,
      cached: (s) => socSummary(db, s, { ...PERIOD, asOf: AS_OF }),
      plain: (s) => plainSocSummary(db, s, { ...PERIOD, asOf: AS_OF }),
    },
    {
      path: `/api/targets?asOf=${AS_OF}`,
      cached: (s) => listTargets(db, s, { asOf: AS_OF }),
      plain: (s) => plainListTargets(db, s, { asOf: AS_OF }),
    },
    {
      path: `/api/oversight?asOf=${AS_OF}`,
      cached: (s) => oversightBoard(db, s, { asOf: AS_OF, children: false }),
      plain: (s) => plainOversightBoard(db, s, { asOf: AS_OF, children: false }),
    },
    {
      path: `/api/oversight?asOf=${AS_OF}&children=true`,
      cached: (s) => oversightBoard(db, s, { asOf: AS_OF, children: true }),
      plain: (s) => plainOversightBoard(db, s, { asOf: AS_OF, children: true }),
    },
    {
      path: `/api/sites/summary?on=${AS_OF}`,
      cached: (s) => siteSummary(db, s, AS_OF),
      plain: (s) => plainSiteSummary(db, s, AS_OF),
    },
    { path: '/api/sites/indicators', cached: () => listIndicators(db), plain: () => plainListIndicators(db) },
  ];
}

async function load(url: string, cookie: string) {
  // In a worker thread: the load generator gets its own core and never delays the server's answers.
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: { cookie }, workers: 1 });
  return { p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, errors: r.errors + r.non2xx };
}

/**
 * Seeds `database`, checks each route's cached figure against the plain one in this process, then closes it and loads
 * the routes of the compiled server (`khien serve`, its own process) on the same data, as users run it.
 */
async function benchDatabase(label: string, database: Database, serverEnv: NodeJS.ProcessEnv) {
  const t0 = performance.now();
  await database.migrate();
  await seed(database.db);
  const seedSeconds = (performance.now() - t0) / 1000;
  const db = database.db;
  console.log(
    `\n${label}: seeded ${COMPUTERS} computers, ${COMPUTERS * FINDINGS_PER_COMPUTER} findings, ${SOC_FINDINGS} SOC findings in ${seedSeconds.toFixed(1)} s`,
  );
  const [district] = await queryRows<{ id: string }>(db, sql`select id from organisations where code = '136'`);
  const callers = [
    { username: 'bench-admin', role: 'admin' as const, organisationId: null },
    { username: 'bench-agency', role: 'agency' as const, organisationId: district?.id ?? null },
  ];
  const checks: { plainMs: number; same: boolean }[][] = [];
  for (const c of callers) {
    await createUser(db, null, { ...c, displayName: c.username, scopeIncludesChildren: true, password: PASSWORD });
    const scope = await resolveScope(db, { ...ACTOR, ...c, userId: ACTOR.userId });
    const byRoute = [];
    for (const r of routes(db)) {
      const plain = await time(() => r.plain(scope));
      byRoute.push({ plainMs: plain.ms, same: isDeepStrictEqual(await r.cached(scope), plain.result) });
    }
    checks.push(byRoute);
  }
  const figures = await plainVulnerabilitySummary(db, { all: true }, PERIOD);
  await database.close();

  const server = await startServer(serverEnv);
  try {
    for (const [i, c] of callers.entries()) {
      const cookie = await signIn(server.base, c.username, PASSWORD);
      console.log(
        `  as ${c.role}${c.organisationId ? ' (district 136 subtree)' : ' (province)'}, ${CONNECTIONS} connections × ${SECONDS} s per route:`,
      );
      for (const [j, r] of routes(db).entries()) {
        const check = checks[i]?.[j] as { plainMs: number; same: boolean };
        const l = await load(`${server.base}${r.path}`, cookie);
        if (!check.same) process.exitCode = 1;
        console.log(
          `    ${r.path.padEnd(74)} p50 ${String(l.p50).padStart(4)} ms  p99 ${String(l.p99).padStart(4)} ms  ` +
            `${String(l.requests).padStart(7)} req  errors ${l.errors}  | plain ${check.plainMs.toFixed(0).padStart(5)} ms  ` +
            `cached = plain: ${check.same ? 'yes' : 'NO'}`,
        );
      }
    }
    console.log(
      `  server RSS at the end ${server.memory().rss.toFixed(0)} MB, peak ${server.memory().hwm.toFixed(0)} MB`,
    );
  } finally {
    await server.stop();
  }
  return figures;
}

const work = mkdtempSync(join(tmpdir(), 'khien-bench-dashboard-'));
// The server's own folder (its secret key; the embedded database under pglite/, as `khien serve` lays it out).
const serverEnv = { ...process.env, KHIEN_DATA_DIR: work, DATABASE_URL: undefined, LOG_LEVEL: 'warn' };
try {
  const pglite = join(work, 'pglite');
  const figures = await benchDatabase('PGlite (embedded)', await openDatabase({ dataDir: pglite }), serverEnv);
  if (opts.duckdb) {
    mkdirSync(OUT, { recursive: true });
    const csv = join(OUT, 'dashboard-findings.csv');
    const embedded = await openDatabase({ dataDir: pglite });
    const rows = await queryRows<Record<string, string | null>>(
      embedded.db,
      sql`select computer_id, severity::text, status::text,
        to_char(first_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_seen,
        to_char(resolved_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as resolved_at from vuln_findings`,
    );
    await embedded.close();
    writeFileSync(
      csv,
      `computer_id,severity,status,first_seen,resolved_at\n${rows.map((r) => `${r.computer_id},${r.severity},${r.status},${r.first_seen},${r.resolved_at ?? ''}`).join('\n')}\n`,
    );
    const duck = await duckdbReference(csv);
    console.log(
      `\nDuckDB reference (same ${rows.length} rows from CSV, 1 thread): ${duck.ms.toFixed(0)} ms → ${duck.result.vulnerable} vulnerable, ${duck.result.critical} with critical`,
    );
    console.log(
      `  figures agree with Khiên: ${Number(duck.result.vulnerable) === figures.vulnerableComputers && Number(duck.result.critical) === figures.withCritical ? 'yes' : 'NO'}`,
    );
  }

  const adminUrl = process.env.KHIEN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `khien_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      await benchDatabase('PostgreSQL server', await openDatabase({ url: url.toString() }), {
        ...serverEnv,
        DATABASE_URL: url.toString(),
      });
    } finally {
      await admin.query(`drop database ${name} with (force)`);
    }
  } catch (e) {
    console.log(`\nPostgreSQL: skipped or failed (${(e as Error).message})`);
  } finally {
    await admin.end().catch(() => {});
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

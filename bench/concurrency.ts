// 200 users at once on PostgreSQL: a fresh database with the demo province (demo/load-demo.ts), 200 accounts signed
// in (200 sessions: province administrators and agencies of the demo's organisations), each a connection loading the
// dashboard routes in turn for 30 s with autocannon (in a worker thread) from the compiled server in its own process
// (`npm run build:server` first).
// Reports requests, errors (must be 0), non-2xx answers, p50/p99; exits 1 on any error or non-2xx.
//   npm run bench:concurrency [-- --seconds 30 --users 200]
// PostgreSQL at KHIEN_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres); the database is dropped after.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadDemo } from '../demo/load-demo.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';
import { openDatabase, queryRows } from '../src/core/db/client.ts';
import { createUser } from '../src/modules/auth/index.ts';
import { signIn, startServer } from './support/server.ts';

const { values: opts } = parseArgs({
  options: { seconds: { type: 'string', default: '30' }, users: { type: 'string', default: '200' } },
});
const SECONDS = Number(opts.seconds);
const USERS = Number(opts.users);
if (!(SECONDS > 0) || !Number.isInteger(USERS) || USERS < 1) {
  console.error('Lỗi / Error: --seconds must be a positive number and --users a positive whole number');
  process.exit(2);
}
const PASSWORD = 'bench password that is long enough 42';
const PERIOD = 'from=2024-01-01&to=2024-06-30&asOf=2024-06-30';
/** What the dashboard cards ask for (as bench/dashboard.ts), on the demo's first half of 2024. */
const ROUTES = [
  `/api/vulnerabilities/summary?${PERIOD}`,
  `/api/soc/summary?${PERIOD}`,
  '/api/targets?asOf=2024-06-30',
  '/api/oversight?asOf=2024-06-30',
  '/api/oversight?asOf=2024-06-30&children=true',
  '/api/sites/summary?on=2024-06-30',
  '/api/sites/indicators',
];

const adminUrl = process.env.KHIEN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `khien_bench_users_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
try {
  await admin.connect();
} catch (e) {
  console.error(`Lỗi / Error: no PostgreSQL at ${adminUrl} (${(e as Error).message}); set KHIEN_BENCH_PG_URL`);
  process.exit(2);
}
await admin.query(`create database ${name}`);
const work = mkdtempSync(join(tmpdir(), 'khien-bench-users-'));
try {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  let t0 = performance.now();
  let accounts: { username: string; role: 'admin' | 'agency'; organisationId: string | null }[];
  try {
    await database.migrate();
    await loadDemo(database.db, CLI_ACTOR);
    console.log(`demo loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Half province administrators, half agencies spread over the organisations (each sees its own subtree).
    const orgs = await queryRows<{ id: string }>(database.db, sql`select id from organisations order by code`);
    t0 = performance.now();
    accounts = Array.from({ length: USERS }, (_, i) => ({
      username: `bench-user-${i}`,
      role: i % 2 === 0 ? ('admin' as const) : ('agency' as const),
      organisationId: i % 2 === 0 ? null : (orgs[i % orgs.length]?.id ?? null),
    }));
    for (let i = 0; i < accounts.length; i += 8)
      await Promise.all(
        accounts.slice(i, i + 8).map((a) =>
          createUser(database.db, null, {
            ...a,
            displayName: a.username,
            scopeIncludesChildren: true,
            password: PASSWORD,
          }),
        ),
      );
  } finally {
    await database.close();
  }

  // The compiled server in its own process, as users run it, allowing each account its sign-in.
  const server = await startServer({
    ...process.env,
    DATABASE_URL: url.toString(),
    KHIEN_DATA_DIR: work,
    KHIEN_LOGIN_RATE_PER_MINUTE: String(USERS * 2),
  });
  try {
    const cookies: string[] = [];
    for (let i = 0; i < accounts.length; i += 8)
      cookies.push(
        ...(await Promise.all(accounts.slice(i, i + 8).map((a) => signIn(server.base, a.username, PASSWORD)))),
      );
    console.log(`${USERS} accounts created and signed in in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // The load runs in a worker thread, which takes its per-connection setup from a file: connection i is
    // account i (its own session cookie) loading the dashboard's routes in turn, as the page does.
    writeFileSync(join(work, 'load.json'), JSON.stringify({ cookies, routes: ROUTES }));
    writeFileSync(
      join(work, 'setup-client.cjs'),
      `const { cookies, routes } = require(${JSON.stringify(join(work, 'load.json'))}); let next = 0;\n` +
        'module.exports = (client) => { const cookie = cookies[next++ % cookies.length];\n' +
        "  client.setRequests(routes.map((path) => ({ method: 'GET', path, headers: { cookie } }))); };\n",
    );
    // Twice: first every user's first views (each agency's figures computed for the first time, all at once, as
    // after a restart or an import), then the same users again with the figures at hand. A browser waits for a
    // slow answer, so a request counts as failed only after 60 s.
    for (const phase of ['first views', 'again']) {
      const r = await autocannon({
        url: server.base,
        connections: USERS,
        duration: SECONDS,
        timeout: 60,
        workers: 1,
        // With `workers` autocannon takes the file's path; its types know only the function form.
        setupClient: join(work, 'setup-client.cjs') as unknown as autocannon.Options['setupClient'],
      });
      console.log(
        `PostgreSQL, ${USERS} users (sessions) on ${ROUTES.length} dashboard routes for ${SECONDS} s, ${phase}: ` +
          `${r.requests.total} requests (${r.requests.average}/s), errors ${r.errors}, timeouts ${r.timeouts}, ` +
          `non-2xx ${r.non2xx}, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms`,
      );
      if (r.errors + r.timeouts + r.non2xx > 0) process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  rmSync(work, { recursive: true, force: true });
}

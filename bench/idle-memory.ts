// `npm run bench:memory`: the compiled server's memory with the demo loaded, idle and under dashboard load.
//
// Runs the build as users do (`node bin/khien.mjs`, nothing is compiled here: run `npm run build:server` first). Loads
// the demo into a temporary data folder (or reuses one given with --data), starts `khien serve` on the embedded
// database, and records the server's RSS (/proc/<pid>/status) after start, after --idle seconds, and every --interval
// seconds while --connections clients loop over the dashboard routes for --minutes. Prints the curve and
// start/peak/end; fails (exit 1) when the idle RSS is over the goal or the end of the load is more than 1.25 × its
// first sample (not flat). See docs/memory.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signIn, startServer } from './support/server.ts';

const { values: opts } = parseArgs({
  options: {
    data: { type: 'string' },
    minutes: { type: 'string', default: '60' },
    interval: { type: 'string', default: '30' },
    idle: { type: 'string', default: '30' },
    connections: { type: 'string', default: '4' },
    'goal-mb': { type: 'string', default: '250' },
  },
});
const MINUTES = Number(opts.minutes);
const INTERVAL = Number(opts.interval);
const IDLE = Number(opts.idle);
const CONNECTIONS = Number(opts.connections);
const GOAL_MB = Number(opts['goal-mb']);
if (![MINUTES, INTERVAL, IDLE, CONNECTIONS, GOAL_MB].every((n) => Number.isFinite(n) && n > 0)) {
  console.error('Lỗi / Error: --minutes, --interval, --idle, --connections and --goal-mb must be positive numbers');
  process.exit(2);
}
/** The end of the load may be at most this many times its first sample. */
const FLAT = 1.25;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin/khien.mjs');
const USERNAME = 'bench.memory';
const PASSWORD = 'bench password that is long enough 42';
/** What the dashboard cards ask for, on the demo's dates (H1-2024 scans and logs, the 2026 programme). */
const ROUTES = [
  '/api/vulnerabilities/summary?from=2024-01-01&to=2024-06-30',
  '/api/soc/summary?from=2024-01-01&to=2024-06-30',
  '/api/targets?asOf=2024-06-30',
  '/api/oversight?asOf=2026-06-30',
  '/api/oversight?asOf=2026-06-30&children=true',
  '/api/sites/summary?on=2026-06-30',
  '/api/sites/indicators',
];

const owned = opts.data ? null : mkdtempSync(join(tmpdir(), 'khien-memory-'));
const dataDir = opts.data ?? (owned as string);
// The embedded database: a DATABASE_URL in the caller's environment would send the server elsewhere.
const env: NodeJS.ProcessEnv = { ...process.env, KHIEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: undefined };

function cli(args: string[], input?: string) {
  return execFileSync(process.execPath, [CLI, ...args], { env, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

if (owned) {
  console.log(`Loading the demo into ${dataDir} (a few minutes)…`);
  cli(['demo']);
}
try {
  cli(['user', 'create', '--username', USERNAME, '--name', USERNAME, '--role', 'admin', '--password-stdin'], PASSWORD);
} catch (err) {
  // A reused folder has the account from an earlier run; signing in below tells if it is not ours.
  if (!String((err as { stderr?: Buffer }).stderr).includes(USERNAME)) throw err;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = performance.now();
const server = await startServer(env);

const curve: { t: number; phase: string; rss: number }[] = [];
let errors = 0;
let requests = 0;
try {
  const elapsed = () => (performance.now() - t0) / 1000;
  const sample = (phase: string) => {
    const s = { t: elapsed(), phase, rss: server.memory().rss };
    curve.push(s);
    console.log(`${s.t.toFixed(0).padStart(6)} s  ${phase.padEnd(6)} ${s.rss.toFixed(1).padStart(7)} MB`);
  };
  console.log(`Server ${server.pid} answering after ${elapsed().toFixed(1)} s\n     time  phase      RSS`);
  sample('start');
  await sleep(IDLE * 1000);
  sample('idle');

  const cookie = await signIn(server.base, USERNAME, PASSWORD);

  const end = performance.now() + MINUTES * 60_000;
  let next = 0;
  const client = async () => {
    while (performance.now() < end && !server.exited()) {
      const route = ROUTES[next++ % ROUTES.length] as string;
      const res = await fetch(server.base + route, { headers: { cookie } }).catch(() => null);
      await res?.arrayBuffer();
      requests++;
      if (!res?.ok && ++errors <= 5) console.log(`  error: ${route} ${res ? res.status : 'no answer'}`);
    }
  };
  const sampler = (async () => {
    while (performance.now() + INTERVAL * 1000 <= end && !server.exited()) {
      await sleep(INTERVAL * 1000);
      sample('load');
    }
  })();
  await Promise.all([...Array.from({ length: CONNECTIONS }, client), sampler]);
  if (server.exited()) throw new Error('the server stopped under load');
  sample('end');

  const idle = curve[1]?.rss ?? 0;
  const loaded = curve.filter((s) => s.phase === 'load' || s.phase === 'end');
  const first = loaded[0]?.rss ?? 0;
  const last = loaded.at(-1)?.rss ?? 0;
  const peak = server.memory().hwm;
  console.log(
    `\nstart ${curve[0]?.rss.toFixed(1)} MB, idle ${idle.toFixed(1)} MB, start of load ${first.toFixed(1)} MB, ` +
      `peak ${peak.toFixed(1)} MB (VmHWM), end ${last.toFixed(1)} MB; ${requests} requests, ${errors} errors, ` +
      `${CONNECTIONS} connections, ${MINUTES} min`,
  );
  const failures = [
    idle > GOAL_MB ? `idle RSS ${idle.toFixed(1)} MB > ${GOAL_MB} MB` : null,
    last > first * FLAT ? `not flat: end ${last.toFixed(1)} MB > ${FLAT} × ${first.toFixed(1)} MB` : null,
    errors ? `${errors} requests failed` : null,
  ].filter((f) => f !== null);
  for (const f of failures) console.log(`FAIL: ${f}`);
  if (!failures.length) console.log(`OK: idle ≤ ${GOAL_MB} MB, end ≤ ${FLAT} × start of load`);
  process.exitCode = failures.length ? 1 : 0;
} finally {
  await server.stop();
  if (owned) rmSync(owned, { recursive: true, force: true });
}

// Scan import as a user runs it: the whole command `node bin/khien.mjs scans import FILE --json` (start included), on
// the embedded database (a scratch KHIEN_DATA_DIR, migrated beforehand) and on PostgreSQL (a fresh database, migrated
// beforehand), beside `xmllint --stream --noout` reading the same file in the same run. Each database: a first import,
// then a re-import of the same report under another hash (a copy with one more newline: every finding is written
// again, none may be counted twice — checked against the tables), then the identical file (a no-op by its hash).
// The report is the Nessus v2 file of `npm run bench:scans -- --size-mb 100`, generated here when missing.
//   npm run bench:scan-import [-- --size-mb 100]
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generate } from './scans.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const sizeMb = Number(args[args.indexOf('--size-mb') + 1] || 100);
const FILE = join(ROOT, 'bench', 'out', `nessus-${sizeMb}mb.nessus`);
const AGAIN = join(ROOT, 'bench', 'out', `nessus-${sizeMb}mb-again.nessus`);
const PG_URL = process.env.KHIEN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MB = 1024 * 1024;
const GOAL_MBPS = 50;

type Run = { seconds: number; cpu: number; rssMb: number; result: Record<string, number | boolean> };

/** One whole process under /usr/bin/time: wall and CPU seconds, peak RSS, and its one JSON result. */
function khien(file: string, env: NodeJS.ProcessEnv): Run {
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', 'TIME %e %U %S %M', process.execPath, 'bin/khien.mjs', 'scans', 'import', file, '--json'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 },
  );
  const time = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(run.stderr);
  if (run.status !== 0 || !time)
    throw new Error(`khien scans import: ${(run.stderr || run.stdout).trim().slice(-400)}`);
  const [result] = JSON.parse(run.stdout) as Record<string, number | boolean>[];
  if (!result || 'error' in result) throw new Error(`khien scans import: ${run.stdout.slice(0, 400)}`);
  return { seconds: Number(time[1]), cpu: Number(time[2]) + Number(time[3]), rssMb: Number(time[4]) / 1024, result };
}

const COUNTS = `select (select count(*)::int from vuln_findings) as findings,
  (select count(*)::int from computers) as computers`;
type Counts = { findings: number; computers: number };

function line(label: string, size: number, r: Run, extra = '') {
  const mbps = size / r.seconds;
  console.log(
    `${label.padEnd(22)} ${r.seconds.toFixed(2)} s, ${mbps.toFixed(1)} MB/s (goal ≥ ${GOAL_MBPS}: ${mbps >= GOAL_MBPS ? 'met' : 'NOT MET'}), ${r.cpu.toFixed(2)} s CPU, peak RSS ${r.rssMb.toFixed(0)} MB${extra}`,
  );
}

async function measure(kind: 'embedded' | 'postgres', size: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'khien-bench-import-'));
  const name = `khien_bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  let env: NodeJS.ProcessEnv = { KHIEN_DATA_DIR: dataDir, DATABASE_URL: '' };
  let count: () => Promise<Counts>;
  try {
    if (kind === 'postgres') {
      await admin.connect();
      await admin.query(`create database ${name}`);
      const u = new URL(PG_URL);
      u.pathname = `/${name}`;
      env = { KHIEN_DATA_DIR: dataDir, DATABASE_URL: u.toString() };
      count = async () => {
        const c = new pg.Client({ connectionString: u.toString() });
        await c.connect();
        try {
          return (await c.query(COUNTS)).rows[0] as Counts;
        } finally {
          await c.end();
        }
      };
    } else
      count = async () => {
        const { PGlite } = await import('@electric-sql/pglite');
        const db = new PGlite(join(dataDir, 'pglite'));
        try {
          return (await db.query<Counts>(COUNTS)).rows[0] as Counts;
        } finally {
          await db.close();
        }
      };
    // Migrated beforehand: what is timed is an import into an installed database.
    await migrateOnly(env);

    const first = khien(FILE, env);
    const afterFirst = await count();
    line(`${kind} first import`, size, first, ` — ${first.result.hosts} hosts, ${first.result.findings} findings`);
    const again = khien(AGAIN, env);
    const afterAgain = await count();
    const same =
      afterAgain.findings === afterFirst.findings &&
      afterAgain.computers === afterFirst.computers &&
      again.result.opened === 0 &&
      again.result.findings === first.result.findings;
    line(
      `${kind} re-import`,
      size,
      again,
      ` — ${again.result.opened} new, ${afterAgain.findings} findings stored (${same ? 'none counted twice' : `COUNTED TWICE: ${JSON.stringify({ afterFirst, afterAgain, again: again.result })}`})`,
    );
    const same2 = khien(FILE, env);
    console.log(
      `${`${kind} same file`.padEnd(22)} ${same2.seconds.toFixed(2)} s, ${same2.cpu.toFixed(2)} s CPU: start, open, hash (${same2.result.duplicate ? 'known by its hash, nothing written' : 'NOT RECOGNISED'})`,
    );
    if (!same || !same2.result.duplicate) process.exitCode = 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') {
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end().catch(() => {});
    }
  }
}

/** Applies the migrations once (every command checks them; the first one into an empty database applies them). */
async function migrateOnly(env: NodeJS.ProcessEnv) {
  const run = spawnSync(
    process.execPath,
    ['bin/khien.mjs', 'scans', 'summary', '--from', '2024-01-01', '--to', '2024-01-01'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    },
  );
  if (run.status !== 0) throw new Error(`migration: ${(run.stderr || run.stdout).trim().slice(-400)}`);
}

if (!existsSync(FILE) || statSync(FILE).size < sizeMb * MB) {
  console.log(`generating ${FILE} …`);
  await generate(FILE, sizeMb * MB);
}
if (!existsSync(AGAIN) || statSync(AGAIN).size !== statSync(FILE).size + 1) {
  copyFileSync(FILE, AGAIN);
  appendFileSync(AGAIN, '\n');
}
const size = statSync(FILE).size / MB;
console.log(
  `file ${FILE} (${size.toFixed(0)} MiB); load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const t = performance.now();
const x = spawnSync('xmllint', ['--stream', '--noout', FILE]);
const xs = (performance.now() - t) / 1000;
console.log(
  x.error
    ? 'xmllint missing (apt-get install -y libxml2-utils)'
    : `${'xmllint --stream'.padEnd(22)} ${xs.toFixed(2)} s, ${(size / xs).toFixed(1)} MB/s (reference: reading only)`,
);
for (const kind of ['embedded', 'postgres'] as const) {
  try {
    await measure(kind, size);
  } catch (e) {
    console.log(`${kind.padEnd(22)} skipped: ${(e as Error).message.split('\n').pop()}`);
    if (kind === 'embedded') process.exitCode = 1;
  }
}

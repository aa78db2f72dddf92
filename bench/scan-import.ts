// End-to-end scan import: the ≥ 200 MB Nessus report of `npm run bench:scans` imported into an empty database
// (embedded PGlite in memory, then PostgreSQL when one answers), in a child process per database so each peak RSS is
// its own. Reference: `xmllint --stream` merely reading the same file.
//   npm run bench:scan-import
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/core/db/client.ts';
import { importScanFile } from '../src/modules/vulnerabilities/index.ts';

const FILE = fileURLToPath(new URL('./out/nessus-200mb.nessus', import.meta.url));
const PG_URL = process.env.KHIEN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MB = 1024 * 1024;

async function child(kind: 'pglite' | 'postgres') {
  let url: string | undefined;
  const name = `khien_bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  if (kind === 'postgres') {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const database = await openDatabase(url ? { url } : {});
  await database.migrate();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const r = await importScanFile(database.db, null, FILE, { scannedAt: new Date('2024-06-01T00:00:00+07:00') });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await database.close();
  if (kind === 'postgres') {
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
  console.log(
    JSON.stringify({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      hosts: r.hosts,
      findings: r.findings,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

if (process.argv[2] === '--child') await child(process.argv[3] as 'pglite' | 'postgres');
else {
  if (!existsSync(FILE)) {
    console.log('Run `npm run bench:scans` first: it generates bench/out/nessus-200mb.nessus.');
    process.exit(1);
  }
  const size = statSync(FILE).size / MB;
  console.log(
    `file ${FILE} (${size.toFixed(0)} MB); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const kind of ['pglite', 'postgres'] as const) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind], {
      encoding: 'utf8',
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      console.log(`${kind.padEnd(9)} skipped: ${(run.stderr || line).trim().split('\n').pop()}`);
      continue;
    }
    const r = JSON.parse(line);
    console.log(
      `${kind.padEnd(9)} ${r.hosts} hosts, ${r.findings} stored findings in ${r.seconds.toFixed(1)} s: ${(size / r.seconds).toFixed(1)} MB/s, ${Math.round(r.findings / r.seconds)} findings/s (${r.cpuSeconds.toFixed(1)} s CPU), peak RSS ${r.maxRssMb.toFixed(0)} MB`,
    );
  }
  const t = performance.now();
  const x = spawnSync('xmllint', ['--stream', '--noout', FILE]);
  console.log(
    x.error
      ? 'xmllint missing (apt-get install -y libxml2-utils)'
      : `xmllint --stream (read only): ${((performance.now() - t) / 1000).toFixed(2)} s`,
  );
}

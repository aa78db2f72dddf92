// Benchmark of the SOC detection engine against DuckDB on the same files: generates synthetic
// connections as Zeek conn.log TSV and as Suricata EVE (reused if present), then compares, with
// the same number of threads (1, and 2: the engine's main thread reads chunks, 2 worker threads
// each parse half of them and detect for half of the source addresses; DuckDB threads=2):
//  1. whole processes, as a user runs them (the headline): `node bin/khien.mjs soc analyze --json`
//     against a `node bench/soc-duckdb.mjs` process (@duckdb/node-api: instance, file read, query),
//     start-up included; CPU is the child's user + system time (the parent's cutime/cstime) and
//     the peak RSS its VmHWM, sampled from /proc;
//  2. the engine alone (`--parts engine`): each side in a child process, timed from after its set-up
//     (engine worker threads started, DuckDB instance created) to its result;
//  3. memory at scale (`--parts rss`): one thread on a `--big`-event conn.log (TSV only) at the `--flows` file's
//     rate over a longer time, the child's VmRSS sampled over time: its curve and peak beside the peak on the
//     `--flows` file.
// Each pair runs `--runs` times, alternating; tables show the median run (best in brackets), then
// whether the windowed scanner sets agree and which targets were met.
//   npm run bench:soc [-- --flows 5000000 --runs 3 --threads 1,2 --big 20000000 --parts whole,engine,rss]
//   quick iteration: -- --flows 2000000 --runs 1 --parts whole

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GroundTruth } from '../src/modules/soc/index.ts';
import { AnalysisThreads, analyzeStreams, loadIntelFiles, writeDataset } from '../src/modules/soc/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const MB = 1024 * 1024;
const DURATION = 3600;

type Format = 'tsv' | 'eve';
type Threads = 1 | 2;

interface Measurement {
  seconds: number;
  /** CPU time (user + system, all threads) of the timed part: on a shared machine, what "per core" means. */
  cpuSeconds: number;
  events: number;
  peakRssMb: number;
  /** Sources flagged by the windowed rules (the set SQL can express). */
  windowScanners: string[];
  /** Every flagged source (windows + TRW), for the engine only. */
  allScanners?: string[];
  contacts?: number;
  /** Whole processes: [seconds since start, VmRSS MB] samples. */
  rss?: Array<[number, number]>;
}

const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '5000000' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
    format: { type: 'string' },
    dir: { type: 'string' },
    threads: { type: 'string', default: '1,2' },
    big: { type: 'string', default: '20000000' },
    parts: { type: 'string', default: 'whole,engine,rss' },
  },
});

function files(dir: string): Record<Format, string> {
  return { tsv: join(dir, 'conn.log'), eve: join(dir, 'eve.json') };
}

async function runEngine(dir: string, format: Format, threads: 1 | 2): Promise<Measurement> {
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GroundTruth;
  const intel = await loadIntelFiles([join(dir, 'intel.stix.json')]);
  const path = files(dir)[format];
  // Worker threads are started before the clock, as DuckDB's instance (and its threads) is.
  const pool = threads > 1 ? new AnalysisThreads(threads) : undefined;
  await pool?.ready();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await analyzeStreams([{ name: path, path }], {
    format: format === 'tsv' ? 'zeek-tsv' : 'eve',
    indicators: intel.indicators,
    config: { scan: { allowList: truth.allowList } },
    threads,
    pool,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  await pool?.close();
  const scanners = result.findings.scanners;
  return {
    seconds,
    cpuSeconds,
    events: result.events,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    windowScanners: scanners
      .filter((s) => s.ruleCounts.horizontal || s.ruleCounts.vertical || s.ruleCounts['icmp-sweep'])
      .map((s) => s.ip)
      .sort(),
    allScanners: scanners.map((s) => s.ip).sort(),
    contacts: result.findings.maliciousContacts.length,
  };
}

/** The engine's failed-attempt filters, windowed rules and thresholds (engine/config.ts defaults) in SQL. */
function scannerSql(source: string, allowListed: string): string {
  return `
WITH f AS (${source}),
g AS (
  SELECT * FROM f
  WHERE src <> '${allowListed}'
    AND coalesce(TRY_CAST(split_part(dst, '.', 1) AS INTEGER), 0) < 224
    AND (proto = 'icmp' OR (dport NOT IN (137, 138, 1900, 5353, 5355) AND NOT (sport IN (53, 80, 123, 443) AND dport >= 1024)))
),
h AS (
  SELECT src FROM g GROUP BY src, proto, dport, w
  HAVING count(DISTINCT dst) >= CASE
    WHEN proto = 'icmp' THEN 20
    WHEN regexp_matches(src, '^(10\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.)') THEN 250
    ELSE 25 END
),
v AS (SELECT src FROM g WHERE proto = 'tcp' GROUP BY src, dst, w HAVING count(DISTINCT dport) >= 15)
SELECT DISTINCT src FROM (SELECT src FROM h UNION ALL SELECT src FROM v) ORDER BY src`;
}

function duckdbSource(format: Format, path: string): string {
  if (format === 'tsv') {
    return `
  SELECT src, dst, CASE WHEN proto = 'icmp' THEN sport ELSE dport END AS dport, sport, proto, floor(ts / 300) AS w
  FROM read_csv('${path}', delim = '\\t', comment = '#', header = false, nullstr = '-', quote = '', escape = '', auto_detect = false,
    columns = {'ts': 'DOUBLE', 'uid': 'VARCHAR', 'src': 'VARCHAR', 'sport': 'INTEGER', 'dst': 'VARCHAR', 'dport': 'INTEGER',
      'proto': 'VARCHAR', 'service': 'VARCHAR', 'duration': 'DOUBLE', 'ob': 'BIGINT', 'rb': 'BIGINT', 'conn_state': 'VARCHAR',
      'lo': 'VARCHAR', 'lr': 'VARCHAR', 'missed': 'BIGINT', 'history': 'VARCHAR', 'op': 'BIGINT', 'oib': 'BIGINT',
      'rp': 'BIGINT', 'rib': 'BIGINT', 'tp': 'VARCHAR'})
  WHERE (proto = 'tcp' AND (conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH')
      OR (conn_state IN ('RSTO', 'RSTR') AND NOT regexp_matches(coalesce(history, ''), '[Dd]'))))
    OR (proto = 'icmp' AND sport = 8 AND rp = 0)`;
  }
  return `
  SELECT src_ip AS src, dest_ip AS dst, CASE WHEN proto = 'ICMP' THEN icmp_type ELSE dest_port END AS dport,
    coalesce(src_port, 0) AS sport, lower(proto) AS proto,
    floor(epoch(strptime(flow.start, '%Y-%m-%dT%H:%M:%S.%f%z')) / 300) AS w
  FROM read_json('${path}', format = 'newline_delimited',
    columns = {'event_type': 'VARCHAR', 'src_ip': 'VARCHAR', 'src_port': 'INTEGER', 'dest_ip': 'VARCHAR',
      'dest_port': 'INTEGER', 'proto': 'VARCHAR', 'icmp_type': 'INTEGER',
      'flow': 'STRUCT(pkts_toclient BIGINT, start VARCHAR)', 'tcp': 'STRUCT(tcp_flags_ts VARCHAR, tcp_flags_tc VARCHAR)'})
  WHERE event_type = 'flow' AND (
    (proto = 'TCP' AND (flow.pkts_toclient = 0
      OR ((('0x' || tcp.tcp_flags_tc)::INTEGER & 4) <> 0 AND (('0x' || tcp.tcp_flags_tc)::INTEGER & 2) = 0)
      OR (tcp.tcp_flags_ts = '06' AND tcp.tcp_flags_tc = '12')))
    OR (proto = 'ICMP' AND icmp_type = 8 AND flow.pkts_toclient = 0))`;
}

async function runDuckdb(dir: string, format: Format, threads: 1 | 2): Promise<Measurement> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GroundTruth;
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  const path = files(dir)[format];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const rows = (
    await connection.runAndReadAll(scannerSql(duckdbSource(format, path), truth.allowListedScanners[0] ?? ''))
  ).getRowObjects();
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    cpuSeconds: cpuSince(cpu),
    events: 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    windowScanners: rows.map((r) => String(r.src)).sort(),
  };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** The engine-only measurement of one side, in a child process (so each peak RSS is its own). */
function child(kind: 'engine' | 'duckdb', dir: string, format: Format, threads: Threads): Measurement {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      kind,
      '--dir',
      dir,
      '--format',
      format,
      '--threads',
      String(threads),
    ],
    { encoding: 'utf8', maxBuffer: 64 * MB },
  );
  if (run.status !== 0) throw new Error(`${kind} ${format} threads=${threads} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() as string) as Measurement;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** User + system CPU seconds of this process's children that have been waited for (/proc/self/stat cutime + cstime). */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command's closing parenthesis start at field 3 (state); cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/** VmRSS and VmHWM (peak) of a live process, in MB; null once it is gone. */
function memoryOf(pid: number): { rss: number; peak: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

interface ProcessRun {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  rss: Array<[number, number]>;
  stdout: string;
}

/** Runs `node args` as a whole process: wall time from spawn to exit, its CPU, its RSS sampled every `sampleMs`. */
function timeProcess(args: string[], sampleMs: number): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const cpu = childrenCpu();
    const started = performance.now();
    const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on('data', (b: Buffer) => out.push(b));
    proc.stderr.on('data', (b: Buffer) => err.push(b));
    const rss: Array<[number, number]> = [];
    let peak = 0;
    const sample = () => {
      const m = proc.pid === undefined ? null : memoryOf(proc.pid);
      if (!m) return;
      rss.push([(performance.now() - started) / 1000, m.rss]);
      peak = Math.max(peak, m.peak);
    };
    const timer = setInterval(sample, sampleMs);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`node ${args.slice(0, 4).join(' ')} … exited with ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      resolve({
        seconds,
        cpuSeconds: childrenCpu() - cpu,
        peakRssMb: peak,
        rss,
        stdout: Buffer.concat(out).toString(),
      });
    });
  });
}

interface CliJson {
  events: number;
  scanners: Array<{ ip: string; ruleCounts: Record<string, number> }>;
  maliciousContacts: unknown[];
}

/** `khien soc analyze --json` as a user runs it. */
async function wholeEngine(
  dir: string,
  path: string,
  format: Format,
  threads: Threads,
  sampleMs: number,
): Promise<Measurement> {
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GroundTruth;
  const run = await timeProcess(
    [
      join(root, 'bin', 'khien.mjs'),
      'soc',
      'analyze',
      '--json',
      '--format',
      format === 'tsv' ? 'zeek-tsv' : 'eve',
      '--intel',
      join(dir, 'intel.stix.json'),
      ...truth.allowList.flatMap((cidr) => ['--allow', cidr]),
      '--threads',
      String(threads),
      path,
    ],
    sampleMs,
  );
  const result = JSON.parse(run.stdout) as CliJson;
  return {
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    peakRssMb: run.peakRssMb,
    rss: run.rss,
    events: result.events,
    windowScanners: windowed(result.scanners),
    allScanners: result.scanners.map((s) => s.ip).sort(),
    contacts: result.maliciousContacts.length,
  };
}

/** DuckDB's query as a whole process (bench/soc-duckdb.mjs). */
async function wholeDuckdb(
  dir: string,
  path: string,
  format: Format,
  threads: Threads,
  sampleMs: number,
): Promise<Measurement> {
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GroundTruth;
  const sql = scannerSql(duckdbSource(format, path), truth.allowListedScanners[0] ?? '');
  const run = await timeProcess([join(here, 'soc-duckdb.mjs'), String(threads), sql], sampleMs);
  return {
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    peakRssMb: run.peakRssMb,
    rss: run.rss,
    events: 0,
    windowScanners: JSON.parse(run.stdout) as string[],
  };
}

/** Sources flagged by the windowed rules, sorted. */
function windowed(scanners: Array<{ ip: string; ruleCounts: Record<string, number> }>): string[] {
  return scanners
    .filter((s) => s.ruleCounts.horizontal || s.ruleCounts.vertical || s.ruleCounts['icmp-sweep'])
    .map((s) => s.ip)
    .sort();
}

/**
 * Reads the file once, untimed, so neither side pays for the disk: this machine's kernel reclaims idle page cache
 * (kdamond), and the first reader after a pause read the file from disk (measured: EVE sys time 3.2 s instead of 0.5).
 */
function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(8 * MB);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

type Repeated = Measurement & { best: number };

/** The median run by time, and the best time. */
function pick(all: Measurement[]): Repeated {
  all.sort((a, b) => a.seconds - b.seconds);
  return { ...(all[(all.length - 1) >> 1] as Measurement), best: (all[0] as Measurement).seconds };
}

/** Runs both sides `runs` times each, alternating (so both see the same load), each after warming the page cache. */
async function repeatedPair(
  path: string,
  runs: number,
  engineRun: () => Measurement | Promise<Measurement>,
  duckRun: () => Measurement | Promise<Measurement>,
): Promise<{ engine: Repeated; duck: Repeated }> {
  const engine: Measurement[] = [];
  const duck: Measurement[] = [];
  for (let r = 0; r < runs; r++) {
    warmPageCache(path);
    engine.push(await engineRun());
    warmPageCache(path);
    duck.push(await duckRun());
  }
  return { engine: pick(engine), duck: pick(duck) };
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');

/** Generates the dataset of `flows` connections over `hours` in `formats` unless it is there. */
async function dataset(flows: number, formats: Array<'zeek-tsv' | 'eve'>, hours = 1): Promise<string> {
  const dir = join(here, 'out', hours === 1 ? `soc-${flows}` : `soc-${flows}-${hours}h`);
  const paths = files(dir);
  const present =
    existsSync(join(dir, 'truth.json')) &&
    (!formats.includes('zeek-tsv') || existsSync(paths.tsv)) &&
    (!formats.includes('eve') || existsSync(paths.eve));
  if (present) {
    console.log(`Reusing ${dir}`);
    return dir;
  }
  const started = performance.now();
  const written = await writeDataset(dir, {
    seed: 2024,
    durationSeconds: DURATION * hours,
    backgroundFlowsPerSecond: flows / (DURATION * hours),
    internalHosts: 20000,
    formats,
  });
  console.log(
    `Generated ${written.flows.toLocaleString('en-US')} flows in ${fmt((performance.now() - started) / 1000)} s → ${dir}`,
  );
  return dir;
}

interface Comparison {
  threads: Threads;
  format: Format;
  engine: Repeated;
  duck: Repeated;
  agree: boolean;
}

/** One table (whole processes or the engine alone): per thread count and format, both sides and their ratio. */
async function compare(
  title: string,
  dir: string,
  threadCounts: Threads[],
  runs: number,
  measure: (
    format: Format,
    threads: Threads,
  ) => [() => Promise<Measurement> | Measurement, () => Promise<Measurement> | Measurement],
): Promise<Comparison[]> {
  console.log(`${title}\n`);
  const paths = files(dir);
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GroundTruth;
  const truthIps = new Set(truth.scanners.map((s) => s.ip));
  const results: Comparison[] = [];
  for (const threads of threadCounts) {
    for (const format of ['tsv', 'eve'] as const) {
      const size = statSync(paths[format]).size / MB;
      const [engineRun, duckRun] = measure(format, threads);
      const { engine, duck } = await repeatedPair(paths[format], runs, engineRun, duckRun);
      const agree = engine.windowScanners.join(',') === duck.windowScanners.join(',');
      const onlyEngine = engine.windowScanners.filter((ip) => !duck.windowScanners.includes(ip));
      const onlyDuck = duck.windowScanners.filter((ip) => !engine.windowScanners.includes(ip));
      const found = (engine.allScanners ?? []).filter((ip) => truthIps.has(ip)).length;
      const name = format === 'tsv' ? 'Zeek conn.log TSV' : 'Suricata EVE JSON';
      const row = (label: string, m: Repeated) =>
        `  ${label} ${fmt(m.seconds, 2).padStart(6)} s (best ${fmt(m.best, 2)})  ${fmt(engine.events / m.seconds / 1e6, 2).padStart(5)} M events/s  ${fmt(size / m.seconds).padStart(6)} MB/s  CPU ${fmt(m.cpuSeconds, 2).padStart(6)} s (${fmt(engine.events / m.cpuSeconds / 1e6, 2)} M ev/CPU-s)  peak RSS ${fmt(m.peakRssMb, 0).padStart(5)} MB`;
      console.log(
        `${name}, threads=${threads}: ${engine.events.toLocaleString('en-US')} events, ${fmt(size)} MB (load ${load()})`,
      );
      console.log(row('Khiên :', engine));
      console.log(row('DuckDB:', duck));
      console.log(
        `  Khiên / DuckDB: ×${fmt(duck.seconds / engine.seconds, 2)} wall time, ×${fmt(duck.cpuSeconds / engine.cpuSeconds, 2)} CPU time`,
      );
      console.log(
        `  windowed scanner sets: Khiên ${engine.windowScanners.length}, DuckDB ${duck.windowScanners.length} → ${agree ? 'AGREE' : `DIFFER (Khiên only: ${onlyEngine.join(' ') || '-'}; DuckDB only: ${onlyDuck.join(' ') || '-'})`}`,
      );
      console.log(
        `  Khiên with TRW: ${engine.allScanners?.length} scanners, ${found}/${truthIps.size} of the ground truth; ${engine.contacts} malicious contacts (truth ${truth.maliciousContacts.length})\n`,
      );
      results.push({ threads, format, engine, duck, agree });
    }
  }
  return results;
}

/** RSS samples reduced to about `points` evenly spaced in time: "t s: MB". */
function curve(samples: Array<[number, number]>, points: number): string {
  if (samples.length === 0) return '-';
  const last = (samples[samples.length - 1] as [number, number])[0];
  const picked: string[] = [];
  let next = 0;
  for (const [t, mb] of samples) {
    if (t + 1e-9 < next) continue;
    picked.push(`${fmt(t)} s ${fmt(mb, 0)}`);
    next = t + last / points;
  }
  return picked.join(', ');
}

/** Warns when the compiled CLI is older than the sources it is built from: the whole-process figures would be stale. */
function warnIfStaleBuild(): void {
  const built = join(root, 'dist', 'server', 'main.js');
  if (!existsSync(built)) throw new Error('dist/server/main.js is missing: run `npm run build:server` first');
  const builtAt = statSync(built).mtimeMs;
  const newer = ['src/cli', 'src/core', 'src/modules/soc'].flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .map((file) => join(dir, file))
      .filter((file) => file.endsWith('.ts') && statSync(join(root, file)).mtimeMs > builtAt),
  );
  if (newer.length > 0)
    console.log(
      `WARNING: dist/server is older than ${newer.length} source file(s) (${newer.slice(0, 3).join(', ')}…): run \`npm run build:server\` first\n`,
    );
}

async function main(): Promise<void> {
  if (values.child) {
    const dir = values.dir as string;
    const format = values.format as Format;
    const threads = Number(values.threads) === 2 ? 2 : 1;
    const measurement =
      values.child === 'engine' ? await runEngine(dir, format, threads) : await runDuckdb(dir, format, threads);
    console.log(JSON.stringify(measurement));
    return;
  }
  const flows = Number(values.flows);
  const big = Number(values.big);
  const parts = new Set((values.parts as string).split(','));
  const runs = Math.max(1, Number(values.runs));
  const threadCounts = (values.threads as string)
    .split(',')
    .map(Number)
    .filter((t): t is Threads => t === 1 || t === 2);
  if (parts.has('whole') || parts.has('rss')) warnIfStaleBuild();
  const dir = await dataset(flows, ['zeek-tsv', 'eve']);
  // At the `--flows` file's rate, over longer: a longer stream, not a denser one (10 times the flows in the same hour
  // hold 10 times the sources' failed attempts in each window, state a denser network needs).
  const bigDir = parts.has('rss') && big > 0 ? await dataset(big, ['zeek-tsv'], big / flows) : undefined;
  console.log(
    `Node ${process.version}, threads ${threadCounts.join(' and ')} (Khiên and DuckDB alike; Khiên at 2: a reading thread, 2 threads parsing chunks and detecting per source partition), ${runs} run(s) each, alternating`,
  );
  console.log(`Load average (1/5/15 min) at start: ${load()}\n`);
  const targets: string[] = [];
  let wholeTsv1: Repeated | undefined;
  if (parts.has('whole')) {
    const results = await compare(
      'WHOLE PROCESSES (start-up included): node bin/khien.mjs soc analyze --json  vs  node bench/soc-duckdb.mjs',
      dir,
      threadCounts,
      runs,
      (format, threads) => {
        const path = files(dir)[format];
        return [() => wholeEngine(dir, path, format, threads, 20), () => wholeDuckdb(dir, path, format, threads, 20)];
      },
    );
    for (const threads of threadCounts) {
      const goal = threads === 1 ? 2 : 1.5;
      const line = results
        .filter((r) => r.threads === threads)
        .map((r) => {
          const ratio = r.duck.seconds / r.engine.seconds;
          return `${r.format.toUpperCase()} ×${fmt(ratio, 2)} ≥ ×${goal}: ${met(ratio >= goal)}, same detections: ${met(r.agree)}`;
        });
      targets.push(`whole process, threads=${threads}: ${line.join('; ')}`);
    }
    wholeTsv1 = results.find((r) => r.threads === 1 && r.format === 'tsv')?.engine;
  }
  if (parts.has('engine')) {
    const results = await compare(
      'ENGINE ALONE (in-process, after set-up: worker threads started, DuckDB instance created)',
      dir,
      threadCounts,
      runs,
      (format, threads) => [() => child('engine', dir, format, threads), () => child('duckdb', dir, format, threads)],
    );
    for (const threads of threadCounts) {
      const tsv = results.find((r) => r.threads === threads && r.format === 'tsv');
      const line = results
        .filter((r) => r.threads === threads)
        .map((r) => `${r.format.toUpperCase()} ≥ DuckDB: ${met(r.engine.seconds <= r.duck.seconds)}`);
      if (tsv) {
        // Per core = events/s over the threads used; the CPU-time figure is given too (wall time on a loaded machine
        // includes waiting for a core); the wall one decides.
        const perCore = tsv.engine.events / tsv.engine.seconds / threads;
        line.push(
          `TSV ≥ 1 M events/s per core: ${met(perCore >= 1e6)} (${fmt(perCore / 1e6, 2)} M wall; ${fmt(tsv.engine.events / tsv.engine.cpuSeconds / 1e6, 2)} M per CPU-second)`,
        );
      }
      targets.push(`engine alone, threads=${threads}: ${line.join('; ')}`);
    }
  }
  if (bigDir) {
    console.log(
      `MEMORY AT SCALE: node bin/khien.mjs soc analyze --json --threads 1, conn.log TSV over ${fmt(big / flows)} h (the rate of the ${fmt(flows / 1e6)} M-flow hour)\n`,
    );
    const path = files(bigDir).tsv;
    warmPageCache(path);
    const run = await wholeEngine(bigDir, path, 'tsv', 1, 100);
    const size = statSync(path).size / MB;
    console.log(
      `${run.events.toLocaleString('en-US')} events, ${fmt(size)} MB: ${fmt(run.seconds, 2)} s, CPU ${fmt(run.cpuSeconds, 2)} s, peak RSS ${fmt(run.peakRssMb, 0)} MB (load ${load()})`,
    );
    console.log(`  VmRSS MB over time: ${curve(run.rss ?? [], 12)}`);
    if (!wholeTsv1) {
      const path = files(dir).tsv;
      warmPageCache(path);
      wholeTsv1 = pick([await wholeEngine(dir, path, 'tsv', 1, 20)]);
    }
    const growth = run.peakRssMb / wholeTsv1.peakRssMb;
    console.log(
      `  peak RSS ${fmt(run.peakRssMb, 0)} MB at ${fmt(run.events / 1e6, 0)} M events vs ${fmt(wholeTsv1.peakRssMb, 0)} MB at ${fmt(wholeTsv1.events / 1e6, 0)} M: ×${fmt(growth, 2)}\n`,
    );
    targets.push(
      `memory: peak RSS at ${fmt(run.events / 1e6, 0)} M events within 1.25× of ${fmt(wholeTsv1.events / 1e6, 0)} M: ${met(growth <= 1.25)}`,
    );
  }
  console.log(`Load average at end: ${load()}`);
  console.log('Targets (median runs):');
  for (const t of targets) console.log(`  ${t}`);
}

await main();

// Benchmark of the SOC detection engine against DuckDB on the same files: generates ≥ 5 M
// synthetic connections as Zeek conn.log TSV and as Suricata EVE (reused if present), then in
// separate child processes (so each peak RSS is its own) runs our engine and a DuckDB SQL query
// computing the same windowed scanner set, with the same number of threads: 1 (everything on
// one thread) and 2 (engine: the main thread reads chunks, 2 worker threads each parse half of
// them and detect for half of the source addresses, started before the clock as DuckDB's
// instance is; DuckDB: threads=2). Each side runs `--runs`
// times; the table shows the median run (best in brackets), then whether the detection sets
// agree and which targets were met per thread count.
//   npm run bench:soc [-- --flows 5000000 --runs 3 --threads 1,2]
//   quick iteration: -- --flows 1000000 --runs 1

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GroundTruth } from '../src/modules/soc/index.ts';
import { AnalysisThreads, analyzeStreams, loadIntelFiles, writeDataset } from '../src/modules/soc/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
const DURATION = 3600;

type Format = 'tsv' | 'eve';

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
}

const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '5000000' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
    format: { type: 'string' },
    dir: { type: 'string' },
    threads: { type: 'string', default: '1,2' },
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

function child(kind: 'engine' | 'duckdb', dir: string, format: Format, threads: 1 | 2): Measurement {
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

/** Runs a child `runs` times: the median run by time, and the best time. */
type Repeated = Measurement & { best: number };

/** Runs engine and DuckDB `runs` times each, alternating (so both see the same load): median runs by time, and best times. */
function repeatedPair(dir: string, format: Format, threads: 1 | 2, runs: number): { engine: Repeated; duck: Repeated } {
  const engine: Measurement[] = [];
  const duck: Measurement[] = [];
  const path = files(dir)[format];
  for (let r = 0; r < runs; r++) {
    warmPageCache(path);
    engine.push(child('engine', dir, format, threads));
    warmPageCache(path);
    duck.push(child('duckdb', dir, format, threads));
  }
  const pick = (all: Measurement[]): Repeated => {
    all.sort((a, b) => a.seconds - b.seconds);
    return { ...(all[(runs - 1) >> 1] as Measurement), best: (all[0] as Measurement).seconds };
  };
  return { engine: pick(engine), duck: pick(duck) };
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
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
  const dir = join(here, 'out', `soc-${flows}`);
  const paths = files(dir);
  if (!existsSync(join(dir, 'truth.json')) || !existsSync(paths.tsv) || !existsSync(paths.eve)) {
    const started = performance.now();
    const dataset = await writeDataset(dir, {
      seed: 2024,
      durationSeconds: DURATION,
      backgroundFlowsPerSecond: flows / DURATION,
      internalHosts: 20000,
      formats: ['zeek-tsv', 'eve'],
    });
    console.log(
      `Generated ${dataset.flows.toLocaleString('en-US')} flows in ${fmt((performance.now() - started) / 1000)} s → ${dir}`,
    );
  } else console.log(`Reusing ${dir}`);
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GroundTruth;
  const truthIps = new Set(truth.scanners.map((s) => s.ip));
  const runs = Math.max(1, Number(values.runs));
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const threadCounts = (values.threads as string)
    .split(',')
    .map(Number)
    .filter((t): t is 1 | 2 => t === 1 || t === 2);
  console.log(
    `Node ${process.version}, threads ${threadCounts.join(' and ')} (engine and DuckDB alike; engine at 2: a reading thread, 2 threads parsing chunks and detecting per source partition), ${runs} run(s) each, engine and DuckDB alternating`,
  );
  console.log(`Load average (1/5/15 min) at start: ${load()}\n`);
  const targets: string[] = [];
  const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  for (const threads of threadCounts) {
    const line: string[] = [];
    let tsvRate = 0;
    let tsvCpuRate = 0;
    for (const format of ['tsv', 'eve'] as const) {
      const size = statSync(paths[format]).size / MB;
      const { engine, duck } = repeatedPair(dir, format, threads, runs);
      const engineSet = engine.windowScanners.join(',');
      const agree = engineSet === duck.windowScanners.join(',');
      const onlyEngine = engine.windowScanners.filter((ip) => !duck.windowScanners.includes(ip));
      const onlyDuck = duck.windowScanners.filter((ip) => !engine.windowScanners.includes(ip));
      const found = (engine.allScanners ?? []).filter((ip) => truthIps.has(ip)).length;
      const name = format === 'tsv' ? 'Zeek conn.log TSV' : 'Suricata EVE JSON';
      const row = (label: string, m: Repeated) =>
        `  ${label} ${fmt(m.seconds, 2).padStart(6)} s (best ${fmt(m.best, 2)})  ${fmt(engine.events / m.seconds / 1e6, 2).padStart(5)} M events/s  ${fmt(size / m.seconds).padStart(6)} MB/s  CPU ${fmt(m.cpuSeconds, 2).padStart(6)} s (${fmt(engine.events / m.cpuSeconds / 1e6, 2)} M ev/CPU-s)  peak RSS ${fmt(m.peakRssMb, 0).padStart(5)} MB`;
      console.log(
        `${name}, threads=${threads}: ${engine.events.toLocaleString('en-US')} events, ${fmt(size)} MB (load ${load()})`,
      );
      console.log(row('Khiên engine:', engine));
      console.log(row('DuckDB SQL  :', duck));
      console.log(`  engine / DuckDB throughput ×${fmt(duck.seconds / engine.seconds, 2)}`);
      console.log(
        `  windowed scanner sets: engine ${engine.windowScanners.length}, DuckDB ${duck.windowScanners.length} → ${agree ? 'AGREE' : `DIFFER (engine only: ${onlyEngine.join(' ') || '-'}; DuckDB only: ${onlyDuck.join(' ') || '-'})`}`,
      );
      console.log(
        `  engine with TRW: ${engine.allScanners?.length} scanners, ${found}/${truthIps.size} of the ground truth; ${engine.contacts} malicious contacts (truth ${truth.maliciousContacts.length})\n`,
      );
      const F = format.toUpperCase();
      line.push(`${F} ≥ DuckDB throughput: ${met(engine.seconds <= duck.seconds)}`);
      line.push(`${F} same detections: ${met(agree)}`);
      line.push(`${F} ≥ 5 M events: ${met(engine.events >= 5e6)}`);
      if (format === 'tsv') {
        tsvRate = engine.events / engine.seconds;
        tsvCpuRate = engine.events / engine.cpuSeconds;
      }
    }
    // Per core = events/s over the threads used. On a shared, loaded machine wall time includes
    // waiting for a core, so the CPU-time figure is given too; the wall one decides.
    const perCore = tsvRate / threads;
    line.push(
      `TSV ≥ 1 M events/s per core: ${met(perCore >= 1e6)} (${fmt(perCore / 1e6, 2)} M wall per core = ${fmt(tsvRate / 1e6, 2)} M/s ÷ ${threads}; ${fmt(tsvCpuRate / 1e6, 2)} M per CPU-second)`,
    );
    targets.push(`threads=${threads}: ${line.join('; ')}`);
  }
  console.log(`Load average at end: ${load()}`);
  console.log('Targets (median runs):');
  for (const t of targets) console.log(`  ${t}`);
}

await main();

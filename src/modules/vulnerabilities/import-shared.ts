// What the import of computers (scan-import.ts) and of websites (web-import.ts) share: the import's context, how
// each subject is dated, the finding upsert that reopens, and the resolution of what a scan no longer reports.
import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import type { Attributor } from '../organisations/index.ts';
import type { CheckResult, ScanTime } from './parsers/index.ts';
import { hostScanTime } from './scan-time.ts';
import { vulnFindings } from './vulnerabilities.schema.ts';
import type { WebsiteMatcher } from './web-import.ts';

/**
 * Which time dated the computers and findings of a file: each host's own scan time written in the file (`file`), the
 * time the importer gave (`given`), or, when the file writes none, the upload (`upload`).
 */
export type ScanTimes = {
  source: 'file' | 'given' | 'upload';
  from: Date;
  to: Date;
  /** Some times were written without a zone and read as the province's time (UTC+7). */
  zoneAssumed: boolean;
  /** Hosts or websites of a `file`-dated report that had no time of their own: dated with the upload. */
  hostsWithoutTime: number;
};

export type Counts = {
  hosts: Set<string>;
  unattributed: Set<string>;
  websites: Set<string>;
  unattributedWebsites: Set<string>;
  findings: number;
  opened: number;
  reopened: number;
};

export const newCounts = (): Counts => ({
  hosts: new Set(),
  unattributed: new Set(),
  websites: new Set(),
  unattributedWebsites: new Set(),
  findings: 0,
  opened: 0,
  reopened: 0,
});

export type BatchContext = {
  tx: Db;
  scanId: string;
  /**
   * Per scan day: who held which IP range that day, and the units no longer in force then (merged, renamed or
   * abolished). Addresses belong to the units that held their ranges on the day each host was scanned.
   */
  ranges: Map<string, Promise<{ attribute: Attributor; ended: Set<string> }>>;
  /** Per scan day: the agency sites and information systems in force that day, which websites are matched to. */
  websiteMatchers: Map<string, Promise<WebsiteMatcher>>;
  kev: Set<string>;
  /** The scan time the importer gave: replaces the file's own times. */
  given: Date | undefined;
  /** Dates what the file does not. */
  uploadedAt: Date;
  /** Which hosts or websites the file dated (by key), the earliest and latest of those times. */
  times: { timed: Set<string>; untimed: Set<string>; from?: Date; to?: Date; zoneAssumed: boolean };
  /** Each covered computer's scan time (the latest, when the file reports it several times). */
  seenByComputer: Map<string, Date>;
  /** The same for each covered website. */
  seenByWebsite: Map<string, Date>;
  /** The same, for the computers whose software this scan listed: only those lists are replaced. */
  softwareSeen: Map<string, Date>;
  /** Whose checks and whose software list the file speaks for. */
  scanner: string;
  counts: Counts;
};

/** What a scan day's registers give, loaded once per day of the file (`cache`); lookups are then in memory. */
export function onScanDay<T>(cache: Map<string, Promise<T>>, at: Date, load: (day: string) => Promise<T>): Promise<T> {
  const day = provinceDay(at);
  let loaded = cache.get(day);
  if (!loaded) {
    loaded = load(day);
    cache.set(day, loaded);
  }
  return loaded;
}

/** Keeps the latest time `id` was seen at (a file may report a computer or website several times). */
export function keepLatest(seen: Map<string, Date>, id: string, at: Date): void {
  const before = seen.get(id);
  if (!before || before < at) seen.set(id, at);
}

/** How the file was dated, once every host is written. */
export function timesOf(ctx: BatchContext): ScanTimes {
  const { given, uploadedAt, times } = ctx;
  if (given) return { source: 'given', from: given, to: given, zoneAssumed: false, hostsWithoutTime: 0 };
  const untimed = [...times.untimed].filter((k) => !times.timed.has(k)).length;
  if (!times.from || !times.to)
    return { source: 'upload', from: uploadedAt, to: uploadedAt, zoneAssumed: false, hostsWithoutTime: 0 };
  return { source: 'file', from: times.from, to: times.to, zoneAssumed: times.zoneAssumed, hostsWithoutTime: untimed };
}

/**
 * The time a computer or website and its findings are seen at in this import, from its records' scan times (and the
 * file's time range follows it).
 */
export function seenTime(
  ctx: BatchContext,
  key: string,
  subjects: { scanStart?: ScanTime; scanEnd?: ScanTime }[],
): Date {
  if (ctx.given) return ctx.given;
  let at: Date | undefined;
  for (const subject of subjects) {
    const t = hostScanTime(subject);
    if (!t) continue;
    if (!at || t.at < at) at = t.at;
    if (t.zoneAssumed) ctx.times.zoneAssumed = true;
  }
  if (!at) {
    ctx.times.untimed.add(key);
    return ctx.uploadedAt;
  }
  ctx.times.timed.add(key);
  if (!ctx.times.from || at < ctx.times.from) ctx.times.from = at;
  if (!ctx.times.to || at > ctx.times.to) ctx.times.to = at;
  return at;
}

/**
 * A batch of rows as one JSON parameter, read back in the table's own column types (`json_populate_recordset`): one
 * parameter per batch, where a multi-row VALUES list took one per value, each built by the ORM and bound by the
 * database at a cost above that of the writes themselves. Keys are the columns' SQL names.
 */
export function jsonRecords(table: string, rows: object[]): SQL {
  let json = JSON.stringify(rows);
  // JSON escapes a lone surrogate (a report's own `\ud800`), in lower case, which PostgreSQL refuses in text; the
  // drivers send one as U+FFFD, and so does this. (A case-insensitive test costs ten times as much.)
  if (/\\ud[89a-f]/.test(json))
    json = JSON.stringify(rows, (_key, v) => (typeof v === 'string' ? v.replace(/[\ud800-\udfff]/gu, '\ufffd') : v));
  return sql`json_populate_recordset(null::${sql.raw(table)}, ${json}::json)`;
}

/** The columns of a finding row this import writes, for computers and websites alike. */
export type FindingRow = ReturnType<typeof findingValues> & {
  computer_id?: string;
  website_id?: string;
  organisation_id: string | null;
  port: number;
  protocol: string;
  service: string | null;
  synopsis: string | null;
  cvss2_score?: number | null;
  cvss2_vector?: string | null;
  cwes?: string[];
  url?: string | null;
  location?: string | null;
};

/** What a finding row takes from a finding of either kind, seen at `seen` by this scan. */
export function findingValues(ctx: BatchContext, f: CheckResult, seen: Date) {
  return {
    scanner: f.scanner,
    scanner_id: f.scannerId,
    name: f.name,
    severity: f.severity,
    cvss3_score: f.cvss3?.score ?? null,
    cvss3_vector: f.cvss3?.vector ?? null,
    cves: f.cves,
    solution: f.solution ?? null,
    output: f.output ?? null,
    known_exploited: f.cves.some((cve) => ctx.kev.has(cve)),
    first_seen: seen,
    last_seen: seen,
    last_scan_id: ctx.scanId,
  };
}

/** A resolved or fixed finding that a newer scan reports again is open again. */
const reopen = sql`(${vulnFindings.status} in ('resolved', 'fixed') and excluded.last_seen > coalesce(${vulnFindings.statusChangedAt}, ${vulnFindings.resolvedAt}, ${vulnFindings.lastSeen}))`;

/** The report is at least as recent as the finding's last sighting: its description of the finding wins. */
const newer = sql`excluded.last_seen >= ${vulnFindings.lastSeen}`;
const ifNewer = (column: string, current: unknown) =>
  sql`case when ${newer} then ${sql.raw(`excluded.${column}`)} else ${current} end`;

/**
 * What an import changes on a finding it reports again (computers and websites alike). An older report imported late
 * extends the finding's first sighting and may reopen nothing newer; it does not replace what a newer scan said of it.
 */
const findingUpdate = sql.join(
  Object.entries({
    organisation_id: sql`excluded.organisation_id`,
    name: ifNewer('name', vulnFindings.name),
    severity: ifNewer('severity', vulnFindings.severity),
    cvss2_score: ifNewer('cvss2_score', vulnFindings.cvss2Score),
    cvss2_vector: ifNewer('cvss2_vector', vulnFindings.cvss2Vector),
    cvss3_score: ifNewer('cvss3_score', vulnFindings.cvss3Score),
    cvss3_vector: ifNewer('cvss3_vector', vulnFindings.cvss3Vector),
    cves: ifNewer('cves', vulnFindings.cves),
    cwes: ifNewer('cwes', vulnFindings.cwes),
    url: ifNewer('url', vulnFindings.url),
    solution: ifNewer('solution', vulnFindings.solution),
    synopsis: ifNewer('synopsis', vulnFindings.synopsis),
    output: ifNewer('output', vulnFindings.output),
    known_exploited: sql`${vulnFindings.knownExploited} or excluded.known_exploited`,
    status: sql`case when ${reopen} then 'open'::finding_status else ${vulnFindings.status} end`,
    reopened_count: sql`${vulnFindings.reopenedCount} + case when ${reopen} then 1 else 0 end`,
    resolved_at: sql`case when ${reopen} then null else ${vulnFindings.resolvedAt} end`,
    status_changed_at: sql`case when ${reopen} then excluded.last_seen else ${vulnFindings.statusChangedAt} end`,
    first_seen: sql`least(${vulnFindings.firstSeen}, excluded.first_seen)`,
    last_seen: sql`greatest(${vulnFindings.lastSeen}, excluded.last_seen)`,
    // The scan that saw it last (an older report imported later does not take its place).
    last_scan_id: ifNewer('last_scan_id', vulnFindings.lastScanId),
  }).map(([column, value]) => sql`${sql.identifier(column)} = ${value}`),
  sql`, `,
);

/** Each subject's identity of a finding: the unique index the upsert lands on. */
const IDENTITY = {
  computer: sql`(computer_id, scanner, scanner_id, port, protocol)`,
  website: sql`(website_id, scanner, scanner_id, location) where website_id is not null`,
};

/**
 * Upserts findings (one row per identity) and counts them: xmax = 0 only for fresh inserts; reopened ones got their
 * subject's scan instant (`seenOf`, by subject id) as status change.
 */
export async function upsertFindings(
  ctx: BatchContext,
  subject: keyof typeof IDENTITY,
  rows: FindingRow[],
  seenOf: Map<string, Date>,
): Promise<void> {
  if (!rows.length) return;
  const columns = sql.raw(Object.keys(rows[0] as FindingRow).join(', '));
  const saved = await queryRows<{ inserted: boolean; subject: string; changed: number | null }>(
    ctx.tx,
    sql`insert into vuln_findings (${columns}) select ${columns} from ${jsonRecords('vuln_findings', rows)}
      on conflict ${IDENTITY[subject]} do update set ${findingUpdate}
      returning (xmax = 0) as inserted, coalesce(computer_id, website_id) as subject,
        (extract(epoch from status_changed_at) * 1000)::float8 as changed`,
  );
  for (const r of saved) {
    if (r.inserted) ctx.counts.opened++;
    else if (r.changed !== null && r.changed === seenOf.get(r.subject)?.getTime()) ctx.counts.reopened++;
  }
}

/** Each subject's time in this scan as the relation `v(id, at)`, in one parameter. */
export const seenRecords = (seen: Map<string, Date>) =>
  sql`json_to_recordset(${JSON.stringify([...seen].map(([id, at]) => ({ id, at })))}::json) as v(id uuid, at timestamptz)`;

/**
 * Findings on the computers or websites this scan covered, from the same scanner, that the scan did not report:
 * resolved as of each one's scan time. A scan older than a finding's last sighting resolves nothing (imports may
 * arrive out of order).
 */
export async function resolveMissing(
  tx: Db,
  scanId: string,
  scanner: string,
  seen: Map<string, Date>,
  subject: 'computer_id' | 'website_id',
): Promise<number> {
  if (!seen.size) return 0;
  const column = sql.raw(`f.${subject}`);
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`with r as (update vuln_findings f set status = 'resolved', resolved_at = v.at, status_changed_at = v.at
        from ${seenRecords(seen)} where ${column} = v.id and f.scanner = ${scanner} and f.status in ('open', 'fixed')
          and f.last_scan_id is distinct from ${scanId}::uuid and f.last_seen < v.at
        returning 1)
      select count(*)::int as n from r`,
  );
  return rows[0]?.n ?? 0;
}

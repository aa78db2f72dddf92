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

/** What a finding row takes from a finding of either kind, seen at `seen` by this scan. */
export function findingValues(ctx: BatchContext, f: CheckResult, seen: Date) {
  return {
    scanner: f.scanner,
    scannerId: f.scannerId,
    name: f.name,
    severity: f.severity,
    cvss3Score: f.cvss3?.score ?? null,
    cvss3Vector: f.cvss3?.vector ?? null,
    cves: f.cves,
    solution: f.solution ?? null,
    output: f.output ?? null,
    knownExploited: f.cves.some((cve) => ctx.kev.has(cve)),
    firstSeen: seen,
    lastSeen: seen,
    lastScanId: ctx.scanId,
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
export const findingUpdate = (): Record<string, SQL> => ({
  organisationId: sql`excluded.organisation_id`,
  name: ifNewer('name', vulnFindings.name),
  severity: ifNewer('severity', vulnFindings.severity),
  cvss2Score: ifNewer('cvss2_score', vulnFindings.cvss2Score),
  cvss2Vector: ifNewer('cvss2_vector', vulnFindings.cvss2Vector),
  cvss3Score: ifNewer('cvss3_score', vulnFindings.cvss3Score),
  cvss3Vector: ifNewer('cvss3_vector', vulnFindings.cvss3Vector),
  cves: ifNewer('cves', vulnFindings.cves),
  cwes: ifNewer('cwes', vulnFindings.cwes),
  url: ifNewer('url', vulnFindings.url),
  solution: ifNewer('solution', vulnFindings.solution),
  synopsis: ifNewer('synopsis', vulnFindings.synopsis),
  output: ifNewer('output', vulnFindings.output),
  knownExploited: sql`${vulnFindings.knownExploited} or excluded.known_exploited`,
  status: sql`case when ${reopen} then 'open'::finding_status else ${vulnFindings.status} end`,
  reopenedCount: sql`${vulnFindings.reopenedCount} + case when ${reopen} then 1 else 0 end`,
  resolvedAt: sql`case when ${reopen} then null else ${vulnFindings.resolvedAt} end`,
  statusChangedAt: sql`case when ${reopen} then excluded.last_seen else ${vulnFindings.statusChangedAt} end`,
  firstSeen: sql`least(${vulnFindings.firstSeen}, excluded.first_seen)`,
  lastSeen: sql`greatest(${vulnFindings.lastSeen}, excluded.last_seen)`,
  // The scan that saw it last (an older report imported later does not take its place).
  lastScanId: ifNewer('last_scan_id', vulnFindings.lastScanId),
});

/** What the upsert returns to count new and reopened findings. */
export const upsertReturning = {
  inserted: sql<boolean>`(xmax = 0)`,
  computerId: vulnFindings.computerId,
  websiteId: vulnFindings.websiteId,
  statusChangedAt: vulnFindings.statusChangedAt,
};

/** Counts the upsert's rows: xmax = 0 only for fresh inserts; reopened ones got this subject's scan instant. */
export function countUpserted(
  counts: Counts,
  rows: { inserted: boolean; computerId: string | null; websiteId: string | null; statusChangedAt: Date | null }[],
  seenOf: Map<string, Date>,
) {
  for (const r of rows) {
    if (r.inserted) counts.opened++;
    else if (r.statusChangedAt?.getTime() === seenOf.get(r.computerId ?? r.websiteId ?? '')?.getTime())
      counts.reopened++;
  }
}

/** Subjects resolved per statement: the VALUES list stays well under the drivers' parameter limits. */
export const RESOLVE_BATCH = 1000;

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
  const entries = [...seen.entries()];
  const column = sql.raw(`f.${subject}`);
  let resolved = 0;
  for (let i = 0; i < entries.length; i += RESOLVE_BATCH) {
    const values = sql.join(
      entries.slice(i, i + RESOLVE_BATCH).map(([id, at]) => sql`(${id}::uuid, ${at.toISOString()}::timestamptz)`),
      sql`, `,
    );
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`update vuln_findings f set status = 'resolved', resolved_at = v.seen, status_changed_at = v.seen
        from (values ${values}) as v(subject_id, seen)
        where ${column} = v.subject_id and f.scanner = ${scanner} and f.status in ('open', 'fixed')
          and f.last_scan_id is distinct from ${scanId}::uuid and f.last_seen < v.seen
        returning f.id`,
    );
    resolved += rows.length;
  }
  return resolved;
}

import { isIP } from 'node:net';
import { and, asc, desc, eq, inArray, not, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { auditActor } from '../../core/actor.ts';
import type { Period } from '../../core/contract.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { cachedFigure, scopeKey } from '../../core/figure-cache.ts';
import { dayEnd, dayStart, monthsOf, periodAsOf, provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, can, inScope, organisationIdIn, type Scope, scopedOrganisationIds } from '../auth/index.ts';
import { carrierTable, organisations, requireOrganisation } from '../organisations/index.ts';
import type { ParseIssue } from './parsers/index.ts';
import { storedFacts } from './scan-import.ts';
import { decidesStatus, type FindingStatus, findingActions, mayReopen, type Severity } from './vuln-values.ts';
import type {
  ComputerQuery,
  FindingQuery,
  WebsiteQuery,
  ZComputer,
  ZKevCatalogue,
  ZScan,
  ZVulnFindingDetail,
  ZVulnFindingEvent,
  ZVulnFindingRow,
  ZWebsite,
} from './vulnerabilities.contract.ts';
import type { StatusChange } from './vulnerabilities.input.ts';
import {
  computerSoftware,
  computers,
  kevEntries,
  remediationPolicy,
  SEVERITIES,
  vulnFindings,
  websites,
} from './vulnerabilities.schema.ts';
import { loadWebsiteMatcher } from './web-import.ts';

/** Default remediation deadlines in days from first sighting (the Department can change them). */
export const DEFAULT_DUE_DAYS: Record<Severity, number> = { critical: 7, high: 30, medium: 90, low: 180, info: 365 };

// Period bounds are whole days in the province's time zone, computed once (not per row).
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * How long one scan's sighting of a finding stands for it. A finding no scan has seen for longer (its computer not
 * scanned again) no longer counts: a 2013 report says nothing of the computers of today. Its status is untouched
 * (the lists still show it open, with its last sighting); a later scan that reports it counts it again.
 */
export const EVIDENCE_DAYS = 365;
const EVIDENCE = sql.raw(`interval '${EVIDENCE_DAYS} days'`);

/**
 * No span a later sighting left behind holds the whole of [start, end): not resolved then (`resolved`: gone from its
 * scans until reported again), nor without a sighting in the EVIDENCE_DAYS before every moment of it (`unseen`).
 */
const notInGap = (start: SQL, end: SQL) => sql`not exists (select 1 from vuln_finding_gaps g
  where g.finding_id = vuln_findings.id and g.ends_at >= ${end}
    and (g.kind = 'resolved' and g.starts_at <= ${start} or g.kind = 'unseen' and g.starts_at < ${start} - ${EVIDENCE}))`;

/**
 * A finding counts in a period when it was open at some moment of it (and is not a confirmed false positive), and a
 * scan saw it within EVIDENCE_DAYS before that moment — as the scans up to then said: a later sighting does not fill
 * a span it was resolved or unseen in (vuln_finding_gaps). Column names are unqualified (the id as
 * `vuln_findings.id`) so the condition also works in joins and lateral sub-queries on vuln_findings.
 */
const openBetween = (start: SQL, end: SQL) => sql`severity <> 'info' and status <> 'false_positive'
  and first_seen < ${end} and (resolved_at is null or resolved_at >= ${start}) and last_seen >= ${start} - ${EVIDENCE}
  and ${notInGap(start, end)}`;
const openDuring = (p: Period) => openBetween(at(dayStart(p.from)), at(dayEnd(p.to)));

export type VulnerabilitySummary = {
  period: { from: string; to: string; asOf: string };
  /** Computers with at least one vulnerability open during the period ("máy tính có lỗ hổng"). */
  vulnerableComputers: number;
  withCritical: number;
  withHigh: number;
  /** Each vulnerable computer counted once, under its most severe open finding. */
  byMaxSeverity: Record<Exclude<Severity, 'info'>, number>;
  knownExploitedComputers: number;
  /** CVEs in the loaded KEV catalogue: 0 = none loaded. */
  kevCatalogueEntries: number;
  /** Computers a scan of the period covered (0: none was scanned then, the figures rest on earlier scans). */
  scannedComputers: number;
  /** The latest scan of a computer in the subtree up to the end of the period; null: none by then. */
  lastScannedAt: Date | null;
  /** The same for a website. */
  lastWebScannedAt: Date | null;
  evidenceDays: number;
  unattributedVulnerableComputers: number;
  /** Websites with at least one vulnerability open during the period ("trang web có lỗ hổng"). */
  vulnerableWebsites: number;
  websitesWithCritical: number;
  websitesWithHigh: number;
  websitesByMaxSeverity: Record<Exclude<Severity, 'info'>, number>;
  /** Websites a scan of the period covered. */
  scannedWebsites: number;
  unattributedVulnerableWebsites: number;
  topVulnerabilities: {
    scanner: string;
    scannerId: string;
    name: string;
    severity: Severity;
    computers: number;
    cves: string[];
  }[];
  topWebVulnerabilities: {
    scanner: string;
    scannerId: string;
    name: string;
    severity: Severity;
    websites: number;
    cwes: string[];
  }[];
  byOrganisation: {
    organisationId: string | null;
    name: string | null;
    vulnerableComputers: number;
    withCritical: number;
    withHigh: number;
    vulnerableWebsites: number;
    websitesWithCritical: number;
  }[];
  byMonth: { month: string; vulnerableComputers: number; withCritical: number; vulnerableWebsites: number }[];
};

/** Per-subject counts of the summary, computed over `per_subject` rows (`web`, `worst`, `has_high`). */
type SubjectFigures = {
  vulnerable: number;
  critical: number;
  high: number;
  maxHigh: number;
  maxMedium: number;
  maxLow: number;
};
const subjectFigures = (web: boolean) => {
  const only = sql.raw(web ? 'web' : 'not web');
  return sql`json_build_object('vulnerable', count(*) filter (where ${only}),
    'critical', count(*) filter (where ${only} and worst = 0), 'high', count(*) filter (where ${only} and has_high),
    'maxHigh', count(*) filter (where ${only} and worst = 1), 'maxMedium', count(*) filter (where ${only} and worst = 2),
    'maxLow', count(*) filter (where ${only} and worst = 3))`;
};
const NO_FIGURES: SubjectFigures = { vulnerable: 0, critical: 0, high: 0, maxHigh: 0, maxMedium: 0, maxLow: 0 };
const bySeverity = (f: SubjectFigures) => ({
  critical: f.critical,
  high: f.maxHigh,
  medium: f.maxMedium,
  low: f.maxLow,
});

/** The summary the dashboards, reports and CLI show: the plain computation below, reused while its tables are unchanged. */
export function vulnerabilitySummary(db: Db, scope: Scope, period: Period): Promise<VulnerabilitySummary> {
  const { from, to, asOf, organisationId } = periodAsOf(period);
  return cachedFigure(
    db,
    {
      name: 'vulnerabilitySummary',
      topics: ['vuln', 'org'],
      key: [from, to, asOf, organisationId, scopeKey(scope)],
      // The largest dashboard answer, only read by its callers: shared, so the server encodes it once.
      shared: true,
    },
    () => plainVulnerabilitySummary(db, scope, period),
  );
}

export async function plainVulnerabilitySummary(db: Db, scope: Scope, period: Period): Promise<VulnerabilitySummary> {
  const p = periodAsOf(period);
  const orgIds = await scopedOrganisationIds(db, scope, p.organisationId, p.asOf);
  const where = sql`${openDuring(p)} and ${organisationIdIn(sql`organisation_id`, orgIds)}`;
  // One pass over the findings gives every per-subject figure: each computer's or website's worst severity, whether
  // it has a high one or a known-exploited one; ROLLUP then yields the per-organisation rows and the total row
  // together. Independent queries: on a PostgreSQL server they run side by side on the pool's connections.
  const months = monthsOf(p.from, p.to);
  // Each subject under the unit carrying its organisation on asOf (a merged unit's under its successor).
  const carrier = await carrierTable(db, p.asOf);
  const end = at(dayEnd(p.to));
  const start = at(dayStart(p.from));
  const [perOrg, [scanned], top, topWeb, byMonth, [kev]] = await Promise.all([
    queryRows<{
      total: boolean;
      organisationId: string | null;
      name: string | null;
      computers: SubjectFigures;
      websites: SubjectFigures;
      kev: number;
    }>(
      db,
      sql`with per_subject as (
        select coalesce(computer_id, website_id) as subject, website_id is not null as web,
          coalesce(carrier.unit, organisation_id) as organisation_id,
          min(case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end) as worst,
          bool_or(severity = 'high') as has_high, bool_or(known_exploited) as kev
        from vuln_findings left join ${carrier} on carrier.id = organisation_id
        where ${where} group by 1, 2, 3)
      select grouping(ps.organisation_id) = 1 as total, ps.organisation_id as "organisationId", max(o.name) as name,
        ${subjectFigures(false)} as computers, ${subjectFigures(true)} as websites,
        count(*) filter (where kev and not web)::int as kev
      from per_subject ps left join organisations o on o.id = ps.organisation_id
      group by rollup (ps.organisation_id)`,
    ),
    queryRows<{ computers: number; websites: number; last: string | Date | null; lastWeb: string | Date | null }>(
      db,
      // Scanned in the period: covered by a scan of the period (a sighting before and after it is not one in it).
      sql`select (select count(distinct sc.computer_id) from scan_computers sc
          join scan_imports s on s.id = sc.scan_id join computers c on c.id = sc.computer_id
          where s.scanned_at >= ${start} and s.scanned_at < ${end}
          and ${organisationIdIn(sql`c.organisation_id`, orgIds)})::int as computers,
        (select count(distinct sw.website_id) from scan_websites sw
          join scan_imports s on s.id = sw.scan_id join websites w on w.id = sw.website_id
          where s.scanned_at >= ${start} and s.scanned_at < ${end}
          and ${organisationIdIn(sql`w.organisation_id`, orgIds)})::int as websites,
        (select max(s.scanned_at) from scan_imports s join scan_computers sc on sc.scan_id = s.id
          join computers c on c.id = sc.computer_id
          where s.scanned_at < ${end} and ${organisationIdIn(sql`c.organisation_id`, orgIds)}) as last,
        (select max(s.scanned_at) from scan_imports s join scan_websites sw on sw.scan_id = s.id
          join websites w on w.id = sw.website_id
          where s.scanned_at < ${end} and ${organisationIdIn(sql`w.organisation_id`, orgIds)}) as "lastWeb"`,
    ),
    // A check's CVE (CWE) list is the same on every computer (website), so any one row's list (max) stands for it.
    queryRows<VulnerabilitySummary['topVulnerabilities'][number]>(
      db,
      sql`select scanner, scanner_id as "scannerId", max(name) as name, min(severity) as severity,
        count(distinct computer_id)::int as computers, max(cves) as cves
      from vuln_findings where computer_id is not null and ${where}
      group by scanner, scanner_id order by computers desc, max(cvss3_score) desc nulls last limit 10`,
    ),
    queryRows<VulnerabilitySummary['topWebVulnerabilities'][number]>(
      db,
      sql`select scanner, scanner_id as "scannerId", max(name) as name, min(severity) as severity,
        count(distinct website_id)::int as websites, max(cwes) as cwes
      from vuln_findings where website_id is not null and ${where}
      group by scanner, scanner_id order by websites desc, max(cvss3_score) desc nulls last limit 10`,
    ),
    // Month bounds come from JS as a VALUES list: the join compares plain timestamps, no per-row time-zone maths.
    queryRows<VulnerabilitySummary['byMonth'][number]>(
      db,
      sql`with months(month, m_start, m_end) as (values ${sql.join(
        months.map((m) => sql`(${m.month}, ${at(m.start)}, ${at(m.end)})`),
        sql`, `,
      )})
      select months.month, count(distinct vuln_findings.computer_id)::int as "vulnerableComputers",
        count(distinct vuln_findings.computer_id) filter (where vuln_findings.severity = 'critical')::int as "withCritical",
        count(distinct vuln_findings.website_id)::int as "vulnerableWebsites"
      from months left join vuln_findings on vuln_findings.first_seen < months.m_end
        and (vuln_findings.resolved_at is null or vuln_findings.resolved_at >= months.m_start)
        and vuln_findings.last_seen >= months.m_start - ${EVIDENCE}
        and ${notInGap(sql`months.m_start`, sql`months.m_end`)} and ${where}
      group by months.month order by months.month`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from kev_entries`),
  ]);
  const totals = perOrg.find((r) => r.total);
  const unattributed = perOrg.find((r) => !r.total && r.organisationId === null);
  const pc = totals?.computers ?? NO_FIGURES;
  const web = totals?.websites ?? NO_FIGURES;
  return {
    period: { from: p.from, to: p.to, asOf: p.asOf },
    vulnerableComputers: pc.vulnerable,
    withCritical: pc.critical,
    withHigh: pc.high,
    byMaxSeverity: bySeverity(pc),
    knownExploitedComputers: totals?.kev ?? 0,
    kevCatalogueEntries: kev?.n ?? 0,
    scannedComputers: scanned?.computers ?? 0,
    lastScannedAt: scanned?.last ? new Date(scanned.last) : null,
    lastWebScannedAt: scanned?.lastWeb ? new Date(scanned.lastWeb) : null,
    evidenceDays: EVIDENCE_DAYS,
    unattributedVulnerableComputers: unattributed?.computers.vulnerable ?? 0,
    vulnerableWebsites: web.vulnerable,
    websitesWithCritical: web.critical,
    websitesWithHigh: web.high,
    websitesByMaxSeverity: bySeverity(web),
    scannedWebsites: scanned?.websites ?? 0,
    unattributedVulnerableWebsites: unattributed?.websites.vulnerable ?? 0,
    topVulnerabilities: top,
    topWebVulnerabilities: topWeb,
    byOrganisation: perOrg
      .filter((r) => !r.total)
      .map((r) => ({
        organisationId: r.organisationId,
        name: r.name,
        vulnerableComputers: r.computers.vulnerable,
        withCritical: r.computers.critical,
        withHigh: r.computers.high,
        vulnerableWebsites: r.websites.vulnerable,
        websitesWithCritical: r.websites.critical,
      }))
      .sort(
        (a, b) =>
          b.vulnerableComputers + b.vulnerableWebsites - (a.vulnerableComputers + a.vulnerableWebsites) ||
          (a.name ?? '').localeCompare(b.name ?? '', 'vi'),
      ),
    byMonth,
  };
}

/** Remediation deadlines per severity: stored policy over the defaults. */
export async function remediationDays(db: Db): Promise<Record<Severity, number>> {
  const rows = await db.select().from(remediationPolicy);
  return { ...DEFAULT_DUE_DAYS, ...Object.fromEntries(rows.map((r) => [r.severity, r.dueDays])) };
}

export async function setRemediationDays(db: Db, actor: Actor, input: Partial<Record<Severity, number>>) {
  // Severities left out keep their value (a form may send `undefined` for them).
  const days = Object.fromEntries(Object.entries(input).filter(([, d]) => d !== undefined)) as Record<Severity, number>;
  const before = await remediationDays(db);
  await db.transaction(async (tx) => {
    for (const [severity, dueDays] of Object.entries(days))
      await tx
        .insert(remediationPolicy)
        .values({ severity: severity as Severity, dueDays })
        .onConflictDoUpdate({ target: remediationPolicy.severity, set: { dueDays } });
    await recordAudit(tx, auditActor(actor), {
      action: 'vuln.policy.update',
      entityType: 'remediation_policy',
      before,
      after: { ...before, ...days },
    });
  });
  return remediationDays(db);
}

/** Due date of a finding = first seen + the policy's days for its severity (as SQL, for lists and filters). */
const dueAt = (days: Record<Severity, number>) =>
  sql`(${vulnFindings.firstSeen} + make_interval(days => case ${vulnFindings.severity} ${sql.join(
    SEVERITIES.map((s) => sql`when ${s} then ${days[s]}::int`),
    sql` `,
  )} end))`;

const severityRank = sql`case ${vulnFindings.severity} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end`;
/** A finding's subject: its computer's names or its website's host, and the address either was reached at. */
const subjectName = sql`coalesce(${computers.hostname}, ${computers.fqdn}, ${computers.netbios}, ${websites.host})`;
const subjectIp = sql`coalesce(${computers.ip}, ${websites.ip})`;

/** `%text%` for LIKE, with LIKE's own wildcards in the text taken literally. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * What a search box matches on a computer: its address (the beginning of one, `10.31.112.`, or a CIDR range,
 * `10.31.112.0/24`) and its names; `more` adds the record's own columns (a finding's CVEs and name).
 */
function searchCondition(q: string, ip: SQL, names: SQL[], more: SQL[] = []): SQL {
  const text = q.trim().toLowerCase();
  const contains = `%${likeEscaped(text)}%`;
  const branches: SQL[] = [...names, ...more].map((column) => sql`${column} ilike ${contains}`);
  const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(text);
  const version = cidr ? isIP(cidr[1] ?? '') : 0;
  if (cidr && version && Number(cidr[2]) <= (version === 4 ? 32 : 128)) branches.push(sql`${ip} <<= ${text}::inet`);
  else if (/^[0-9a-f:.]+$/.test(text)) branches.push(sql`host(${ip}) like ${`${likeEscaped(text)}%`}`);
  return or(...branches) ?? sql`false`;
}

type FindingRow = z.output<typeof ZVulnFindingRow>;

/** The finding as a list row: its deadline, whether it is overdue, and what the caller may do with it. */
function presentRow(actor: Actor, row: Omit<FindingRow, 'overdue' | 'actions'>, now = Date.now()): FindingRow {
  return {
    ...row,
    overdue: row.finding.status === 'open' && row.dueAt.getTime() < now,
    actions: findingActions(actor.role, can(actor.role, 'vuln.remediate'), row.finding),
  };
}

/** The columns of a finding row (its computer's or website's address and name, the organisation's name). */
const rowColumns = (due: SQL) => ({
  finding: vulnFindings,
  dueAt: sql<Date>`${due}`.mapWith((v: string | Date) => new Date(v)),
  ip: sql<string | null>`host(${subjectIp})`,
  hostname: sql<string | null>`${subjectName}`,
  website: websites.siteKey,
  organisationName: organisations.name,
});

/** Findings with their computer or website (exactly one is set) and organisation: lists and details alike. */
const findingRows = (db: Db, due: SQL) =>
  db
    .select(rowColumns(due))
    .from(vulnFindings)
    .leftJoin(computers, eq(computers.id, vulnFindings.computerId))
    .leftJoin(websites, eq(websites.id, vulnFindings.websiteId))
    .leftJoin(organisations, eq(organisations.id, vulnFindings.organisationId));

export async function listFindings(
  db: Db,
  actor: Actor,
  scope: Scope,
  q: FindingQuery,
): Promise<{ items: FindingRow[]; total: number }> {
  const orgIds = await scopedOrganisationIds(db, scope, q.organisationId);
  const days = await remediationDays(db);
  const due = dueAt(days);
  const conds: SQL[] = [organisationIdIn(sql`${vulnFindings.organisationId}`, orgIds)];
  // "active" = still needs work: open, or marked fixed but not yet confirmed by a scan.
  if (q.status === 'active') conds.push(inArray(vulnFindings.status, ['open', 'fixed']));
  else if (q.status) conds.push(eq(vulnFindings.status, q.status));
  if (q.severity) conds.push(eq(vulnFindings.severity, q.severity));
  if (q.computerId) conds.push(eq(vulnFindings.computerId, q.computerId));
  if (q.websiteId) conds.push(eq(vulnFindings.websiteId, q.websiteId));
  if (q.subject)
    conds.push(sql`${q.subject === 'websites' ? vulnFindings.websiteId : vulnFindings.computerId} is not null`);
  if (q.scanner) conds.push(eq(vulnFindings.scanner, q.scanner));
  if (q.knownExploited !== undefined)
    conds.push(q.knownExploited ? eq(vulnFindings.knownExploited, true) : not(vulnFindings.knownExploited));
  if (q.overdue) conds.push(sql`${vulnFindings.status} = 'open' and ${due} < now()`);
  if (q.pendingApproval) conds.push(sql`${vulnFindings.requestedStatus} is not null`);
  if (q.q)
    conds.push(
      searchCondition(
        q.q,
        subjectIp,
        [sql`${computers.hostname}`, sql`${computers.fqdn}`, sql`${computers.netbios}`, sql`${websites.host}`],
        [sql`array_to_string(${vulnFindings.cves}, ' ')`, sql`${vulnFindings.name}`, sql`${vulnFindings.url}`],
      ),
    );
  const where = and(...conds);
  const key: Record<NonNullable<FindingQuery['sort']>, SQL> = {
    severity: severityRank,
    cvss: sql`coalesce(${vulnFindings.cvss3Score}, ${vulnFindings.cvss2Score})`,
    cve: sql`${vulnFindings.cves}[1]`,
    name: sql`${vulnFindings.name}`,
    ip: subjectIp,
    hostname: subjectName,
    organisation: sql`${organisations.name}`,
    status: sql`${vulnFindings.status}`,
    dueAt: due,
    firstSeen: sql`${vulnFindings.firstSeen}`,
    lastSeen: sql`${vulnFindings.lastSeen}`,
  };
  const sort = q.sort ?? 'severity';
  const dir = q.dir ?? (q.sort ? 'asc' : 'desc');
  const [rows, [count]] = await Promise.all([
    findingRows(db, due)
      .where(where)
      .orderBy(
        sql`${key[sort]} ${sql.raw(dir)} nulls last`,
        desc(severityRank),
        desc(vulnFindings.lastSeen),
        asc(vulnFindings.id),
      )
      .limit(q.limit)
      .offset(q.offset),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(vulnFindings)
      .leftJoin(computers, eq(computers.id, vulnFindings.computerId))
      .leftJoin(websites, eq(websites.id, vulnFindings.websiteId))
      .where(where),
  ]);
  const now = Date.now();
  return { items: rows.map((r) => presentRow(actor, r, now)), total: count?.n ?? 0 };
}

/** A computer's or website's open findings, as list columns `open`, `critical`, `high` (findings joined as `f`). */
const OPEN_COUNTS = sql`count(f.id) filter (where f.status = 'open')::int as open,
  count(f.id) filter (where f.status = 'open' and f.severity = 'critical')::int as critical,
  count(f.id) filter (where f.status = 'open' and f.severity = 'high')::int as high`;

/**
 * What the lists of computers (`c`) and websites (`w`) filter alike: the caller's scope, or only the unattributed
 * (analysts; null for anyone else: nothing to list), and an open finding of a severity.
 */
async function subjectConditions(
  db: Db,
  scope: Scope,
  q: Pick<ComputerQuery, 'unattributed' | 'organisationId' | 'severity'>,
  subject: 'c' | 'w',
): Promise<SQL[] | null> {
  if (q.unattributed && !scope.all) return null;
  const orgIds = q.unattributed ? null : await scopedOrganisationIds(db, scope, q.organisationId);
  const column = sql.raw(`${subject}.organisation_id`);
  const conds = [q.unattributed ? sql`${column} is null` : organisationIdIn(column, orgIds)];
  if (q.severity)
    conds.push(sql`exists (select 1 from vuln_findings s where s.${sql.raw(subject === 'c' ? 'computer_id' : 'website_id')}
      = ${sql.raw(subject)}.id and s.status = 'open' and s.severity = ${q.severity})`);
  return conds;
}

/**
 * A list's order: the key asked for (aggregates by their output name, the rest by expression; keys map to constants
 * only), else the most critical first; `tie` keeps pages stable.
 */
const listOrder = (q: Pick<ComputerQuery, 'dir'>, key: SQL | undefined, tie: SQL) =>
  key
    ? sql`${key} ${sql.raw(q.dir ?? 'asc')} nulls last, ${tie}`
    : sql`critical ${sql.raw(q.dir ?? 'desc')}, high desc, open desc, ${tie}`;

type ComputerRow = z.output<typeof ZComputer>;

export async function listComputers(
  db: Db,
  scope: Scope,
  q: ComputerQuery,
): Promise<{ items: ComputerRow[]; total: number }> {
  const conds = await subjectConditions(db, scope, q, 'c');
  if (!conds) return { items: [], total: 0 };
  if (q.q) conds.push(searchCondition(q.q, sql`c.ip`, [sql`c.hostname`, sql`c.fqdn`, sql`c.netbios`]));
  const where = sql.join(conds, sql` and `);
  const key: Record<NonNullable<ComputerQuery['sort']>, SQL> = {
    ip: sql`c.ip`,
    hostname: sql`coalesce(c.hostname, c.fqdn, c.netbios)`,
    os: sql`c.os`,
    organisation: sql`o.name`,
    lastSeen: sql`c.last_seen`,
    open: sql.raw('open'),
    critical: sql.raw('critical'),
    high: sql.raw('high'),
  };
  const [items, [count]] = await Promise.all([
    queryRows<ComputerRow>(
      db,
      sql`select c.id, host(c.ip) as ip, coalesce(c.hostname, c.fqdn, c.netbios) as hostname, c.os,
          c.organisation_id as "organisationId", o.name as "organisationName", c.last_seen as "lastSeen", ${OPEN_COUNTS}
        from computers c
        left join organisations o on o.id = c.organisation_id
        left join vuln_findings f on f.computer_id = c.id
        where ${where}
        group by c.id, o.name
        order by ${listOrder(q, q.sort && key[q.sort], sql`c.ip`)}
        limit ${q.limit} offset ${q.offset}`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from computers c where ${where}`),
  ]);
  return { items, total: count?.n ?? 0 };
}

type WebsiteRow = z.output<typeof ZWebsite>;

export async function listWebsites(
  db: Db,
  scope: Scope,
  q: WebsiteQuery,
): Promise<{ items: WebsiteRow[]; total: number }> {
  const conds = await subjectConditions(db, scope, q, 'w');
  if (!conds) return { items: [], total: 0 };
  if (q.q) conds.push(searchCondition(q.q, sql`w.ip`, [sql`w.host`]));
  const where = sql.join(conds, sql` and `);
  const key: Record<NonNullable<WebsiteQuery['sort']>, SQL> = {
    site: sql`w.host`,
    organisation: sql`o.name`,
    lastSeen: sql`w.last_seen`,
    open: sql.raw('open'),
    critical: sql.raw('critical'),
    high: sql.raw('high'),
  };
  const [items, [count]] = await Promise.all([
    queryRows<WebsiteRow>(
      db,
      sql`select w.id, w.site_key as "siteKey", w.scheme, w.host, w.port, host(w.ip) as ip,
          w.organisation_id as "organisationId", o.name as "organisationName", w.attribution,
          w.site_id as "siteId", w.system_id as "systemId", sys.name as "systemName", w.last_seen as "lastSeen",
          ${OPEN_COUNTS}
        from websites w
        left join organisations o on o.id = w.organisation_id
        left join information_systems sys on sys.id = w.system_id
        left join vuln_findings f on f.website_id = w.id
        where ${where}
        group by w.id, o.name, sys.name
        order by ${listOrder(q, q.sort && key[q.sort], sql`w.site_key`)}
        limit ${q.limit} offset ${q.offset}`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from websites w where ${where}`),
  ]);
  return { items, total: count?.n ?? 0 };
}

const findingNotFound = () =>
  new AppError('NOT_FOUND', 'Finding not found', undefined, { key: 'vuln.findingNotFound' });

async function findingInScope(db: Db, scope: Scope, id: string) {
  const [f] = await db.select().from(vulnFindings).where(eq(vulnFindings.id, id));
  // Another agency's finding is indistinguishable from a missing one.
  if (!f || !inScope(scope, f.organisationId)) throw findingNotFound();
  return f;
}

type FindingEvent = z.output<typeof ZVulnFindingEvent>;

/** What the audit log recorded of a status step (`before`/`after` as changeFindingStatus writes them). */
const ZAuditedStep = z
  .object({
    status: z.string().nullish(),
    requestedStatus: z.string().nullish(),
    reason: z.string().nullish(),
    acceptedUntil: z.string().nullish(),
  })
  .partial()
  .nullable()
  .catch(null);

const ACTION_KIND: Record<string, FindingEvent['kind']> = {
  'vuln.finding.request': 'request',
  'vuln.finding.status': 'status',
  'vuln.finding.approve': 'approve',
  'vuln.finding.reject': 'reject',
};

const asStatus = (s: string | null | undefined) =>
  s && (['open', 'fixed', 'resolved', 'accepted', 'false_positive'] as string[]).includes(s)
    ? (s as FindingStatus)
    : null;

/** A finding's life: what the scans saw and what people did, with who acted, oldest first. */
async function findingHistory(
  db: Db,
  f: typeof vulnFindings.$inferSelect,
): Promise<{ history: FindingEvent[]; requestedByName: string | null }> {
  const [steps, [lastScan], [requester]] = await Promise.all([
    queryRows<{ at: string | Date; action: string; actor: string; before: unknown; after: unknown }>(
      db,
      sql`select a.at, a.action, coalesce(u.display_name, a.actor_name) as actor, a.before, a.after
        from audit_log a left join users u on u.id = a.actor_id
        where a.entity_type = 'vuln_finding' and a.entity_id = ${f.id}
        order by a.seq`,
    ),
    f.lastScanId
      ? queryRows<{ fileName: string; importer: string | null }>(
          db,
          sql`select s.file_name as "fileName", u.display_name as importer
            from scan_imports s left join users u on u.id = s.imported_by where s.id = ${f.lastScanId}`,
        )
      : Promise.resolve([]),
    f.requestedBy
      ? queryRows<{ name: string }>(db, sql`select display_name as name from users where id = ${f.requestedBy}`)
      : Promise.resolve([]),
  ]);
  const event = (e: Partial<FindingEvent> & Pick<FindingEvent, 'kind' | 'at'>): FindingEvent => ({
    actor: null,
    status: null,
    reason: null,
    acceptedUntil: null,
    fileName: null,
    count: null,
    ...e,
  });
  const dated: FindingEvent[] = [event({ kind: 'firstSeen', at: f.firstSeen })];
  for (const s of steps) {
    const kind = ACTION_KIND[s.action];
    if (!kind) continue;
    const before = ZAuditedStep.parse(s.before);
    const after = ZAuditedStep.parse(s.after);
    const status =
      kind === 'request'
        ? after?.requestedStatus
        : kind === 'status'
          ? after?.status
          : (before?.requestedStatus ?? after?.status);
    dated.push(
      event({
        kind,
        at: new Date(s.at),
        actor: s.actor,
        status: asStatus(status),
        reason: kind === 'request' || kind === 'status' ? (after?.reason ?? null) : null,
        acceptedUntil: after?.acceptedUntil ?? null,
      }),
    );
  }
  if (f.resolvedAt) dated.push(event({ kind: 'resolved', at: f.resolvedAt }));
  dated.push(
    event({
      kind: 'lastSeen',
      at: f.lastSeen,
      fileName: lastScan?.fileName ?? null,
      actor: lastScan?.importer ?? null,
    }),
  );
  dated.sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0));
  // Reopenings are counted, not dated: listed right after the first sighting.
  const history = f.reopenedCount
    ? [dated[0] as FindingEvent, event({ kind: 'reopened', at: null, count: f.reopenedCount }), ...dated.slice(1)]
    : dated;
  return { history, requestedByName: requester?.name ?? null };
}

/** One finding with its computer or website, its deadline, what the caller may do with it, and its history. */
export async function getFinding(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
): Promise<z.output<typeof ZVulnFindingDetail>> {
  const f = await findingInScope(db, scope, id);
  const due = dueAt(await remediationDays(db));
  const [row] = await findingRows(db, due).where(eq(vulnFindings.id, id));
  if (!row) throw findingNotFound();
  return { ...presentRow(actor, row), ...(await findingHistory(db, f)) };
}

/**
 * An agency marks its own finding fixed (to be confirmed by the next scan), or asks for accepted risk (the Department
 * approves) or false positive (the SOC approves). The approvers themselves change the status directly. Only what
 * the finding's `actions` offer is accepted.
 */
export async function changeFindingStatus(db: Db, actor: Actor, scope: Scope, id: string, change: StatusChange) {
  const before = await findingInScope(db, scope, id);
  if (change.status === 'open' && !mayReopen(actor.role))
    throw new AppError(
      'FORBIDDEN',
      'Only the SOC reopens a finding by hand; scans reopen findings automatically',
      undefined,
      { key: 'vuln.reopenSocOnly' },
    );
  const allowed = findingActions(actor.role, can(actor.role, 'vuln.remediate'), before).changes.find(
    (c) => c.status === change.status,
  );
  if (!allowed)
    throw new AppError(
      'CONFLICT',
      before.requestedStatus
        ? `A request for ${before.requestedStatus} is pending on this finding: decide it first`
        : `A finding that is ${before.status} cannot be changed to ${change.status}`,
      undefined,
      before.requestedStatus
        ? { key: 'vuln.requestPending', params: { status: before.requestedStatus } }
        : { key: 'vuln.changeNotAllowed', params: { from: before.status, to: change.status } },
    );
  if (change.status === 'accepted' && change.acceptedUntil <= new Date().toISOString().slice(0, 10))
    throw new AppError(
      'VALIDATION',
      'The acceptance must end in the future',
      { field: 'acceptedUntil' },
      { key: 'vuln.acceptedUntilPast' },
    );
  const direct = allowed.direct;
  const reason = change.reason?.trim() || null;
  const acceptedUntil = change.status === 'accepted' ? change.acceptedUntil : null;
  const now = new Date();
  const set = direct
    ? {
        status: change.status,
        statusReason: reason,
        statusChangedAt: now,
        acceptedUntil,
        requestedStatus: null,
        requestedBy: null,
      }
    : { requestedStatus: change.status, requestedBy: actor.userId, statusReason: reason, acceptedUntil };
  return db.transaction(async (tx) => {
    const [after] = await tx.update(vulnFindings).set(set).where(eq(vulnFindings.id, id)).returning();
    await recordAudit(tx, auditActor(actor), {
      action: direct ? 'vuln.finding.status' : 'vuln.finding.request',
      entityType: 'vuln_finding',
      entityId: id,
      organisationId: before.organisationId,
      before: { status: before.status, requestedStatus: before.requestedStatus },
      after: { status: after?.status, requestedStatus: after?.requestedStatus, reason, acceptedUntil },
    });
    return after;
  });
}

/** The Department (accepted risk) or the SOC (false positive) approves or rejects an agency's request. */
export async function decideFindingRequest(db: Db, actor: Actor, scope: Scope, id: string, approve: boolean) {
  const before = await findingInScope(db, scope, id);
  if (!before.requestedStatus)
    throw new AppError('CONFLICT', 'No request is pending on this finding', undefined, {
      key: 'vuln.noPendingRequest',
    });
  if (!decidesStatus(actor.role, before.requestedStatus))
    throw before.requestedStatus === 'accepted'
      ? new AppError('FORBIDDEN', 'The Department approves accepted risks', undefined, {
          key: 'vuln.departmentDecidesAccepted',
        })
      : new AppError('FORBIDDEN', 'The SOC approves false positives', undefined, {
          key: 'vuln.socDecidesFalsePositive',
        });
  return db.transaction(async (tx) => {
    const [after] = await tx
      .update(vulnFindings)
      .set(
        approve
          ? {
              status: before.requestedStatus ?? before.status,
              statusChangedAt: new Date(),
              requestedStatus: null,
              requestedBy: null,
            }
          : { requestedStatus: null, requestedBy: null, acceptedUntil: null },
      )
      .where(eq(vulnFindings.id, id))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: approve ? 'vuln.finding.approve' : 'vuln.finding.reject',
      entityType: 'vuln_finding',
      entityId: id,
      organisationId: before.organisationId,
      before: { status: before.status, requestedStatus: before.requestedStatus },
      after: { status: after?.status },
    });
    return after;
  });
}

async function checkOrganisation(db: Db, organisationId: string | null) {
  if (organisationId) await requireOrganisation(db, organisationId, 'organisationId', 'vuln.unknownOrganisation');
}

/** An analyst assigns an unattributed (or wrongly attributed) computer; later imports keep this assignment. */
export async function assignComputer(db: Db, actor: Actor, computerId: string, organisationId: string | null) {
  const [before] = await db.select().from(computers).where(eq(computers.id, computerId));
  if (!before) throw new AppError('NOT_FOUND', 'Computer not found', undefined, { key: 'vuln.computerNotFound' });
  await checkOrganisation(db, organisationId);
  await db.transaction(async (tx) => {
    await tx
      .update(computers)
      .set({ organisationId, attribution: organisationId ? 'manual' : 'range' })
      .where(eq(computers.id, computerId));
    await tx.update(vulnFindings).set({ organisationId }).where(eq(vulnFindings.computerId, computerId));
    await tx.update(computerSoftware).set({ organisationId }).where(eq(computerSoftware.computerId, computerId));
    await recordAudit(tx, auditActor(actor), {
      action: 'vuln.computer.assign',
      entityType: 'computer',
      entityId: computerId,
      organisationId,
      before: { organisationId: before.organisationId },
      after: { organisationId },
    });
  });
}

/**
 * An analyst assigns a website to an organisation; later imports keep this assignment. `null` gives it back to the
 * registers at once, matched as the import matched it, on the day of its last scan: left unattributed until the next
 * scan, its agency would not see its findings meanwhile.
 */
export async function assignWebsite(db: Db, actor: Actor, websiteId: string, organisationId: string | null) {
  const [before] = await db.select().from(websites).where(eq(websites.id, websiteId));
  if (!before) throw new AppError('NOT_FOUND', 'Website not found', undefined, { key: 'vuln.websiteNotFound' });
  await checkOrganisation(db, organisationId);
  const owner = organisationId
    ? null
    : (await loadWebsiteMatcher(db, provinceDay(before.lastSeen)))(before.host, before.ip ?? undefined);
  const set = organisationId
    ? { organisationId, siteId: null, systemId: null, attribution: 'manual' }
    : {
        organisationId: owner?.organisationId ?? null,
        siteId: owner?.siteId ?? null,
        systemId: owner?.systemId ?? null,
        attribution: owner?.attribution ?? 'none',
      };
  await db.transaction(async (tx) => {
    await tx.update(websites).set(set).where(eq(websites.id, websiteId));
    await tx
      .update(vulnFindings)
      .set({ organisationId: set.organisationId })
      .where(eq(vulnFindings.websiteId, websiteId));
    await recordAudit(tx, auditActor(actor), {
      action: 'vuln.website.assign',
      entityType: 'website',
      entityId: websiteId,
      organisationId: set.organisationId,
      before: {
        organisationId: before.organisationId,
        attribution: before.attribution,
        siteId: before.siteId,
        systemId: before.systemId,
      },
      after: set,
    });
  });
}

/** The latest imports, with what each did (outcome, issues by kind, how the file was dated) and who imported it. */
export async function listScans(db: Db, limit = 100): Promise<z.output<typeof ZScan>[]> {
  const rows = await queryRows<{
    id: string;
    fileName: string;
    format: string;
    scannedAt: string | Date;
    importedAt: string | Date;
    hosts: number;
    websites: number;
    findings: number;
    issues: ParseIssue[];
    summary: unknown;
    importedBy: string | null;
  }>(
    db,
    sql`select s.id, s.file_name as "fileName", s.format, s.scanned_at as "scannedAt", s.imported_at as "importedAt",
        s.hosts, s.websites, s.findings, s.issues, s.summary, u.display_name as "importedBy"
      from scan_imports s left join users u on u.id = s.imported_by
      order by s.imported_at desc limit ${limit}`,
  );
  // `issues` holds the parser's issues, as importScanFile wrote them.
  return rows.map(({ summary, ...r }) => ({
    ...r,
    scannedAt: new Date(r.scannedAt),
    importedAt: new Date(r.importedAt),
    ...storedFacts(summary, r.issues),
  }));
}

/** The loaded CISA KEV catalogue, and how many findings in the caller's scope it flags. */
export async function kevCatalogue(db: Db, scope: Scope): Promise<z.output<typeof ZKevCatalogue>> {
  const [[entries], [loaded], [flagged]] = await Promise.all([
    queryRows<{ n: number; newest: string | null }>(
      db,
      sql`select count(*)::int as n, max(date_added)::text as newest from kev_entries`,
    ),
    queryRows<{ at: string | Date | null }>(
      db,
      sql`select max(at) as at from audit_log where action = 'vuln.kev.import'`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from vuln_findings
        where known_exploited and ${organisationIdIn(sql`organisation_id`, scope.all ? null : scope.organisationIds)}`,
    ),
  ]);
  return {
    entries: entries?.n ?? 0,
    loadedAt: loaded?.at ? new Date(loaded.at) : null,
    newestEntry: entries?.newest ?? null,
    knownExploitedFindings: flagged?.n ?? 0,
  };
}

const ZKevCatalogueFile = z.object({
  vulnerabilities: z.array(
    z.object({
      cveID: z.string().regex(/^CVE-\d{4}-\d{4,}$/i),
      vendorProject: z.string().optional(),
      product: z.string().optional(),
      vulnerabilityName: z.string().optional(),
      dateAdded: z.string().optional(),
      dueDate: z.string().optional(),
      knownRansomwareCampaignUse: z.string().optional(),
    }),
  ),
});

/**
 * Loads the CISA KEV catalogue (known_exploited_vulnerabilities.json, supplied by the user) and flags every stored
 * finding whose CVEs are in it. Replacing the catalogue is idempotent.
 */
export async function importKev(db: Db, actor: Actor | null, json: unknown) {
  const parsed = ZKevCatalogueFile.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const problem = `${first?.path.join('.')} ${first?.message}`;
    throw new AppError('VALIDATION', `Not a CISA KEV catalogue: ${problem}`, undefined, {
      key: 'vuln.notKevCatalogue',
      params: { problem },
    });
  }
  const isoOrNull = (d?: string) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
  const rows = parsed.data.vulnerabilities.map((v) => ({
    cveId: v.cveID.toUpperCase(),
    vendor: v.vendorProject ?? null,
    product: v.product ?? null,
    name: v.vulnerabilityName ?? null,
    dateAdded: isoOrNull(v.dateAdded),
    dueDate: isoOrNull(v.dueDate),
    knownRansomware: v.knownRansomwareCampaignUse?.toLowerCase() === 'known',
  }));
  return db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insert(kevEntries)
        .values(rows.slice(i, i + 500))
        .onConflictDoUpdate({
          target: kevEntries.cveId,
          set: {
            vendor: sql`excluded.vendor`,
            product: sql`excluded.product`,
            name: sql`excluded.name`,
            dateAdded: sql`excluded.date_added`,
            dueDate: sql`excluded.due_date`,
          },
        });
    const flagged = await tx
      .update(vulnFindings)
      .set({ knownExploited: true })
      .where(
        sql`not ${vulnFindings.knownExploited} and ${vulnFindings.cves} && (select coalesce(array_agg(cve_id), '{}') from kev_entries)`,
      )
      .returning({ id: vulnFindings.id });
    const result = { catalogueEntries: rows.length, newlyFlaggedFindings: flagged.length };
    await recordAudit(tx, auditActor(actor), { action: 'vuln.kev.import', entityType: 'kev_catalogue', after: result });
    return result;
  });
}

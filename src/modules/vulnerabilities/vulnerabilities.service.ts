import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { dayEnd, dayStart, monthsOf, periodAsOf } from '../../core/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditActor } from '../auth/auth.service.ts';
import { type Actor, inScope, organisationIdIn, type Scope, scopedOrganisationIds } from '../auth/scope.ts';
import { carrierTable, organisations } from '../organisations/index.ts';
import { decidesStatus, mayReopen, type Severity } from './vuln-values.ts';
import {
  computers,
  kevEntries,
  remediationPolicy,
  SEVERITIES,
  scanImports,
  vulnFindings,
} from './vulnerabilities.schema.ts';

/** Default remediation deadlines in days from first sighting (the Department can change them). */
export const DEFAULT_DUE_DAYS: Record<Severity, number> = { critical: 7, high: 30, medium: 90, low: 180, info: 365 };

export const ZPeriodFields = z.object({
  from: z.iso.date().describe('first day, yyyy-mm-dd (Asia/Ho_Chi_Minh)'),
  to: z.iso.date().describe('last day, yyyy-mm-dd (inclusive)'),
  organisationId: z.uuid().optional().describe('limit to this organisation and its descendants (tree as of asOf)'),
  asOf: z.iso
    .date()
    .optional()
    .describe('figures as they stood on this day: the period is cut there and the tree is that day’s (default: to)'),
});

/** The longest period a statement covers (the monthly breakdown has one row per month). */
export const MAX_PERIOD_YEARS = 20;

/** Refinement for every period a client sends: `from` not after `to`, at most MAX_PERIOD_YEARS long. */
export const boundedPeriod: [
  (p: { from?: string; to?: string; asOf?: string }) => boolean,
  { message: string; path: string[] },
] = [
  (p) =>
    (!p.from ||
      !p.to ||
      (p.from <= p.to && Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4)) < MAX_PERIOD_YEARS)) &&
    (!p.from || !p.asOf || p.from <= p.asOf),
  {
    message: `the period must run forwards, span at most ${MAX_PERIOD_YEARS} years, and not start after asOf`,
    path: ['to'],
  },
];

export const ZPeriod = ZPeriodFields.refine(...boundedPeriod);
export type Period = z.infer<typeof ZPeriod>;

// Period bounds are whole days in the province's time zone, computed once (not per row).
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * A finding counts in a period when it was open at some moment of it (and is not a confirmed false positive).
 * Column names are unqualified so the condition also works in joins and lateral sub-queries on vuln_findings.
 */
const openBetween = (start: SQL, end: SQL) => sql`severity <> 'info' and status <> 'false_positive'
  and first_seen < ${end} and (resolved_at is null or resolved_at >= ${start})`;
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
  scannedComputers: number;
  unattributedVulnerableComputers: number;
  topVulnerabilities: {
    scanner: string;
    scannerId: string;
    name: string;
    severity: Severity;
    computers: number;
    cves: string[];
  }[];
  byOrganisation: {
    organisationId: string | null;
    name: string | null;
    vulnerableComputers: number;
    withCritical: number;
    withHigh: number;
  }[];
  byMonth: { month: string; vulnerableComputers: number; withCritical: number }[];
};

export async function vulnerabilitySummary(db: Db, scope: Scope, period: Period): Promise<VulnerabilitySummary> {
  const p = periodAsOf(period);
  const orgIds = await scopedOrganisationIds(db, scope, p.organisationId, p.asOf);
  const where = sql`${openDuring(p)} and ${organisationIdIn(sql`organisation_id`, orgIds)}`;
  // One pass over the findings gives every per-computer figure: each computer's worst severity, whether it has a
  // high one or a known-exploited one; ROLLUP then yields the per-organisation rows and the total row together.
  // Independent queries: on a PostgreSQL server they run side by side on the pool's connections.
  const months = monthsOf(p.from, p.to);
  // Each computer under the unit carrying its organisation on asOf (a merged unit's under its successor).
  const carrier = await carrierTable(db, p.asOf);
  const [perOrg, [scanned], top, byMonth] = await Promise.all([
    queryRows<{
      total: boolean;
      organisationId: string | null;
      name: string | null;
      vulnerable: number;
      critical: number;
      high: number;
      maxHigh: number;
      maxMedium: number;
      maxLow: number;
      kev: number;
    }>(
      db,
      sql`with per_computer as (
        select computer_id, coalesce(carrier.unit, organisation_id) as organisation_id,
          min(case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end) as worst,
          bool_or(severity = 'high') as has_high, bool_or(known_exploited) as kev
        from vuln_findings left join ${carrier} on carrier.id = organisation_id
        where ${where} group by computer_id, coalesce(carrier.unit, organisation_id))
      select grouping(pc.organisation_id) = 1 as total, pc.organisation_id as "organisationId", max(o.name) as name,
        count(*)::int as vulnerable,
        count(*) filter (where worst = 0)::int as critical,
        count(*) filter (where has_high)::int as high,
        count(*) filter (where worst = 1)::int as "maxHigh",
        count(*) filter (where worst = 2)::int as "maxMedium",
        count(*) filter (where worst = 3)::int as "maxLow",
        count(*) filter (where kev)::int as kev
      from per_computer pc left join organisations o on o.id = pc.organisation_id
      group by rollup (pc.organisation_id)`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from computers
      where first_seen < ${at(dayEnd(p.to))} and last_seen >= ${at(dayStart(p.from))} and ${organisationIdIn(sql`organisation_id`, orgIds)}`,
    ),
    // A check's CVE list is the same on every computer, so any one row's list (max) stands for the group.
    queryRows<VulnerabilitySummary['topVulnerabilities'][number]>(
      db,
      sql`select scanner, scanner_id as "scannerId", max(name) as name, min(severity) as severity,
        count(distinct computer_id)::int as computers, max(cves) as cves
      from vuln_findings where ${where}
      group by scanner, scanner_id order by computers desc, max(cvss3_score) desc nulls last limit 10`,
    ),
    // Month bounds come from JS as a VALUES list: the join compares plain timestamps, no per-row time-zone maths.
    queryRows<VulnerabilitySummary['byMonth'][number]>(
      db,
      sql`with months(month, m_start, m_end) as (values ${sql.join(
        months.map((m) => sql`(${m.month}, ${at(m.start)}, ${at(m.end)})`),
        sql`, `,
      )})
      select months.month, count(distinct f.computer_id)::int as "vulnerableComputers",
        count(distinct f.computer_id) filter (where f.severity = 'critical')::int as "withCritical"
      from months left join vuln_findings f on f.first_seen < months.m_end
        and (f.resolved_at is null or f.resolved_at >= months.m_start) and ${where}
      group by months.month order by months.month`,
    ),
  ]);
  const totals = perOrg.find((r) => r.total);
  return {
    period: { from: p.from, to: p.to, asOf: p.asOf },
    vulnerableComputers: totals?.vulnerable ?? 0,
    withCritical: totals?.critical ?? 0,
    withHigh: totals?.high ?? 0,
    byMaxSeverity: {
      critical: totals?.critical ?? 0,
      high: totals?.maxHigh ?? 0,
      medium: totals?.maxMedium ?? 0,
      low: totals?.maxLow ?? 0,
    },
    knownExploitedComputers: totals?.kev ?? 0,
    scannedComputers: scanned?.n ?? 0,
    unattributedVulnerableComputers: perOrg.find((r) => !r.total && r.organisationId === null)?.vulnerable ?? 0,
    topVulnerabilities: top,
    byOrganisation: perOrg
      .filter((r) => !r.total)
      .sort((a, b) => b.vulnerable - a.vulnerable || (a.name ?? '').localeCompare(b.name ?? '', 'vi'))
      .map((r) => ({
        organisationId: r.organisationId,
        name: r.name,
        vulnerableComputers: r.vulnerable,
        withCritical: r.critical,
        withHigh: r.high,
      })),
    byMonth,
  };
}

/** Remediation deadlines per severity: stored policy over the defaults. */
export async function remediationDays(db: Db): Promise<Record<Severity, number>> {
  const rows = await db.select().from(remediationPolicy);
  return { ...DEFAULT_DUE_DAYS, ...Object.fromEntries(rows.map((r) => [r.severity, r.dueDays])) };
}

export async function setRemediationDays(db: Db, actor: Actor, days: Partial<Record<Severity, number>>) {
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

export const ZFindingQuery = z.object({
  status: z.enum(['open', 'fixed', 'resolved', 'accepted', 'false_positive', 'active']).optional(),
  severity: z.enum(SEVERITIES).optional(),
  organisationId: z.uuid().optional(),
  computerId: z.uuid().optional(),
  overdue: z.coerce.boolean().optional(),
  pendingApproval: z.coerce.boolean().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

export async function listFindings(db: Db, scope: Scope, q: z.infer<typeof ZFindingQuery>) {
  const orgIds = await scopedOrganisationIds(db, scope, q.organisationId);
  const days = await remediationDays(db);
  const due = dueAt(days);
  const conds: SQL[] = [organisationIdIn(sql`${vulnFindings.organisationId}`, orgIds)];
  // "active" = still needs work: open, or marked fixed but not yet confirmed by a scan.
  if (q.status === 'active') conds.push(inArray(vulnFindings.status, ['open', 'fixed']));
  else if (q.status) conds.push(eq(vulnFindings.status, q.status));
  if (q.severity) conds.push(eq(vulnFindings.severity, q.severity));
  if (q.computerId) conds.push(eq(vulnFindings.computerId, q.computerId));
  if (q.overdue) conds.push(sql`${vulnFindings.status} = 'open' and ${due} < now()`);
  if (q.pendingApproval) conds.push(sql`${vulnFindings.requestedStatus} is not null`);
  return db
    .select({
      finding: vulnFindings,
      dueAt: sql<Date>`${due}`.mapWith((v: string | Date) => new Date(v)),
      ip: computers.ip,
      hostname: computers.hostname,
      organisationName: organisations.name,
    })
    .from(vulnFindings)
    .innerJoin(computers, eq(computers.id, vulnFindings.computerId))
    .leftJoin(organisations, eq(organisations.id, vulnFindings.organisationId))
    .where(and(...conds))
    .orderBy(
      sql`case ${vulnFindings.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`,
      desc(vulnFindings.lastSeen),
    )
    .limit(q.limit)
    .offset(q.offset);
}

export async function listComputers(
  db: Db,
  scope: Scope,
  q: { organisationId?: string; unattributed?: boolean; limit: number; offset: number },
) {
  const orgIds = q.unattributed ? null : await scopedOrganisationIds(db, scope, q.organisationId);
  if (q.unattributed && !scope.all) return [];
  return queryRows<{
    id: string;
    ip: string;
    hostname: string | null;
    os: string | null;
    organisationId: string | null;
    organisationName: string | null;
    lastSeen: string;
    open: number;
    critical: number;
    high: number;
  }>(
    db,
    sql`select c.id, host(c.ip) as ip, coalesce(c.hostname, c.fqdn, c.netbios) as hostname, c.os,
        c.organisation_id as "organisationId", o.name as "organisationName", c.last_seen as "lastSeen",
        count(f.id) filter (where f.status = 'open')::int as open,
        count(f.id) filter (where f.status = 'open' and f.severity = 'critical')::int as critical,
        count(f.id) filter (where f.status = 'open' and f.severity = 'high')::int as high
      from computers c
      left join organisations o on o.id = c.organisation_id
      left join vuln_findings f on f.computer_id = c.id
      where ${q.unattributed ? sql`c.organisation_id is null` : organisationIdIn(sql`c.organisation_id`, orgIds)}
      group by c.id, o.name
      order by critical desc, high desc, open desc, c.ip
      limit ${q.limit} offset ${q.offset}`,
  );
}

async function findingInScope(db: Db, scope: Scope, id: string) {
  const [f] = await db.select().from(vulnFindings).where(eq(vulnFindings.id, id));
  // Another agency's finding is indistinguishable from a missing one.
  if (!f || !inScope(scope, f.organisationId)) throw notFound('Finding');
  return f;
}

export const ZStatusChange = z.discriminatedUnion('status', [
  z.object({ status: z.literal('fixed'), reason: z.string().max(2000).optional() }),
  z.object({ status: z.literal('accepted'), reason: z.string().min(5).max(2000), acceptedUntil: z.iso.date() }),
  z.object({ status: z.literal('false_positive'), reason: z.string().min(5).max(2000) }),
  z.object({ status: z.literal('open'), reason: z.string().max(2000).optional() }),
]);

/**
 * An agency marks its own finding fixed (to be confirmed by the next scan), or asks for accepted risk (the Department
 * approves) or false positive (the SOC approves). The approvers themselves change the status directly.
 */
export async function changeFindingStatus(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  change: z.infer<typeof ZStatusChange>,
) {
  const before = await findingInScope(db, scope, id);
  const direct = decidesStatus(actor.role, change.status);
  if (change.status === 'accepted' && change.acceptedUntil <= new Date().toISOString().slice(0, 10))
    throw new AppError('VALIDATION', 'The acceptance must end in the future', { field: 'acceptedUntil' });
  if (change.status === 'open' && !mayReopen(actor.role))
    throw new AppError('FORBIDDEN', 'Only the SOC reopens a finding by hand; scans reopen findings automatically');
  const now = new Date();
  const set = direct
    ? {
        status: change.status,
        statusReason: change.reason ?? null,
        statusChangedAt: now,
        acceptedUntil: change.status === 'accepted' ? change.acceptedUntil : null,
        requestedStatus: null,
        requestedBy: null,
      }
    : {
        requestedStatus: change.status,
        requestedBy: actor.userId,
        statusReason: change.reason,
        acceptedUntil: change.status === 'accepted' ? change.acceptedUntil : null,
      };
  return db.transaction(async (tx) => {
    const [after] = await tx.update(vulnFindings).set(set).where(eq(vulnFindings.id, id)).returning();
    await recordAudit(tx, auditActor(actor), {
      action: direct ? 'vuln.finding.status' : 'vuln.finding.request',
      entityType: 'vuln_finding',
      entityId: id,
      organisationId: before.organisationId,
      before: { status: before.status, requestedStatus: before.requestedStatus },
      after: { status: after?.status, requestedStatus: after?.requestedStatus, reason: change.reason },
    });
    return after;
  });
}

/** The Department (accepted risk) or the SOC (false positive) approves or rejects an agency's request. */
export async function decideFindingRequest(db: Db, actor: Actor, scope: Scope, id: string, approve: boolean) {
  const before = await findingInScope(db, scope, id);
  if (!before.requestedStatus) throw new AppError('CONFLICT', 'No request is pending on this finding');
  if (!decidesStatus(actor.role, before.requestedStatus))
    throw new AppError(
      'FORBIDDEN',
      before.requestedStatus === 'accepted'
        ? 'The Department approves accepted risks'
        : 'The SOC approves false positives',
    );
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

/** An analyst assigns an unattributed (or wrongly attributed) computer; later imports keep this assignment. */
export async function assignComputer(db: Db, actor: Actor, computerId: string, organisationId: string | null) {
  const [before] = await db.select().from(computers).where(eq(computers.id, computerId));
  if (!before) throw notFound('Computer');
  if (organisationId) {
    const [org] = await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.id, organisationId));
    if (!org) throw new AppError('VALIDATION', 'Unknown organisation', { field: 'organisationId' });
  }
  await db.transaction(async (tx) => {
    await tx
      .update(computers)
      .set({ organisationId, attribution: organisationId ? 'manual' : 'range' })
      .where(eq(computers.id, computerId));
    await tx.update(vulnFindings).set({ organisationId }).where(eq(vulnFindings.computerId, computerId));
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

export const listScans = (db: Db, limit = 100) =>
  db
    .select({
      id: scanImports.id,
      fileName: scanImports.fileName,
      format: scanImports.format,
      scannedAt: scanImports.scannedAt,
      importedAt: scanImports.importedAt,
      hosts: scanImports.hosts,
      findings: scanImports.findings,
      issues: scanImports.issues,
    })
    .from(scanImports)
    .orderBy(desc(scanImports.importedAt))
    .limit(limit);

const ZKevCatalogue = z.object({
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
  const parsed = ZKevCatalogue.safeParse(json);
  if (!parsed.success)
    throw new AppError(
      'VALIDATION',
      `Not a CISA KEV catalogue: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
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

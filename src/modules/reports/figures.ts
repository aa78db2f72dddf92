import { and, asc, isNull, lte, or, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../core/db/client.ts';
import { dayEnd, dayStart } from '../../core/time.ts';
import { organisationIdIn, type Scope, scopedOrganisationIds } from '../auth/index.ts';
import { inspectionFigures } from '../inspections/index.ts';
import { taskFigures } from '../oversight/index.ts';
import { type SocSummary, socSummary } from '../soc/index.ts';
import { informationSystems, listTargets, systemStatuses } from '../systems/index.ts';
import { vulnerabilitySummary } from '../vulnerabilities/index.ts';
import type { ReportPeriod } from './periods.ts';

/**
 * The figures of each periodic report, taken from the modules that own them (their own summaries, never counted
 * again here), each for the report's period and as of its last day. `organisationId` null = the caller's whole
 * scope (province-wide for the Department), as the modules' summaries count without an organisation.
 */
export type FigureQuery = { period: ReportPeriod; organisationId: string | null };

const periodOf = (q: FigureQuery) => ({
  from: q.period.from,
  to: q.period.to,
  asOf: q.period.asOf,
  ...(q.organisationId ? { organisationId: q.organisationId } : {}),
});

/** What the SOC counted in the period (the same as GET /api/soc/summary). */
const socFigures = (s: SocSummary) => ({
  scanningIps: s.scanningIps,
  internalScanningIps: s.internalScanningIps,
  maliciousContactIps: s.maliciousContactIps,
  byTriage: s.byTriage,
  byOrganisation: s.byOrganisation.filter((o) => o.scanningIps + o.maliciousContactIps > 0).slice(0, 10),
});

async function vulnerabilityFigures(db: Db, scope: Scope, q: FigureQuery) {
  const v = await vulnerabilitySummary(db, scope, periodOf(q));
  return {
    vulnerableComputers: v.vulnerableComputers,
    withCritical: v.withCritical,
    withHigh: v.withHigh,
    scannedComputers: v.scannedComputers,
    vulnerableWebsites: v.vulnerableWebsites,
    websitesWithCritical: v.websitesWithCritical,
    scannedWebsites: v.scannedWebsites,
  };
}

/** Level dossiers and security plans against the programme's targets, as of the period's end. */
async function targetFigures(db: Db, scope: Scope, q: FigureQuery) {
  const targets = await listTargets(db, scope, {
    asOf: q.period.asOf,
    ...(q.organisationId ? { organisationId: q.organisationId } : {}),
  });
  return targets.map((t) => ({
    id: t.id,
    title: t.title,
    kind: t.kind,
    deadline: t.deadline,
    total: t.total,
    met: t.met,
    late: t.late,
    notMet: t.notMet,
    percent: t.percent,
  }));
}

/** Every task of the province's orders the product tracks (oversight module), as of the period's end. */
async function orderTaskFigures(db: Db, scope: Scope, q: FigureQuery) {
  const tasks = await taskFigures(db, scope, { asOf: q.period.asOf, organisationId: q.organisationId });
  return tasks.map((t) => ({
    id: t.id,
    number: t.number,
    title: t.title,
    order: t.order,
    indicator: t.indicator,
    unit: t.unit,
    target: t.target,
    comparison: t.comparison,
    value: t.value,
    detail: t.detail,
    deadline: t.deadline,
    state: t.state,
  }));
}

export async function sixMonthFigures(db: Db, scope: Scope, q: FigureQuery) {
  return {
    period: q.period,
    soc: socFigures(await socSummary(db, scope, periodOf(q))),
    vulnerabilities: await vulnerabilityFigures(db, scope, q),
    targets: await targetFigures(db, scope, q),
    tasks: await orderTaskFigures(db, scope, q),
  };
}
export type SixMonthFigures = Awaited<ReturnType<typeof sixMonthFigures>>;

const LEVELS = [1, 2, 3, 4, 5] as const;

/** The systems in service on `asOf` within the query's organisations, with their state that day. */
async function systemsOn(db: Db, scope: Scope, q: FigureQuery) {
  const ids = await scopedOrganisationIds(db, scope, q.organisationId ?? undefined, q.period.asOf);
  const rows = await db
    .select({
      id: informationSystems.id,
      name: informationSystems.name,
      organisationId: informationSystems.organisationId,
    })
    .from(informationSystems)
    .where(
      and(
        organisationIdIn(sql`${informationSystems.organisationId}`, ids),
        or(isNull(informationSystems.inServiceFrom), lte(informationSystems.inServiceFrom, q.period.asOf)),
      ),
    )
    .orderBy(asc(informationSystems.name));
  const statuses = await systemStatuses(
    db,
    rows.map((r) => r.id),
    q.period.asOf,
  );
  return rows.map((r) => ({ ...r, status: statuses.get(r.id) }));
}

/** Systems by approved level as of the period's end: how many, how many with the plan fully in place. */
export async function annualFigures(db: Db, scope: Scope, q: FigureQuery) {
  const systems = await systemsOn(db, scope, q);
  const byLevel = LEVELS.map((level) => {
    const at = systems.filter((s) => s.status?.approvedLevel === level);
    return {
      level,
      systems: at.length,
      approvedInPeriod: at.filter((s) => (s.status?.approvedOn ?? '') >= q.period.from).length,
      planFullyImplemented: at.filter((s) => s.status?.plan.fullyImplemented).length,
    };
  });
  const unapproved = systems.filter((s) => s.status?.approvedLevel == null);
  return {
    period: q.period,
    systems: systems.length,
    byLevel,
    notApproved: unapproved.length,
    dossierUnderWay: unapproved.filter((s) => s.status?.dossier && s.status.dossier.state !== 'approved').length,
    soc: socFigures(await socSummary(db, scope, periodOf(q))),
    vulnerabilities: await vulnerabilityFigures(db, scope, q),
    targets: await targetFigures(db, scope, q),
    inspections: await inspectionFigures(db, scope, {
      from: q.period.from,
      to: q.period.asOf,
      organisationId: q.organisationId,
    }),
    tasks: await orderTaskFigures(db, scope, q),
  };
}
export type AnnualFigures = Awaited<ReturnType<typeof annualFigures>>;

/**
 * The SOC's monitoring in the half (TT 31/2017): the level ≥ 3 systems monitored, the data fed (ingests by source
 * and format whose activity falls in the half: the sensors are the SOC's, not an agency's, so an ingest counts when
 * it saw activity concerning the covered organisations), what was found by kind and how it was triaged.
 */
export async function monitoringFigures(db: Db, scope: Scope, q: FigureQuery) {
  const systems = (await systemsOn(db, scope, q))
    .filter((s) => (s.status?.approvedLevel ?? 0) >= 3)
    .map((s) => ({ name: s.name, organisationId: s.organisationId, level: s.status?.approvedLevel ?? 0 }));
  const ids = await scopedOrganisationIds(db, scope, q.organisationId ?? undefined, q.period.asOf);
  const from = dayStart(q.period.from);
  const to = dayEnd(q.period.asOf);
  // The soc module has no face for its ingests; read-only SQL over its tables, under the same scope rule as its
  // summary (a finding concerns the organisations soc_finding_organisations names).
  const sources = await queryRows<{ source: string; format: string | null; ingests: number; events: number }>(
    db,
    sql`select i.source, i.format, count(*)::int as ingests, coalesce(sum(i.events), 0)::int as events
      from soc_ingests i
      where exists (select 1 from soc_sightings s
          left join soc_finding_organisations fo on fo.finding_id = s.finding_id
          where s.ingest_id = i.id and s.last_seen >= ${from} and s.first_seen < ${to}
            and ${organisationIdIn(sql`fo.organisation_id`, ids)})
      group by i.source, i.format order by 1, 2`,
  );
  const soc = await socSummary(db, scope, periodOf(q));
  return { period: q.period, monitoredSystems: systems, sources, soc: socFigures(soc) };
}
export type MonitoringFigures = Awaited<ReturnType<typeof monitoringFigures>>;

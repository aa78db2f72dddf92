import { and, asc, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type ActorRef, auditActor, userRef } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { formatDay, formatNumber } from '../../core/documents/index.ts';
import { AppError } from '../../core/errors.ts';
import { foldedContains } from '../../core/text-search.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import {
  inScope,
  organisationIdIn,
  type Scope,
  scopedOrganisationIds,
  scopeOrganisationIds,
  subtreeIds,
  users,
} from '../auth/index.ts';
import { notifyOrganisation } from '../notifications/index.ts';
import { organisations, requireOrganisation } from '../organisations/index.ts';
import { type RuleBook, ruleBook } from '../rules/index.ts';
import { informationSystems, systemStatuses } from '../systems/index.ts';
import { vulnerabilitySummary } from '../vulnerabilities/index.ts';
import type {
  ZClockState,
  ZInspectionClock,
  ZInspectionDetail,
  ZInspectionFigures,
  ZInspectionPlanDetail,
  ZInspectionPlanPage,
  ZInspectionRow,
} from './inspections.contract.ts';
import {
  type CheckUpdate,
  type FindingAnswer,
  type FindingDecision,
  type FindingInput,
  INSPECTION_TRANSITIONS,
  type InspectionInput,
  type InspectionListQuery,
  type InspectionTransition,
  type InspectionUpdate,
  type PlanInput,
  ZCheckUpdate,
  ZFindingAnswer,
  ZFindingDecision,
  ZFindingInput,
  ZInspectionInput,
  ZInspectionTransition,
  ZInspectionUpdate,
  ZPlanInput,
  type ZPlanQuery,
  ZPlanUpdate,
} from './inspections.input.ts';
import {
  inspectionChecks,
  inspectionFindingEvents,
  inspectionFindings,
  inspectionPlans,
  inspectionSystems,
  inspections,
  type TeamMember,
} from './inspections.schema.ts';

export type InspectionRow = z.output<typeof ZInspectionRow>;
type Detail = z.output<typeof ZInspectionDetail>;
type ClockState = z.output<typeof ZClockState>;
type Clock = z.output<typeof ZInspectionClock>;
type Inspection = typeof inspections.$inferSelect;

const notFound = () => new AppError('NOT_FOUND', 'Inspection not found', undefined, { key: 'inspections.notFound' });
const planNotFound = () =>
  new AppError('NOT_FOUND', 'Inspection plan not found', undefined, { key: 'inspections.planNotFound' });
const refuse = (message: string, key: string, params?: Record<string, string | number>) =>
  new AppError('CONFLICT', message, undefined, { key, params });
const invalid = (message: string, field: string, key: string, params?: Record<string, string | number>) =>
  new AppError('VALIDATION', message, { field }, { key, params });

/**
 * SQL: the inspection concerns the scope — of one of its agencies, made by one of its units, or with a finding one
 * of them must remediate. Another agency's inspection is "not found".
 */
function visible(scope: Scope): SQL {
  const ids = scopeOrganisationIds(scope);
  if (ids === null) return sql`true`;
  return sql`(${organisationIdIn(sql`${inspections.organisationId}`, ids)}
    or ${organisationIdIn(sql`${inspections.inspectorOrganisationId}`, ids)}
    or exists (select 1 from ${inspectionFindings} f where f.inspection_id = ${inspections.id}
               and ${organisationIdIn(sql`f.organisation_id`, ids)}))`;
}

/** A plan is seen by its issuing unit's scope and by those of an agency it inspects. */
function planVisible(scope: Scope): SQL {
  const ids = scopeOrganisationIds(scope);
  if (ids === null) return sql`true`;
  return sql`(${organisationIdIn(sql`${inspectionPlans.organisationId}`, ids)}
    or exists (select 1 from ${inspections} where ${inspections.planId} = ${inspectionPlans.id} and ${visible(scope)}))`;
}

/** A finding's state at the end of `day`: its last answer, acceptance or return by then ("open" before any). */
const findingStateOn = (day: string) => sql<string>`coalesce((select case e.kind when 'answer' then 'answered'
    when 'accept' then 'closed' else 'open' end from ${inspectionFindingEvents} e
    where e.finding_id = ${inspectionFindings.id} and e.on_day <= ${day}::date order by e.at desc limit 1), 'open')`;

// ————— clocks —————

function clockRule(book: RuleBook, clock: 'notice' | 'conclusion', day: string) {
  return book.on('inspection_clock', day).find((r) => r.data.clock === clock) ?? null;
}

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

function clockState(dueOn: string | null, doneOn: string | null, today: string): ClockState {
  if (!dueOn) return 'none';
  if (doneOn) return doneOn <= dueOn ? 'met' : 'late';
  return today > dueOn ? 'overdue' : 'pending';
}

/**
 * The notice is due `days` before the planned start (rule of the start day); an ad hoc inspection started without
 * one has no notice clock. The conclusion is due `days` after the last day of field work (rule of that day; the
 * planned end until the work ends).
 */
function clocksOf(book: RuleBook, i: Inspection, today: string): Clock[] {
  const notice = clockRule(book, 'notice', i.plannedStart);
  const unannounced = i.kind === 'ad_hoc' && !i.noticeOn && i.startedOn !== null;
  const noticeDue = notice && !unannounced ? addDays(i.plannedStart, -notice.data.days) : null;
  const end = i.endedOn ?? i.plannedEnd;
  const conclusion = clockRule(book, 'conclusion', end);
  const conclusionDue = conclusion ? addDays(end, conclusion.data.days) : null;
  return [
    {
      clock: 'notice',
      dueOn: noticeDue,
      doneOn: i.noticeOn,
      state: clockState(noticeDue, i.noticeOn, today),
      days: notice?.data.days ?? null,
      legalBasis: notice?.legalBasis ?? null,
      confirmed: notice?.confirmed ?? true,
    },
    {
      clock: 'conclusion',
      dueOn: conclusionDue,
      doneOn: i.concludedOn,
      state: clockState(conclusionDue, i.concludedOn, today),
      days: conclusion?.data.days ?? null,
      legalBasis: conclusion?.legalBasis ?? null,
      confirmed: conclusion?.confirmed ?? true,
    },
  ];
}

// ————— lists —————

const inspector = sql<string>`(select o.name from ${organisations} o where o.id = ${inspections.inspectorOrganisationId})`;
/**
 * SQL on a finding `f` of the current inspection row: the scope sees it — every finding of an inspection of (or by)
 * one of its units, else only those one of its units must remediate.
 */
function findingVisible(scope: Scope): SQL {
  const ids = scopeOrganisationIds(scope);
  if (ids === null) return sql`true`;
  return sql`(${organisationIdIn(sql`f.organisation_id`, ids)}
    or ${organisationIdIn(sql`${inspections.organisationId}`, ids)}
    or ${organisationIdIn(sql`${inspections.inspectorOrganisationId}`, ids)})`;
}

const rowCounts = (scope: Scope, today: string) => ({
  planTitle: sql<string | null>`(select p.title from ${inspectionPlans} p where p.id = ${inspections.planId})`,
  inspectorName: inspector,
  systems: sql<number>`(select count(*)::int from ${inspectionSystems} s where s.inspection_id = ${inspections.id})`,
  findings: sql<number>`(select count(*)::int from ${inspectionFindings} f where f.inspection_id = ${inspections.id}
    and ${findingVisible(scope)})`,
  findingsOpen: sql<number>`(select count(*)::int from ${inspectionFindings} f
    where f.inspection_id = ${inspections.id} and f.state <> 'closed' and ${findingVisible(scope)})`,
  findingsOverdue: sql<number>`(select count(*)::int from ${inspectionFindings} f
    where f.inspection_id = ${inspections.id} and f.state <> 'closed' and f.due_on < ${today}::date
    and ${findingVisible(scope)})`,
});

type RowExtras = {
  organisationName: string;
  planTitle: string | null;
  inspectorName: string;
  systems: number;
  findings: number;
  findingsOpen: number;
  findingsOverdue: number;
};

function rowOf(book: RuleBook, i: Inspection, x: RowExtras, today: string): InspectionRow {
  const [notice, conclusion] = clocksOf(book, i, today);
  return {
    id: i.id,
    title: i.title,
    kind: i.kind,
    state: i.state,
    planId: i.planId,
    planTitle: x.planTitle,
    organisationId: i.organisationId,
    organisationName: x.organisationName,
    inspectorOrganisationId: i.inspectorOrganisationId,
    inspectorName: x.inspectorName ?? '',
    plannedStart: i.plannedStart,
    plannedEnd: i.plannedEnd,
    noticeOn: i.noticeOn,
    startedOn: i.startedOn,
    endedOn: i.endedOn,
    concludedOn: i.concludedOn,
    closedOn: i.closedOn,
    systems: x.systems,
    findings: x.findings,
    findingsOpen: x.findingsOpen,
    findingsOverdue: x.findingsOverdue,
    noticeClock: notice?.state ?? 'none',
    conclusionClock: conclusion?.state ?? 'none',
  };
}

async function rows(db: Db, scope: Scope, where: SQL | undefined, today: string, limit?: number, offset?: number) {
  let q = db
    .select({ i: inspections, organisationName: organisations.name, ...rowCounts(scope, today) })
    .from(inspections)
    .innerJoin(organisations, eq(organisations.id, inspections.organisationId))
    .where(where)
    .orderBy(desc(inspections.plannedStart), asc(inspections.title), asc(inspections.id))
    .$dynamic();
  if (limit !== undefined) q = q.limit(limit);
  if (offset) q = q.offset(offset);
  const found = await q;
  const book = await ruleBook(db);
  return found.map(({ i, ...x }) => rowOf(book, i, x, today));
}

/** Inspections that concern the scope, filtered; newest planned start first. */
export async function listInspections(
  db: Db,
  scope: Scope,
  q: InspectionListQuery,
  today = provinceDay(),
): Promise<{ items: InspectionRow[]; total: number }> {
  const agencies = q.organisationId ? await subtreeIds(db, q.organisationId, today) : null;
  const where = and(
    visible(scope),
    q.state ? eq(inspections.state, q.state) : undefined,
    q.kind ? eq(inspections.kind, q.kind) : undefined,
    q.planId ? eq(inspections.planId, q.planId) : undefined,
    q.year ? sql`extract(year from ${inspections.plannedStart}) = ${q.year}` : undefined,
    agencies ? organisationIdIn(sql`${inspections.organisationId}`, agencies) : undefined,
    q.overdue === undefined
      ? undefined
      : sql`${q.overdue ? sql`` : sql`not`} exists (select 1 from ${inspectionFindings} f
          where f.inspection_id = ${inspections.id} and f.state <> 'closed' and f.due_on < ${today}::date
          and ${findingVisible(scope)})`,
    q.q
      ? or(foldedContains(sql`${inspections.title}`, q.q), foldedContains(sql`${organisations.name}`, q.q))
      : undefined,
  );
  const [items, [total]] = await Promise.all([
    rows(db, scope, where, today, q.limit ?? 50, q.offset ?? 0),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(inspections)
      .innerJoin(organisations, eq(organisations.id, inspections.organisationId))
      .where(where),
  ]);
  return { items, total: total?.n ?? 0 };
}

/**
 * Figures of the inspections planned to start in [from, to] for agencies of the subtree (tree of `to`), as of `to`:
 * done = field work ended by then, concluded = conclusion signed by then; their findings recorded by then, closed
 * (accepted) by then, open, and open past their deadline.
 */
export async function inspectionFigures(
  db: Db,
  scope: Scope,
  o: { from: string; to: string; organisationId?: string | null },
): Promise<z.output<typeof ZInspectionFigures>> {
  const ids = await scopedOrganisationIds(db, scope, o.organisationId ?? undefined, o.to);
  const inPeriod = sql`${inspections.plannedStart} between ${o.from}::date and ${o.to}::date
    and ${organisationIdIn(sql`${inspections.organisationId}`, ids)}`;
  const [i] = await queryRows<{ planned: number; done: number; concluded: number }>(
    db,
    sql`select count(*)::int as planned,
        count(*) filter (where ${inspections.endedOn} <= ${o.to}::date)::int as done,
        count(*) filter (where ${inspections.concludedOn} <= ${o.to}::date)::int as concluded
      from ${inspections} where ${inPeriod}`,
  );
  const [f] = await queryRows<{ findings: number; closed: number; overdue: number }>(
    db,
    sql`select count(*)::int as findings,
        count(*) filter (where st = 'closed')::int as closed,
        count(*) filter (where st <> 'closed' and due_on < ${o.to}::date)::int as overdue
      from (select ${inspectionFindings.dueOn} as due_on, ${findingStateOn(o.to)} as st
        from ${inspectionFindings} join ${inspections} on ${inspections.id} = ${inspectionFindings.inspectionId}
        where ${inPeriod} and ${inspectionFindings.foundOn} <= ${o.to}::date) x`,
  );
  const findings = f?.findings ?? 0;
  const closed = f?.closed ?? 0;
  return {
    planned: i?.planned ?? 0,
    done: i?.done ?? 0,
    concluded: i?.concluded ?? 0,
    findings,
    findingsOpen: findings - closed,
    findingsClosed: closed,
    findingsOverdue: f?.overdue ?? 0,
  };
}

// ————— plans —————

const checkOrganisation = (db: Db, id: string, field: string) =>
  requireOrganisation(db, id, field, 'inspections.organisationUnknown');

async function checkTeam(db: Db, team: TeamMember[] | undefined) {
  const ids = [...new Set((team ?? []).map((m) => m.userId).filter((v): v is string => !!v))];
  if (!ids.length) return;
  const found = await db.select({ id: users.id }).from(users).where(inArray(users.id, ids));
  if (found.length !== ids.length) throw invalid('Unknown user in the team', 'team', 'inspections.userUnknown');
}

/** A plan's inspections that the scope sees (another agency's are not counted either). */
const planCounts = (scope: Scope) => ({
  inspections: sql<number>`(select count(*)::int from ${inspections} where ${inspections.planId} = ${inspectionPlans.id}
    and ${visible(scope)})`,
  concluded: sql<number>`(select count(*)::int from ${inspections} where ${inspections.planId} = ${inspectionPlans.id}
    and ${inspections.state} in ('concluded', 'closed') and ${visible(scope)})`,
});

const planSummaryOf = (
  p: typeof inspectionPlans.$inferSelect,
  x: { organisationName: string; inspections: number; concluded: number },
) => ({
  id: p.id,
  year: p.year,
  organisationId: p.organisationId,
  organisationName: x.organisationName,
  title: p.title,
  decisionRef: p.decisionRef,
  decisionDate: p.decisionDate,
  inspections: x.inspections,
  concluded: x.concluded,
});

export async function listPlans(
  db: Db,
  scope: Scope,
  q: z.output<typeof ZPlanQuery>,
): Promise<z.output<typeof ZInspectionPlanPage>> {
  const where = and(planVisible(scope), q.year ? eq(inspectionPlans.year, q.year) : undefined);
  const [found, [total]] = await Promise.all([
    db
      .select({ p: inspectionPlans, organisationName: organisations.name, ...planCounts(scope) })
      .from(inspectionPlans)
      .innerJoin(organisations, eq(organisations.id, inspectionPlans.organisationId))
      .where(where)
      .orderBy(desc(inspectionPlans.year), asc(inspectionPlans.title))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(inspectionPlans).where(where),
  ]);
  return { items: found.map(({ p, ...x }) => planSummaryOf(p, x)), total: total?.n ?? 0 };
}

export async function getPlan(
  db: Db,
  scope: Scope,
  id: string,
  today = provinceDay(),
): Promise<z.output<typeof ZInspectionPlanDetail>> {
  const [found] = await db
    .select({ p: inspectionPlans, organisationName: organisations.name, ...planCounts(scope) })
    .from(inspectionPlans)
    .innerJoin(organisations, eq(organisations.id, inspectionPlans.organisationId))
    .where(and(eq(inspectionPlans.id, id), planVisible(scope)));
  if (!found) throw planNotFound();
  const { p, ...x } = found;
  return {
    ...planSummaryOf(p, x),
    team: p.team,
    note: p.note,
    inspectionList: (await rows(db, scope, and(eq(inspections.planId, id), visible(scope)), today)).sort(
      (a, b) => a.plannedStart.localeCompare(b.plannedStart) || a.title.localeCompare(b.title, 'vi'),
    ),
  };
}

export async function createPlan(db: Db, actor: ActorRef, scope: Scope, raw: PlanInput) {
  const input = ZPlanInput.parse(raw);
  await checkOrganisation(db, input.organisationId, 'organisationId');
  await checkTeam(db, input.team);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(inspectionPlans)
      .values({ ...input, createdBy: userRef(actor) })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'Insert returned nothing');
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.plan.create',
      entityType: 'inspection_plan',
      entityId: row.id,
      organisationId: row.organisationId,
      after: row,
    });
    return row.id;
  });
  return getPlan(db, scope, id);
}

export async function updatePlan(db: Db, actor: ActorRef, scope: Scope, id: string, raw: z.input<typeof ZPlanUpdate>) {
  const input = ZPlanUpdate.parse(raw);
  if (input.organisationId) await checkOrganisation(db, input.organisationId, 'organisationId');
  await checkTeam(db, input.team);
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(inspectionPlans)
      .where(and(eq(inspectionPlans.id, id), planVisible(scope)));
    if (!before) throw planNotFound();
    if (input.year !== undefined && input.year !== before.year) {
      const [other] = await tx
        .select({ id: inspections.id })
        .from(inspections)
        .where(and(eq(inspections.planId, id), sql`extract(year from ${inspections.plannedStart}) <> ${input.year}`))
        .limit(1);
      if (other) throw invalid('The plan has inspections in its year', 'year', 'inspections.planHasInspections');
    }
    const [after] = await tx
      .update(inspectionPlans)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(inspectionPlans.id, id))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.plan.update',
      entityType: 'inspection_plan',
      entityId: id,
      organisationId: before.organisationId,
      before,
      after,
    });
  });
  return getPlan(db, scope, id);
}

// ————— inspections —————

/**
 * The inspection if the scope sees it. `lock` (inside a change's transaction) holds its row until the commit, so two
 * changes at once see each other: the second reads the state the first left.
 */
async function getRow(db: Db, scope: Scope, id: string, lock = false): Promise<Inspection> {
  const q = db
    .select()
    .from(inspections)
    .where(and(eq(inspections.id, id), visible(scope)))
    .$dynamic();
  const [row] = await (lock ? q.for('update', { of: inspections }) : q);
  if (!row) throw notFound();
  return row;
}

/** An inspection's systems by name, each with its approved level on `day` (null: none approved). */
export async function inspectedSystems(db: Db, book: RuleBook, inspectionId: string, day: string) {
  const systems = await db
    .select({ id: informationSystems.id, name: informationSystems.name })
    .from(inspectionSystems)
    .innerJoin(informationSystems, eq(informationSystems.id, inspectionSystems.systemId))
    .where(eq(inspectionSystems.inspectionId, inspectionId))
    .orderBy(asc(informationSystems.name));
  const statuses = await systemStatuses(
    db,
    systems.map((s) => s.id),
    day,
    book,
  );
  return systems.map((s) => ({ ...s, level: statuses.get(s.id)?.approvedLevel ?? null }));
}

/** The checklist in its order, each item with its system's name. */
export const checklistOf = (db: Db, inspectionId: string) =>
  db
    .select({ c: inspectionChecks, systemName: informationSystems.name })
    .from(inspectionChecks)
    .leftJoin(informationSystems, eq(informationSystems.id, inspectionChecks.systemId))
    .where(eq(inspectionChecks.inspectionId, inspectionId))
    .orderBy(asc(inspectionChecks.position));

/** Findings, most severe first. */
export const SEVERITY_FIRST = sql`array_position(array['critical','high','medium','low'], ${inspectionFindings.severity}::text)`;

/** An inspection with its clocks, systems (level on the start day, else today), checklist and findings. */
export async function getInspection(db: Db, scope: Scope, id: string, today = provinceDay()): Promise<Detail> {
  const i = await getRow(db, scope, id);
  const [row] = await rows(db, scope, eq(inspections.id, id), today);
  if (!row) throw notFound();
  const book = await ruleBook(db);
  const [systems, checks] = await Promise.all([
    inspectedSystems(db, book, id, i.startedOn ?? today),
    checklistOf(db, id),
  ]);
  const findings = await db
    .select({ f: inspectionFindings, organisationName: organisations.name, systemName: informationSystems.name })
    .from(inspectionFindings)
    .innerJoin(organisations, eq(organisations.id, inspectionFindings.organisationId))
    .leftJoin(informationSystems, eq(informationSystems.id, inspectionFindings.systemId))
    .where(
      and(
        eq(inspectionFindings.inspectionId, id),
        // A unit that sees the inspection only through a finding it must remediate sees its own findings only.
        inScope(scope, i.organisationId) || inScope(scope, i.inspectorOrganisationId)
          ? undefined
          : organisationIdIn(sql`${inspectionFindings.organisationId}`, scopeOrganisationIds(scope)),
      ),
    )
    .orderBy(SEVERITY_FIRST, asc(inspectionFindings.createdAt));
  const events = findings.length
    ? await db
        .select()
        .from(inspectionFindingEvents)
        .where(
          inArray(
            inspectionFindingEvents.findingId,
            findings.map((f) => f.f.id),
          ),
        )
        .orderBy(asc(inspectionFindingEvents.at))
    : [];
  return {
    ...row,
    team: i.team,
    summary: i.summary,
    systemList: systems,
    clocks: clocksOf(book, i, today),
    checklist: checks.map(({ c, systemName }) => ({
      id: c.id,
      systemId: c.systemId,
      systemName,
      level: c.level,
      content: c.content as Detail['checklist'][number]['content'],
      itemCode: c.itemCode,
      textVi: c.textVi,
      textEn: c.textEn,
      legalBasis: c.legalBasis,
      evidence: c.evidence,
      result: c.result,
      note: c.note,
      updatedAt: c.updatedAt,
    })),
    checklistAnswered: checks.filter((c) => c.c.result !== null).length,
    findingList: findings.map(({ f, organisationName, systemName }) => ({
      id: f.id,
      severity: f.severity,
      organisationId: f.organisationId,
      organisationName,
      systemId: f.systemId,
      systemName,
      title: f.title,
      description: f.description,
      dueOn: f.dueOn,
      foundOn: f.foundOn,
      state: f.state,
      overdue: f.state !== 'closed' && f.dueOn < today,
      ownFinding: !scope.all && inScope(scope, f.organisationId),
      events: events
        .filter((e) => e.findingId === f.id)
        .map((e) => ({
          kind: e.kind,
          text: e.text,
          evidence: e.evidence,
          on: e.onDay,
          at: e.at,
          userName: e.userName,
        })),
    })),
    transitions: [...INSPECTION_TRANSITIONS[i.state]].filter(
      (to) => !(i.state === 'planned' && to === 'in_progress' && i.kind !== 'ad_hoc'),
    ),
  };
}

async function checkSystems(db: Db, ids: string[], agencyId: string, day: string) {
  if (!ids.length) return;
  const agencies = await subtreeIds(db, agencyId, day);
  const found = await db
    .select({ id: informationSystems.id })
    .from(informationSystems)
    .where(
      and(inArray(informationSystems.id, ids), organisationIdIn(sql`${informationSystems.organisationId}`, agencies)),
    );
  if (found.length !== ids.length)
    throw invalid('A system is unknown or not the inspected agency’s', 'systemIds', 'inspections.systemUnknown');
}

async function setSystems(db: Db, inspectionId: string, ids: string[]) {
  await db.delete(inspectionSystems).where(eq(inspectionSystems.inspectionId, inspectionId));
  if (ids.length) await db.insert(inspectionSystems).values(ids.map((systemId) => ({ inspectionId, systemId })));
}

export async function createInspection(db: Db, actor: ActorRef, scope: Scope, raw: InspectionInput): Promise<Detail> {
  const { systemIds, team, ...input } = ZInspectionInput.parse(raw);
  await checkOrganisation(db, input.organisationId, 'organisationId');
  let plan: typeof inspectionPlans.$inferSelect | undefined;
  if (input.planId) {
    [plan] = await db.select().from(inspectionPlans).where(eq(inspectionPlans.id, input.planId));
    if (!plan) throw invalid('Unknown plan', 'planId', 'inspections.planUnknown');
    if (input.plannedStart.slice(0, 4) !== String(plan.year))
      throw invalid('The inspection starts outside the plan’s year', 'plannedStart', 'inspections.outsidePlanYear', {
        year: plan.year,
      });
  }
  const inspectorOrganisationId = input.inspectorOrganisationId ?? plan?.organisationId;
  if (!inspectorOrganisationId)
    throw invalid('The inspecting unit is required', 'inspectorOrganisationId', 'inspections.inspectorRequired');
  await checkOrganisation(db, inspectorOrganisationId, 'inspectorOrganisationId');
  await checkSystems(db, systemIds, input.organisationId, input.plannedStart);
  await checkTeam(db, team);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(inspections)
      .values({
        ...input,
        inspectorOrganisationId,
        team: team ?? plan?.team ?? [],
        createdBy: userRef(actor),
      })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'Insert returned nothing');
    await setSystems(tx, row.id, systemIds);
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.create',
      entityType: 'inspection',
      entityId: row.id,
      organisationId: row.organisationId,
      after: { ...row, systemIds },
    });
    return row.id;
  });
  return getInspection(db, scope, id);
}

/** The plan of an inspection changes until field work starts. */
export async function updateInspection(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: InspectionUpdate,
): Promise<Detail> {
  const { systemIds, ...input } = ZInspectionUpdate.parse(raw);
  await db.transaction(async (tx) => {
    const before = await getRow(tx, scope, id, true);
    if (before.state !== 'planned' && before.state !== 'notified')
      throw refuse('Field work has started: the plan no longer changes', 'inspections.locked', {
        state: before.state,
      });
    const start = input.plannedStart ?? before.plannedStart;
    if ((input.plannedEnd ?? before.plannedEnd) < start)
      throw invalid('The inspection ends before it starts', 'plannedEnd', 'inspections.periodReversed');
    if (input.organisationId) await checkOrganisation(tx, input.organisationId, 'organisationId');
    // Another agency, or another start day: the systems (kept or new) must still be that agency's.
    const kept = (
      await tx
        .select({ id: inspectionSystems.systemId })
        .from(inspectionSystems)
        .where(eq(inspectionSystems.inspectionId, id))
    ).map((r) => r.id);
    await checkSystems(tx, systemIds ?? kept, input.organisationId ?? before.organisationId, start);
    if (before.planId && input.plannedStart) {
      const [plan] = await tx.select().from(inspectionPlans).where(eq(inspectionPlans.id, before.planId));
      if (plan && input.plannedStart.slice(0, 4) !== String(plan.year))
        throw invalid('The inspection starts outside the plan’s year', 'plannedStart', 'inspections.outsidePlanYear', {
          year: plan.year,
        });
    }
    await checkTeam(tx, input.team);
    const [after] = await tx
      .update(inspections)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(inspections.id, id))
      .returning();
    if (systemIds) await setSystems(tx, id, systemIds);
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.update',
      entityType: 'inspection',
      entityId: id,
      organisationId: before.organisationId,
      before,
      after: { ...after, ...(systemIds ? { systemIds } : {}) },
    });
  });
  return getInspection(db, scope, id);
}

/**
 * The checklist of the start day: per system, the legal-compliance items and the security-plan items
 * (`checklist_item`) of its approved level that day; once for the inspection, the scan and other items — the scan
 * item filled with the agency's open vulnerabilities as Khiên's imports showed them that day.
 */
async function generateChecklist(db: Db, i: Inspection, day: string) {
  const book = await ruleBook(db);
  const systems = await inspectedSystems(db, book, i.id, day);
  const items = book.on('inspection_item', day);
  const plan = book.on('checklist_item', day);
  type New = typeof inspectionChecks.$inferInsert;
  const out: New[] = [];
  const push = (c: Omit<New, 'inspectionId' | 'position'>) =>
    out.push({ ...c, inspectionId: i.id, position: out.length + 1 });
  const legal = items.filter((r) => r.data.content === 'legal');
  const units = systems.length ? systems.map((s) => ({ id: s.id, level: s.level })) : [{ id: null, level: null }];
  for (const u of units) {
    // A system with no approved level is checked against the items every level has.
    const level = u.level ?? 1;
    for (const r of legal.filter((r) => r.data.minLevel <= level))
      push({
        systemId: u.id,
        level: u.level,
        content: 'legal',
        itemCode: r.data.code,
        textVi: r.vi,
        textEn: r.en,
        legalBasis: r.legalBasis,
      });
    if (u.id && u.level !== null)
      for (const r of plan.filter((r) => r.data.minLevel <= (u.level ?? 0)))
        push({
          systemId: u.id,
          level: u.level,
          content: 'effectiveness',
          itemCode: r.data.code,
          textVi: r.vi,
          textEn: r.en,
          legalBasis: r.legalBasis,
        });
  }
  for (const content of ['scan', 'other'] as const)
    for (const r of items.filter((r) => r.data.content === content))
      push({
        systemId: null,
        level: null,
        content,
        itemCode: r.data.code,
        textVi: r.vi,
        textEn: r.en,
        legalBasis: r.legalBasis,
        evidence: r.data.evidence === 'vulnerability_scan' ? await scanEvidence(db, i.organisationId, day) : null,
      });
  if (out.length) await db.insert(inspectionChecks).values(out);
}

/** The agency's computers and websites with a vulnerability open on `day`, as Khiên's scan imports say. */
async function scanEvidence(db: Db, organisationId: string, day: string): Promise<string> {
  const s = await vulnerabilitySummary(db, { all: true }, { from: day, to: day, organisationId });
  const n = (v: number) => formatNumber(v);
  const last = [s.lastScannedAt, s.lastWebScannedAt].filter((d): d is Date => d !== null).sort((a, b) => +b - +a)[0];
  const top = s.topVulnerabilities
    .slice(0, 3)
    .map((t) => `${t.name} (${n(t.computers)} máy)`)
    .join('; ');
  return [
    `Theo dữ liệu rà quét của Khiên ngày ${formatDay(day)}: ${n(s.vulnerableComputers)} máy tính có lỗ hổng (${n(s.withCritical)} có lỗ hổng nghiêm trọng), ${n(s.vulnerableWebsites)} trang web có lỗ hổng (${n(s.websitesWithCritical)} nghiêm trọng).`,
    last ? `Lần rà quét gần nhất: ${formatDay(provinceDay(last))}.` : 'Chưa có lần rà quét nào.',
    top ? `Lỗ hổng phổ biến: ${top}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const dmy = formatDay;

export async function transitionInspection(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: InspectionTransition,
  today = provinceDay(),
): Promise<Detail> {
  const t = ZInspectionTransition.parse(raw);
  const on = t.on ?? today;
  if (on > today) throw invalid('The day is in the future', 'on', 'inspections.futureDay');
  await db.transaction(async (tx) => {
    const before = await getRow(tx, scope, id, true);
    if (!INSPECTION_TRANSITIONS[before.state].includes(t.to))
      throw refuse(`A ${before.state} inspection cannot become ${t.to}`, 'inspections.transitionRefused', {
        from: before.state,
        to: t.to,
      });
    const set: Partial<typeof inspections.$inferInsert> = { state: t.to, updatedAt: new Date() };
    const notBefore = (earliest: string | null) => {
      if (earliest && on < earliest)
        throw invalid(`The day is before ${earliest}`, 'on', 'inspections.dayBefore', { day: dmy(earliest) });
    };
    if (t.to === 'notified') set.noticeOn = on;
    if (t.to === 'in_progress') {
      if (before.state === 'planned' && before.kind !== 'ad_hoc')
        throw refuse('A periodic inspection is notified before it starts', 'inspections.noticeFirst');
      notBefore(before.noticeOn);
      set.startedOn = on;
    }
    if (t.to === 'concluded') {
      const endedOn = t.endedOn ?? on;
      if (before.startedOn && endedOn < before.startedOn)
        throw invalid('Field work ends before it started', 'endedOn', 'inspections.dayBefore', {
          day: dmy(before.startedOn),
        });
      notBefore(endedOn);
      const [open] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(inspectionChecks)
        .where(and(eq(inspectionChecks.inspectionId, id), sql`${inspectionChecks.result} is null`));
      if (open?.n)
        throw refuse(`${open.n} checklist items have no result`, 'inspections.checklistIncomplete', { count: open.n });
      Object.assign(set, { endedOn, concludedOn: on, summary: t.summary ?? before.summary });
    }
    if (t.to === 'closed') {
      notBefore(before.concludedOn);
      const [open] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(inspectionFindings)
        .where(and(eq(inspectionFindings.inspectionId, id), sql`${inspectionFindings.state} <> 'closed'`));
      if (open?.n) throw refuse(`${open.n} findings are not closed`, 'inspections.findingsOpen', { count: open.n });
      set.closedOn = on;
    }
    const [row] = await tx.update(inspections).set(set).where(eq(inspections.id, id)).returning();
    if (!row) throw notFound();
    if (t.to === 'in_progress') await generateChecklist(tx, row, on);
    // A late notice or conclusion is recorded, not refused: the audit entry keeps the clock as it stood.
    const clocks = clocksOf(await ruleBook(tx), row, today);
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.transition',
      entityType: 'inspection',
      entityId: id,
      organisationId: before.organisationId,
      before: { state: before.state },
      after: { state: t.to, on, ...(t.to === 'concluded' ? { endedOn: row.endedOn } : {}), clocks },
    });
    if (t.to === 'notified')
      await notifyOrganisation(tx, row.organisationId, {
        kind: 'inspection.notice',
        title: `Thông báo kiểm tra an toàn thông tin: ${row.title}`,
        body: `Thời gian kiểm tra dự kiến: ${dmy(row.plannedStart)} – ${dmy(row.plannedEnd)}`,
        link: `/inspections/view?id=${id}`,
        dedupeKey: `inspection-notice:${id}`,
      });
    if (t.to === 'concluded')
      await notifyOrganisation(tx, row.organisationId, {
        kind: 'inspection.concluded',
        title: `Kết luận kiểm tra an toàn thông tin: ${row.title}`,
        body: `Kết luận ngày ${dmy(on)}; đề nghị khắc phục các tồn tại theo thời hạn.`,
        link: `/inspections/view?id=${id}`,
        dedupeKey: `inspection-concluded:${id}`,
      });
  });
  return getInspection(db, scope, id, today);
}

/** Results and notes of checklist items, during field work; one audit entry for the lot. */
export async function recordChecks(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  items: ({ checkId: string } & CheckUpdate)[],
): Promise<Detail> {
  await db.transaction(async (tx) => {
    const i = await getRow(tx, scope, id, true);
    if (i.state !== 'in_progress')
      throw refuse('The checklist is filled during field work', 'inspections.wrongState', { state: i.state });
    const changes = [];
    for (const { checkId, ...raw } of items) {
      const input = ZCheckUpdate.parse(raw);
      const [before] = await tx
        .select()
        .from(inspectionChecks)
        .where(and(eq(inspectionChecks.id, checkId), eq(inspectionChecks.inspectionId, id)));
      if (!before) throw notFound();
      const [after] = await tx
        .update(inspectionChecks)
        .set({ ...input, updatedBy: userRef(actor), updatedAt: new Date() })
        .where(eq(inspectionChecks.id, checkId))
        .returning();
      changes.push({
        id: checkId,
        before: { result: before.result, note: before.note },
        after: { result: after?.result ?? null, note: after?.note ?? null },
      });
    }
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.check.update',
      entityType: 'inspection',
      entityId: id,
      organisationId: i.organisationId,
      after: { checks: changes },
    });
  });
  return getInspection(db, scope, id);
}

/** A result and note for a checklist item, while field work goes on. */
export const updateCheck = (db: Db, actor: ActorRef, scope: Scope, id: string, checkId: string, raw: CheckUpdate) =>
  recordChecks(db, actor, scope, id, [{ checkId, ...raw }]);

/** Records a finding (during field work or after the conclusion); the organisation that must remediate is told. */
export async function addFinding(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: FindingInput,
  today = provinceDay(),
): Promise<Detail> {
  const input = ZFindingInput.parse(raw);
  await db.transaction(async (tx) => {
    const i = await getRow(tx, scope, id, true);
    if (i.state !== 'in_progress' && i.state !== 'concluded')
      throw refuse('Findings are recorded during field work or in the conclusion', 'inspections.wrongState', {
        state: i.state,
      });
    if (!(await subtreeIds(tx, i.organisationId, today)).includes(input.organisationId))
      throw invalid(
        'The organisation is not the inspected agency or one of its units',
        'organisationId',
        'inspections.findingOrganisation',
      );
    if (input.systemId) {
      const [s] = await tx
        .select()
        .from(inspectionSystems)
        .where(and(eq(inspectionSystems.inspectionId, id), eq(inspectionSystems.systemId, input.systemId)));
      if (!s) throw invalid('The system is not one the inspection covers', 'systemId', 'inspections.systemUnknown');
    }
    const foundOn = input.foundOn ?? today;
    if (foundOn > today) throw invalid('The day is in the future', 'foundOn', 'inspections.futureDay');
    if (input.dueOn < foundOn)
      throw invalid('The deadline is before the day it was found', 'dueOn', 'inspections.dayBefore', {
        day: dmy(foundOn),
      });
    if (i.startedOn && foundOn < i.startedOn)
      throw invalid('Found before field work started', 'foundOn', 'inspections.dayBefore', { day: dmy(i.startedOn) });
    const [row] = await tx
      .insert(inspectionFindings)
      .values({ ...input, inspectionId: id, foundOn, createdBy: userRef(actor) })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'Insert returned nothing');
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.finding.add',
      entityType: 'inspection',
      entityId: id,
      organisationId: input.organisationId,
      after: row,
    });
    await notifyOrganisation(tx, input.organisationId, {
      kind: 'inspection.finding',
      title: `Tồn tại cần khắc phục sau kiểm tra: ${input.title}`,
      body: `${i.title} — hạn khắc phục ${dmy(input.dueOn)}`,
      link: `/inspections/view?id=${id}`,
      dedupeKey: `inspection-finding:${row.id}`,
    });
  });
  return getInspection(db, scope, id, today);
}

async function findingFor(db: Db, scope: Scope, id: string, findingId: string, own: boolean) {
  const i = await getRow(db, scope, id, true);
  const [f] = await db
    .select()
    .from(inspectionFindings)
    .where(
      and(
        eq(inspectionFindings.id, findingId),
        eq(inspectionFindings.inspectionId, id),
        own ? organisationIdIn(sql`${inspectionFindings.organisationId}`, scopeOrganisationIds(scope)) : undefined,
      ),
    )
    .for('update');
  if (!f) throw notFound();
  if (i.state === 'closed') throw refuse('The inspection is closed', 'inspections.wrongState', { state: i.state });
  return { i, f };
}

/** An answer or decision is dated between the finding's last event (or its day) and today. */
async function eventDay(db: Db, f: typeof inspectionFindings.$inferSelect, on: string | undefined, today: string) {
  const day = on ?? today;
  if (day > today) throw invalid('The day is in the future', 'on', 'inspections.futureDay');
  const [last] = await db
    .select({ on: sql<string>`max(${inspectionFindingEvents.onDay})::text` })
    .from(inspectionFindingEvents)
    .where(eq(inspectionFindingEvents.findingId, f.id));
  const earliest = last?.on && last.on > f.foundOn ? last.on : f.foundOn;
  if (day < earliest)
    throw invalid(`The day is before ${earliest}`, 'on', 'inspections.dayBefore', { day: dmy(earliest) });
  return day;
}

async function actorName(db: Db, actor: ActorRef): Promise<string> {
  const [u] = userRef(actor)
    ? await db.select({ name: users.displayName }).from(users).where(eq(users.id, actor.userId))
    : [];
  return u?.name ?? actor.username;
}

/** The agency answers a finding of its own organisation: what it did, with optional evidence. */
export async function answerFinding(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  findingId: string,
  raw: FindingAnswer,
  today = provinceDay(),
): Promise<Detail> {
  const input = ZFindingAnswer.parse(raw);
  await db.transaction(async (tx) => {
    const { i, f } = await findingFor(tx, scope, id, findingId, true);
    if (f.state === 'closed') throw refuse('The finding is closed', 'inspections.findingClosed');
    const onDay = await eventDay(tx, f, input.on, today);
    await tx.update(inspectionFindings).set({ state: 'answered' }).where(eq(inspectionFindings.id, findingId));
    const [event] = await tx
      .insert(inspectionFindingEvents)
      .values({
        findingId,
        kind: 'answer',
        text: input.text,
        evidence: input.evidence,
        onDay,
        userId: userRef(actor),
        userName: await actorName(tx, actor),
      })
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'inspection.finding.answer',
      entityType: 'inspection',
      entityId: id,
      organisationId: f.organisationId,
      before: { findingId, state: f.state },
      after: { findingId, state: 'answered', event },
    });
    await notifyOrganisation(
      tx,
      i.inspectorOrganisationId,
      {
        kind: 'inspection.answer',
        title: `Đơn vị đã trả lời tồn tại: ${f.title}`,
        body: input.text.slice(0, 300),
        link: `/inspections/view?id=${id}`,
        dedupeKey: `inspection-answer:${event?.id}`,
      },
      ['department'],
    );
  });
  return getInspection(db, scope, id, today);
}

/** The inspector accepts the remediation (closes the finding) or returns it (also reopens a closed one). */
export async function decideFinding(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  findingId: string,
  raw: FindingDecision,
  today = provinceDay(),
): Promise<Detail> {
  const input = ZFindingDecision.parse(raw);
  await db.transaction(async (tx) => {
    const { f } = await findingFor(tx, scope, id, findingId, false);
    if (input.accept ? f.state === 'closed' : f.state === 'open')
      throw refuse(
        `A finding ${f.state} cannot be ${input.accept ? 'accepted' : 'returned'}`,
        'inspections.decisionRefused',
        {
          state: f.state,
        },
      );
    const onDay = await eventDay(tx, f, input.on, today);
    const state = input.accept ? 'closed' : 'open';
    await tx.update(inspectionFindings).set({ state }).where(eq(inspectionFindings.id, findingId));
    const [event] = await tx
      .insert(inspectionFindingEvents)
      .values({
        findingId,
        kind: input.accept ? 'accept' : 'return',
        text: input.note,
        onDay,
        userId: userRef(actor),
        userName: await actorName(tx, actor),
      })
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: input.accept ? 'inspection.finding.accept' : 'inspection.finding.return',
      entityType: 'inspection',
      entityId: id,
      organisationId: f.organisationId,
      before: { findingId, state: f.state },
      after: { findingId, state, event },
    });
    if (!input.accept)
      await notifyOrganisation(tx, f.organisationId, {
        kind: 'inspection.returned',
        title: `Tồn tại chưa được chấp nhận khắc phục: ${f.title}`,
        body: input.note?.slice(0, 300) ?? '',
        link: `/inspections/view?id=${id}`,
        dedupeKey: `inspection-return:${event?.id}`,
      });
  });
  return getInspection(db, scope, id, today);
}

export { findingStateOn, getRow as visibleInspection, type Inspection };

import { asc, eq, inArray, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { auditActor } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/format.ts';
import { AppError } from '../../core/errors.ts';
import { cachedFigure, scopeKey } from '../../core/figure-cache.ts';
import { provinceDay } from '../../core/time.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, type Scope, subtreeIds } from '../auth/index.ts';
import { notifyOrganisation } from '../notifications/index.ts';
import { carriersOf, organisations, requireOrganisation, treeOrder } from '../organisations/index.ts';
import { ruleBook } from '../rules/index.ts';
import { systemLink } from './dossier-notices.ts';
import { overdueInspections } from './plan.service.ts';
import { type TargetInput, ZTargetInput } from './systems.input.ts';
import { informationSystems, programmeTargets } from './systems.schema.ts';
import { type SystemStatus, systemScopeFilter, systemStatuses } from './systems.service.ts';

export { type TargetInput, ZTargetInput };

type Target = typeof programmeTargets.$inferSelect;

const intersect = (a: string[] | null, b: string[]) => (a === null ? b : a.filter((x) => b.includes(x)));
const percent = (met: number, total: number) => (total ? Math.round((met * 1000) / total) / 10 : null);
const isMet = (kind: Target['kind'], s: SystemStatus | undefined) =>
  !!s && (kind === 'dossier_approved' ? s.approvedLevel !== null : s.plan.fullyImplemented);

/** The organisations a target's figures cover for this caller on `day`: target subtree ∩ scope ∩ filter; null = all. */
async function coveredOrganisations(
  db: Db,
  scope: Scope,
  target: Target,
  filterOrgId: string | undefined,
  day: string,
) {
  let ids: string[] | null = target.organisationId ? await subtreeIds(db, target.organisationId, day) : null;
  if (!scope.all) ids = intersect(ids, scope.organisationIds);
  if (filterOrgId) ids = intersect(ids, await subtreeIds(db, filterOrgId, day));
  return ids;
}

/**
 * Progress of one target as it stood on `asOf`: the systems it covers (in service by the deadline, or by `asOf`
 * if earlier; a system with no in-service date counts throughout), how many met it by the deadline, how many met
 * it later (late, shown apart) and the rest, rolled up the tree in force on `asOf` (a merged unit's systems count
 * under the unit that carried them on), with the systems holding it back and each one's accountable head.
 */
async function evaluateTarget(db: Db, scope: Scope, target: Target, filterOrgId: string | undefined, asOf: string) {
  const byDeadline = target.deadline < asOf ? target.deadline : asOf;
  const covered = await coveredOrganisations(db, scope, target, filterOrgId, asOf);
  const candidates = await db
    .select({
      id: informationSystems.id,
      name: informationSystems.name,
      organisationId: informationSystems.organisationId,
      inServiceFrom: informationSystems.inServiceFrom,
    })
    .from(informationSystems)
    .where(systemScopeFilter(covered === null ? { all: true } : { all: false, organisationIds: covered }))
    .orderBy(asc(informationSystems.name));
  const systems = candidates.filter((s) => !s.inServiceFrom || s.inServiceFrom <= byDeadline);
  const book = await ruleBook(db);
  const ids = systems.map((s) => s.id);
  const atDeadline = await systemStatuses(db, ids, byDeadline, book);
  const now = byDeadline === asOf ? atDeadline : await systemStatuses(db, ids, asOf, book);
  const orgs = await db
    .select({
      id: organisations.id,
      parentId: organisations.parentId,
      code: organisations.code,
      name: organisations.name,
      headName: organisations.headName,
      headTitle: organisations.headTitle,
      email: organisations.email,
      validTo: organisations.validTo,
      successorId: organisations.successorId,
    })
    .from(organisations);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const carrier = carriersOf(orgs, asOf);
  const visible = (id: string) => covered === null || covered.includes(id);
  const counts = new Map<string, { total: number; met: number; late: number }>();
  const holdingBack = [];
  let met = 0;
  let late = 0;
  for (const s of systems) {
    const onTime = isMet(target.kind, atDeadline.get(s.id));
    const later = !onTime && isMet(target.kind, now.get(s.id));
    if (onTime) met++;
    if (later) late++;
    // Roll up: the system counts for the unit carrying its organisation on `asOf` and every ancestor the caller sees.
    const home = carrier.get(s.organisationId) ?? s.organisationId;
    for (let o = orgById.get(home); o; o = o.parentId ? orgById.get(o.parentId) : undefined) {
      if (!visible(o.id)) continue;
      const c = counts.get(o.id) ?? { total: 0, met: 0, late: 0 };
      c.total++;
      if (onTime) c.met++;
      if (later) c.late++;
      counts.set(o.id, c);
    }
    if (!onTime) {
      const org = orgById.get(home);
      const status = now.get(s.id);
      holdingBack.push({
        systemId: s.id,
        systemName: s.name,
        organisationId: home,
        organisationName: org?.name ?? '',
        late: later,
        dossierState: status?.dossier?.state ?? null,
        approvedLevel: status?.approvedLevel ?? null,
        approvedOn: status?.approvedOn ?? null,
        planPercent: status?.plan.percent ?? 0,
        accountableHead: { name: org?.headName ?? null, title: org?.headTitle ?? null, email: org?.email ?? null },
      });
    }
  }
  const deadlinePassed = target.deadline < asOf;
  const byOrganisation = treeOrder(orgs.filter((o) => counts.has(o.id))).map((o) => {
    const c = counts.get(o.id) as { total: number; met: number; late: number };
    return {
      organisationId: o.id,
      code: o.code,
      name: o.name,
      parentId: o.parentId,
      ...c,
      percent: percent(c.met, c.total),
    };
  });
  return {
    ...target,
    asOf,
    visible: covered === null || covered.length > 0,
    total: systems.length,
    /** Met by the deadline (or by `asOf` while the deadline is ahead). */
    met,
    /** Met after the deadline, by `asOf`. */
    late,
    notMet: systems.length - met - late,
    percent: percent(met, systems.length),
    percentWithLate: percent(met + late, systems.length),
    deadlinePassed,
    overdue: deadlinePassed && met + late < systems.length,
    byOrganisation,
    holdingBack,
  };
}

export type TargetQuery = { organisationId?: string; asOf?: string };

/** The tables a target's figures read: systems and their dossiers and plans, the tree, the rules of the day. */
const TARGET_TOPICS = ['systems', 'org', 'rules'] as const;

/** Every target as it stood on `asOf` (default today): the plain computation below, reused while unchanged. */
export function listTargets(db: Db, scope: Scope, query: TargetQuery = {}) {
  const asOf = query.asOf ?? provinceDay();
  return cachedFigure(
    db,
    { name: 'listTargets', topics: TARGET_TOPICS, key: [asOf, query.organisationId, scopeKey(scope)] },
    () => plainListTargets(db, scope, { ...query, asOf }),
  );
}

export async function plainListTargets(db: Db, scope: Scope, query: TargetQuery = {}) {
  const asOf = query.asOf ?? provinceDay();
  const targets = await db.select().from(programmeTargets).orderBy(asc(programmeTargets.deadline));
  const out = [];
  for (const t of targets) {
    const {
      byOrganisation: _,
      holdingBack: __,
      visible,
      ...summary
    } = await evaluateTarget(db, scope, t, query.organisationId, asOf);
    if (visible) out.push(summary);
  }
  return out;
}

async function targetRow(db: Db, id: string) {
  const [t] = await db.select().from(programmeTargets).where(eq(programmeTargets.id, id));
  if (!t) throw new AppError('NOT_FOUND', 'Target not found', undefined, { key: 'systems.targetNotFound' });
  return t;
}

/** One target's progress per organisation: the plain computation below, reused while unchanged. */
export function getTargetProgress(db: Db, scope: Scope, id: string, query: TargetQuery = {}) {
  const asOf = query.asOf ?? provinceDay();
  return cachedFigure(
    db,
    { name: 'targetProgress', topics: TARGET_TOPICS, key: [id, asOf, query.organisationId, scopeKey(scope)] },
    () => plainTargetProgress(db, scope, id, { ...query, asOf }),
  );
}

export async function plainTargetProgress(db: Db, scope: Scope, id: string, query: TargetQuery = {}) {
  const asOf = query.asOf ?? provinceDay();
  const { visible, ...progress } = await evaluateTarget(db, scope, await targetRow(db, id), query.organisationId, asOf);
  if (!visible) throw new AppError('NOT_FOUND', 'Target not found', undefined, { key: 'systems.targetNotFound' });
  return progress;
}

export async function saveTarget(db: Db, actor: Actor, id: string | null, raw: TargetInput) {
  const input = ZTargetInput.parse(raw);
  if (input.organisationId)
    await requireOrganisation(db, input.organisationId, 'organisationId', 'systems.unknownOrganisation');
  const before = id ? await targetRow(db, id) : null;
  return db.transaction(async (tx) => {
    const [row] = before
      ? await tx.update(programmeTargets).set(input).where(eq(programmeTargets.id, before.id)).returning()
      : await tx.insert(programmeTargets).values(input).returning();
    if (!row) throw new AppError('INTERNAL', 'write failed');
    await recordAudit(tx, auditActor(actor), {
      action: before ? 'target.update' : 'target.create',
      entityType: 'programme_target',
      entityId: row.id,
      organisationId: row.organisationId,
      before,
      after: row,
    });
    return row;
  });
}

export async function deleteTarget(db: Db, actor: Actor, id: string) {
  const before = await targetRow(db, id);
  await db.transaction(async (tx) => {
    await tx.delete(programmeTargets).where(eq(programmeTargets.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'target.delete',
      entityType: 'programme_target',
      entityId: id,
      organisationId: before.organisationId,
      before,
    });
  });
}

/**
 * The deadline check (run hourly by the server and by `khien systems deadline-check`): every system holding back a
 * target whose deadline has passed, and every overdue independent inspection (layer 3), notifies the officers of the
 * system's organisation, naming the accountable head. Idempotent: one notification per item, user and day.
 */
export async function runDeadlineCheck(db: Db, now: Date) {
  const today = provinceDay(now);
  let overdueItems = 0;
  let notificationsCreated = 0;
  const heads = new Map(
    (await db.select().from(organisations)).map((o) => [
      o.id,
      o.headName ? `${o.headName}${o.headTitle ? `, ${o.headTitle}` : ''}${o.email ? ` (${o.email})` : ''}` : '—',
    ]),
  );
  const due = await db.select().from(programmeTargets).where(lt(programmeTargets.deadline, today));
  for (const t of due) {
    const { holdingBack } = await evaluateTarget(db, { all: true }, t, undefined, today);
    for (const h of holdingBack.filter((x) => !x.late)) {
      overdueItems++;
      notificationsCreated += await notifyOrganisation(db, h.organisationId, {
        kind: 'target_overdue',
        title: `Quá hạn chỉ tiêu: ${t.title}`,
        body:
          `Hệ thống "${h.systemName}" chưa đạt chỉ tiêu (hạn ${formatDay(t.deadline)}). ` +
          `Người đứng đầu chịu trách nhiệm: ${heads.get(h.organisationId)}.`,
        link: systemLink(h.systemId),
        dedupeKey: `target:${t.id}:${h.systemId}:${today}`,
      });
    }
  }
  const inspections = await overdueInspections(db, today);
  const systems = inspections.length
    ? await db
        .select()
        .from(informationSystems)
        .where(
          inArray(
            informationSystems.id,
            inspections.map((i) => i.systemId),
          ),
        )
    : [];
  for (const i of inspections) {
    const s = systems.find((x) => x.id === i.systemId);
    if (!s) continue;
    overdueItems++;
    notificationsCreated += await notifyOrganisation(db, s.organisationId, {
      kind: 'inspection_overdue',
      title: `Quá hạn kiểm tra, đánh giá định kỳ: ${s.name}`,
      body:
        `Kỳ kiểm tra, đánh giá độc lập (lớp 3) dự kiến ${formatDay(i.nextInspectionDate ?? '')} đã quá hạn. ` +
        `Người đứng đầu chịu trách nhiệm: ${heads.get(s.organisationId)}.`,
      link: systemLink(s.id, 'layers'),
      dedupeKey: `inspection:${s.id}:${today}`,
    });
  }
  return { today, overdueItems, notificationsCreated };
}

/** Runs the deadline check every `intervalMs` while the server is up; the timer stops when the server closes. */
export function registerDeadlineTimer(app: FastifyInstance, db: Db, intervalMs = 3_600_000) {
  registerPeriodic(app, { name: 'deadline check', intervalMs, job: () => runDeadlineCheck(db, new Date()) });
}

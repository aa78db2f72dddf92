import { and, asc, eq, sql } from 'drizzle-orm';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { cachedFigure, FIGURE_TOPICS, scopeKey } from '../../core/figure-cache.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, organisationIdIn, type Scope, scopeOrganisationIds, subtreeIds } from '../auth/index.ts';
import { inForceOn, organisations, requireOrganisation } from '../organisations/index.ts';
import { INDICATORS, type IndicatorContext, type Measure, manualMeasure } from './indicators.ts';
import {
  type OrderTaskInput,
  type ProgressInput,
  type TASK_STATES,
  ZOrderTaskInput,
  ZProgressInput,
} from './oversight.input.ts';
import { orderTaskProgress, orderTasks } from './oversight.schema.ts';

export type TaskState = (typeof TASK_STATES)[number];
/** One task's figure as of a day (contract 1: the reports module prints these). */
export type TaskFigure = {
  id: string;
  number: string;
  title: string;
  order: string;
  indicator: string;
  unit: 'percent' | 'count';
  target: number;
  comparison: 'at_least' | 'at_most';
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** e.g. "84 địa chỉ IP rà quét; 2 kết nối máy chủ độc hại" */
  detail: string | null;
  deadline: string | null;
  state: TaskState;
  basis: string | null;
};

type Task = typeof orderTasks.$inferSelect;
type Progress = typeof orderTaskProgress.$inferSelect;

const notFound = () => new AppError('NOT_FOUND', 'Task not found', undefined, { key: 'oversight.taskNotFound' });

/**
 * done: the target is met as of the day; late: the deadline passed unmet (a standing task's deadline is the end of
 * the day's year); on track: otherwise; no data: nothing to count yet. `share`: the counts a computed percentage was
 * rounded from (one decimal), which decide instead — 2 499 of 2 500 shows as 100% but does not meet 100%.
 */
export function taskState(
  task: Pick<Task, 'target' | 'comparison' | 'deadline'>,
  value: number | null,
  asOf: string,
  share?: { numerator: number; denominator: number },
) {
  if (value === null) return 'no_data' as const;
  const met = share?.denominator
    ? task.comparison === 'at_least'
      ? share.numerator * 100 >= task.target * share.denominator
      : share.numerator * 100 <= task.target * share.denominator
    : task.comparison === 'at_least'
      ? value >= task.target
      : value <= task.target;
  if (met) return 'done' as const;
  const deadline = task.deadline ?? `${asOf.slice(0, 4)}-12-31`;
  return deadline < asOf ? ('late' as const) : ('on_track' as const);
}

/** Tasks in force on `day`, in the order's numbering (1, 2, 2a, 10…). */
async function tasksOn(db: Db, day: string) {
  const rows = await db
    .select()
    .from(orderTasks)
    .where(inForceOn(orderTasks, day))
    .orderBy(asc(orderTasks.orderRef), asc(orderTasks.createdAt));
  return rows.sort(
    (a, b) => a.orderRef.localeCompare(b.orderRef, 'vi') || a.number.localeCompare(b.number, 'vi', { numeric: true }),
  );
}

/**
 * The organisations a task's figure may count for this caller on `asOf`: the scope, narrowed to the task's subtree
 * and to the unit asked for. null: no restriction; [] : the task does not concern what the caller sees.
 */
async function coverage(db: Db, scope: Scope, task: Task, organisationId: string | null, asOf: string) {
  let ids = scopeOrganisationIds(scope);
  const narrow = (sub: string[]) => (ids === null ? sub : ids.filter((id) => sub.includes(id)));
  if (task.organisationId) ids = narrow(await subtreeIds(db, task.organisationId, asOf));
  if (organisationId) ids = narrow(await subtreeIds(db, organisationId, asOf));
  return ids;
}

/** Memoises the source modules' figures within one request: several indicators and units read the same ones. */
type Memo = Map<string, Promise<Measure>>;

async function measure(
  db: Db,
  task: Task,
  ids: string[] | null,
  organisationId: string | null,
  asOf: string,
  progress: Progress[],
  memo: Memo,
): Promise<Measure> {
  if (task.indicator === 'manual') {
    // A unit's own entry; for the whole task, the entry of its root (or of none) when the caller sees that root,
    // else the latest the caller sees: a root unit's entry counts other agencies too (getTask hides it likewise).
    const own = progress.filter((p) => p.taskId === task.id);
    if (organisationId) return manualMeasure(own, organisationId, asOf);
    const rootSeen = ids === null || task.organisationId === null || ids.includes(task.organisationId);
    const root = rootSeen ? manualMeasure(own, task.organisationId, asOf) : manualMeasure([], null, asOf);
    if (root.value !== null || ids === null) return root;
    const seen = own.filter((p) => p.organisationId && ids.includes(p.organisationId));
    const latest = seen.filter((p) => p.day <= asOf).at(-1);
    return manualMeasure(seen, latest?.organisationId ?? null, asOf);
  }
  const key = `${task.indicator}|${task.deadline}|${ids?.join(',') ?? '*'}|${organisationId}`;
  const known = memo.get(key);
  if (known) return known;
  const c: IndicatorContext = {
    db,
    scope: ids === null ? { all: true } : { all: false, organisationIds: ids },
    organisationId: organisationId ?? undefined,
    asOf,
    from: `${asOf.slice(0, 4)}-01-01`,
    task,
  };
  const pending = INDICATORS[task.indicator](c);
  memo.set(key, pending);
  return pending;
}

const figureOf = (task: Task, m: Measure, asOf: string): TaskFigure => ({
  id: task.id,
  number: task.number,
  title: task.titleVi,
  order: task.orderRef,
  indicator: task.indicator,
  unit: task.unit,
  target: task.target,
  comparison: task.comparison,
  value: m.value,
  numerator: m.numerator,
  denominator: m.denominator,
  detail: m.detail,
  deadline: task.deadline,
  state: taskState(
    task,
    m.value,
    asOf,
    // A computed share is judged on its counts; a hand-counted figure is the value the Department recorded.
    task.unit === 'percent' && task.indicator !== 'manual' && m.numerator !== null && m.denominator !== null
      ? { numerator: m.numerator, denominator: m.denominator }
      : undefined,
  ),
  basis: task.legalBasis,
});

async function progressOf(db: Db, tasks: Task[]) {
  return tasks.some((t) => t.indicator === 'manual')
    ? db.select().from(orderTaskProgress).orderBy(asc(orderTaskProgress.day), asc(orderTaskProgress.createdAt))
    : [];
}

/** The figures of a list of tasks for one unit (or the whole scope), as of the day. */
async function figuresFor(
  db: Db,
  scope: Scope,
  tasks: Task[],
  organisationId: string | null,
  asOf: string,
  progress: Progress[],
  memo: Memo,
) {
  const out: TaskFigure[] = [];
  for (const task of tasks) {
    const ids = await coverage(db, scope, task, organisationId, asOf);
    if (ids !== null && ids.length === 0) continue;
    out.push(figureOf(task, await measure(db, task, ids, organisationId, asOf, progress, memo), asOf));
  }
  return out;
}

/**
 * Every task in force on `asOf` that concerns what the caller sees (narrowed to a unit's subtree of that day), with
 * its figure as of the end of that day. Contract 1: the reports module prints these for a period's end.
 */
export function taskFigures(
  db: Db,
  scope: Scope,
  o: { asOf: string; organisationId?: string | null },
): Promise<TaskFigure[]> {
  // Indicators count other capabilities' figures: every topic feeds the board.
  return cachedFigure(
    db,
    { name: 'taskFigures', topics: FIGURE_TOPICS, key: [o.asOf, o.organisationId ?? null, scopeKey(scope)] },
    () => plainTaskFigures(db, scope, o),
  );
}

export async function plainTaskFigures(
  db: Db,
  scope: Scope,
  o: { asOf: string; organisationId?: string | null },
): Promise<TaskFigure[]> {
  const tasks = await tasksOn(db, o.asOf);
  return figuresFor(db, scope, tasks, o.organisationId ?? null, o.asOf, await progressOf(db, tasks), new Map());
}

/** A unit the caller may see, in force on `day` (else not found: another agency's unit is never confirmed). */
async function visibleUnit(db: Db, scope: Scope, id: string) {
  const ids = scopeOrganisationIds(scope);
  const [unit] = await db
    .select({ id: organisations.id, code: organisations.code, name: organisations.name, type: organisations.type })
    .from(organisations)
    .where(and(eq(organisations.id, id), organisationIdIn(sql`${organisations.id}`, ids)));
  if (!unit)
    throw new AppError('NOT_FOUND', 'Organisation not found', undefined, { key: 'oversight.organisationNotFound' });
  return unit;
}

/** The units one level below `parentId` in force on `day` (the scope's roots when none) that the caller sees. */
async function childUnits(db: Db, scope: Scope, parentId: string | null, day: string) {
  const ids = scopeOrganisationIds(scope);
  const rows = await db
    .select({
      id: organisations.id,
      code: organisations.code,
      name: organisations.name,
      type: organisations.type,
      parentId: organisations.parentId,
    })
    .from(organisations)
    .where(and(inForceOn(organisations, day), organisationIdIn(sql`${organisations.id}`, ids)))
    .orderBy(asc(organisations.code));
  const inView = new Set(rows.map((r) => r.id));
  const level = parentId
    ? rows.filter((r) => r.parentId === parentId)
    : rows.filter((r) => !r.parentId || !inView.has(r.parentId));
  const parents = new Set(rows.map((r) => r.parentId));
  return level.map(({ parentId: _, ...u }) => ({ ...u, hasChildren: parents.has(u.id) }));
}

export type OversightQuery = {
  asOf?: string | undefined;
  organisationId?: string | undefined;
  taskId?: string | undefined;
  /**
   * true: the figures of each unit below (the drill-down, one task's at a time with `taskId`); otherwise the units are
   * listed without figures — a breakdown of every task for every unit is a query per task and unit.
   */
  children?: boolean | undefined;
};

/**
 * The leaders' board: every task's figure for the unit asked for (default: all the caller sees) as of the day, and
 * the units one level below it, with the same figures when `children` is asked for (drill-down to agency and
 * commune); `taskId` limits the breakdown to one task. With no unit asked for and a single root in view, the board opens on that root.
 */
export function oversightBoard(db: Db, scope: Scope, q: OversightQuery) {
  const asOf = q.asOf ?? provinceDay();
  return cachedFigure(
    db,
    {
      name: 'oversightBoard',
      topics: FIGURE_TOPICS,
      key: [asOf, q.organisationId, q.taskId, q.children === true, scopeKey(scope)],
    },
    () => plainOversightBoard(db, scope, { ...q, asOf }),
  );
}

export async function plainOversightBoard(db: Db, scope: Scope, q: OversightQuery) {
  const asOf = q.asOf ?? provinceDay();
  const tasks = await tasksOn(db, asOf);
  const progress = await progressOf(db, tasks);
  const memo: Memo = new Map();
  const unit = q.organisationId ? await visibleUnit(db, scope, q.organisationId) : null;
  let children = await childUnits(db, scope, unit?.id ?? null, asOf);
  // A single root (the province) stands for "everything": break down by its units, not by itself.
  const roots = unit ? null : children;
  if (roots?.length === 1 && roots[0]) children = await childUnits(db, scope, roots[0].id, asOf);
  const figures = await figuresFor(db, scope, tasks, unit?.id ?? null, asOf, progress, memo);
  const shown = tasks.filter((t) => figures.some((f) => f.id === t.id) && (!q.taskId || t.id === q.taskId));
  // A few units at a time: on a PostgreSQL server their queries run side by side on the pool's connections.
  const compute = q.children === true;
  const breakdown = compute ? [] : children.map((c) => ({ ...c, figures: [] as TaskFigure[] }));
  for (let i = 0; compute && i < children.length; i += 4)
    breakdown.push(
      ...(await Promise.all(
        children.slice(i, i + 4).map(async (child) => ({
          ...child,
          figures: await figuresFor(db, scope, shown, child.id, asOf, progress, memo),
        })),
      )),
    );
  return {
    asOf,
    organisation: unit,
    tasks: figures.map((f) => {
      const t = tasks.find((x) => x.id === f.id) as Task;
      return { ...f, titleEn: t.titleEn, organisationId: t.organisationId };
    }),
    children: breakdown,
  };
}

// ---- Tasks and manual progress (the Department's) -------------------------------------------------------------

async function taskRow(db: Db, id: string) {
  const [t] = await db.select().from(orderTasks).where(eq(orderTasks.id, id));
  if (!t) throw notFound();
  return t;
}

async function checkOrganisation(db: Db, organisationId: string | null) {
  if (organisationId) await requireOrganisation(db, organisationId, 'organisationId', 'oversight.unknownOrganisation');
}

/** Whether a task concerns what the scope sees: a province-wide one, or one whose subtree (today) reaches into it. */
async function concerns(db: Db, scope: Scope, task: Task) {
  if (scope.all || !task.organisationId) return true;
  const subtree = await subtreeIds(db, task.organisationId);
  return scope.organisationIds.some((id) => subtree.includes(id));
}

/** Every task (of all dates) that concerns what the caller sees. */
export async function listTasks(db: Db, scope: Scope) {
  const rows = await db
    .select()
    .from(orderTasks)
    .orderBy(asc(orderTasks.orderRef), asc(orderTasks.validFrom), asc(orderTasks.number));
  const out = [];
  for (const t of rows) if (await concerns(db, scope, t)) out.push(t);
  return out;
}

/** A task with its progress entries: the whole task's, and of the units the caller sees (never another agency's). */
export async function getTask(db: Db, scope: Scope, id: string) {
  const task = await taskRow(db, id);
  if (!(await concerns(db, scope, task))) throw notFound();
  const progress = await db
    .select()
    .from(orderTaskProgress)
    .where(
      and(
        eq(orderTaskProgress.taskId, id),
        scope.all
          ? undefined
          : sql`(${orderTaskProgress.organisationId} is null or ${organisationIdIn(sql`${orderTaskProgress.organisationId}`, scope.organisationIds)})`,
      ),
    )
    .orderBy(asc(orderTaskProgress.day), asc(orderTaskProgress.createdAt));
  return { ...task, progress };
}

export async function saveTask(db: Db, actor: Actor, id: string | null, raw: OrderTaskInput) {
  const input = ZOrderTaskInput.parse(raw);
  await checkOrganisation(db, input.organisationId);
  const before = id ? await taskRow(db, id) : null;
  const row = await db.transaction(async (tx) => {
    const [saved] = before
      ? await tx
          .update(orderTasks)
          .set({ ...input, updatedAt: new Date() })
          .where(eq(orderTasks.id, before.id))
          .returning()
      : await tx.insert(orderTasks).values(input).returning();
    if (!saved) throw new AppError('INTERNAL', 'write failed');
    await recordAudit(tx, auditActor(actor), {
      action: before ? 'oversight.task.update' : 'oversight.task.create',
      entityType: 'order_task',
      entityId: saved.id,
      organisationId: saved.organisationId,
      before,
      after: saved,
    });
    return saved;
  });
  return getTask(db, { all: true }, row.id);
}

export async function deleteTask(db: Db, actor: Actor, id: string) {
  const before = await taskRow(db, id);
  await db.transaction(async (tx) => {
    await tx.delete(orderTasks).where(eq(orderTasks.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'oversight.task.delete',
      entityType: 'order_task',
      entityId: id,
      organisationId: before.organisationId,
      before,
    });
  });
}

/** Records a figure counted by hand (only a `manual` task takes one; the others are computed). */
export async function addProgress(db: Db, actor: Actor, taskId: string, raw: ProgressInput) {
  const input = ZProgressInput.parse(raw);
  const task = await taskRow(db, taskId);
  if (task.indicator !== 'manual')
    throw new AppError(
      'VALIDATION',
      'Only a task counted by hand takes progress entries',
      { field: 'indicator' },
      { key: 'oversight.notManual' },
    );
  if (task.unit === 'percent' && input.value > 100)
    throw new AppError(
      'VALIDATION',
      'A percentage is at most 100',
      { field: 'value' },
      { key: 'oversight.percentOver100' },
    );
  await checkOrganisation(db, input.organisationId);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(orderTaskProgress)
      .values({ ...input, taskId, recordedBy: userRef(actor) })
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'oversight.progress.create',
      entityType: 'order_task',
      entityId: taskId,
      organisationId: input.organisationId ?? task.organisationId,
      after: row,
    });
  });
  return getTask(db, { all: true }, taskId);
}

import { and, eq, inArray, sql } from 'drizzle-orm';
import { auditActor } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';

import { type Actor, type Scope, subtreeIds } from '../auth/index.ts';
import { organisations } from '../organisations/index.ts';
import { type RuleBook, ruleBook } from '../rules/index.ts';
import { checklistOn, planSummary } from './security-checklist.ts';
import { type LayersUpdate, type PlanUpdate, ZLayersUpdate, ZPlanUpdate } from './systems.input.ts';
import {
  informationSystems,
  protectionLayerHistory,
  protectionLayers,
  securityPlanItemHistory,
  securityPlanItems,
} from './systems.schema.ts';
import { getSystem, systemScopeFilter, systemStatuses } from './systems.service.ts';

export { type LayersUpdate, type PlanUpdate, ZLayersUpdate, ZPlanUpdate };

/** The security plan of a system at its approved level: the checklist in force today with each item's status. */
export async function getPlan(db: Db, scope: Scope, systemId: string) {
  const system = await getSystem(db, scope, systemId);
  const level = system.status.approvedLevel;
  const book = await ruleBook(db);
  const today = provinceDay();
  const states = await db.select().from(securityPlanItems).where(eq(securityPlanItems.systemId, systemId));
  const byCode = new Map(states.map((s) => [s.itemCode, s]));
  return {
    systemId,
    organisationId: system.organisationId,
    level,
    on: today,
    summary: planSummary(book, level, states, today),
    groups: checklistOn(book, today).map((g) => ({
      ...g,
      items: g.items.map((i) => {
        const s = byCode.get(i.code);
        return {
          ...i,
          group: g.code,
          required: level !== null && i.minLevel <= level,
          status: s?.status ?? 'not_started',
          evidence: s?.evidence ?? null,
          reason: s?.reason ?? null,
          updatedAt: s?.updatedAt ?? null,
        };
      }),
    })),
  };
}

/** `at`: when the change happened, for records brought in after the fact (the demo's history); default now. */
export async function updatePlan(
  db: Db,
  actor: Actor,
  scope: Scope,
  systemId: string,
  raw: PlanUpdate,
  { at = new Date() }: { at?: Date } = {},
) {
  const input = ZPlanUpdate.parse(raw);
  const before = await getPlan(db, scope, systemId);
  const level = before.level;
  if (level === null)
    throw new AppError('CONFLICT', 'The system has no approved level yet, so no security plan', undefined, {
      key: 'systems.noApprovedLevel',
    });
  const defs = before.groups.flatMap((g) => g.items);
  for (const it of input.items) {
    const def = defs.find((i) => i.code === it.code);
    if (!def)
      throw new AppError(
        'VALIDATION',
        `Unknown checklist item "${it.code}"`,
        { field: 'items' },
        { key: 'systems.unknownItem', params: { code: it.code } },
      );
    if (def.minLevel > level)
      throw new AppError(
        'VALIDATION',
        `Item ${it.code} applies from level ${def.minLevel}, not level ${level}`,
        undefined,
        { key: 'systems.itemAboveLevel', params: { code: it.code, minLevel: def.minLevel, level } },
      );
    if (it.status === 'not_applicable' && !it.reason)
      throw new AppError(
        'VALIDATION',
        `A reason is required to mark ${it.code} not applicable`,
        { field: 'reason' },
        { key: 'systems.planReasonRequired', params: { code: it.code } },
      );
  }
  await db.transaction(async (tx) => {
    for (const it of input.items) {
      const values = { status: it.status, evidence: it.evidence, reason: it.reason, updatedAt: at };
      await tx
        .insert(securityPlanItems)
        .values({ systemId, itemCode: it.code, ...values })
        .onConflictDoUpdate({ target: [securityPlanItems.systemId, securityPlanItems.itemCode], set: values });
    }
    await tx.insert(securityPlanItemHistory).values(
      input.items.map((it) => ({
        systemId,
        itemCode: it.code,
        status: it.status,
        evidence: it.evidence,
        reason: it.reason,
        at,
        actorName: actor.displayName,
      })),
    );
    const old = before.groups.flatMap((g) => g.items).filter((i) => input.items.some((n) => n.code === i.code));
    await recordAudit(tx, auditActor(actor), {
      action: 'system.plan.update',
      entityType: 'information_system',
      entityId: systemId,
      organisationId: before.organisationId,
      before: old.map(({ code, status, evidence, reason }) => ({ code, status, evidence, reason })),
      after: input.items,
    });
  });
  return getPlan(db, scope, systemId);
}

export const GAP_KINDS = ['missing', 'partial', 'inspection_unscheduled', 'inspection_overdue'] as const;
type LayerRow = typeof protectionLayers.$inferSelect;

/**
 * When the next independent inspection (layer 3) is due: the last one plus the period the rules give for the
 * system's approved level on the day of that inspection (NĐ 85 Art. 20.2.c). Null without an approved level or
 * a first inspection — which is itself a gap.
 */
export function nextInspection(book: RuleBook, level: number | null, last: string | null) {
  if (level === null || !last) return null;
  const rule = book.on('inspection_period', last).find((r) => r.data.levels.includes(level));
  if (!rule) return null;
  const [y, m, d] = last.split('-').map(Number) as [number, number, number];
  const due = new Date(Date.UTC(y, m - 1 + rule.data.months, d));
  // 31/08 + 6 months is 28 or 29/02, not 02 or 03/03.
  if (due.getUTCDate() !== d) due.setUTCDate(0);
  return { date: due.toISOString().slice(0, 10), months: rule.data.months, legalBasis: rule.legalBasis };
}

/** What is missing at one layer on `today`: absent or partial, and for layer 3 an unscheduled or overdue inspection. */
function layerGaps(layer: number, row: LayerRow | undefined, next: string | null, today: string) {
  const gaps: (typeof GAP_KINDS)[number][] = [];
  if (!row || row.status === 'missing') gaps.push('missing');
  if (row?.status === 'partial') gaps.push('partial');
  if (layer === 3 && row && row.status !== 'missing') {
    if (!next) gaps.push('inspection_unscheduled');
    else if (next < today) gaps.push('inspection_overdue');
  }
  return gaps;
}

function presentLayers(book: RuleBook, rows: LayerRow[], level: number | null, today: string) {
  return book.on('protection_layer', today).map((l) => {
    const row = rows.find((r) => r.layer === l.data.layer);
    const next = l.data.layer === 3 ? nextInspection(book, level, row?.lastInspectionDate ?? null) : null;
    return {
      layer: l.data.layer,
      vi: l.vi,
      en: l.en,
      legalBasis: l.legalBasis,
      status: row?.status ?? 'missing',
      provider: row?.provider ?? null,
      evidence: row?.evidence ?? null,
      lastInspectionDate: row?.lastInspectionDate ?? null,
      nextInspectionDate: next?.date ?? null,
      inspectionPeriodMonths: next?.months ?? null,
      inspectionBasis: next?.legalBasis ?? null,
      updatedAt: row?.updatedAt ?? null,
      gaps: layerGaps(l.data.layer, row, next?.date ?? null, today),
    };
  });
}

export async function getLayers(db: Db, scope: Scope, systemId: string, now = new Date()) {
  const system = await getSystem(db, scope, systemId);
  const rows = await db.select().from(protectionLayers).where(eq(protectionLayers.systemId, systemId));
  const layers = presentLayers(await ruleBook(db), rows, system.status.approvedLevel, provinceDay(now));
  return { systemId, legalBasis: layers[0]?.legalBasis ?? null, layers };
}

export async function updateLayers(
  db: Db,
  actor: Actor,
  scope: Scope,
  systemId: string,
  raw: LayersUpdate,
  { at = new Date() }: { at?: Date } = {},
) {
  const input = ZLayersUpdate.parse(raw);
  const before = await getLayers(db, scope, systemId);
  const system = await getSystem(db, scope, systemId);
  await db.transaction(async (tx) => {
    for (const l of input.layers) {
      const { layer, ...values } = l;
      const set = { ...values, updatedAt: at };
      await tx
        .insert(protectionLayers)
        .values({ systemId, layer, ...set })
        .onConflictDoUpdate({ target: [protectionLayers.systemId, protectionLayers.layer], set });
    }
    await tx
      .insert(protectionLayerHistory)
      .values(input.layers.map((l) => ({ systemId, ...l, at, actorName: actor.displayName })));
    await recordAudit(tx, auditActor(actor), {
      action: 'system.layers.update',
      entityType: 'information_system',
      entityId: systemId,
      organisationId: system.organisationId,
      before: before.layers.filter((b) => input.layers.some((l) => l.layer === b.layer)),
      after: input.layers,
    });
  });
  return getLayers(db, scope, systemId);
}

/** Every gap in the 4 layers of the systems in scope (optionally an organisation's subtree), one row per layer. */
export async function listLayerGaps(db: Db, scope: Scope, query: { organisationId?: string }, now = new Date()) {
  const conds = [systemScopeFilter(scope)];
  if (query.organisationId)
    conds.push(inArray(informationSystems.organisationId, await subtreeIds(db, query.organisationId)));
  const systems = await db
    .select({
      id: informationSystems.id,
      name: informationSystems.name,
      organisationId: informationSystems.organisationId,
      organisationName: organisations.name,
    })
    .from(informationSystems)
    .innerJoin(organisations, eq(organisations.id, informationSystems.organisationId))
    .where(and(...conds))
    .orderBy(organisations.name, informationSystems.name);
  const rows = systems.length
    ? await db
        .select()
        .from(protectionLayers)
        .where(
          inArray(
            protectionLayers.systemId,
            systems.map((s) => s.id),
          ),
        )
    : [];
  const today = provinceDay(now);
  const book = await ruleBook(db);
  const statuses = await systemStatuses(
    db,
    systems.map((s) => s.id),
    today,
    book,
  );
  return systems.flatMap((s) =>
    presentLayers(
      book,
      rows.filter((r) => r.systemId === s.id),
      statuses.get(s.id)?.approvedLevel ?? null,
      today,
    )
      .filter((l) => l.gaps.length)
      .map((l) => ({
        systemId: s.id,
        systemName: s.name,
        organisationId: s.organisationId,
        organisationName: s.organisationName,
        layer: l.layer,
        layerVi: l.vi,
        layerEn: l.en,
        status: l.status,
        nextInspectionDate: l.nextInspectionDate,
        gaps: l.gaps,
      })),
  );
}

/**
 * Systems whose layer-3 inspection is overdue on `today` (for the deadline check): the due date is computed from the
 * last inspection and the period for the system's approved level of that day, as the layers page shows it.
 */
export async function overdueInspections(db: Db, today: string) {
  const rows = await db
    .select({ systemId: protectionLayers.systemId, lastInspectionDate: protectionLayers.lastInspectionDate })
    .from(protectionLayers)
    .where(and(eq(protectionLayers.layer, 3), sql`${protectionLayers.status} <> 'missing'`));
  if (!rows.length) return [];
  const book = await ruleBook(db);
  const statuses = await systemStatuses(
    db,
    rows.map((r) => r.systemId),
    today,
    book,
  );
  return rows.flatMap((r) => {
    const next = nextInspection(book, statuses.get(r.systemId)?.approvedLevel ?? null, r.lastInspectionDate);
    return next && next.date < today ? [{ systemId: r.systemId, nextInspectionDate: next.date }] : [];
  });
}

import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditActor } from '../auth/auth.service.ts';
import { type Actor, type Scope, subtreeIds } from '../auth/scope.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { vnDate } from './dossier-rules.ts';
import { CHECKLIST_GROUPS, CHECKLIST_ITEMS, planSummary } from './security-checklist.ts';
import {
  informationSystems,
  LAYER_STATUSES,
  PLAN_ITEM_STATUSES,
  protectionLayers,
  securityPlanItems,
} from './systems.schema.ts';
import { getSystem, systemScopeFilter } from './systems.service.ts';

const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);

export const ZPlanUpdate = z.object({
  items: z
    .array(
      z.object({
        code: z.string().max(20),
        status: z.enum(PLAN_ITEM_STATUSES),
        evidence: optional(5000),
        reason: optional(2000),
      }),
    )
    .min(1)
    .max(200),
});
export type PlanUpdate = z.input<typeof ZPlanUpdate>;

/** The security plan of a system at its approved level: every TCVN 11930 group with its items and their status. */
export async function getPlan(db: Db, scope: Scope, systemId: string) {
  const system = await getSystem(db, scope, systemId);
  const level = system.status.approvedLevel;
  const states = await db.select().from(securityPlanItems).where(eq(securityPlanItems.systemId, systemId));
  const byCode = new Map(states.map((s) => [s.itemCode, s]));
  return {
    systemId,
    organisationId: system.organisationId,
    level,
    summary: planSummary(level, states),
    groups: CHECKLIST_GROUPS.map((g) => ({
      ...g,
      items: CHECKLIST_ITEMS.filter((i) => i.group === g.code).map((i) => {
        const s = byCode.get(i.code);
        return {
          ...i,
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

export async function updatePlan(db: Db, actor: Actor, scope: Scope, systemId: string, raw: PlanUpdate) {
  const input = ZPlanUpdate.parse(raw);
  const before = await getPlan(db, scope, systemId);
  const level = before.level;
  if (level === null) throw new AppError('CONFLICT', 'The system has no approved level yet, so no security plan');
  for (const it of input.items) {
    const def = CHECKLIST_ITEMS.find((i) => i.code === it.code);
    if (!def) throw new AppError('VALIDATION', `Unknown checklist item "${it.code}"`, { field: 'items' });
    if (def.minLevel > level)
      throw new AppError('VALIDATION', `Item ${it.code} applies from level ${def.minLevel}, not level ${level}`);
    if (it.status === 'not_applicable' && !it.reason)
      throw new AppError('VALIDATION', `A reason is required to mark ${it.code} not applicable`, { field: 'reason' });
  }
  await db.transaction(async (tx) => {
    const now = new Date();
    for (const it of input.items) {
      const values = { status: it.status, evidence: it.evidence, reason: it.reason, updatedAt: now };
      await tx
        .insert(securityPlanItems)
        .values({ systemId, itemCode: it.code, ...values })
        .onConflictDoUpdate({ target: [securityPlanItems.systemId, securityPlanItems.itemCode], set: values });
    }
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

/** Mô hình 4 lớp (CT 14/CT-TTg 07/06/2019; CV 1552/BTTTT-CATTT 28/04/2020). */
export const LAYERS = [
  { layer: 1, vi: 'Lực lượng tại chỗ', en: 'On-site force' },
  { layer: 2, vi: 'Giám sát, bảo vệ chuyên nghiệp', en: 'Professional monitoring and protection' },
  { layer: 3, vi: 'Kiểm tra, đánh giá độc lập định kỳ', en: 'Independent periodic inspection' },
  { layer: 4, vi: 'Kết nối hệ thống giám sát quốc gia', en: 'Connection to the national monitoring centre' },
] as const;
export const LAYER_LEGAL_BASIS = 'CT 14/CT-TTg ngày 07/06/2019; CV 1552/BTTTT-CATTT ngày 28/04/2020';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date yyyy-mm-dd')
  .nullish()
  .transform((v) => v || null);
export const ZLayersUpdate = z.object({
  layers: z
    .array(
      z.object({
        layer: z.number().int().min(1).max(4),
        status: z.enum(LAYER_STATUSES),
        provider: optional(300),
        evidence: optional(5000),
        lastInspectionDate: isoDate,
        nextInspectionDate: isoDate,
      }),
    )
    .min(1)
    .max(4),
});
export type LayersUpdate = z.input<typeof ZLayersUpdate>;

export const GAP_KINDS = ['missing', 'partial', 'inspection_unscheduled', 'inspection_overdue'] as const;
type LayerRow = typeof protectionLayers.$inferSelect;

/** What is missing at one layer on `today`: absent or partial, and for layer 3 an unscheduled or overdue inspection. */
function layerGaps(layer: number, row: LayerRow | undefined, today: string): (typeof GAP_KINDS)[number][] {
  const gaps: (typeof GAP_KINDS)[number][] = [];
  if (!row || row.status === 'missing') gaps.push('missing');
  if (row?.status === 'partial') gaps.push('partial');
  if (layer === 3 && row && row.status !== 'missing') {
    if (!row.nextInspectionDate) gaps.push('inspection_unscheduled');
    else if (row.nextInspectionDate < today) gaps.push('inspection_overdue');
  }
  return gaps;
}

function presentLayers(rows: LayerRow[], today: string) {
  return LAYERS.map((l) => {
    const row = rows.find((r) => r.layer === l.layer);
    return {
      ...l,
      status: row?.status ?? 'missing',
      provider: row?.provider ?? null,
      evidence: row?.evidence ?? null,
      lastInspectionDate: row?.lastInspectionDate ?? null,
      nextInspectionDate: row?.nextInspectionDate ?? null,
      updatedAt: row?.updatedAt ?? null,
      gaps: layerGaps(l.layer, row, today),
    };
  });
}

export async function getLayers(db: Db, scope: Scope, systemId: string, now = new Date()) {
  await getSystem(db, scope, systemId);
  const rows = await db.select().from(protectionLayers).where(eq(protectionLayers.systemId, systemId));
  return { systemId, legalBasis: LAYER_LEGAL_BASIS, layers: presentLayers(rows, vnDate(now)) };
}

export async function updateLayers(db: Db, actor: Actor, scope: Scope, systemId: string, raw: LayersUpdate) {
  const input = ZLayersUpdate.parse(raw);
  const before = await getLayers(db, scope, systemId);
  const system = await getSystem(db, scope, systemId);
  await db.transaction(async (tx) => {
    for (const l of input.layers) {
      const { layer, ...values } = l;
      const set = { ...values, updatedAt: new Date() };
      await tx
        .insert(protectionLayers)
        .values({ systemId, layer, ...set })
        .onConflictDoUpdate({ target: [protectionLayers.systemId, protectionLayers.layer], set });
    }
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
  const today = vnDate(now);
  return systems.flatMap((s) =>
    presentLayers(
      rows.filter((r) => r.systemId === s.id),
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

/** Systems whose layer-3 inspection is overdue on `today` (for the deadline check). */
export async function overdueInspections(db: Db, today: string) {
  return db
    .select({ systemId: protectionLayers.systemId, nextInspectionDate: protectionLayers.nextInspectionDate })
    .from(protectionLayers)
    .where(
      and(
        eq(protectionLayers.layer, 3),
        sql`${protectionLayers.status} <> 'missing'`,
        sql`${protectionLayers.nextInspectionDate} < ${today}`,
      ),
    );
}

import { and, asc, desc, eq, ilike, inArray, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { dayEnd, provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditActor } from '../auth/auth.service.ts';
import { type Actor, type Scope, subtreeIds } from '../auth/scope.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { normaliseCidrs, organisationScopeFilter } from '../organisations/organisations.service.ts';
import { type RuleBook, ruleBook } from '../rules/index.ts';
import { type ClassificationAnswers, type LevelSuggestion, suggestLevel } from './level-criteria.ts';
import { type PlanSummary, planSummary } from './security-checklist.ts';
import {
  type DossierState,
  dossierEvents,
  ICS_WORKS_GRADES,
  INFRA_SCOPES,
  informationSystemHistory,
  informationSystems,
  levelDossiers,
  SECRET_GRADES,
  SECURITY_HARMS,
  SYSTEM_TYPES,
  securityPlanItemHistory,
  systemHosts,
  systemSoftware,
} from './systems.schema.ts';

const text = (max = 1000) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);
const count = z
  .number()
  .int()
  .min(0)
  .nullish()
  .transform((v) => v ?? null);

export const ZClassificationInput = z.object({
  systemType: z.enum(SYSTEM_TYPES),
  infoPublic: z.boolean().default(true),
  infoPrivate: z.boolean().default(false),
  infoPersonal: z.boolean().default(false),
  userCount: count,
  stateSecretGrade: z.enum(SECRET_GRADES).default('none'),
  securityHarm: z.enum(SECURITY_HARMS).default('none'),
  onlineServiceLevel: z.number().int().min(0).max(4).default(0),
  conditionalBusiness: z.boolean().default(false),
  infrastructureScope: z.enum(INFRA_SCOPES).default('none'),
  icsWorksGrade: z.enum(ICS_WORKS_GRADES).default('none'),
  national24x7: z.boolean().default(false),
  nationalDatabase: z.boolean().default(false),
  nationalSecurityWorks: z.boolean().default(false),
  internationalInterconnect: z.boolean().default(false),
  criticalList: z.boolean().default(false),
});

export const ZSystemInput = ZClassificationInput.extend({
  organisationId: z.uuid(),
  code: text(50),
  name: z.string().trim().min(2).max(300),
  purpose: text(),
  usersDescription: text(),
  hosting: text(),
  ownerName: text(300),
  operatorName: text(300),
  inServiceFrom: z.iso
    .date()
    .nullish()
    .transform((v) => v ?? null),
  hosts: z
    .array(z.object({ hostname: text(253), address: z.string().trim().min(2).max(64) }))
    .max(1000)
    .default([]),
  software: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(200),
        vendor: text(200),
        version: text(100),
        cpe: z
          .string()
          .trim()
          .regex(/^cpe:(2\.3:|\/)[aho]/, 'expected a CPE name (cpe:2.3:a:… or cpe:/a:…)')
          .nullish()
          .or(z.literal(''))
          .transform((v) => v || null),
      }),
    )
    .max(1000)
    .default([]),
});
export type SystemInput = z.input<typeof ZSystemInput>;
type ParsedSystem = z.output<typeof ZSystemInput>;

type SystemRow = typeof informationSystems.$inferSelect;
export type Host = { hostname: string | null; address: string };
export type Software = { name: string; vendor: string | null; version: string | null; cpe: string | null };
export type CurrentDossier = {
  id: string;
  state: DossierState;
  level: number;
  decisionNumber: string | null;
  decisionDate: string | null;
};
/** Where a system stands: its latest dossier, the level last approved, and its security-plan progress. */
export type SystemStatus = {
  dossier: CurrentDossier | null;
  approvedLevel: number | null;
  approvedOn: string | null;
  plan: PlanSummary;
};
export type SystemView = SystemRow & {
  organisationCode: string;
  organisationName: string;
  suggestion: LevelSuggestion;
  status: SystemStatus;
  hosts: Host[];
  software: Software[];
};

/** SQL condition limiting information systems to a scope (the owning organisation must be in it). */
export const systemScopeFilter = (scope: Scope) =>
  scope.all
    ? undefined
    : scope.organisationIds.length
      ? inArray(informationSystems.organisationId, scope.organisationIds)
      : sql`false`;

export const answersOf = (s: ClassificationAnswers): ClassificationAnswers => ZClassificationInput.parse(s);

/** A dossier's state on a day: its last step whose legal date is on or before the day (null: not yet created). */
function dossierStateOn(events: { effectiveOn: string; at: Date; toState: DossierState }[], day: string) {
  let state: DossierState | null = null;
  for (const e of events) if (e.effectiveOn <= day) state = e.toState;
  return state;
}

/**
 * Where each system stood on `day` (default today), from the history: the latest dossier then and its state, the
 * level last approved by then (an approval counts from its decision's date), and the plan items' statuses at the
 * end of that day measured against the checklist in force that day. Four queries whatever the number of systems.
 */
export async function systemStatuses(
  db: Db,
  systemIds: string[],
  day = provinceDay(),
  book?: RuleBook,
): Promise<Map<string, SystemStatus>> {
  const out = new Map<string, SystemStatus>();
  if (!systemIds.length) return out;
  const rules = book ?? (await ruleBook(db));
  const [dossiers, events, items] = await Promise.all([
    db
      .select()
      .from(levelDossiers)
      .where(inArray(levelDossiers.systemId, systemIds))
      .orderBy(asc(levelDossiers.createdAt), asc(levelDossiers.id)),
    db
      .select({
        dossierId: dossierEvents.dossierId,
        effectiveOn: dossierEvents.effectiveOn,
        at: dossierEvents.at,
        toState: dossierEvents.toState,
      })
      .from(dossierEvents)
      .innerJoin(levelDossiers, eq(levelDossiers.id, dossierEvents.dossierId))
      .where(inArray(levelDossiers.systemId, systemIds))
      .orderBy(asc(dossierEvents.effectiveOn), asc(dossierEvents.at)),
    db
      .select()
      .from(securityPlanItemHistory)
      .where(and(inArray(securityPlanItemHistory.systemId, systemIds), lt(securityPlanItemHistory.at, dayEnd(day))))
      .orderBy(asc(securityPlanItemHistory.at)),
  ]);
  const eventsOf = new Map<string, typeof events>();
  for (const e of events) eventsOf.set(e.dossierId, [...(eventsOf.get(e.dossierId) ?? []), e]);
  const itemsOf = new Map<string, Map<string, (typeof items)[number]>>();
  for (const i of items) {
    const m = itemsOf.get(i.systemId) ?? new Map();
    m.set(i.itemCode, i); // later rows replace earlier ones: the status at the end of the day
    itemsOf.set(i.systemId, m);
  }
  for (const id of systemIds) {
    const mine = dossiers
      .filter((d) => d.systemId === id)
      .map((d) => ({ d, state: dossierStateOn(eventsOf.get(d.id) ?? [], day) }))
      .filter((x) => x.state !== null);
    const latest = mine.at(-1);
    const approved = mine.filter((x) => x.state === 'approved').at(-1);
    const level = approved?.d.level ?? null;
    out.set(id, {
      dossier: latest
        ? {
            id: latest.d.id,
            state: latest.state as DossierState,
            level: latest.d.level,
            decisionNumber: latest.state === 'approved' ? latest.d.decisionNumber : null,
            decisionDate: latest.state === 'approved' ? latest.d.decisionDate : null,
          }
        : null,
      approvedLevel: level,
      approvedOn: approved?.d.decisionDate ?? null,
      plan: planSummary(rules, level, [...(itemsOf.get(id)?.values() ?? [])], day),
    });
  }
  return out;
}

async function present(db: Db, rows: SystemRow[], now = new Date()): Promise<SystemView[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const orgs = await db
    .select({ id: organisations.id, code: organisations.code, name: organisations.name })
    .from(organisations)
    .where(
      inArray(
        organisations.id,
        rows.map((r) => r.organisationId),
      ),
    );
  const hosts = await db
    .select()
    .from(systemHosts)
    .where(inArray(systemHosts.systemId, ids))
    .orderBy(asc(systemHosts.address), asc(systemHosts.hostname));
  const software = await db
    .select()
    .from(systemSoftware)
    .where(inArray(systemSoftware.systemId, ids))
    .orderBy(asc(systemSoftware.name), asc(systemSoftware.version));
  const book = await ruleBook(db);
  const today = provinceDay(now);
  const statuses = await systemStatuses(db, ids, today, book);
  return rows.map((r) => {
    const org = orgs.find((o) => o.id === r.organisationId);
    return {
      ...r,
      organisationCode: org?.code ?? '',
      organisationName: org?.name ?? '',
      suggestion: suggestLevel(book, answersOf(r), today),
      status: statuses.get(r.id) as SystemStatus,
      hosts: hosts.filter((h) => h.systemId === r.id).map(({ hostname, address }) => ({ hostname, address })),
      software: software
        .filter((s) => s.systemId === r.id)
        .map(({ name, vendor, version, cpe }) => ({ name, vendor, version, cpe })),
    };
  });
}

export type SystemQuery = { organisationId?: string; q?: string };

/** Systems visible to the caller, optionally limited to an organisation's subtree or a name search. */
export async function listSystems(db: Db, scope: Scope, query: SystemQuery = {}): Promise<SystemView[]> {
  const conds = [systemScopeFilter(scope)];
  if (query.organisationId)
    conds.push(inArray(informationSystems.organisationId, await subtreeIds(db, query.organisationId)));
  if (query.q) conds.push(ilike(informationSystems.name, `%${query.q}%`));
  const rows = await db
    .select()
    .from(informationSystems)
    .where(and(...conds))
    .orderBy(asc(informationSystems.name));
  return present(db, rows);
}

export async function getSystemRow(db: Db, scope: Scope, id: string): Promise<SystemRow> {
  const [row] = await db
    .select()
    .from(informationSystems)
    .where(and(eq(informationSystems.id, id), systemScopeFilter(scope)));
  // Another agency's system looks exactly like a missing one.
  if (!row) throw notFound('Information system');
  return row;
}

export async function getSystem(db: Db, scope: Scope, id: string): Promise<SystemView> {
  const [view] = await present(db, [await getSystemRow(db, scope, id)]);
  return view as SystemView;
}

/** Checks a system's organisation (in scope), addresses (PostgreSQL's cidr parser) and uniqueness. */
export async function validateSystem(db: Db, scope: Scope, raw: SystemInput, id: string | null) {
  const input = ZSystemInput.parse(raw);
  const [org] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.id, input.organisationId), organisationScopeFilter(scope)));
  if (!org) throw new AppError('VALIDATION', 'Unknown organisation', { field: 'organisationId' });
  const { ok, bad } = await normaliseCidrs(
    db,
    input.hosts.map((h) => h.address),
  );
  if (bad.length)
    throw new AppError('VALIDATION', `Invalid IP address or range ${bad.map((b) => `"${b.value}"`).join(', ')}`, {
      field: 'hosts',
      invalid: bad,
    });
  const hosts = input.hosts.map((h, i) => ({ hostname: h.hostname, address: ok[i] as string }));
  const others = id ? ne(informationSystems.id, id) : undefined;
  const [sameName] = await db
    .select({ id: informationSystems.id })
    .from(informationSystems)
    .where(
      and(eq(informationSystems.organisationId, input.organisationId), eq(informationSystems.name, input.name), others),
    );
  if (sameName) throw new AppError('CONFLICT', `The organisation already has a system named "${input.name}"`);
  if (input.code) {
    const [sameCode] = await db
      .select({ id: informationSystems.id })
      .from(informationSystems)
      .where(and(eq(informationSystems.code, input.code), others));
    if (sameCode) throw new AppError('CONFLICT', `System code "${input.code}" is already used`, { field: 'code' });
  }
  return { ...input, hosts };
}

/** Writes a validated system (insert when `id` is null) with its hosts and software, and a history row; returns the id. */
export async function writeSystem(
  tx: Db,
  input: ParsedSystem,
  id: string | null,
  actorName: string,
  at = new Date(),
): Promise<string> {
  const { hosts, software, ...fields } = input;
  let systemId = id;
  if (systemId) {
    await tx
      .update(informationSystems)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(informationSystems.id, systemId));
    await tx.delete(systemHosts).where(eq(systemHosts.systemId, systemId));
    await tx.delete(systemSoftware).where(eq(systemSoftware.systemId, systemId));
  } else {
    const [row] = await tx.insert(informationSystems).values(fields).returning({ id: informationSystems.id });
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    systemId = row.id;
  }
  const sid = systemId;
  if (hosts.length) await tx.insert(systemHosts).values(hosts.map((h) => ({ ...h, systemId: sid })));
  if (software.length) await tx.insert(systemSoftware).values(software.map((s) => ({ ...s, systemId: sid })));
  await tx.insert(informationSystemHistory).values({ systemId: sid, attributes: fields, at, actorName });
  return sid;
}

export async function createSystem(db: Db, actor: Actor, scope: Scope, raw: SystemInput): Promise<SystemView> {
  const input = await validateSystem(db, scope, raw, null);
  const id = await db.transaction(async (tx) => {
    const systemId = await writeSystem(tx, input, null, actor.displayName);
    await recordAudit(tx, auditActor(actor), {
      action: 'system.create',
      entityType: 'information_system',
      entityId: systemId,
      organisationId: input.organisationId,
      after: input,
    });
    return systemId;
  });
  return getSystem(db, scope, id);
}

export async function updateSystem(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  raw: SystemInput,
): Promise<SystemView> {
  const before = await getSystem(db, scope, id);
  const input = await validateSystem(db, scope, raw, id);
  await db.transaction(async (tx) => {
    await writeSystem(tx, input, id, actor.displayName);
    await recordAudit(tx, auditActor(actor), {
      action: 'system.update',
      entityType: 'information_system',
      entityId: id,
      organisationId: input.organisationId,
      before,
      after: input,
    });
  });
  return getSystem(db, scope, id);
}

/** Only a system whose dossier never left the draft stage may be deleted; the history of others is kept. */
export async function deleteSystem(db: Db, actor: Actor, scope: Scope, id: string): Promise<void> {
  const before = await getSystem(db, scope, id);
  await db.transaction(async (tx) => {
    const [filed] = await tx
      .select({ id: levelDossiers.id })
      .from(levelDossiers)
      .where(and(eq(levelDossiers.systemId, id), ne(levelDossiers.state, 'draft')))
      .orderBy(desc(levelDossiers.createdAt))
      .limit(1);
    if (filed) throw new AppError('CONFLICT', 'The system has a submitted dossier; its records are kept');
    await tx.delete(informationSystems).where(eq(informationSystems.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'system.delete',
      entityType: 'information_system',
      entityId: id,
      organisationId: before.organisationId,
      before,
    });
  });
}

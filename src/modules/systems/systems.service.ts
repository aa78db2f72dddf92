import { and, asc, count, desc, eq, ilike, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { dayEnd, provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';

import { type Actor, type Scope, subtreeIds } from '../auth/index.ts';
import { normaliseCidrs, organisationScopeFilter, organisations } from '../organisations/index.ts';
import { type RuleBook, ruleBook } from '../rules/index.ts';
import { type ClassificationAnswers, type LevelSuggestion, suggestLevel } from './level-criteria.ts';
import { type PlanSummary, planSummary } from './security-checklist.ts';
import { type SystemInput, type SystemListQuery, ZClassificationInput, ZSystemInput } from './systems.input.ts';
import {
  type DossierState,
  dossierEvents,
  informationSystemHistory,
  informationSystems,
  levelDossiers,
  securityPlanItemHistory,
  systemHosts,
  systemSoftware,
} from './systems.schema.ts';

export { type SystemInput, ZClassificationInput, ZSystemInput };

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
  // One after another: callers may pass a transaction, whose one connection runs one query at a time.
  const dossiers = await db
    .select()
    .from(levelDossiers)
    .where(inArray(levelDossiers.systemId, systemIds))
    .orderBy(asc(levelDossiers.createdAt), asc(levelDossiers.id));
  const events = await db
    .select({
      dossierId: dossierEvents.dossierId,
      effectiveOn: dossierEvents.effectiveOn,
      at: dossierEvents.at,
      toState: dossierEvents.toState,
    })
    .from(dossierEvents)
    .innerJoin(levelDossiers, eq(levelDossiers.id, dossierEvents.dossierId))
    .where(inArray(levelDossiers.systemId, systemIds))
    .orderBy(asc(dossierEvents.effectiveOn), asc(dossierEvents.at));
  const items = await db
    .select()
    .from(securityPlanItemHistory)
    .where(and(inArray(securityPlanItemHistory.systemId, systemIds), lt(securityPlanItemHistory.at, dayEnd(day))))
    .orderBy(asc(securityPlanItemHistory.at));
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

/** A LIKE pattern matching `text` anywhere, its own % and _ taken literally. */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Systems visible to the caller, optionally limited to an organisation's subtree or a name search (every row). */
export async function listSystems(db: Db, scope: Scope, query: SystemQuery = {}): Promise<SystemView[]> {
  const conds = [systemScopeFilter(scope)];
  if (query.organisationId)
    conds.push(inArray(informationSystems.organisationId, await subtreeIds(db, query.organisationId)));
  if (query.q) conds.push(ilike(informationSystems.name, containing(query.q)));
  const rows = await db
    .select()
    .from(informationSystems)
    .where(and(...conds))
    .orderBy(asc(informationSystems.name));
  return present(db, rows);
}

/** The state of the system's latest dossier (null: none yet), as the registry shows it today. */
const latestState = sql<DossierState | null>`(select ${levelDossiers.state} from ${levelDossiers}
  where ${levelDossiers.systemId} = ${informationSystems.id}
  order by ${levelDossiers.createdAt} desc, ${levelDossiers.id} desc limit 1)`;
/** The level last approved (approval is final: an approved dossier stays approved). */
const approvedLevel = sql<number | null>`(select ${levelDossiers.level} from ${levelDossiers}
  where ${levelDossiers.systemId} = ${informationSystems.id} and ${levelDossiers.state} = 'approved'
  order by ${levelDossiers.createdAt} desc, ${levelDossiers.id} desc limit 1)`;
/** The lifecycle's order, for sorting by state: no dossier, draft, returned, submitted, under appraisal, approved. */
const stateRank = sql`case ${latestState} when 'draft' then 1 when 'returned' then 2 when 'submitted' then 3
  when 'under_appraisal' then 4 when 'approved' then 5 else 0 end`;

/** Each sort key of the list and the column it orders by (never the caller's text in SQL). */
const SYSTEM_ORDER: Record<SystemListQuery['sort'], SQL> = {
  name: sql`${informationSystems.name}`,
  code: sql`${informationSystems.code}`,
  level: sql`${approvedLevel}`,
  organisation: sql`${organisations.name}`,
  state: stateRank,
};
const ordered = (expr: SQL, dir: 'asc' | 'desc') =>
  dir === 'desc' ? sql`${expr} desc nulls last` : sql`${expr} asc nulls last`;

/**
 * One page of the registry: the systems in scope matching the search (name or code) and the filters (an
 * organisation's subtree, the approved level, the latest dossier's state), sorted by a known key, with the number
 * of systems the same conditions match.
 */
export async function pageSystems(
  db: Db,
  scope: Scope,
  query: SystemListQuery,
): Promise<{ items: SystemView[]; total: number }> {
  const conds: (SQL | undefined)[] = [systemScopeFilter(scope)];
  if (query.organisationId)
    conds.push(inArray(informationSystems.organisationId, await subtreeIds(db, query.organisationId)));
  if (query.q)
    conds.push(
      or(ilike(informationSystems.name, containing(query.q)), ilike(informationSystems.code, containing(query.q))),
    );
  if (query.level) conds.push(sql`${approvedLevel} = ${query.level}`);
  if (query.state === 'none') conds.push(sql`${latestState} is null`);
  else if (query.state) conds.push(sql`${latestState} = ${query.state}`);
  const where = and(...conds);
  const dir = query.dir ?? 'asc';
  const [rows, [counted]] = await Promise.all([
    db
      .select({ s: informationSystems })
      .from(informationSystems)
      .innerJoin(organisations, eq(organisations.id, informationSystems.organisationId))
      .where(where)
      .orderBy(ordered(SYSTEM_ORDER[query.sort], dir), asc(informationSystems.name), asc(informationSystems.id))
      .limit(query.limit)
      .offset(query.offset),
    db
      .select({ n: count() })
      .from(informationSystems)
      .innerJoin(organisations, eq(organisations.id, informationSystems.organisationId))
      .where(where),
  ]);
  return {
    items: await present(
      db,
      rows.map((r) => r.s),
    ),
    total: Number(counted?.n ?? 0),
  };
}

export async function getSystemRow(db: Db, scope: Scope, id: string): Promise<SystemRow> {
  const [row] = await db
    .select()
    .from(informationSystems)
    .where(and(eq(informationSystems.id, id), systemScopeFilter(scope)));
  // Another agency's system looks exactly like a missing one.
  if (!row)
    throw new AppError('NOT_FOUND', 'Information system not found', undefined, { key: 'systems.systemNotFound' });
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
  if (!org)
    throw new AppError(
      'VALIDATION',
      'Unknown organisation',
      { field: 'organisationId' },
      { key: 'systems.unknownOrganisation' },
    );
  const { ok, bad } = await normaliseCidrs(
    db,
    input.hosts.map((h) => h.address),
  );
  if (bad.length)
    throw new AppError(
      'VALIDATION',
      `Invalid IP address or range ${bad.map((b) => `"${b.value}"`).join(', ')}`,
      { field: 'hosts', invalid: bad },
      { key: 'systems.invalidHosts', params: { values: bad.map((b) => b.value).join(', ') } },
    );
  const hosts = input.hosts.map((h, i) => ({ hostname: h.hostname, address: ok[i] as string }));
  const others = id ? ne(informationSystems.id, id) : undefined;
  const [sameName] = await db
    .select({ id: informationSystems.id })
    .from(informationSystems)
    .where(
      and(eq(informationSystems.organisationId, input.organisationId), eq(informationSystems.name, input.name), others),
    );
  if (sameName)
    throw new AppError(
      'CONFLICT',
      `The organisation already has a system named "${input.name}"`,
      { field: 'name' },
      { key: 'systems.duplicateName', params: { name: input.name } },
    );
  if (input.code) {
    const [sameCode] = await db
      .select({ id: informationSystems.id })
      .from(informationSystems)
      .where(and(eq(informationSystems.code, input.code), others));
    if (sameCode)
      throw new AppError(
        'CONFLICT',
        `System code "${input.code}" is already used`,
        { field: 'code' },
        { key: 'systems.duplicateCode', params: { code: input.code } },
      );
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
    if (filed)
      throw new AppError('CONFLICT', 'The system has a submitted dossier; its records are kept', undefined, {
        key: 'systems.deleteFiled',
      });
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

import { and, asc, desc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { dayEnd, dayStart } from '../../core/time.ts';
import { users } from '../auth/index.ts';
import { organisations } from '../organisations/index.ts';
import type { AuditListQuery } from './audit.input.ts';
import { auditLog } from './audit.schema.ts';

// Reading the log for people: a page of entries with who acted and on what, by name. The chain itself
// (audit.service.ts) knows nothing of accounts or organisations.

const SORT_COLUMNS = {
  at: auditLog.seq,
  actor: auditLog.actorName,
  action: auditLog.action,
  entityType: auditLog.entityType,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A name an entry's own record carries (a system, a token, a target…), for objects with no table joined here. */
function nameIn(state: unknown): string | null {
  if (!state || typeof state !== 'object' || Array.isArray(state)) return null;
  const s = state as Record<string, unknown>;
  for (const key of ['name', 'title', 'displayName', 'fileName', 'source'])
    if (typeof s[key] === 'string' && s[key]) return s[key] as string;
  return null;
}

/** The conditions of a query, shared by the page and its count. */
function conditions(q: AuditListQuery): SQL | undefined {
  return and(
    q.from ? gte(auditLog.at, dayStart(q.from)) : undefined,
    q.to ? lt(auditLog.at, dayEnd(q.to)) : undefined,
    q.actor ? eq(auditLog.actorName, q.actor) : undefined,
    q.action ? eq(auditLog.action, q.action) : undefined,
    q.entityType ? eq(auditLog.entityType, q.entityType) : undefined,
    q.entityId ? eq(auditLog.entityId, q.entityId) : undefined,
  );
}

/**
 * One page of the log, filtered and sorted (newest first by default), with the number of entries the filters match;
 * each entry names its actor's account and the object it concerns where known.
 */
export async function listAudit(db: Db, q: AuditListQuery) {
  const where = conditions(q);
  const column = SORT_COLUMNS[q.sort];
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      // The entry's number breaks ties, in the same direction, so pages never overlap.
      .orderBy(q.dir === 'desc' ? desc(column) : asc(column), q.dir === 'desc' ? desc(auditLog.seq) : asc(auditLog.seq))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(where),
  ]);
  const idsOf = (type: string | null) => [
    ...new Set(
      rows
        .filter((r) => type === null || r.entityType === type)
        .map((r) => (type === null ? r.actorId : r.entityId))
        .filter((id): id is string => !!id && UUID.test(id)),
    ),
  ];
  const userIds = [...new Set([...idsOf(null), ...idsOf('user')])];
  const orgIds = idsOf('organisation');
  const [people, units] = await Promise.all([
    userIds.length
      ? db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, userIds))
      : [],
    orgIds.length
      ? db
          .select({ id: organisations.id, name: organisations.name })
          .from(organisations)
          .where(inArray(organisations.id, orgIds))
      : [],
  ]);
  const personName = new Map(people.map((p) => [p.id, p.displayName]));
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return {
    items: rows.map((r) => ({
      ...r,
      actorDisplayName: r.actorId ? (personName.get(r.actorId) ?? null) : null,
      entityName:
        (r.entityId && r.entityType === 'user' ? personName.get(r.entityId) : undefined) ??
        (r.entityId && r.entityType === 'organisation' ? unitName.get(r.entityId) : undefined) ??
        nameIn(r.after) ??
        nameIn(r.before),
    })),
    total: Number(count?.n ?? 0),
  };
}

/** What the log's filters can offer: the actions and object types that occur in it, and every account. */
export async function auditFacets(db: Db) {
  const [actions, entityTypes, actors] = await Promise.all([
    db.selectDistinct({ v: auditLog.action }).from(auditLog).orderBy(auditLog.action),
    db.selectDistinct({ v: auditLog.entityType }).from(auditLog).orderBy(auditLog.entityType),
    db
      .select({ username: users.username, displayName: users.displayName })
      .from(users)
      .orderBy(asc(users.displayName), asc(users.username)),
  ]);
  return { actions: actions.map((a) => a.v), entityTypes: entityTypes.map((e) => e.v), actors };
}

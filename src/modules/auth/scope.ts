import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../core/db/client.ts';
import { cachedFigure } from '../../core/figure-cache.ts';
import { provinceDay } from '../../core/time.ts';
import type { Role } from './auth.schema.ts';

/** The signed-in principal of a request (a session's user, or an API token with the token's role). */
export type Actor = {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  organisationId: string | null;
  scopeIncludesChildren: boolean;
  ip: string | null;
};

/**
 * The organisations whose records an actor may see. Services pass it into every query (never filter afterwards),
 * so an agency officer cannot reach another agency's rows even by guessing ids.
 */
export type Scope = { all: true } | { all: false; organisationIds: string[] };

export async function resolveScope(db: Db, actor: Actor): Promise<Scope> {
  const scoped = actor.role === 'agency' || (actor.role === 'viewer' && actor.organisationId);
  if (!scoped) return { all: true };
  if (!actor.organisationId) return { all: false, organisationIds: [] };
  if (!actor.scopeIncludesChildren) return { all: false, organisationIds: [actor.organisationId] };
  return { all: false, organisationIds: await subtreeIds(db, actor.organisationId) };
}

/**
 * An organisation's subtree as it stood on `day` (default today), with the history it inherited: its units in force
 * that day, and every unit that merged into one of them before it (following successor links), so a figure for a
 * day counts each record under the unit that carried it then. A root no longer in force on `day` gives its subtree
 * on its last day.
 */
export function subtreeIds(db: Db, rootId: string, day = provinceDay()): Promise<string[]> {
  // Every scoped request and figure asks this: reused until the organisation tree changes.
  return cachedFigure(db, { name: 'auth.subtree', topics: ['org'], key: [rootId, day] }, () =>
    plainSubtreeIds(db, rootId, day),
  );
}

async function plainSubtreeIds(db: Db, rootId: string, day: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    with recursive root(id, d) as (
      select id, least(${day}::date, coalesce(valid_to, ${day}::date)) from organisations where id = ${rootId}
    ), tree(id) as (
      select id from root
      union
      select o.id from organisations o join tree t on o.parent_id = t.id cross join root
      where (o.valid_from is null or o.valid_from <= root.d) and (o.valid_to is null or o.valid_to >= root.d)
    ), history(id) as (
      select id from tree
      union
      select o.id from organisations o join history h on o.successor_id = h.id cross join root
      where o.valid_to < root.d
    ) select id from history`,
  );
  return rows.map((r) => r.id);
}

export const inScope = (scope: Scope, organisationId: string | null) =>
  scope.all || (organisationId !== null && scope.organisationIds.includes(organisationId));

/** The scope's organisations, for `organisationIdIn`: `null` = all (records of no organisation included). */
export const scopeOrganisationIds = (scope: Scope): string[] | null => (scope.all ? null : scope.organisationIds);

/**
 * The organisations a query may count: the caller's scope, narrowed to a requested subtree (as it stood on `day`).
 * `null` = no restriction (province-wide, records of no organisation included).
 */
export async function scopedOrganisationIds(
  db: Db,
  scope: Scope,
  subtreeRoot?: string,
  day?: string,
): Promise<string[] | null> {
  if (!subtreeRoot) return scopeOrganisationIds(scope);
  const subtree = await subtreeIds(db, subtreeRoot, day);
  return scope.all ? subtree : subtree.filter((id) => scope.organisationIds.includes(id));
}

/** SQL condition `column in (ids)` for the result of scopedOrganisationIds. */
export const organisationIdIn = (column: SQL, ids: string[] | null): SQL =>
  ids === null
    ? sql`true`
    : ids.length
      ? sql`${column} in (${sql.join(
          ids.map((i) => sql`${i}::uuid`),
          sql`, `,
        )})`
      : sql`false`;

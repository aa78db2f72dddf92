import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { type Role, users } from '../auth/index.ts';
import { organisations } from '../organisations/index.ts';
import { notifications } from './notifications.schema.ts';

/** Province → district → commune → office, with room to spare; bounds the walk on a damaged tree. */
const MAX_TREE_DEPTH = 8;

/** One thing that asks a person to act. `dedupeKey` is unique per user: repeating a notice adds nothing. */
export type Notice = {
  kind: string;
  title: string;
  body: string;
  /** A path in the web UI (e.g. /advisories/view?id=…). */
  link: string;
  dedupeKey: string;
  /** E-mailed at once rather than in the day's digest. */
  urgent?: boolean;
};

/** Notifies these users (disabled accounts are skipped). Returns how many notifications were new. */
export async function notifyUsers(db: Db, userIds: readonly string[], n: Notice): Promise<number> {
  if (!userIds.length) return 0;
  const active = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, [...userIds]), eq(users.disabled, false)));
  if (!active.length) return 0;
  const rows = await db
    .insert(notifications)
    .values(active.map((u) => ({ userId: u.id, urgent: false, ...n })))
    .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
    .returning({ id: notifications.id });
  return rows.length;
}

/**
 * Notifies the officers of an organisation (by default its agency accounts). A unit without such an account (a
 * commune run from its district) is reached through the nearest parent whose officers' scope covers it, so a
 * request to act never lands nowhere.
 */
export async function notifyOrganisation(
  db: Db,
  organisationId: string,
  n: Notice,
  roles: readonly Role[] = ['agency'],
): Promise<number> {
  let unit: string | null = organisationId;
  for (let depth = 0; unit && depth < MAX_TREE_DEPTH; depth++) {
    const officers = await db
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.organisationId, unit),
          inArray(users.role, [...roles]),
          eq(users.disabled, false),
          depth ? eq(users.scopeIncludesChildren, true) : undefined,
        ),
      );
    if (officers.length)
      return notifyUsers(
        db,
        officers.map((u) => u.id),
        n,
      );
    const [parent] = await db
      .select({ parentId: organisations.parentId })
      .from(organisations)
      .where(eq(organisations.id, unit));
    unit = parent?.parentId ?? null;
  }
  return 0;
}

/** Notifies every active holder of these roles (e.g. the Department's officers when an agency asks for a decision). */
export async function notifyRoles(db: Db, roles: readonly Role[], n: Notice): Promise<number> {
  const holders = await db
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.role, [...roles]));
  return notifyUsers(
    db,
    holders.map((u) => u.id),
    n,
  );
}

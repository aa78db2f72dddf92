import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { type Role, users } from '../auth/index.ts';
import { notifications } from './notifications.schema.ts';

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

/** Notifies the officers of an organisation (by default its agency accounts). */
export async function notifyOrganisation(
  db: Db,
  organisationId: string,
  n: Notice,
  roles: readonly Role[] = ['agency'],
): Promise<number> {
  const officers = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.organisationId, organisationId), inArray(users.role, [...roles])));
  return notifyUsers(
    db,
    officers.map((u) => u.id),
    n,
  );
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

import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import type { Actor } from '../auth/index.ts';
import { notifications } from './notifications.schema.ts';

/** The caller's own notifications (never another user's), newest first; the last 200. */
export async function listNotifications(db: Db, actor: Actor, query: { unread?: boolean } = {}) {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, actor.userId), query.unread ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt))
    .limit(200);
}

/**
 * Marks one of the caller's notifications (or all, when `id` is null) read. Not audited: it is the reader's own
 * view state, like a last-login time, not a change to the programme's records. Another user's id is "not found".
 */
export async function markNotificationsRead(db: Db, actor: Actor, id: string | null) {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(notifications.userId, actor.userId),
        isNull(notifications.readAt),
        id ? eq(notifications.id, id) : undefined,
      ),
    )
    .returning({ id: notifications.id });
  if (id && !rows.length) {
    const [own] = await db
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.id, id), eq(notifications.userId, actor.userId)));
    if (!own) throw new AppError('NOT_FOUND', 'Notification not found', undefined, { key: 'notifications.notFound' });
  }
  return { updated: rows.length };
}

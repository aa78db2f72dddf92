import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';

/**
 * What asks a person to act: in the app (the bell) and, when SMTP is configured, by e-mail — urgent ones at once,
 * the rest in one digest per user and day. `dedupeKey` makes every producer idempotent (one per subject, user, day).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    dedupeKey: text('dedupe_key').notNull(),
    /** Sent by e-mail at once instead of waiting for the day's digest. */
    urgent: boolean('urgent').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** When the e-mail carrying it was accepted by the SMTP server (null: not yet, or no e-mail configured). */
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
    /** The last delivery error, kept for the administrator; cleared when a later attempt succeeds. */
    emailError: text('email_error'),
    /** Failed delivery attempts so far: the wait before the next one doubles with each (delivery.ts). */
    emailAttempts: integer('email_attempts').notNull().default(0),
    /**
     * Not before this instant: after a failure, the next attempt; while a sender holds it, the end of its lease (so
     * two senders, e.g. the server and `khien notifications send`, never send it twice).
     */
    emailRetryAt: timestamp('email_retry_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_user_dedupe_uq').on(t.userId, t.dedupeKey),
    index('notifications_unsent_idx').on(t.userId, t.emailedAt),
  ],
);

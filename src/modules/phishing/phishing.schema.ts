import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { PHISHING_STATES } from './phishing.input.ts';

/** A phishing exercise: its mail, its lesson, its rate, and who drafted, approved and launched it. */
export const phishingCampaigns = pgTable('phishing_campaigns', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  title: text('title').notNull(),
  state: text('state', { enum: PHISHING_STATES }).notNull().default('draft'),
  subject: text('subject').notNull(),
  senderName: text('sender_name').notNull(),
  senderAddress: text('sender_address').notNull(),
  body: text('body').notNull(),
  lessonText: text('lesson_text').notNull(),
  ratePerMinute: integer('rate_per_minute').notNull(),
  /** The organisations chosen (their units included) and the day the register is read on. */
  organisationIds: uuid('organisation_ids').array().notNull(),
  recipientsOn: date('recipients_on', { mode: 'string' }).notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  /** The last user who changed the draft: neither they nor the author may approve it. */
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  approvedBy: uuid('approved_by').references(() => users.id, { onDelete: 'set null' }),
  approvedAt: timestamp('approved_at', { withTimezone: true }),
  launchedAt: timestamp('launched_at', { withTimezone: true }),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One official receiving the exercise: a copy of name, address and organisation as the register had them (the mail
 * goes to that address even if the register changes), the sending state, and the first time of each event — only
 * the time: no address, no browser, never what was typed.
 */
export const phishingRecipients = pgTable(
  'phishing_recipients',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => phishingCampaigns.id, { onDelete: 'cascade' }),
    /** The register's row (staff module); no foreign key so the register may be corrected without losing results. */
    staffId: uuid('staff_id').notNull(),
    fullName: text('full_name').notNull(),
    email: text('email').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    sendAttempts: integer('send_attempts').notNull().default(0),
    /** A sender's lease, then the time of the next attempt after a failure. */
    sendRetryAt: timestamp('send_retry_at', { withTimezone: true }),
    sendError: text('send_error'),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    reportedAt: timestamp('reported_at', { withTimezone: true }),
  },
  (t) => [unique('phishing_recipients_campaign_email').on(t.campaignId, t.email), index().on(t.organisationId)],
);

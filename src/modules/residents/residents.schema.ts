import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { REPORT_STATES, SCAM_CATEGORIES, WARNING_STATES } from './residents.input.ts';

/** Cảnh báo lừa đảo the Department publishes on the residents' page. */
export const residentWarnings = pgTable(
  'resident_warnings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    body: text('body').notNull(),
    category: text('category', { enum: SCAM_CATEGORIES }).notNull(),
    state: text('state', { enum: WARNING_STATES }).notNull().default('draft'),
    /** The day the page shows; set on publication when the author gave none. */
    publishedOn: date('published_on'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('resident_warnings_state_idx').on(t.state, t.publishedOn),
    index('resident_warnings_created_by_idx').on(t.createdBy),
  ],
);

/** Hướng dẫn: how to recognise and avoid fraud, in the order the Department sets. */
export const residentGuidance = pgTable(
  'resident_guidance',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    title: text('title').notNull(),
    body: text('body').notNull(),
    position: integer('position').notNull().default(100),
    published: boolean('published').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('resident_guidance_created_by_idx').on(t.createdBy)],
);

/** A resident's scam report from the public form: the Department's queue. */
export const scamReports = pgTable(
  'scam_reports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Human reference shown to the resident: PA-<year>-<number>. */
    code: text('code').notNull().unique(),
    category: text('category', { enum: SCAM_CATEGORIES }).notNull(),
    description: text('description').notNull(),
    suspect: text('suspect'),
    reporterName: text('reporter_name'),
    reporterContact: text('reporter_contact'),
    /**
     * SHA-256 of the normalised content: the same report sent again (a double click, a refresh, a bot replaying it)
     * is counted on the first one instead of filling the queue.
     */
    fingerprint: text('fingerprint').notNull(),
    /** Further submissions of the same content within the duplicate window. */
    duplicates: integer('duplicates').notNull().default(0),
    state: text('state', { enum: REPORT_STATES }).notNull().default('new'),
    triageNote: text('triage_note'),
    forwardedTo: text('forwarded_to'),
    handledBy: uuid('handled_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('scam_reports_state_idx').on(t.state, t.createdAt),
    index('scam_reports_fingerprint_idx').on(t.fingerprint, t.createdAt),
    index('scam_reports_handled_by_idx').on(t.handledBy),
  ],
);

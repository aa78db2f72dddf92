import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../core/db/columns.ts';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { AWARENESS_CHANNELS, type AwarenessChannel } from './awareness.input.ts';

/** A campaign of anti-fraud awareness (tuyên truyền phòng chống lừa đảo trực tuyến), run by the Department. */
export const awarenessCampaigns = pgTable(
  'awareness_campaigns',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    title: text('title').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    /** The letter or plan it implements, as officials cite it. */
    legalBasis: text('legal_basis'),
    channels: text('channels').array().$type<AwarenessChannel[]>().notNull(),
    note: text('note'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('awareness_campaigns_created_by_idx').on(t.createdBy)],
);

/** What one commune did on one day through one channel, and how many people it reached. */
export const awarenessActivities = pgTable(
  'awareness_activities',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => awarenessCampaigns.id, { onDelete: 'restrict' }),
    /** The commune (the scope key); a merged commune's activities roll up to its successor. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    day: date('day').notNull(),
    channel: text('channel', { enum: AWARENESS_CHANNELS }).notNull(),
    peopleReached: integer('people_reached').notNull(),
    note: text('note'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('awareness_activities_campaign_idx').on(t.campaignId),
    index('awareness_activities_org_day_idx').on(t.organisationId, t.day),
    index('awareness_activities_created_by_idx').on(t.createdBy),
  ],
);

/** Photos and documents proving an activity, kept with their SHA-256 (never changed afterwards). */
export const awarenessEvidence = pgTable(
  'awareness_evidence',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    activityId: uuid('activity_id')
      .notNull()
      .references(() => awarenessActivities.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    note: text('note'),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('awareness_evidence_activity_idx').on(t.activityId),
    index('awareness_evidence_uploaded_by_idx').on(t.uploadedBy),
  ],
);

/**
 * A commune's population from a day on (the figure in force on a day is the one with the latest `validFrom` not
 * after it). One row per commune and day: importing the same file again updates, never adds.
 */
export const communePopulation = pgTable(
  'commune_population',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    validFrom: date('valid_from').notNull(),
    population: integer('population').notNull(),
    /** Aged 15–69 (the age band of the national digital indicators), when the source gives it. */
    aged15To69: integer('aged_15_69'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('commune_population_org_day_uq').on(t.organisationId, t.validFrom)],
);

import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import type { SiteCheckResult } from './check/types.ts';
import { CHECK_TRIGGERS, SITE_KINDS, VN_INDICATORS } from './sites.input.ts';

/** An agency's domain or website in the register (the ".vn trusted online presence" programme). */
export const sites = pgTable(
  'sites',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    /** Normalised: lower case, IDN as punycode, no trailing dot; the business key (one registration per host). */
    host: text('host').notNull(),
    /** The address checked (https://host/…), as registered. */
    url: text('url').notNull(),
    kind: text('kind', { enum: SITE_KINDS }).notNull().default('website'),
    /** A state body's site must be under .gov.vn (when the criteria of the day require it). */
    stateBody: boolean('state_body').notNull(),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
    note: text('note'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sites_host_uq').on(t.host), index('sites_org_idx').on(t.organisationId)],
);

/** One trust check of a site: every criterion's result as the checker gave it, and the verdict under the day's criteria. */
export const siteChecks = pgTable(
  'site_checks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
    verdict: text('verdict', { enum: ['pass', 'warn', 'fail'] }).notNull(),
    results: jsonb('results').$type<SiteCheckResult[]>().notNull(),
    /** The certificate's end, when one was seen (the expiry alert and the dashboard read it). */
    certificateValidTo: timestamp('certificate_valid_to', { withTimezone: true }),
    trigger: text('trigger', { enum: CHECK_TRIGGERS }).notNull(),
    /** The `site_trust_criteria` rule the verdict was judged by (its key and validFrom). */
    criteriaRule: text('criteria_rule'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('site_checks_site_idx').on(t.siteId, t.checkedAt)],
);

/** A .vn programme indicator for a period (year or month), as imported; re-import replaces period + indicator. */
export const vnIndicators = pgTable(
  'vn_indicators',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** "2024" or "2024-05". */
    period: text('period').notNull(),
    /** The period's first and last day, for ordering and "as of" questions. */
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    indicator: text('indicator', { enum: VN_INDICATORS }).notNull(),
    value: doublePrecision('value').notNull(),
    source: text('source'),
    importedBy: uuid('imported_by').references(() => users.id, { onDelete: 'set null' }),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('vn_indicators_period_uq').on(t.period, t.indicator)],
);

/**
 * Who runs a day's scheduled checks: one server process holds the lease while it checks (renewed as it goes), so two
 * servers never check the same sites twice; a lease left by a crashed process runs out and another takes over.
 */
export const siteCheckRuns = pgTable('site_check_runs', {
  day: date('day').primaryKey(),
  holder: text('holder').notNull(),
  leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
});

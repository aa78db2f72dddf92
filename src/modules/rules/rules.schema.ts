import { sql } from 'drizzle-orm';
import { boolean, date, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The law as dated data. A rule row is one version of one rule (`kind` + `key`): what it says (`textVi`/`textEn`),
 * its parameters (`data`, shaped per kind in kinds.ts), where it comes from (document, article, clause, point) and
 * when it applies (`validFrom`..`validTo`, inclusive). National rows come from the data files in `rules/` and are
 * rewritten when a release changes them; a province's own rows (`origin = 'province'`) are added by an
 * administrator, with their own legal basis, and win over a national row of the same key from their date on.
 */
export const legalRules = pgTable(
  'legal_rules',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    document: text('document').notNull(),
    article: text('article'),
    clause: text('clause'),
    point: text('point'),
    textVi: text('text_vi').notNull(),
    textEn: text('text_en').notNull(),
    data: jsonb('data').notNull(),
    /** false where the wording or numbering was reconstructed rather than read in the source. */
    confirmed: boolean('confirmed').notNull().default(true),
    note: text('note'),
    origin: text('origin', { enum: ['national', 'province'] }).notNull(),
    /** The data file a national row came from. */
    ruleSet: text('rule_set'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('legal_rules_version_uq').on(t.kind, t.key, t.validFrom, t.origin),
    index('legal_rules_kind_idx').on(t.kind),
  ],
);

/**
 * Who is who, in time: the bodies a rule names by role (the province's People's Committee, its specialised
 * information-security unit, the ministry's security authority, a vertical body's ministry…). A `code` names a
 * place; its versions follow each other (e.g. the ministry's security authority before and after 01/03/2025).
 */
export const competentBodies = pgTable(
  'competent_bodies',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    code: text('code').notNull(),
    role: text('role').notNull(),
    name: text('name').notNull(),
    shortName: text('short_name').notNull(),
    /** The body's unit in the organisation tree, by code, when it is one (resolved by date like any code). */
    organisationCode: text('organisation_code'),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    legalBasis: text('legal_basis').notNull(),
    confirmed: boolean('confirmed').notNull().default(true),
    note: text('note'),
    origin: text('origin', { enum: ['national', 'province'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('competent_bodies_version_uq').on(t.code, t.validFrom),
    index('competent_bodies_role_idx').on(t.role),
  ],
);

/** Days that break the Monday–Friday week: holidays and days off on weekdays, worked weekend days (swaps). */
export const calendarDays = pgTable('calendar_days', {
  day: date('day').primaryKey(),
  kind: text('kind', { enum: ['holiday', 'day_off', 'working_day'] }).notNull(),
  name: text('name').notNull(),
  legalBasis: text('legal_basis').notNull(),
  confirmed: boolean('confirmed').notNull().default(true),
  origin: text('origin', { enum: ['national', 'province'] }).notNull(),
});

/** Which version of each shipped data file is loaded (so start-up skips files that did not change). */
export const ruleSets = pgTable('rule_sets', {
  name: text('name').primaryKey(),
  version: text('version').notNull(),
  sha256: text('sha256').notNull(),
  loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
});

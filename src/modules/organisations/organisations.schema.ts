import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  cidr,
  date,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ORGANISATION_TYPES, type OrganisationType } from './organisation-types.ts';

export { ORGANISATION_TYPES, type OrganisationType };

export const organisationType = pgEnum('organisation_type', ORGANISATION_TYPES);

export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /**
     * Business key (e.g. the GSO administrative code "132"); imports match on it among the units in force on a day.
     * A code may be reused by another unit in another period (a merged province keeps one province's code), so a code
     * alone never identifies a unit across periods: always resolve it with a date.
     */
    code: text('code').notNull(),
    name: text('name').notNull(),
    type: organisationType('type').notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => organisations.id, { onDelete: 'restrict' }),
    /** Người đứng đầu — the head personally accountable for the agency's security duties. */
    headName: text('head_name'),
    headTitle: text('head_title'),
    email: text('email'),
    phone: text('phone'),
    address: text('address'),
    /** The ministry that owns a vertical body's systems (NĐ 85 Art. 3.1), a competent-body code; null = the province. */
    ownerBodyCode: text('owner_body_code'),
    /** In force from `validFrom` (null: since ever) to `validTo` inclusive (null: still in force). */
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
    /** The unit that carried on after `validTo` (merger, rename, abolition into the province): later figures roll up to it. */
    successorId: uuid('successor_id').references((): AnyPgColumn => organisations.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('organisations_parent_idx').on(t.parentId),
    index('organisations_successor_idx').on(t.successorId),
    uniqueIndex('organisations_code_period_uq').on(t.code, sql`coalesce(${t.validFrom}, '0001-01-01'::date)`),
  ],
);

/**
 * An organisation's IP ranges: how SOC findings and scanned computers are attributed to it (most specific wins).
 * Dated like the units: after a merger the same range belongs to the successor from the merger's date.
 */
export const organisationIpRanges = pgTable(
  'organisation_ip_ranges',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    cidr: cidr('cidr').notNull(),
    note: text('note'),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('organisation_ip_ranges_org_idx').on(t.organisationId),
    uniqueIndex('organisation_ip_ranges_period_uq').on(t.cidr, sql`coalesce(${t.validFrom}, '0001-01-01'::date)`),
  ],
);

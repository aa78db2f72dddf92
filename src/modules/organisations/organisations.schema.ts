import { sql } from 'drizzle-orm';
import { type AnyPgColumn, cidr, date, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ORGANISATION_TYPES, type OrganisationType } from './organisation-types.ts';

export { ORGANISATION_TYPES, type OrganisationType };

export const organisationType = pgEnum('organisation_type', ORGANISATION_TYPES);

export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Stable business key (e.g. the GSO administrative code "132", or "SO-TTTT"); imports match on it. */
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    type: organisationType('type').notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => organisations.id, { onDelete: 'restrict' }),
    /** Người đứng đầu — the head personally accountable for the agency's security duties. */
    headName: text('head_name'),
    headTitle: text('head_title'),
    email: text('email'),
    phone: text('phone'),
    address: text('address'),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
    successorId: uuid('successor_id').references((): AnyPgColumn => organisations.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('organisations_parent_idx').on(t.parentId), index('organisations_successor_idx').on(t.successorId)],
);

/** An organisation's IP ranges: how SOC findings and scanned computers are attributed to it (most specific wins). */
export const organisationIpRanges = pgTable(
  'organisation_ip_ranges',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    cidr: cidr('cidr').notNull().unique(),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('organisation_ip_ranges_org_idx').on(t.organisationId)],
);

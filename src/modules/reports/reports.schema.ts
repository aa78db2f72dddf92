import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../core/db/columns.ts';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { REPORT_KINDS, REPORT_STATES } from './reports.input.ts';

/**
 * An official report (báo cáo) through its life: a draft whose figures are computed when read, approved by another
 * user, then issued — numbered per issuing unit and calendar year, its figures frozen and its DOCX and PDF stored
 * with their SHA-256, so what was sent can be shown and checked later.
 */
export const officialReports = pgTable(
  'official_reports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: text('kind', { enum: REPORT_KINDS }).notNull(),
    state: text('state', { enum: REPORT_STATES }).notNull().default('draft'),
    /** The issuing unit; a periodic report covers its subtree. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    year: integer('year'),
    half: integer('half'),
    /** The inspection concluded (inspections module); no foreign key: a module's face, not its table, is the contract. */
    inspectionId: uuid('inspection_id'),
    /** The unit a conclusion is about (the inspected agency): it sees the report too. */
    subjectOrganisationId: uuid('subject_organisation_id').references(() => organisations.id, {
      onDelete: 'restrict',
    }),
    periodFrom: date('period_from', { mode: 'string' }),
    periodTo: date('period_to', { mode: 'string' }),
    symbol: text('symbol').notNull(),
    title: text('title').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    approvedBy: uuid('approved_by').references(() => users.id, { onDelete: 'set null' }),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    /** The document's day and its number in the unit's register of that calendar year. */
    issuedOn: date('issued_on', { mode: 'string' }),
    numberYear: integer('number_year'),
    number: integer('number'),
    recipients: jsonb('recipients').$type<string[]>(),
    figures: jsonb('figures'),
    docx: bytea('docx'),
    docxSha256: text('docx_sha256'),
    pdf: bytea('pdf'),
    pdfSha256: text('pdf_sha256'),
  },
  (t) => [
    unique('official_reports_number').on(t.organisationId, t.numberYear, t.number),
    index().on(t.organisationId),
    index().on(t.subjectOrganisationId),
    index().on(t.createdBy),
    index().on(t.approvedBy),
    index().on(t.issuedBy),
  ],
);

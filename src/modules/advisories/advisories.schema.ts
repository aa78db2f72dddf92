import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea } from '../../core/db/columns.ts';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { informationSystems } from '../systems/systems.schema.ts';
import { computers, severityEnum, vulnFindings } from '../vulnerabilities/vulnerabilities.schema.ts';
import {
  ADVISORY_SOURCES,
  ADVISORY_STATES,
  PRODUCT_STATUSES,
  TARGET_REASONS,
  TARGET_RESPONSES,
} from './advisories.input.ts';

/** Cảnh báo an toàn thông tin — an advisory the province takes in and passes to the agencies that must act. */
export const advisories = pgTable(
  'advisories',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    source: text('source', { enum: ADVISORY_SOURCES }).notNull(),
    /** The document's own identity (CSAF `document.tracking.id`, a CVE id); re-importing it updates, never doubles. */
    externalId: text('external_id').unique(),
    /** CSAF `tracking.version` / CVE `dateUpdated`: a re-import with the same revision changes nothing. */
    revision: text('revision'),
    /** Who issued it (e.g. the national coordinating body, a vendor) and its number and symbol (số, ký hiệu). */
    sourceBody: text('source_body'),
    sourceNumber: text('source_number'),
    title: text('title').notNull(),
    summary: text('summary'),
    severity: severityEnum('severity').notNull(),
    cvssScore: real('cvss_score'),
    cvssVector: text('cvss_vector'),
    cves: text('cves').array().notNull().default(sql`'{}'::text[]`),
    /** CSAF remediations and references, as read: [{ category, details, url, productIds }]. */
    remediations: jsonb('remediations').notNull().default([]),
    references: jsonb('references').notNull().default([]),
    issuedOn: date('issued_on'),
    /** Agencies must acknowledge by this day and act (patch, mitigate…) by `actBy`. */
    acknowledgeBy: date('acknowledge_by'),
    actBy: date('act_by'),
    state: text('state', { enum: ADVISORY_STATES }).notNull().default('draft'),
    /** SHA-256 of the imported file (CSAF/CVE JSON), so the same bytes are recognised. */
    fileSha256: text('file_sha256'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: uuid('published_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('advisories_state_idx').on(t.state, t.issuedOn)],
);

/**
 * An affected (or fixed, not affected…) product of an advisory with its version range, as read from the document
 * or typed in. Ranges follow CVE 5 / NVD: a start and an end bound, each inclusive or exclusive; `version` alone is
 * one exact version; no bound at all means every version.
 */
export const advisoryProducts = pgTable(
  'advisory_products',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    advisoryId: uuid('advisory_id')
      .notNull()
      .references(() => advisories.id, { onDelete: 'cascade' }),
    /** CSAF `product_id` (or null for a typed-in product): how remediations and statuses refer to it. */
    productRef: text('product_ref'),
    vendor: text('vendor'),
    product: text('product').notNull(),
    version: text('version'),
    versionStartIncluding: text('version_start_including'),
    versionStartExcluding: text('version_start_excluding'),
    versionEndIncluding: text('version_end_including'),
    versionEndExcluding: text('version_end_excluding'),
    cpe: text('cpe'),
    purl: text('purl'),
    /** The range as the document wrote it (CSAF `product_version_range`, e.g. `vers:all/<V4.9.0`). */
    rangeText: text('range_text'),
    status: text('status', { enum: PRODUCT_STATUSES }).notNull().default('known_affected'),
    /** The CVEs this status is for (a CSAF product may be affected by one vulnerability and fixed for another). */
    cves: text('cves').array().notNull().default(sql`'{}'::text[]`),
    /** The fix named for this product (CSAF vendor_fix / mitigation details), if any. */
    remediation: text('remediation'),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('advisory_products_advisory_idx').on(t.advisoryId)],
);

/** The letter (công văn) or any file attached to an advisory, kept with its hash. */
export const advisoryAttachments = pgTable(
  'advisory_attachments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    advisoryId: uuid('advisory_id')
      .notNull()
      .references(() => advisories.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('advisory_attachments_advisory_idx').on(t.advisoryId)],
);

/**
 * Each agency an advisory concerns: notified when it is published, must acknowledge by the deadline, escalated to
 * its head (named) when late. One row per advisory and agency; an agency reads only its own.
 */
export const advisoryOrganisations = pgTable(
  'advisory_organisations',
  {
    advisoryId: uuid('advisory_id')
      .notNull()
      .references(() => advisories.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    acknowledgeBy: date('acknowledge_by'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id, { onDelete: 'set null' }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    /** The head the escalation named (name, title), as it was that day. */
    escalatedTo: text('escalated_to'),
  },
  (t) => [
    primaryKey({ columns: [t.advisoryId, t.organisationId] }),
    index('advisory_organisations_org_idx').on(t.organisationId),
  ],
);

/**
 * One thing that must be acted on: a system, a computer, a finding, or (added by hand) an organisation or an address
 * range. `matchDetail` explains the match (which component or software, which product range, which CVE). `targetKey`
 * makes re-targeting idempotent.
 */
export const advisoryTargets = pgTable(
  'advisory_targets',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    advisoryId: uuid('advisory_id')
      .notNull()
      .references(() => advisories.id, { onDelete: 'cascade' }),
    targetKey: text('target_key').notNull(),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'restrict' }),
    systemId: uuid('system_id').references(() => informationSystems.id, { onDelete: 'cascade' }),
    computerId: uuid('computer_id').references(() => computers.id, { onDelete: 'cascade' }),
    findingId: uuid('finding_id').references(() => vulnFindings.id, { onDelete: 'set null' }),
    /** Added by hand: the address range (CIDR) asked for. */
    cidr: text('cidr'),
    reason: text('reason', { enum: TARGET_REASONS }).notNull(),
    matchDetail: jsonb('match_detail').notNull().default({}),
    addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
    response: text('response', { enum: TARGET_RESPONSES }).notNull().default('pending'),
    responseNote: text('response_note'),
    respondedBy: uuid('responded_by').references(() => users.id, { onDelete: 'set null' }),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    /** Risk acceptance only: the Department's decision. */
    riskApproved: text('risk_decision', { enum: ['approved', 'rejected'] }),
    riskDecidedBy: uuid('risk_decided_by').references(() => users.id, { onDelete: 'set null' }),
    riskDecidedAt: timestamp('risk_decided_at', { withTimezone: true }),
    /** A computer target reported patched is remediated only when a later scan no longer shows the finding. */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('advisory_targets_key_uq').on(t.advisoryId, t.targetKey),
    index('advisory_targets_org_idx').on(t.organisationId),
    index('advisory_targets_computer_idx').on(t.computerId),
    index('advisory_targets_system_idx').on(t.systemId),
    index('advisory_targets_finding_idx').on(t.findingId),
  ],
);

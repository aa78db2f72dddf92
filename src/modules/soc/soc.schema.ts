import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  inet,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';

/** Chỉ dấu tình báo mối đe dọa — one threat-intelligence indicator from one source. */
export const threatIndicators = pgTable(
  'threat_indicators',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    type: text('type').notNull(), // ip | cidr | domain | url
    value: text('value').notNull(),
    source: text('source').notNull(),
    confidence: integer('confidence'),
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    externalId: text('external_id'),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('threat_indicators_identity_idx').on(t.type, t.value, t.source)],
);

/**
 * One batch of log data run through the engine: an uploaded file (its SHA-256 makes a re-upload a no-op) or one
 * day of a live collector (NetFlow/IPFIX, syslog).
 */
export const socIngests = pgTable('soc_ingests', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  source: text('source').notNull(),
  format: text('format'),
  sha256: text('sha256').unique(),
  events: integer('events').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  /** First rejected lines with their line numbers. */
  errors: jsonb('errors').notNull().default([]),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
});

export const SOC_FINDING_KINDS = ['scanner', 'malicious_contact'] as const;
export const socFindingKind = pgEnum('soc_finding_kind', SOC_FINDING_KINDS);
/** Analyst triage: new → confirmed / false_positive / escalated (to an incident). */
export const SOC_TRIAGE = ['new', 'confirmed', 'false_positive', 'escalated'] as const;
export const socTriage = pgEnum('soc_triage', SOC_TRIAGE);

/**
 * A scanning source or a host that contacted a malicious server, deduplicated across ingests by `dedupeKey`
 * (kind + address [+ indicator]). Activity per ingest lives in `soc_sightings`, so period figures count only what
 * was seen in the period.
 */
export const socFindings = pgTable(
  'soc_findings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: socFindingKind('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    /** The scanner's address, or the (internal) host that talked to the indicator. */
    ip: inet('ip').notNull(),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    /** How the organisation was found: the address's own range, or (external scanners) the range it hit most. */
    attribution: text('attribution'),
    internal: boolean('internal').notNull(),
    scanKind: text('scan_kind'),
    slow: boolean('slow'),
    indicator: text('indicator'),
    indicatorType: text('indicator_type'),
    indicatorSource: text('indicator_source'),
    direction: text('direction'),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
    /** Latest rule hits with their thresholds and observed numbers, and bounded evidence samples. */
    rules: jsonb('rules').notNull().default([]),
    evidence: jsonb('evidence').notNull().default([]),
    status: socTriage('status').notNull().default('new'),
    triageNote: text('triage_note'),
    triagedBy: uuid('triaged_by').references(() => users.id, { onDelete: 'set null' }),
    triagedAt: timestamp('triaged_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('soc_findings_org_idx').on(t.organisationId), index('soc_findings_kind_idx').on(t.kind, t.lastSeen)],
);

/** What one ingest saw of one finding (cumulative for live collectors, so re-flushing is idempotent). */
export const socSightings = pgTable(
  'soc_sightings',
  {
    findingId: uuid('finding_id')
      .notNull()
      .references(() => socFindings.id, { onDelete: 'cascade' }),
    ingestId: uuid('ingest_id')
      .notNull()
      .references(() => socIngests.id, { onDelete: 'cascade' }),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
    /** Scanner: attempts; contact: matching events. */
    count: integer('count').notNull(),
    distinctTargets: integer('distinct_targets'),
    distinctPorts: integer('distinct_ports'),
    /**
     * Scanner: failed attempts on each organisation's ranges, by organisation id; what an agency swept by another
     * agency's (or an outside) scanner is shown instead of the scanner's totals. Null when not recorded (before 0007).
     */
    organisationAttempts: jsonb('organisation_attempts').$type<Record<string, number>>(),
  },
  (t) => [
    primaryKey({ columns: [t.findingId, t.ingestId] }),
    index('soc_sightings_ingest_idx').on(t.ingestId),
    index('soc_sightings_time_idx').on(t.firstSeen, t.lastSeen),
  ],
);

/**
 * Every organisation a finding concerns: the one owning its address, and for a scanner each organisation whose
 * ranges it sent failed attempts to. Agencies see, and period figures count, the findings that concern them.
 */
export const socFindingOrganisations = pgTable(
  'soc_finding_organisations',
  {
    findingId: uuid('finding_id')
      .notNull()
      .references(() => socFindings.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.findingId, t.organisationId] }),
    index('soc_finding_organisations_org_idx').on(t.organisationId),
  ],
);

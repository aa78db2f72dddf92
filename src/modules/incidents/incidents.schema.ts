import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../core/db/columns.ts';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { socFindings } from '../soc/soc.schema.ts';
import { informationSystems } from '../systems/systems.schema.ts';
import { vulnFindings } from '../vulnerabilities/vulnerabilities.schema.ts';
import {
  INCIDENT_FORMS,
  INCIDENT_SEVERITIES,
  INCIDENT_SOURCES,
  INCIDENT_STATES,
  INCIDENT_TYPES,
  RESPONSE_STEPS,
  type SeverityFactor,
  TEAM_ROLES,
} from './incidents.input.ts';

/** The facts a severity was decided on, kept with it (the rule of the detection day, the systems' levels then). */
export type SeverityBasis = {
  ruleKey: string | null;
  legalBasis: string | null;
  day: string;
  systems: { id: string; name: string; level: number | null; critical: boolean; qualifies: boolean }[];
  factors: string[];
  beyondCapability: boolean;
};

/** Sự cố an toàn thông tin mạng — with the fields of the initial report (QĐ 05/2017 Art. 11.4). */
export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Human reference, unique: SC-<year of detection>-<number> (e.g. SC-2026-0007). */
    code: text('code').notNull().unique(),
    title: text('title').notNull(),
    /** The operating agency (đơn vị vận hành); the scope key. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    /** The system owner (chủ quản) as named in the report. */
    ownerName: text('owner_name'),
    systemId: uuid('system_id').references(() => informationSystems.id, { onDelete: 'set null' }),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull(),
    contactName: text('contact_name'),
    /** Chức vụ of the contact (QĐ 05/2017 Art. 11.4.b). */
    contactPosition: text('contact_position'),
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    type: text('type', { enum: INCIDENT_TYPES }).notNull(),
    description: text('description'),
    damage: text('damage'),
    spread: text('spread'),
    /** Infrastructure / service provider (ISP, hosting, cloud). */
    provider: text('provider'),
    actionsTaken: text('actions_taken'),
    helpers: text('helpers'),
    results: text('results'),
    proposals: text('proposals'),
    severityFactors: text('severity_factors').array().$type<SeverityFactor[]>().notNull().default(sql`'{}'::text[]`),
    /** The owner cannot cope alone: the initial report (form 03) is due at once. */
    beyondCapability: boolean('beyond_capability').notNull().default(false),
    /** When the operator found it beyond its capability: the initial report's clock runs from here. */
    beyondCapabilityAt: timestamp('beyond_capability_at', { withTimezone: true }),
    /** Computed by the decision's rule from the system's level and the factors, stored with the rule's basis. */
    severity: text('severity', { enum: INCIDENT_SEVERITIES }).notNull(),
    /** What the severity was computed from: the rule (key, citation), the day, the systems' levels, the factors. */
    severityBasis: jsonb('severity_basis').$type<SeverityBasis>(),
    state: text('state', { enum: INCIDENT_STATES }).notNull().default('open'),
    source: text('source', { enum: INCIDENT_SOURCES }).notNull().default('manual'),
    socFindingId: uuid('soc_finding_id').references(() => socFindings.id, { onDelete: 'set null' }),
    vulnFindingId: uuid('vuln_finding_id').references(() => vulnFindings.id, { onDelete: 'set null' }),
    /** When the operator notified the owner, the coordinating body and the specialised unit. */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    responseEndedAt: timestamp('response_ended_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('incidents_org_idx').on(t.organisationId),
    index('incidents_state_idx').on(t.state, t.detectedAt),
    index('incidents_system_idx').on(t.systemId),
    index('incidents_soc_finding_idx').on(t.socFindingId),
    index('incidents_vuln_finding_idx').on(t.vulnFindingId),
  ],
);

/** SOC findings escalated to an incident (its origin and any later linked to it). */
export const incidentSocFindings = pgTable(
  'incident_soc_findings',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    findingId: uuid('finding_id')
      .notNull()
      .references(() => socFindings.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.findingId] }),
    index('incident_soc_findings_finding_idx').on(t.findingId),
  ],
);

/** Other agencies an incident affects; each of them sees it. */
export const incidentOrganisations = pgTable(
  'incident_organisations',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.organisationId] }),
    index('incident_organisations_org_idx').on(t.organisationId),
  ],
);

export const incidentSystems = pgTable(
  'incident_systems',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.systemId] }), index('incident_systems_system_idx').on(t.systemId)],
);

/** The response timeline: one entry per step taken (TT 20/2017 Art. 11), with who and when. */
export const incidentSteps = pgTable(
  'incident_steps',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    step: text('step', { enum: RESPONSE_STEPS }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    note: text('note').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('incident_steps_incident_idx').on(t.incidentId, t.at)],
);

export const incidentTasks = pgTable(
  'incident_tasks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** A response-team member (the default responders) or any user. */
    memberId: uuid('member_id').references(() => responseTeamMembers.id, { onDelete: 'set null' }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    dueOn: date('due_on'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('incident_tasks_incident_idx').on(t.incidentId),
    index('incident_tasks_member_idx').on(t.memberId),
    index('incident_tasks_assignee_idx').on(t.assigneeId),
  ],
);

/** Evidence files (logs, images, samples), kept with their SHA-256. */
export const incidentEvidence = pgTable(
  'incident_evidence',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    note: text('note'),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('incident_evidence_incident_idx').on(t.incidentId)],
);

/** A statutory report issued for an incident (form 03 initial, 04 closing), with the hash of what was sent. */
export const incidentReports = pgTable(
  'incident_reports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    form: text('form', { enum: INCIDENT_FORMS }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
    /** Recipients in force on the issue day, as resolved then. */
    recipients: text('recipients').array().notNull().default(sql`'{}'::text[]`),
    sha256: text('sha256').notNull(),
  },
  (t) => [index('incident_reports_incident_idx').on(t.incidentId, t.form)],
);

/**
 * Đội ứng cứu sự cố — the provincial response team's roster, dated (a member serves from `validFrom` to `validTo`).
 * A changed phone or e-mail must be reported to the coordinating body within the rule's hours (reminder).
 */
export const responseTeamMembers = pgTable(
  'response_team_members',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    fullName: text('full_name').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    teamRole: text('team_role', { enum: TEAM_ROLES }).notNull().default('member'),
    position: text('position'),
    expertise: text('expertise'),
    phone: text('phone').notNull(),
    email: text('email').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    /** Last change of phone or e-mail, and when it was reported to the coordinating body. */
    contactChangedAt: timestamp('contact_changed_at', { withTimezone: true }),
    contactReportedAt: timestamp('contact_reported_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('response_team_members_org_idx').on(t.organisationId),
    index('response_team_members_user_idx').on(t.userId),
  ],
);

/** The on-call rota (trực 24/7): who answers between two instants. */
export const onCallShifts = pgTable(
  'on_call_shifts',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    memberId: uuid('member_id')
      .notNull()
      .references(() => responseTeamMembers.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('on_call_shifts_member_idx').on(t.memberId), index('on_call_shifts_time_idx').on(t.startsAt)],
);

import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { informationSystems } from '../systems/systems.schema.ts';
import {
  CHECK_RESULTS,
  FINDING_SEVERITIES,
  FINDING_STATES,
  INSPECTION_KINDS,
  INSPECTION_STATES,
  type TEAM_ROLES,
} from './inspections.input.ts';

export type TeamMember = { userId: string | null; name: string; role: (typeof TEAM_ROLES)[number] };

/** Kế hoạch kiểm tra, đánh giá an toàn thông tin of a year, issued by a unit (the Department). */
export const inspectionPlans = pgTable(
  'inspection_plans',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    year: integer('year').notNull(),
    /** The issuing unit: the scope key. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    decisionRef: text('decision_ref'),
    decisionDate: date('decision_date'),
    team: jsonb('team').$type<TeamMember[]>().notNull().default([]),
    note: text('note'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('inspection_plans_org_idx').on(t.organisationId, t.year)],
);

/** One inspection of an agency (and its systems): planned in a year's plan, or ad hoc. */
export const inspections = pgTable(
  'inspections',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    planId: uuid('plan_id').references(() => inspectionPlans.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: INSPECTION_KINDS }).notNull(),
    title: text('title').notNull(),
    /** The inspected agency. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    /** The inspecting unit: it issues the conclusion. */
    inspectorOrganisationId: uuid('inspector_organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    state: text('state', { enum: INSPECTION_STATES }).notNull().default('planned'),
    plannedStart: date('planned_start').notNull(),
    plannedEnd: date('planned_end').notNull(),
    team: jsonb('team').$type<TeamMember[]>().notNull().default([]),
    noticeOn: date('notice_on'),
    startedOn: date('started_on'),
    endedOn: date('ended_on'),
    concludedOn: date('concluded_on'),
    closedOn: date('closed_on'),
    summary: text('summary'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('inspections_plan_idx').on(t.planId),
    index('inspections_org_idx').on(t.organisationId),
    index('inspections_inspector_idx').on(t.inspectorOrganisationId),
    index('inspections_start_idx').on(t.plannedStart),
  ],
);

export const inspectionSystems = pgTable(
  'inspection_systems',
  {
    inspectionId: uuid('inspection_id')
      .notNull()
      .references(() => inspections.id, { onDelete: 'cascade' }),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.inspectionId, t.systemId] }), index('inspection_systems_system_idx').on(t.systemId)],
);

/**
 * The checklist, generated when field work starts from the rules in force that day for each system's approved level
 * (item texts and bases copied: the record says what was checked even after the rules change).
 */
export const inspectionChecks = pgTable(
  'inspection_checks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    inspectionId: uuid('inspection_id')
      .notNull()
      .references(() => inspections.id, { onDelete: 'cascade' }),
    /** null: an item of the whole inspection (scans, other matters). */
    systemId: uuid('system_id').references(() => informationSystems.id, { onDelete: 'restrict' }),
    /** The system's approved level on the start day (null: none approved). */
    level: integer('level'),
    /** One of the rules' INSPECTION_CONTENTS (legal, effectiveness, scan, other). */
    content: text('content').notNull(),
    itemCode: text('item_code').notNull(),
    textVi: text('text_vi').notNull(),
    textEn: text('text_en').notNull(),
    legalBasis: text('legal_basis').notNull(),
    /** What Khiên itself knew on the start day (its scan imports), for the inspector to confirm. */
    evidence: text('evidence'),
    position: integer('position').notNull(),
    result: text('result', { enum: CHECK_RESULTS }),
    note: text('note'),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
  },
  (t) => [
    index('inspection_checks_inspection_idx').on(t.inspectionId, t.position),
    index('inspection_checks_system_idx').on(t.systemId),
  ],
);

/** A finding (tồn tại, hạn chế) with the organisation that must remediate it by a day. */
export const inspectionFindings = pgTable(
  'inspection_findings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    inspectionId: uuid('inspection_id')
      .notNull()
      .references(() => inspections.id, { onDelete: 'cascade' }),
    severity: text('severity', { enum: FINDING_SEVERITIES }).notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    systemId: uuid('system_id').references(() => informationSystems.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    description: text('description'),
    dueOn: date('due_on').notNull(),
    state: text('state', { enum: FINDING_STATES }).notNull().default('open'),
    /** The day it was recorded (figures as of a day count it from then). */
    foundOn: date('found_on').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('inspection_findings_inspection_idx').on(t.inspectionId),
    index('inspection_findings_org_idx').on(t.organisationId),
    index('inspection_findings_system_idx').on(t.systemId),
  ],
);

/** A finding's history: the agency's answers, the inspector's acceptance or return; its state on a day is the last. */
export const inspectionFindingEvents = pgTable(
  'inspection_finding_events',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    findingId: uuid('finding_id')
      .notNull()
      .references(() => inspectionFindings.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['answer', 'accept', 'return'] }).notNull(),
    text: text('text'),
    evidence: text('evidence'),
    /** The province's day of the event. */
    onDay: date('on_day').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    userName: text('user_name').notNull(),
  },
  (t) => [index('inspection_finding_events_finding_idx').on(t.findingId, t.at)],
);

import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { responseTeamMembers } from '../incidents/incidents.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { staffMembers } from '../staff/staff.schema.ts';
import { informationSystems } from '../systems/systems.schema.ts';
import {
  DRILL_KINDS,
  DRILL_STATES,
  EXPLOITATION_DEPTHS,
  FINDING_SEVERITIES,
  PARTICIPANT_ROLES,
  TASK_STATES,
  TEAM_SIDES,
} from './drills.input.ts';

/** Diễn tập: a tabletop, a live attack–defence drill on real systems (CT 60/CT-BTTTT), a national or cluster drill. */
export const drills = pgTable(
  'drills',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    title: text('title').notNull(),
    kind: text('kind', { enum: DRILL_KINDS }).notNull(),
    /** The organising unit: the scope key. */
    organiserId: uuid('organiser_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    state: text('state', { enum: DRILL_STATES }).notNull().default('planned'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** The province's day the drill started on: targets count it in that year, systems' levels are read that day. */
    drillDay: date('drill_day').notNull(),
    description: text('description'),
    tools: text('tools'),
    exploitationDepth: text('exploitation_depth', { enum: EXPLOITATION_DEPTHS }),
    windowStartsAt: timestamp('window_starts_at', { withTimezone: true }),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true }),
    lessons: text('lessons'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('drills_organiser_idx').on(t.organiserId), index('drills_day_idx').on(t.drillDay, t.state)],
);

/** The systems a live drill attacks (its targets). */
export const drillSystems = pgTable(
  'drill_systems',
  {
    drillId: uuid('drill_id')
      .notNull()
      .references(() => drills.id, { onDelete: 'cascade' }),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.drillId, t.systemId] }), index('drill_systems_system_idx').on(t.systemId)],
);

/** A team (attack, defence, organisers, observers) with its scores. */
export const drillTeams = pgTable(
  'drill_teams',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    drillId: uuid('drill_id')
      .notNull()
      .references(() => drills.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    side: text('side', { enum: TEAM_SIDES }).notNull(),
    attackPoints: integer('attack_points'),
    defencePoints: integer('defence_points'),
    availabilityPoints: integer('availability_points'),
  },
  (t) => [index('drill_teams_drill_idx').on(t.drillId)],
);

/**
 * Who takes part: an official of the register or a response-team member, with the name, e-mail and organisation as
 * they were when added (targets match people by lower-case e-mail across appointments), and whether they attended.
 */
export const drillParticipants = pgTable(
  'drill_participants',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    drillId: uuid('drill_id')
      .notNull()
      .references(() => drills.id, { onDelete: 'cascade' }),
    staffMemberId: uuid('staff_member_id').references(() => staffMembers.id, { onDelete: 'set null' }),
    teamMemberId: uuid('team_member_id').references(() => responseTeamMembers.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => drillTeams.id, { onDelete: 'set null' }),
    fullName: text('full_name').notNull(),
    email: text('email').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    role: text('role', { enum: PARTICIPANT_ROLES }).notNull().default('member'),
    attended: boolean('attended').notNull().default(false),
  },
  (t) => [
    uniqueIndex('drill_participants_person_uq').on(t.drillId, t.email),
    index('drill_participants_email_idx').on(t.email),
    index('drill_participants_org_idx').on(t.organisationId),
  ],
);

/** What a drill found, and the remediation task it became (at most one per finding). */
export const drillFindings = pgTable(
  'drill_findings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    drillId: uuid('drill_id')
      .notNull()
      .references(() => drills.id, { onDelete: 'cascade' }),
    severity: text('severity', { enum: FINDING_SEVERITIES }).notNull(),
    systemId: uuid('system_id').references(() => informationSystems.id, { onDelete: 'set null' }),
    description: text('description').notNull(),
    taskOrganisationId: uuid('task_organisation_id').references(() => organisations.id, { onDelete: 'restrict' }),
    taskDueOn: date('task_due_on'),
    taskState: text('task_state', { enum: TASK_STATES }),
    taskNote: text('task_note'),
    taskDoneAt: timestamp('task_done_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('drill_findings_drill_idx').on(t.drillId),
    index('drill_findings_task_org_idx').on(t.taskOrganisationId),
  ],
);

import { sql } from 'drizzle-orm';
import { date, doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { OVERSIGHT_INDICATORS, TASK_COMPARISONS, TASK_UNITS } from './oversight.input.ts';

/**
 * A task of a provincial order (or one the province adds), as dated data: the order is data, never code. A task
 * with no deadline is standing (counted per calendar year); one with an organisation binds only its subtree.
 */
export const orderTasks = pgTable(
  'order_tasks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    orderRef: text('order_ref').notNull(),
    number: text('number').notNull(),
    titleVi: text('title_vi').notNull(),
    titleEn: text('title_en').notNull(),
    indicator: text('indicator', { enum: OVERSIGHT_INDICATORS }).notNull(),
    unit: text('unit', { enum: TASK_UNITS }).notNull(),
    target: doublePrecision('target').notNull(),
    comparison: text('comparison', { enum: TASK_COMPARISONS }).notNull().default('at_least'),
    deadline: date('deadline'),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'restrict' }),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    legalBasis: text('legal_basis'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('order_tasks_org_idx').on(t.organisationId), index('order_tasks_valid_idx').on(t.validFrom)],
);

/** Progress of a `manual` task recorded by the Department: the figure as of `day`, for a unit or the whole task. */
export const orderTaskProgress = pgTable(
  'order_task_progress',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    taskId: uuid('task_id')
      .notNull()
      .references(() => orderTasks.id, { onDelete: 'cascade' }),
    /** null: the task's whole subtree. */
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'restrict' }),
    day: date('day').notNull(),
    value: doublePrecision('value').notNull(),
    numerator: integer('numerator'),
    denominator: integer('denominator'),
    note: text('note'),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('order_task_progress_task_idx').on(t.taskId, t.day),
    index('order_task_progress_org_idx').on(t.organisationId),
    index('order_task_progress_user_idx').on(t.recordedBy),
  ],
);

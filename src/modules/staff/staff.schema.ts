import { sql } from 'drizzle-orm';
import { date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { STAFF_DUTIES } from './staff.input.ts';

/**
 * Cán bộ phụ trách chuyển đổi số / an toàn thông tin — one official's appointment at one organisation, dated
 * (`validFrom` to `validTo` inclusive): drill targets count the officials in force on a day. The business key of an
 * import is (organisation, e-mail, validFrom): a re-import updates the same appointment.
 */
export const staffMembers = pgTable(
  'staff_members',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    fullName: text('full_name').notNull(),
    position: text('position'),
    duty: text('duty', { enum: STAFF_DUTIES }).notNull(),
    /** Lower-case: response-team membership and phishing recipients match on it. */
    email: text('email').notNull(),
    phone: text('phone'),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('staff_members_org_idx').on(t.organisationId),
    index('staff_members_email_idx').on(t.email),
    uniqueIndex('staff_members_appointment_uq').on(t.organisationId, t.email, t.validFrom),
  ],
);

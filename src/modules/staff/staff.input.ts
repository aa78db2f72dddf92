import { z } from 'zod';

/**
 * The staff register's value lists and what its routes accept (zod only: the web forms reuse it). A message that is a
 * key (`staff.…`) is translated as `errors.<key>`.
 */

/** Cán bộ phụ trách chuyển đổi số and/or an toàn thông tin of an organisation. */
export const STAFF_DUTIES = ['digital_transformation', 'information_security', 'both'] as const;
export type StaffDuty = (typeof STAFF_DUTIES)[number];

/** PostgreSQL has no year 0: days are kept between 1900 and 9999 (an open end is `validTo` null, not a far day). */
export const STAFF_DAY_RANGE = { min: '1900-01-01', max: '9999-12-31' } as const;
export const staffDay = z.iso
  .date({ error: 'staff.invalidDate' })
  .refine((d) => d >= STAFF_DAY_RANGE.min && d <= STAFF_DAY_RANGE.max, 'staff.dayOutOfRange');
const day = staffDay;
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'staff.tooLong')
    .nullish()
    .transform((v) => v || null);

/** E-mail addresses compare without case: the register keeps them lower-case. */
export const staffEmail = z
  .email({ error: 'staff.emailInvalid' })
  .max(254, 'staff.tooLong')
  .transform((v) => v.trim().toLowerCase());

const staffFields = {
  organisationId: z.uuid({ error: 'staff.required' }),
  fullName: z.string().trim().min(2, 'staff.nameLength').max(200, 'staff.nameLength'),
  position: text(200),
  duty: z.enum(STAFF_DUTIES),
  email: staffEmail,
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 .-]{5,24}$/, 'staff.phoneInvalid')
    .or(z.literal(''))
    .nullish()
    .transform((v) => v || null),
  validFrom: day,
  validTo: day.nullish().transform((v) => v ?? null),
};

const periodForwards = (s: { validFrom?: string; validTo?: string | null }) =>
  !s.validFrom || !s.validTo || s.validTo >= s.validFrom;

export const ZStaffInput = z
  .object(staffFields)
  .refine(periodForwards, { message: 'staff.periodReversed', path: ['validTo'] });
export type StaffInput = z.input<typeof ZStaffInput>;

export const ZStaffUpdate = z
  .object(staffFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'staff.nothingToChange' })
  .refine(periodForwards, { message: 'staff.periodReversed', path: ['validTo'] });
export type StaffUpdate = z.input<typeof ZStaffUpdate>;

/** The list: officials in force on `on` (default today), searched by name/e-mail/position, filtered. */
export const ZStaffQuery = z.object({
  on: day.optional(),
  q: z.string().trim().max(200).optional(),
  organisationId: z.uuid().optional().describe('this organisation and its subtree (tree of `on`)'),
  duty: z.enum(STAFF_DUTIES).optional(),
  /** Include officials not in force on `on` (the whole history). */
  all: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.enum(['fullName', 'organisation', 'validFrom']).default('organisation'),
});
export type StaffQuery = z.input<typeof ZStaffQuery>;

/** Import: the day codes are resolved on when a row has no valid-from (default today). */
export const ZStaffImportQuery = z.object({ on: day.optional() });

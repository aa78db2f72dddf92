import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import { STAFF_DUTIES } from './staff.input.ts';

// What the staff routes answer. Named schemas (.meta({ id })) become the web client's types and value lists.

export const ZStaffDuty = z.enum(STAFF_DUTIES).meta({ id: 'StaffDuty' });

/** One appointment, with its organisation and, when the official serves on the response team that day, the role. */
export const ZStaffMember = z
  .object({
    id: z.uuid(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    organisationCode: z.string(),
    fullName: z.string(),
    position: z.string().nullable(),
    duty: ZStaffDuty,
    email: z.string(),
    phone: z.string().nullable(),
    validFrom: zDay,
    validTo: zDay.nullable(),
    /** In force on the list's day. */
    active: z.boolean(),
    /** The response-team roster entry in force on the list's day with the same e-mail, if any. */
    responseTeam: z.object({ memberId: z.uuid(), teamRole: z.string() }).nullable(),
    updatedAt: zInstant,
  })
  .meta({ id: 'StaffMember' });

export const ZStaffPage = page(ZStaffMember).meta({ id: 'StaffPage' });

const ZStaffRowError = z
  .object({
    row: z.number().int(),
    column: z.string().optional(),
    message: z.string(),
    key: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .meta({ id: 'StaffRowError' });

/** An import: rows written, rows already as in the file, and the rows refused (row number, column, why). */
export const ZStaffImportReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(ZStaffRowError),
  })
  .meta({ id: 'StaffImportReport' });

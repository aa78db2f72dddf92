import { z } from 'zod';
import { zDay } from '../../core/contract.ts';
import { ORGANISATION_TYPES } from './organisation-types.ts';

/**
 * What the organisation routes accept. The web form validates with these same schemas (zod, core/contract and the
 * dependency-free value list only). A message that is a word like `nameTooShort` is a key the UI translates.
 */

export const ZOrganisationType = z.enum(ORGANISATION_TYPES).meta({ id: 'OrganisationType' });

const optionalText = z
  .string()
  .trim()
  .max(500, 'tooLong')
  .nullish()
  .transform((v) => v || null);
/** A day yyyy-mm-dd that exists (2025-02-30 does not), or nothing. */
const optionalDay = z
  .union([z.literal(''), zDay.meta({ description: 'yyyy-mm-dd' })], { error: 'dateInvalid' })
  .nullish()
  .transform((v) => v || null);

/** One IP range as typed (its syntax is judged by PostgreSQL's own `cidr` parser on the server). */
export const ZIpRangeText = z.string().trim().min(3, 'ipRangeInvalid').max(64, 'ipRangeInvalid');

/** A unit's fields as sent (before the check across them: `ZOrganisationInput`). */
export const ZOrganisationFields = z.object({
  code: z.string().trim().min(1, 'required').max(50, 'tooLong'),
  name: z.string().trim().min(2, 'nameTooShort').max(300, 'tooLong'),
  type: ZOrganisationType,
  parentId: z
    .uuid()
    .nullish()
    .or(z.literal(''))
    .transform((v) => v || null),
  headName: optionalText,
  headTitle: optionalText,
  email: z
    .email('emailInvalid')
    .nullish()
    .or(z.literal(''))
    .transform((v) => v || null),
  phone: optionalText,
  address: optionalText,
  /** Đơn vị kế thừa: the unit that took over after validTo (mergers of 2025), so later data rolls up to it. */
  successorId: z
    .uuid()
    .nullish()
    .or(z.literal(''))
    .transform((v) => v || null),
  /** A ministry (competent-body code) that owns this vertical body's systems; empty = the province. */
  ownerBodyCode: z
    .string()
    .trim()
    .max(50, 'tooLong')
    .nullish()
    .transform((v) => v || null),
  validFrom: optionalDay,
  validTo: optionalDay,
  ipRanges: z.array(ZIpRangeText).max(500, 'tooMany').default([]),
});

/** A unit's validity ends on or after it starts (the form checks its own view of the fields with the same rule). */
export const withValidityInOrder = <T extends z.ZodType<{ validFrom: string | null; validTo: string | null }>>(
  schema: T,
) =>
  schema.refine((o) => !o.validFrom || !o.validTo || o.validFrom <= o.validTo, {
    message: 'periodReversed',
    path: ['validTo'],
  });

export const ZOrganisationInput = withValidityInOrder(ZOrganisationFields);
export type OrganisationInput = z.input<typeof ZOrganisationInput>;
export type ParsedOrganisationInput = z.output<typeof ZOrganisationInput>;

export const ZOrganisationListQuery = z.object({
  asOf: zDay.optional().describe('the day whose tree to list, yyyy-mm-dd (default: today)'),
});

export const ZOrganisationExportQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  asOf: zDay.optional().describe('the day whose tree to export (default: today)'),
});

export const ZReorganiseQuery = z.object({ dryRun: z.enum(['true', 'false']).default('false') });

/** The schema's message keys in English, for API users and logs (the UI says them in the reader's language). */
export const INPUT_MESSAGES: Record<string, string> = {
  required: 'Required',
  tooLong: 'Too long',
  tooMany: 'Too many items',
  nameTooShort: 'The name needs at least 2 characters',
  emailInvalid: 'Invalid e-mail address',
  dateInvalid: 'Invalid date (expected a real day)',
  ipRangeInvalid: 'Invalid IP range',
  periodReversed: 'The end of the validity is before its start',
};

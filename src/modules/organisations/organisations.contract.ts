import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { ZOrganisationType } from './organisations.input.ts';
import { organisations } from './organisations.schema.ts';

/** What the organisation routes answer (the web client's types are generated from these). */
export { ZOrganisationType };

/** A unit with the IP ranges in force on the day asked for (or on its last day when it has ended). */
export const ZOrganisation = createSelectSchema(organisations, { type: ZOrganisationType })
  .extend({ ipRanges: z.array(z.string()).describe('CIDR ranges, canonical form') })
  .meta({ id: 'Organisation' });

/**
 * A problem with one row of an uploaded file: the row number (1 = header), the column key and why (in English, and
 * as a message key with its values for the UI to say it in the reader's language).
 */
const ZRowError = z
  .object({
    row: z.number().int(),
    column: z.string().optional(),
    message: z.string(),
    key: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .meta({ id: 'OrganisationRowError' });

/** An organisation-tree import: counts of rows written or left as they were, and the rows refused. */
export const ZOrganisationImportReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(ZRowError),
  })
  .meta({ id: 'OrganisationImportReport' });

/** A reorganisation's check (dryRun) or result: what opens, what closes, what rolls up, who needs a new unit. */
export const ZReorganisationReport = z
  .object({
    /** yyyy-mm-dd as written in the file; null when the file has no valid effective date. */
    effective: z.string().nullable(),
    dryRun: z.boolean(),
    applied: z.boolean(),
    alreadyApplied: z.boolean(),
    created: z.array(
      z.object({ code: z.string(), name: z.string(), type: z.string(), parentCode: z.string().nullable() }),
    ),
    closed: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        successorCode: z.string().nullable(),
        successorName: z.string().nullable(),
      }),
    ),
    moves: z.object({
      ipRanges: z.number().int(),
      systems: z.number().int(),
      computers: z.number().int(),
      socFindings: z.number().int(),
    }),
    accountsToReview: z.array(
      z.object({ username: z.string(), displayName: z.string(), organisationCode: z.string() }),
    ),
    errors: z.array(ZRowError),
  })
  .meta({ id: 'ReorganisationReport' });

/**
 * What the caller's part of the province has so far, for the overview of a fresh install: each count is what the
 * caller may see (organisations and systems in scope; scan and log imports province-wide, as counts only).
 */
export const ZGettingStarted = z
  .object({
    organisations: z.number().int(),
    systems: z.number().int(),
    scanImports: z.number().int(),
    socIngests: z.number().int(),
  })
  .meta({ id: 'GettingStarted' });

import { z } from 'zod';
import { zDay } from '../../core/contract.ts';

/** What the audit routes accept (the web's filters send exactly these; zod and core/contract only). */

/** The keys the audit log sorts by (`at` is the order entries were written in). */
export const AUDIT_SORTS = ['at', 'actor', 'action', 'entityType'] as const;

export const ZAuditListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
    sort: z.enum(AUDIT_SORTS).meta({ id: 'AuditSort' }).default('at'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    /** First and last day (yyyy-mm-dd, the province's calendar), both included. */
    from: zDay.optional(),
    to: zDay.optional(),
    /** Who acted: a username, or `system` for the command line and the server's own jobs. */
    actor: z.string().trim().max(200).optional(),
    action: z.string().trim().max(100).optional(),
    entityType: z.string().trim().max(50).optional(),
    entityId: z.string().trim().max(100).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'periodReversed', path: ['to'] });
export type AuditListQuery = z.output<typeof ZAuditListQuery>;

export const ZAuditVerifyQuery = z.object({
  head: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

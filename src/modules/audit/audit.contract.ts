import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { page } from '../../core/contract.ts';
import { auditLog } from './audit.schema.ts';

/** What the audit routes answer (the web client's types are generated from these). */
export const ZAuditEntry = createSelectSchema(auditLog, { before: z.unknown(), after: z.unknown() })
  .extend({
    actorDisplayName: z
      .string()
      .nullable()
      .describe("The acting account's name today (null: the system or no account)"),
    entityName: z.string().nullable().describe('The name of the object acted on, where known'),
  })
  .meta({ id: 'AuditEntry' });

export const ZAuditPage = page(ZAuditEntry).meta({ id: 'AuditPage' });

/** The values the log's filters offer: actions and object types that occur, and the accounts. */
export const ZAuditFacets = z
  .object({
    actions: z.array(z.string()),
    entityTypes: z.array(z.string()),
    actors: z.array(z.object({ username: z.string(), displayName: z.string() })),
  })
  .meta({ id: 'AuditFacets' });

export const ZAuditVerification = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    brokenAt: z.object({ seq: z.number().int(), reason: z.enum(['content-changed', 'chain-broken']) }).optional(),
    headHash: z.string().optional(),
    keptHead: z.enum(['present', 'missing']).optional(),
  })
  .meta({ id: 'AuditVerification' });

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { listAudit, verifyAuditChain } from './audit.service.ts';

export function registerAuditRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first (page with beforeSeq)',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          beforeSeq: z.coerce.number().int().positive().optional(),
          entityType: z.string().max(50).optional(),
          entityId: z.string().max(100).optional(),
        }),
      },
    },
    async (req) => listAudit(db, req.query),
  );
  r.get(
    '/api/audit/verify',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'Re-compute the hash chain and report the first broken entry; with `head` (a headHash kept outside the database), also whether the chain still holds it',
        querystring: z.object({
          head: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .optional(),
        }),
      },
    },
    async (req) => verifyAuditChain(db, req.query.head),
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../core/db/client.ts';
import { ZAuditFacets, ZAuditPage, ZAuditVerification } from './audit.contract.ts';
import { registerAuditExports } from './audit.export.ts';
import { ZAuditListQuery, ZAuditVerifyQuery } from './audit.input.ts';
import { auditFacets, listAudit } from './audit.list.ts';
import { verifyAuditChain } from './audit.service.ts';

export function registerAuditRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerAuditExports(app, { db });
  r.get(
    '/api/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'A page of audit entries (newest first by default), filtered by days, actor, action and object, with the total',
        querystring: ZAuditListQuery,
        response: { 200: ZAuditPage },
      },
    },
    async (req) => listAudit(db, req.query),
  );
  r.get(
    '/api/audit/facets',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'The actions and object types that occur in the log, and the accounts (for filters)',
        response: { 200: ZAuditFacets },
      },
    },
    async () => auditFacets(db),
  );
  r.get(
    '/api/audit/verify',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'Re-compute the hash chain and report the first broken entry; with `head` (a headHash kept outside the database), also whether the chain still holds it',
        querystring: ZAuditVerifyQuery,
        response: { 200: ZAuditVerification },
      },
    },
    async (req) => verifyAuditChain(db, req.query.head),
  );
}

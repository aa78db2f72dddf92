import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { registerStreamingUploads, spool } from '../../server/upload.ts';
import { importScanFile } from './scan-import.ts';
import {
  assignComputer,
  changeFindingStatus,
  decideFindingRequest,
  importKev,
  listComputers,
  listFindings,
  listScans,
  remediationDays,
  setRemediationDays,
  vulnerabilitySummary,
  ZFindingQuery,
  ZPeriod,
  ZStatusChange,
} from './vulnerabilities.service.ts';

const ZId = z.object({ id: z.uuid() });
const MAX_SCAN_BYTES = 2 * 1024 ** 3;

export function registerVulnerabilityRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/vulnerabilities/summary',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Vulnerable computers in a period and organisation subtree',
        querystring: ZPeriod,
      },
    },
    async (req) => vulnerabilitySummary(db, req.scope, req.query),
  );
  r.get(
    '/api/vulnerabilities/computers',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['vulnerabilities'],
        querystring: z.object({
          organisationId: z.uuid().optional(),
          unattributed: z.coerce.boolean().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (req) => listComputers(db, req.scope, req.query),
  );
  r.put(
    '/api/vulnerabilities/computers/:id/organisation',
    {
      config: { permission: 'vuln.import' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Assign a computer to an organisation',
        params: ZId,
        body: z.object({ organisationId: z.uuid().nullable() }),
      },
    },
    async (req) => {
      await assignComputer(db, actorOf(req), req.params.id, req.body.organisationId);
      return { ok: true };
    },
  );
  r.get(
    '/api/vulnerabilities/findings',
    { config: { permission: 'vuln.read' }, schema: { tags: ['vulnerabilities'], querystring: ZFindingQuery } },
    async (req) => listFindings(db, req.scope, req.query),
  );
  r.post(
    '/api/vulnerabilities/findings/:id/status',
    {
      config: { permission: 'vuln.remediate' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Mark fixed, request/approve accepted risk or false positive',
        params: ZId,
        body: ZStatusChange,
      },
    },
    async (req) => changeFindingStatus(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/vulnerabilities/findings/:id/decision',
    {
      config: { permission: 'vuln.remediate' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Approve or reject a pending request',
        params: ZId,
        body: z.object({ approve: z.boolean() }),
      },
    },
    async (req) => decideFindingRequest(db, actorOf(req), req.scope, req.params.id, req.body.approve),
  );
  r.get(
    '/api/vulnerabilities/scans',
    { config: { permission: 'vuln.import' }, schema: { tags: ['vulnerabilities'] } },
    async () => listScans(db),
  );
  r.get(
    '/api/vulnerabilities/policy',
    { config: { permission: 'vuln.read' }, schema: { tags: ['vulnerabilities'] } },
    async () => remediationDays(db),
  );
  r.put(
    '/api/vulnerabilities/policy',
    {
      config: { permission: 'vuln.policy' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Remediation deadlines in days per severity',
        body: z.object({
          critical: z.number().int().min(1).max(3650).optional(),
          high: z.number().int().min(1).max(3650).optional(),
          medium: z.number().int().min(1).max(3650).optional(),
          low: z.number().int().min(1).max(3650).optional(),
          info: z.number().int().min(1).max(3650).optional(),
        }),
      },
    },
    async (req) => setRemediationDays(db, actorOf(req), req.body),
  );
  r.post(
    '/api/vulnerabilities/kev',
    {
      config: { permission: 'vuln.import' },
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Load the CISA KEV catalogue JSON (known_exploited_vulnerabilities.json)',
      },
    },
    async (req) => importKev(db, actorOf(req), req.body),
  );

  registerStreamingUploads(app, (scoped) =>
    scoped.withTypeProvider<ZodTypeProvider>().post(
      '/api/vulnerabilities/scans',
      {
        config: { permission: 'vuln.import' },
        bodyLimit: MAX_SCAN_BYTES,
        schema: {
          tags: ['vulnerabilities'],
          summary: 'Import a Nessus, OpenVAS/Greenbone, Nmap XML or Nessus/OpenVAS CSV report (raw request body)',
          querystring: z.object({
            fileName: z.string().max(255).default('upload'),
            scannedAt: z.iso.datetime({ offset: true }).optional(),
          }),
        },
      },
      async (req, reply) => {
        const result = await spool(req.body, (path) =>
          importScanFile(db, actorOf(req), path, {
            fileName: req.query.fileName,
            scannedAt: req.query.scannedAt ? new Date(req.query.scannedAt) : undefined,
          }),
        );
        return reply.code(result.duplicate ? 200 : 201).send(result);
      },
    ),
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZOk, ZPeriod } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { registerStreamingUploads, spool } from '../../server/upload.ts';
import { importScanFile } from './scan-import.ts';
import {
  ZComputerPage,
  ZComputerQuery,
  ZFindingQuery,
  ZKevCatalogue,
  ZKevImportReport,
  ZRemediationPolicy,
  ZScan,
  ZScanImportReport,
  ZVulnFinding,
  ZVulnFindingDetail,
  ZVulnFindingPage,
  ZVulnSummary,
  ZWebsitePage,
  ZWebsiteQuery,
} from './vulnerabilities.contract.ts';
import { registerVulnerabilityExports } from './vulnerabilities.export.ts';
import {
  ZComputerAssignment,
  ZDecision,
  ZPolicyInput,
  ZStatusChange,
  ZWebsiteAssignment,
} from './vulnerabilities.input.ts';
import {
  assignComputer,
  assignWebsite,
  changeFindingStatus,
  decideFindingRequest,
  getFinding,
  importKev,
  kevCatalogue,
  listComputers,
  listFindings,
  listScans,
  listWebsites,
  remediationDays,
  setRemediationDays,
  vulnerabilitySummary,
} from './vulnerabilities.service.ts';

const ZId = z.object({ id: z.uuid() });
const MAX_SCAN_BYTES = 2 * 1024 ** 3;

export function registerVulnerabilityRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerVulnerabilityExports(app, { db });

  r.get(
    '/api/vulnerabilities/summary',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Vulnerable computers and websites in a period and organisation subtree',
        querystring: ZPeriod,
        response: { 200: ZVulnSummary },
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
        summary: 'Scanned computers with their open findings: a page, sorted, searched and filtered',
        querystring: ZComputerQuery,
        response: { 200: ZComputerPage },
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
        body: ZComputerAssignment,
        response: { 200: ZOk },
      },
    },
    async (req) => {
      await assignComputer(db, actorOf(req), req.params.id, req.body.organisationId);
      return { ok: true as const };
    },
  );
  r.get(
    '/api/vulnerabilities/websites',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Websites web scanners tested, with their open findings: a page, sorted, searched and filtered',
        querystring: ZWebsiteQuery,
        response: { 200: ZWebsitePage },
      },
    },
    async (req) => listWebsites(db, req.scope, req.query),
  );
  r.put(
    '/api/vulnerabilities/websites/:id/organisation',
    {
      config: { permission: 'vuln.import' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Assign a website to an organisation (null: back to matching by the registers)',
        params: ZId,
        body: ZWebsiteAssignment,
        response: { 200: ZOk },
      },
    },
    async (req) => {
      await assignWebsite(db, actorOf(req), req.params.id, req.body.organisationId);
      return { ok: true as const };
    },
  );
  r.get(
    '/api/vulnerabilities/findings',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['vulnerabilities'],
        summary:
          'Findings with their computer or website, deadline and allowed actions: a page, sorted, searched and filtered',
        querystring: ZFindingQuery,
        response: { 200: ZVulnFindingPage },
      },
    },
    async (req) => listFindings(db, actorOf(req), req.scope, req.query),
  );
  r.get(
    '/api/vulnerabilities/findings/:id',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'One finding with its allowed actions and its history (who did what, what the scans saw)',
        params: ZId,
        response: { 200: ZVulnFindingDetail },
      },
    },
    async (req) => getFinding(db, actorOf(req), req.scope, req.params.id),
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
        response: { 200: ZVulnFinding },
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
        body: ZDecision,
        response: { 200: ZVulnFinding },
      },
    },
    async (req) => decideFindingRequest(db, actorOf(req), req.scope, req.params.id, req.body.approve),
  );
  r.get(
    '/api/vulnerabilities/scans',
    {
      config: { permission: 'vuln.import' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'The latest imported reports, with what each import did',
        response: { 200: z.array(ZScan) },
      },
    },
    async () => listScans(db),
  );
  r.get(
    '/api/vulnerabilities/policy',
    {
      config: { permission: 'vuln.read' },
      schema: { tags: ['vulnerabilities'], response: { 200: ZRemediationPolicy } },
    },
    async () => remediationDays(db),
  );
  r.put(
    '/api/vulnerabilities/policy',
    {
      config: { permission: 'vuln.policy' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Remediation deadlines in days per severity',
        body: ZPolicyInput,
        response: { 200: ZRemediationPolicy },
      },
    },
    async (req) => setRemediationDays(db, actorOf(req), req.body),
  );
  r.get(
    '/api/vulnerabilities/kev',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['vulnerabilities'],
        summary: 'The loaded CISA KEV catalogue (entries 0: none loaded)',
        response: { 200: ZKevCatalogue },
      },
    },
    async (req) => kevCatalogue(db, req.scope),
  );
  r.post(
    '/api/vulnerabilities/kev',
    {
      config: { permission: 'vuln.import' },
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        tags: ['vulnerabilities'],
        summary: 'Load the CISA KEV catalogue JSON (known_exploited_vulnerabilities.json)',
        body: z.unknown().describe('the catalogue file as CISA publishes it'),
        response: { 200: ZKevImportReport },
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
          summary: 'Import a host or web scanner report, its format detected from content (raw request body)',
          description:
            'Each host is dated with its own scan time written in the report; `scannedAt` replaces those times ' +
            '(a report whose times are wrong). What the report does not date gets the upload time; `scanTimes` ' +
            'in the answer says which.',
          querystring: z.object({
            fileName: z.string().max(255).default('upload'),
            scannedAt: z.iso.datetime({ offset: true }).optional(),
          }),
          response: { 200: ZScanImportReport, 201: ZScanImportReport },
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

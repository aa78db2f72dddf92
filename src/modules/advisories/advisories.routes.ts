import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZOk, zFile } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendDownload } from '../../server/download.ts';
import {
  ZAdvisory,
  ZAdvisoryAttachment,
  ZAdvisoryDetail,
  ZAdvisoryImportReport,
  ZAdvisoryPage,
  ZEscalationReport,
} from './advisories.contract.ts';
import { registerAdvisoryExports } from './advisories.export.ts';
import {
  ZAcknowledgement,
  ZAdvisoryInput,
  ZAdvisoryListQuery,
  ZRiskDecision,
  ZTargetAddition,
  ZTargetResponse,
} from './advisories.input.ts';
import {
  ATTACHMENT_MAX_BYTES,
  addAttachment,
  createAdvisory,
  getAdvisory,
  getAttachment,
  importAdvisory,
  listAdvisories,
  updateAdvisory,
} from './advisories.service.ts';
import { MAX_ADVISORY_FILE_BYTES } from './formats.ts';
import {
  acknowledgeAdvisory,
  addTargets,
  closeAdvisory,
  decideRisk,
  publishAdvisory,
  respondToTarget,
  runAdvisoryEscalation,
} from './loop.service.ts';

const tags = ['advisories'];
const ZId = z.object({ id: z.uuid() });
const ZTargetParams = z.object({ id: z.uuid(), targetId: z.uuid() });
const ZTargetChange = z
  .object({ targetsAdded: z.number().int(), targetsUpdated: z.number().int(), notified: z.number().int() })
  .meta({ id: 'AdvisoryTargetChange' });
const ZTarget = z
  .object({ id: z.uuid(), response: z.string(), riskDecision: z.string().nullable() })
  .meta({ id: 'AdvisoryTargetState' });

export function registerAdvisoryRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerAdvisoryExports(app, { db });
  r.get(
    '/api/advisories',
    {
      config: { permission: 'advisory.read' },
      schema: {
        tags,
        summary: 'Advisories the caller may see (an agency: those that concern it), with progress over its part',
        querystring: ZAdvisoryListQuery,
        response: { 200: ZAdvisoryPage },
      },
    },
    async (req) => listAdvisories(db, req.scope, req.query),
  );
  r.post(
    '/api/advisories',
    {
      config: { permission: 'advisory.write' },
      schema: {
        tags,
        summary: 'Enter an advisory by hand (a draft, targeted at once)',
        body: ZAdvisoryInput,
        response: { 201: ZAdvisoryDetail },
      },
    },
    async (req, reply) => {
      const a = await createAdvisory(db, actorOf(req), req.body);
      return reply.code(201).send(await getAdvisory(db, actorOf(req), req.scope, a.id));
    },
  );
  r.post(
    '/api/advisories/escalate',
    {
      config: { permission: 'advisory.write' },
      schema: {
        tags,
        summary: 'Run the overdue check now (escalate late agencies once, confirm scanned patches)',
        response: { 200: ZEscalationReport },
      },
    },
    async () => runAdvisoryEscalation(db),
  );
  r.get(
    '/api/advisories/:id',
    {
      config: { permission: 'advisory.read' },
      schema: {
        tags,
        summary: 'One advisory: products, the caller’s part of agencies and targets (with why each matched), progress',
        params: ZId,
        response: { 200: ZAdvisoryDetail },
      },
    },
    async (req) => getAdvisory(db, actorOf(req), req.scope, req.params.id),
  );
  r.put(
    '/api/advisories/:id',
    {
      config: { permission: 'advisory.write' },
      schema: { tags, summary: 'Edit a draft', params: ZId, body: ZAdvisoryInput, response: { 200: ZAdvisoryDetail } },
    },
    async (req) => {
      await updateAdvisory(db, actorOf(req), req.params.id, req.body);
      return getAdvisory(db, actorOf(req), req.scope, req.params.id);
    },
  );
  r.post(
    '/api/advisories/:id/publish',
    {
      config: { permission: 'advisory.write' },
      schema: {
        tags,
        summary: 'Publish a draft: target, set deadlines, notify each agency',
        params: ZId,
        response: { 200: ZAdvisoryDetail },
      },
    },
    async (req) => {
      await publishAdvisory(db, actorOf(req), req.params.id);
      return getAdvisory(db, actorOf(req), req.scope, req.params.id);
    },
  );
  r.post(
    '/api/advisories/:id/close',
    {
      config: { permission: 'advisory.write' },
      schema: {
        tags,
        summary: 'Close an advisory (no more answers)',
        params: ZId,
        response: { 200: ZAdvisory.pick({ id: true, state: true }) },
      },
    },
    async (req) => {
      const a = await closeAdvisory(db, actorOf(req), req.params.id);
      return { id: req.params.id, state: a?.state ?? 'closed' };
    },
  );
  r.post(
    '/api/advisories/:id/targets',
    {
      config: { permission: 'advisory.write' },
      schema: {
        tags,
        summary: 'Match the inventory again, or add an organisation subtree or the computers of an address range',
        params: ZId,
        body: ZTargetAddition,
        response: { 200: ZTargetChange },
      },
    },
    async (req) => {
      const r = await addTargets(db, actorOf(req), req.params.id, req.body);
      return { targetsAdded: r.added, targetsUpdated: r.updated, notified: r.notified };
    },
  );
  r.post(
    '/api/advisories/:id/acknowledge',
    {
      config: { permission: 'advisory.respond' },
      schema: {
        tags,
        summary: 'Acknowledge the advisory for the caller’s organisation (or one in its scope)',
        params: ZId,
        body: ZAcknowledgement,
        response: { 200: ZOk },
      },
    },
    async (req) => {
      await acknowledgeAdvisory(db, actorOf(req), req.scope, req.params.id, req.body);
      return { ok: true as const };
    },
  );
  r.post(
    '/api/advisories/:id/targets/:targetId/response',
    {
      config: { permission: 'advisory.respond' },
      schema: {
        tags,
        summary:
          'Report what was done for one target: patched, mitigated (how), not affected (why), risk accepted (why)',
        params: ZTargetParams,
        body: ZTargetResponse,
        response: { 200: ZTarget },
      },
    },
    async (req) => {
      const t = await respondToTarget(db, actorOf(req), req.scope, req.params.id, req.params.targetId, req.body);
      return {
        id: req.params.targetId,
        response: t?.response ?? req.body.response,
        riskDecision: t?.riskApproved ?? null,
      };
    },
  );
  r.post(
    '/api/advisories/:id/targets/:targetId/risk-decision',
    {
      config: { permission: 'advisory.write' },
      schema: {
        tags,
        summary: 'The Department approves or rejects an accepted risk',
        params: ZTargetParams,
        body: ZRiskDecision,
        response: { 200: ZTarget },
      },
    },
    async (req) => {
      const t = await decideRisk(db, actorOf(req), req.scope, req.params.id, req.params.targetId, req.body);
      return {
        id: req.params.targetId,
        response: t?.response ?? 'risk_accepted',
        riskDecision: t?.riskApproved ?? null,
      };
    },
  );
  r.post(
    '/api/advisories/:id/attachments',
    {
      config: { permission: 'advisory.write' },
      bodyLimit: ATTACHMENT_MAX_BYTES + 1024,
      schema: {
        tags,
        summary: 'Attach the letter (or another file) sent as the raw body (application/octet-stream) with ?filename=',
        params: ZId,
        querystring: z.object({ filename: z.string().max(255).optional() }),
        response: { 201: ZAdvisoryAttachment },
      },
    },
    async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return reply.code(201).send(await addAttachment(db, actorOf(req), req.params.id, req.query.filename, body));
    },
  );
  r.get(
    '/api/advisories/:id/attachments/:attachmentId',
    {
      config: { permission: 'advisory.read' },
      schema: {
        tags,
        summary: 'Download an attachment',
        params: z.object({ id: z.uuid(), attachmentId: z.uuid() }),
        response: {
          200: {
            description: 'The file as uploaded (attachment; x-content-sha256 carries its SHA-256)',
            content: { 'application/octet-stream': { schema: zFile } },
          },
        },
      },
    },
    async (req, reply) => {
      const a = await getAttachment(db, req.scope, req.params.id, req.params.attachmentId);
      return sendDownload(reply, a);
    },
  );
  // The document is read as bytes whatever its declared type (JSON too): its SHA-256 is the file's, and a syntax
  // error is reported with its line and column.
  app.register(async (scoped) => {
    scoped.removeContentTypeParser(['application/json']);
    scoped.addContentTypeParser(['application/json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scoped.withTypeProvider<ZodTypeProvider>().post(
      '/api/advisories/import',
      {
        config: { permission: 'advisory.write' },
        bodyLimit: MAX_ADVISORY_FILE_BYTES,
        schema: {
          tags,
          summary:
            'Import a CSAF 2.0 advisory or a CVE JSON 5 record (raw body; format from the content); ?dryRun=true previews',
          description:
            'Re-importing is idempotent by the document’s id and revision: the same revision changes nothing, a newer ' +
            'one updates the products and keeps the targets’ answers. A file that is not valid answers 400 naming ' +
            'the JSON path of the problem (details.path).',
          querystring: z.object({
            fileName: z.string().max(255).default('upload.json'),
            dryRun: z.enum(['true', 'false']).default('false'),
          }),
          response: { 200: ZAdvisoryImportReport, 201: ZAdvisoryImportReport },
        },
      },
      async (req, reply) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const report = await importAdvisory(db, actorOf(req), body, {
          fileName: req.query.fileName,
          dryRun: req.query.dryRun === 'true',
        });
        return reply.code(report.outcome === 'created' && !report.dryRun ? 201 : 200).send(report);
      },
    );
  });
}

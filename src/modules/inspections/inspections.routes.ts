import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { zFile } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { DOCUMENT_FORMATS, DOCUMENT_MEDIA_TYPES, renderDocument } from '../../core/documents/index.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendDownload } from '../../server/download.ts';
import { inspectionConclusion } from './conclusion.ts';
import {
  ZInspectionDetail,
  ZInspectionFigures,
  ZInspectionPage,
  ZInspectionPlanDetail,
  ZInspectionPlanPage,
} from './inspections.contract.ts';
import {
  day,
  ZCheckUpdate,
  ZFiguresQuery,
  ZFindingAnswer,
  ZFindingDecision,
  ZFindingInput,
  ZInspectionInput,
  ZInspectionQuery,
  ZInspectionTransition,
  ZInspectionUpdate,
  ZPlanInput,
  ZPlanQuery,
  ZPlanUpdate,
} from './inspections.input.ts';
import {
  addFinding,
  answerFinding,
  createInspection,
  createPlan,
  decideFinding,
  getInspection,
  getPlan,
  inspectionFigures,
  listInspections,
  listPlans,
  transitionInspection,
  updateCheck,
  updateInspection,
  updatePlan,
} from './inspections.service.ts';

const ZId = z.object({ id: z.uuid() });
const ZFindingParams = z.object({ id: z.uuid(), findingId: z.uuid() });
const ZConclusionQuery = z.object({
  format: z.enum(DOCUMENT_FORMATS).default('pdf').describe('pdf (default) or docx'),
  on: day.optional().describe('the day the conclusion is dated (default: the day it was concluded, else today)'),
});
const tags = ['inspections'];
const read = { permission: 'inspection.read' } as const;
const write = { permission: 'inspection.write' } as const;

/** Annual inspection plans, inspections (TT 03/2017 Art. 10–13), their checklists, findings and conclusions. */
export function registerInspectionRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/inspection-plans',
    {
      config: read,
      schema: {
        tags,
        summary: 'Annual inspection plans that concern the caller’s scope',
        querystring: ZPlanQuery,
        response: { 200: ZInspectionPlanPage },
      },
    },
    async (req) => listPlans(db, req.scope, req.query),
  );
  r.post(
    '/api/inspection-plans',
    {
      config: write,
      schema: {
        tags,
        summary: 'Issue a year’s inspection plan',
        body: ZPlanInput,
        response: { 201: ZInspectionPlanDetail },
      },
    },
    async (req, reply) => reply.code(201).send(await createPlan(db, actorOf(req), req.scope, req.body)),
  );
  r.get(
    '/api/inspection-plans/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'A plan with its team and its inspections (agencies, systems, planned dates)',
        params: ZId,
        response: { 200: ZInspectionPlanDetail },
      },
    },
    async (req) => getPlan(db, req.scope, req.params.id),
  );
  r.patch(
    '/api/inspection-plans/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a plan',
        params: ZId,
        body: ZPlanUpdate,
        response: { 200: ZInspectionPlanDetail },
      },
    },
    async (req) => updatePlan(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.get(
    '/api/inspections',
    {
      config: read,
      schema: {
        tags,
        summary: 'Inspections that concern the caller’s scope, with their clocks and open and overdue findings',
        querystring: ZInspectionQuery,
        response: { 200: ZInspectionPage },
      },
    },
    async (req) => listInspections(db, req.scope, req.query),
  );
  r.get(
    '/api/inspections/figures',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Inspections planned to start in [from, to] (agencies of the subtree) as of `to`: done, concluded, findings ' +
          'recorded, open, closed and overdue',
        querystring: ZFiguresQuery,
        response: { 200: ZInspectionFigures },
      },
    },
    async (req) => inspectionFigures(db, req.scope, req.query),
  );
  r.post(
    '/api/inspections',
    {
      config: write,
      schema: {
        tags,
        summary: 'Plan an inspection of an agency (in a plan, or ad hoc)',
        body: ZInspectionInput,
        response: { 201: ZInspectionDetail },
      },
    },
    async (req, reply) => reply.code(201).send(await createInspection(db, actorOf(req), req.scope, req.body)),
  );
  r.get(
    '/api/inspections/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'An inspection with its clocks, systems, checklist and findings',
        params: ZId,
        response: { 200: ZInspectionDetail },
      },
    },
    async (req) => getInspection(db, req.scope, req.params.id),
  );
  r.patch(
    '/api/inspections/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change an inspection’s plan (until field work starts)',
        params: ZId,
        body: ZInspectionUpdate,
        response: { 200: ZInspectionDetail },
      },
    },
    async (req) => updateInspection(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/inspections/:id/transitions',
    {
      config: write,
      schema: {
        tags,
        summary:
          'planned → notified → in_progress (the checklist of that day) → concluded → closed; a late notice or ' +
          'conclusion is recorded with its clock',
        params: ZId,
        body: ZInspectionTransition,
        response: { 200: ZInspectionDetail },
      },
    },
    async (req) => transitionInspection(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.patch(
    '/api/inspections/:id/checks/:checkId',
    {
      config: write,
      schema: {
        tags,
        summary: 'A checklist item’s result and note',
        params: z.object({ id: z.uuid(), checkId: z.uuid() }),
        body: ZCheckUpdate,
        response: { 200: ZInspectionDetail },
      },
    },
    async (req) => updateCheck(db, actorOf(req), req.scope, req.params.id, req.params.checkId, req.body),
  );
  r.post(
    '/api/inspections/:id/findings',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record a finding with its severity, the organisation that remediates it and its deadline',
        params: ZId,
        body: ZFindingInput,
        response: { 201: ZInspectionDetail },
      },
    },
    async (req, reply) => reply.code(201).send(await addFinding(db, actorOf(req), req.scope, req.params.id, req.body)),
  );
  r.post(
    '/api/inspections/:id/findings/:findingId/answer',
    {
      config: { permission: 'inspection.respond' },
      schema: {
        tags,
        summary: 'The agency answers a finding of its own organisation (what it did, optional evidence)',
        params: ZFindingParams,
        body: ZFindingAnswer,
        response: { 200: ZInspectionDetail },
      },
    },
    async (req) => answerFinding(db, actorOf(req), req.scope, req.params.id, req.params.findingId, req.body),
  );
  r.post(
    '/api/inspections/:id/findings/:findingId/decision',
    {
      config: write,
      schema: {
        tags,
        summary: 'The inspector accepts the remediation (closes the finding) or returns it with a note',
        params: ZFindingParams,
        body: ZFindingDecision,
        response: { 200: ZInspectionDetail },
      },
    },
    async (req) => decideFinding(db, actorOf(req), req.scope, req.params.id, req.params.findingId, req.body),
  );
  r.get(
    '/api/inspections/:id/conclusion',
    {
      config: read,
      schema: {
        tags,
        summary: 'The inspection’s conclusion (Decree 30/2020 layout) as PDF or DOCX',
        params: ZId,
        querystring: ZConclusionQuery,
        response: {
          200: {
            description: 'The conclusion (attachment); x-content-sha256',
            content: Object.fromEntries(Object.values(DOCUMENT_MEDIA_TYPES).map((t) => [t, { schema: zFile }])),
          },
        },
      },
    },
    async (req, reply) => {
      const { doc, fileStem } = await inspectionConclusion(db, req.scope, req.params.id, req.query.on);
      const content = await renderDocument(doc, req.query.format);
      return sendDownload(reply, {
        fileName: `${fileStem}.${req.query.format}`,
        mediaType: DOCUMENT_MEDIA_TYPES[req.query.format],
        sha256: createHash('sha256').update(content).digest('hex'),
        content,
      });
    },
  );
}

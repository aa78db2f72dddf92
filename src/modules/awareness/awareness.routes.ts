import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZOk } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendUploadedFile, uploadedFileResponse } from '../../server/download.ts';
import {
  ZActivityQuery,
  ZAwarenessActivity,
  ZAwarenessActivityPage,
  ZAwarenessCampaign,
  ZAwarenessCampaigns,
  ZAwarenessCoverage,
  ZAwarenessEvidence,
  ZCoverageQuery,
  ZPopulationImportReport,
} from './awareness.contract.ts';
import { registerAwarenessExports } from './awareness.export.ts';
import { ZActivityInput, ZAwarenessEvidenceQuery, ZCampaignInput } from './awareness.input.ts';
import {
  AWARENESS_EVIDENCE_MAX_BYTES,
  addEvidence,
  awarenessCoverage,
  createActivity,
  createCampaign,
  deleteActivity,
  getEvidence,
  importPopulation,
  listActivities,
  listCampaigns,
  updateCampaign,
} from './awareness.service.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['awareness'];
const MB = AWARENESS_EVIDENCE_MAX_BYTES / 1024 / 1024;

export function registerAwarenessRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerAwarenessExports(app, { db });

  r.get(
    '/api/awareness/campaigns',
    {
      config: { permission: 'awareness.read' },
      schema: {
        tags,
        summary: 'Anti-fraud awareness campaigns, latest first, with the activities and people reached in scope',
        response: { 200: ZAwarenessCampaigns },
      },
    },
    async (req) => listCampaigns(db, req.scope),
  );
  r.post(
    '/api/awareness/campaigns',
    {
      config: { permission: 'awareness.write' },
      schema: {
        tags,
        summary: 'Create a campaign (the Department): title, period, legal basis, channels',
        body: ZCampaignInput,
        response: { 201: ZAwarenessCampaign },
      },
    },
    async (req, reply) => reply.code(201).send(await createCampaign(db, actorOf(req), req.scope, req.body)),
  );
  r.put(
    '/api/awareness/campaigns/:id',
    {
      config: { permission: 'awareness.write' },
      schema: {
        tags,
        summary: 'Change a campaign (the Department); its recorded activities must stay inside the period',
        params: ZId,
        body: ZCampaignInput,
        response: { 200: ZAwarenessCampaign },
      },
    },
    async (req) => updateCampaign(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.get(
    '/api/awareness/activities',
    {
      config: { permission: 'awareness.read' },
      schema: {
        tags,
        summary: 'Activities of the communes in scope (a page, latest first), with their evidence files',
        querystring: ZActivityQuery,
        response: { 200: ZAwarenessActivityPage },
      },
    },
    async (req) => listActivities(db, req.scope, req.query),
  );
  r.post(
    '/api/awareness/activities',
    {
      config: { permission: 'awareness.write' },
      schema: {
        tags,
        summary: 'Record an activity in a commune of the caller’s scope: day, channel, people reached',
        body: ZActivityInput,
        response: { 201: ZAwarenessActivity },
      },
    },
    async (req, reply) => reply.code(201).send(await createActivity(db, actorOf(req), req.scope, req.body)),
  );
  r.delete(
    '/api/awareness/activities/:id',
    {
      config: { permission: 'awareness.write' },
      schema: { tags, summary: 'Remove a mistaken activity and its files', params: ZId, response: { 200: ZOk } },
    },
    async (req) => {
      await deleteActivity(db, actorOf(req), req.scope, req.params.id);
      return { ok: true as const };
    },
  );
  r.post(
    '/api/awareness/activities/:id/evidence',
    {
      config: { permission: 'awareness.write' },
      bodyLimit: AWARENESS_EVIDENCE_MAX_BYTES + 1024,
      schema: {
        tags,
        summary: `Add a photo or document (raw body, application/octet-stream, at most ${MB} MB) with ?fileName= and ?note=`,
        params: ZId,
        querystring: ZAwarenessEvidenceQuery,
        response: { 201: ZAwarenessEvidence },
      },
    },
    async (req, reply) => {
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return reply
        .code(201)
        .send(await addEvidence(db, actorOf(req), req.scope, req.params.id, { ...req.query, content }));
    },
  );
  r.get(
    '/api/awareness/activities/:id/evidence/:evidenceId',
    {
      config: { permission: 'awareness.read' },
      schema: {
        tags,
        summary: 'Download an evidence file (x-content-sha256 carries its SHA-256)',
        params: z.object({ id: z.uuid(), evidenceId: z.uuid() }),
        response: { 200: uploadedFileResponse },
      },
    },
    async (req, reply) => {
      const e = await getEvidence(db, req.scope, req.params.id, req.params.evidenceId);
      return sendUploadedFile(reply, e);
    },
  );
  r.post(
    '/api/awareness/population/import',
    {
      config: { permission: 'awareness.write' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags,
        summary:
          'Import population per commune (the Department; CSV or XLSX as the raw body: commune code, population, aged 15–69, as-of day or year); bad rows reported, good rows kept, re-import updates',
        response: { 200: ZPopulationImportReport },
      },
    },
    async (req) => {
      if (!Buffer.isBuffer(req.body))
        throw new AppError('VALIDATION', 'Send the file as the raw body (text/csv or the XLSX type)', undefined, {
          key: 'awareness.import.noFile',
        });
      return importPopulation(db, actorOf(req), req.scope, req.body);
    },
  );
  r.get(
    '/api/awareness/coverage',
    {
      config: { permission: 'awareness.read' },
      schema: {
        tags,
        summary:
          'Coverage as of a day: per commune of that day reached / population (capped at 100%, raw shown), rolled up per parent unit and overall, against the rule of the day',
        querystring: ZCoverageQuery,
        response: { 200: ZAwarenessCoverage },
      },
    },
    async (req) => awarenessCoverage(db, req.scope, req.query),
  );
}

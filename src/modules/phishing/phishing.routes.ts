import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import {
  ZPhishingCampaign,
  ZPhishingCampaignDetail,
  ZPhishingCampaignPage,
  ZPhishingSummary,
} from './phishing.contract.ts';
import { registerPhishingExports } from './phishing.export.ts';
import {
  ZPhishingApproval,
  ZPhishingCampaignInput,
  ZPhishingListQuery,
  ZPhishingSummaryQuery,
} from './phishing.input.ts';
import {
  approveCampaign,
  campaignView,
  cancelCampaign,
  createCampaign,
  getCampaign,
  launchCampaign,
  listCampaigns,
  phishingSummary,
  updateCampaign,
} from './phishing.service.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['phishing'];

export function registerPhishingRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerPhishingExports(app, { db });

  r.get(
    '/api/phishing/campaigns',
    {
      config: { permission: 'phishing.read' },
      schema: {
        tags,
        summary: 'Phishing exercises the caller may see, with counts over the recipients in its scope',
        querystring: ZPhishingListQuery,
        response: { 200: ZPhishingCampaignPage },
      },
    },
    async (req) => listCampaigns(db, req.scope, req.query),
  );
  r.get(
    '/api/phishing/summary',
    {
      config: { permission: 'phishing.read' },
      schema: {
        tags,
        summary: 'Results of the exercises launched in a period: per organisation and per month (aggregates only)',
        querystring: ZPhishingSummaryQuery,
        response: { 200: ZPhishingSummary },
      },
    },
    async (req) => phishingSummary(db, req.scope, req.query),
  );
  r.post(
    '/api/phishing/campaigns',
    {
      config: { permission: 'phishing.write' },
      schema: {
        tags,
        summary: 'Draft an exercise; its recipients are the register’s officials of the chosen organisations',
        body: ZPhishingCampaignInput,
        response: { 201: ZPhishingCampaign },
      },
    },
    async (req, reply) => reply.code(201).send(campaignView(await createCampaign(db, actorOf(req), req.body))),
  );
  r.get(
    '/api/phishing/campaigns/:id',
    {
      config: { permission: 'phishing.read' },
      schema: {
        tags,
        summary: 'An exercise with its results (per person only for phishing.write) and what the caller may do',
        params: ZId,
        response: { 200: ZPhishingCampaignDetail },
      },
    },
    // Per-person results: never kept by a browser's or a proxy's cache.
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return getCampaign(db, actorOf(req), req.scope, req.params.id);
    },
  );
  r.put(
    '/api/phishing/campaigns/:id',
    {
      config: { permission: 'phishing.write' },
      schema: {
        tags,
        summary: 'Change a draft (mail, lesson, rate, recipients)',
        params: ZId,
        body: ZPhishingCampaignInput,
        response: { 200: ZPhishingCampaign },
      },
    },
    async (req) => campaignView(await updateCampaign(db, actorOf(req), req.params.id, req.body)),
  );
  r.post(
    '/api/phishing/campaigns/:id/approve',
    {
      config: { permission: 'phishing.approve' },
      schema: {
        tags,
        summary: 'Approve the version of a draft one read (never one’s own: four eyes)',
        params: ZId,
        body: ZPhishingApproval,
        response: { 200: ZPhishingCampaign },
      },
    },
    async (req) => campaignView(await approveCampaign(db, actorOf(req), req.params.id, new Date(req.body.updatedAt))),
  );
  for (const [action, permission, run, summary] of [
    ['launch', 'phishing.write', launchCampaign, 'Start sending an approved exercise at its rate'],
    ['cancel', 'phishing.write', cancelCampaign, 'Cancel an exercise not completed yet'],
  ] as const)
    r.post(
      `/api/phishing/campaigns/:id/${action}`,
      {
        config: { permission },
        schema: { tags, summary, params: ZId, response: { 200: ZPhishingCampaign } },
      },
      async (req) => campaignView(await run(db, actorOf(req), req.params.id)),
    );
}

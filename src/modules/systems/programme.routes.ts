import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { getLayers, getPlan, listLayerGaps, updateLayers, updatePlan } from './plan.service.ts';
import {
  ZProgrammeTarget,
  ZSecurityPlan,
  ZSystemLayerGap,
  ZSystemLayers,
  ZTargetProgress,
  ZTargetSummary,
} from './systems.contract.ts';
import { ZLayersUpdate, ZPlanUpdate, ZTargetInput } from './systems.input.ts';
import { deleteTarget, getTargetProgress, listTargets, saveTarget } from './targets.service.ts';

const ZIdParams = z.object({ id: z.uuid() });
const ZOrgFilter = z.object({ organisationId: z.uuid().optional() });
const ZTargetQuery = ZOrgFilter.extend({
  asOf: z.iso.date().optional().describe('the day the figures are as of, yyyy-mm-dd (default: today)'),
});

/** Security plans, the 4 layers and targets with progress. */
export function registerProgrammeRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/systems/:id/plan',
    {
      config: { permission: 'system.read' },
      schema: {
        tags: ['plans'],
        summary: 'Security-plan checklist at the approved level',
        params: ZIdParams,
        response: { 200: ZSecurityPlan },
      },
    },
    async (req) => getPlan(db, req.scope, req.params.id),
  );
  r.put(
    '/api/systems/:id/plan',
    {
      config: { permission: 'system.write' },
      schema: {
        tags: ['plans'],
        summary: 'Set the status and evidence of checklist items',
        params: ZIdParams,
        body: ZPlanUpdate,
        response: { 200: ZSecurityPlan },
      },
    },
    async (req) => updatePlan(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.get(
    '/api/systems/:id/layers',
    {
      config: { permission: 'system.read' },
      schema: {
        tags: ['layers'],
        summary: 'The 4 protection layers',
        params: ZIdParams,
        response: { 200: ZSystemLayers },
      },
    },
    async (req) => getLayers(db, req.scope, req.params.id),
  );
  r.put(
    '/api/systems/:id/layers',
    {
      config: { permission: 'system.write' },
      schema: { tags: ['layers'], params: ZIdParams, body: ZLayersUpdate, response: { 200: ZSystemLayers } },
    },
    async (req) => updateLayers(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.get(
    '/api/layers/gaps',
    {
      config: { permission: 'system.read' },
      schema: {
        tags: ['layers'],
        summary: 'Every gap in the 4 layers of the systems in scope',
        querystring: ZOrgFilter,
        response: { 200: z.array(ZSystemLayerGap) },
      },
    },
    async (req) => listLayerGaps(db, req.scope, req.query),
  );
  r.get(
    '/api/targets',
    {
      config: { permission: 'system.read' },
      schema: {
        tags: ['targets'],
        summary: 'Targets as of a day: met by the deadline, met late, not met, within the caller’s scope',
        querystring: ZTargetQuery,
        response: { 200: z.array(ZTargetSummary) },
      },
    },
    async (req) => listTargets(db, req.scope, req.query),
  );
  r.get(
    '/api/targets/:id',
    {
      config: { permission: 'system.read' },
      schema: {
        tags: ['targets'],
        summary: 'Progress as of a day per organisation (tree of that day), systems holding each back, overdue state',
        params: ZIdParams,
        querystring: ZTargetQuery,
        response: { 200: ZTargetProgress },
      },
    },
    async (req) => getTargetProgress(db, req.scope, req.params.id, req.query),
  );
  r.post(
    '/api/targets',
    {
      config: { permission: 'target.write' },
      schema: { tags: ['targets'], body: ZTargetInput, response: { 201: ZProgrammeTarget } },
    },
    async (req, reply) => reply.code(201).send(await saveTarget(db, actorOf(req), null, req.body)),
  );
  r.put(
    '/api/targets/:id',
    {
      config: { permission: 'target.write' },
      schema: { tags: ['targets'], params: ZIdParams, body: ZTargetInput, response: { 200: ZProgrammeTarget } },
    },
    async (req) => saveTarget(db, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    '/api/targets/:id',
    {
      config: { permission: 'target.write' },
      schema: {
        tags: ['targets'],
        params: ZIdParams,
        response: { 204: z.undefined().describe('Deleted (no body)') },
      },
    },
    async (req, reply) => {
      await deleteTarget(db, actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
}

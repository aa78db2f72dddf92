import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { vnDate } from './dossier-rules.ts';
import { registerDossierRoutes } from './dossiers.routes.ts';
import { LEVEL_RULES, suggestLevel } from './level-criteria.ts';
import { registerProgrammeRoutes } from './programme.routes.ts';
import {
  answersOf,
  createSystem,
  deleteSystem,
  getSystem,
  listSystems,
  updateSystem,
  ZClassificationInput,
  ZSystemInput,
} from './systems.service.ts';

const ZIdParams = z.object({ id: z.uuid() });
const tags = ['systems'];

/** Every route of the information-system programme: registry, dossiers, plans, layers, targets, notifications. */
export function registerSystemsRoutes(app: FastifyInstance, deps: { db: Db }) {
  registerRegistryRoutes(app, deps);
  registerDossierRoutes(app, deps);
  registerProgrammeRoutes(app, deps);
}

function registerRegistryRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/systems',
    {
      config: { permission: 'system.read' },
      schema: {
        tags,
        summary: 'Information systems visible to the caller, with suggested level, dossier state and plan progress',
        querystring: z.object({ organisationId: z.uuid().optional(), q: z.string().max(100).optional() }),
      },
    },
    async (req) => listSystems(db, req.scope, req.query),
  );
  r.get(
    '/api/systems/level-criteria',
    {
      config: { permission: 'system.read' },
      schema: { tags, summary: 'The level criteria (NĐ 85/2016 Art. 7–11) the classification aid applies, as data' },
    },
    async () => LEVEL_RULES,
  );
  r.post(
    '/api/systems/classify',
    {
      config: { permission: 'system.read' },
      schema: {
        tags,
        summary: 'Suggest a level from classification answers (nothing is saved)',
        body: ZClassificationInput,
      },
    },
    async (req) => suggestLevel(answersOf(req.body), vnDate(new Date())),
  );
  r.get(
    '/api/systems/:id',
    { config: { permission: 'system.read' }, schema: { tags, params: ZIdParams } },
    async (req) => getSystem(db, req.scope, req.params.id),
  );
  r.post(
    '/api/systems',
    { config: { permission: 'system.write' }, schema: { tags, body: ZSystemInput } },
    async (req, reply) => reply.code(201).send(await createSystem(db, actorOf(req), req.scope, req.body)),
  );
  r.put(
    '/api/systems/:id',
    { config: { permission: 'system.write' }, schema: { tags, params: ZIdParams, body: ZSystemInput } },
    async (req) => updateSystem(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.delete(
    '/api/systems/:id',
    { config: { permission: 'system.write' }, schema: { tags, params: ZIdParams } },
    async (req, reply) => {
      await deleteSystem(db, actorOf(req), req.scope, req.params.id);
      return reply.code(204).send();
    },
  );
}

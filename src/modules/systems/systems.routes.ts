import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { ruleBook } from '../rules/index.ts';
import { registerDossierRoutes } from './dossiers.routes.ts';
import { suggestLevel } from './level-criteria.ts';
import { registerProgrammeRoutes } from './programme.routes.ts';
import { exportSystems, importSystems, readSystemRows } from './systems.io.ts';
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
    async () => (await ruleBook(db)).on('level_criterion', provinceDay()),
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
    async (req) => suggestLevel(await ruleBook(db), answersOf(req.body), provinceDay()),
  );
  const MIME = {
    csv: 'text/csv; charset=utf-8',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    json: 'application/json; charset=utf-8',
  } as const;
  for (const [path, template] of [
    ['/api/systems/export', false],
    ['/api/systems/template', true],
  ] as const)
    r.get(
      path,
      {
        config: { permission: 'system.read' },
        schema: {
          tags,
          summary: template
            ? 'Empty import template (the importable columns of docs/national-platform-export.md)'
            : 'Systems in scope with level and dossier state, layout of docs/national-platform-export.md',
          querystring: z.object({ format: z.enum(['xlsx', 'csv', 'json']).default('xlsx') }),
        },
      },
      async (req, reply) => {
        const { format } = req.query;
        const file = await exportSystems(db, req.scope, format, template);
        const name = template ? 'mau-he-thong-thong-tin' : 'he-thong-thong-tin';
        return reply
          .header('content-type', MIME[format])
          .header('content-disposition', `attachment; filename="${name}.${format}"`)
          .send(file);
      },
    );
  r.post(
    '/api/systems/import',
    {
      config: { permission: 'system.write' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags,
        summary:
          'Import systems (XLSX/CSV raw body, or a JSON array) in the export layout; bad rows reported, good rows kept',
      },
    },
    async (req) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Array.isArray(req.body) ? req.body : Buffer.alloc(0);
      return importSystems(db, actorOf(req), req.scope, await readSystemRows(body));
    },
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

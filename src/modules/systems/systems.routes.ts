import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { page } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { MAX_EXPORT_ROWS } from '../../core/tabular.ts';
import { provinceDay } from '../../core/time.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { exportQuery, sendTable, tableFileResponse } from '../../server/table-export.ts';
import { ruleBook } from '../rules/index.ts';
import { registerDossierRoutes } from './dossiers.routes.ts';
import { suggestLevel } from './level-criteria.ts';
import { registerProgrammeRoutes } from './programme.routes.ts';
import {
  ZInformationSystem,
  ZLevelCriterion,
  ZLevelSuggestion,
  ZSystemDetail,
  ZSystemExportRows,
  ZSystemImportReport,
} from './systems.contract.ts';
import { ZClassificationInput, ZSystemInput, ZSystemListQuery } from './systems.input.ts';
import { exportSystems, importSystems, readSystemRows } from './systems.io.ts';
import { answersOf, createSystem, deleteSystem, getSystem, pageSystems, updateSystem } from './systems.service.ts';

const ZIdParams = z.object({ id: z.uuid() });
const tags = ['systems'];

/** Every route of the information-system programme: registry, dossiers, plans, layers, targets. */
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
        summary:
          'One page of the information systems visible to the caller (suggested level, dossier state, plan progress), ' +
          'sorted, searched by name or code, filtered by organisation subtree, approved level and dossier state',
        querystring: ZSystemListQuery,
        response: { 200: page(ZInformationSystem).meta({ id: 'InformationSystemPage' }) },
      },
    },
    async (req) => pageSystems(db, req.scope, req.query),
  );
  r.get(
    '/api/systems/level-criteria',
    {
      config: { permission: 'system.read' },
      schema: {
        tags,
        summary: 'The level criteria (NĐ 85/2016 Art. 7–11) the classification aid applies, as data',
        response: { 200: z.array(ZLevelCriterion) },
      },
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
        response: { 200: ZLevelSuggestion },
      },
    },
    async (req) => suggestLevel(await ruleBook(db), answersOf(req.body), provinceDay()),
  );
  // The list's export: the list's filters and order in the importable layout of docs/national-platform-export.md.
  const ZSystemExportQuery = exportQuery(ZSystemListQuery).extend({
    format: z.enum(['xlsx', 'csv', 'json']).default('xlsx'),
  });
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
            : 'Systems in scope the list’s filters match, with level and dossier state, in the layout of ' +
              `docs/national-platform-export.md (at most ${MAX_EXPORT_ROWS})`,
          querystring: template ? z.object({ format: ZSystemExportQuery.shape.format }) : ZSystemExportQuery,
          response: {
            200: {
              ...tableFileResponse(
                template
                  ? 'The template file (attachment mau-he-thong-thong-tin-<yyyy-mm-dd>.<format>): headers only'
                  : 'The file (attachment he-thong-thong-tin-<yyyy-mm-dd>.<format>), in the layout of ' +
                      'docs/national-platform-export.md',
              ),
              content: {
                ...tableFileResponse('').content,
                'application/json': { schema: ZSystemExportRows },
              },
            },
          },
        },
      },
      async (req, reply) => {
        const { format, ...query } = req.query as z.output<typeof ZSystemExportQuery>;
        const file = await exportSystems(db, req.scope, format, template, query);
        const stem = template ? 'mau-he-thong-thong-tin' : 'he-thong-thong-tin';
        return sendTable(reply, format, stem, file);
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
        response: { 200: ZSystemImportReport },
      },
    },
    async (req) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Array.isArray(req.body) ? req.body : Buffer.alloc(0);
      return importSystems(db, actorOf(req), req.scope, await readSystemRows(body));
    },
  );
  r.get(
    '/api/systems/:id',
    { config: { permission: 'system.read' }, schema: { tags, params: ZIdParams, response: { 200: ZSystemDetail } } },
    async (req) => getSystem(db, req.scope, req.params.id),
  );
  r.post(
    '/api/systems',
    {
      config: { permission: 'system.write' },
      schema: { tags, body: ZSystemInput, response: { 201: ZSystemDetail } },
    },
    async (req, reply) => reply.code(201).send(await createSystem(db, actorOf(req), req.scope, req.body)),
  );
  r.put(
    '/api/systems/:id',
    {
      config: { permission: 'system.write' },
      schema: { tags, params: ZIdParams, body: ZSystemInput, response: { 200: ZSystemDetail } },
    },
    async (req) => updateSystem(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.delete(
    '/api/systems/:id',
    {
      config: { permission: 'system.write' },
      schema: { tags, params: ZIdParams, response: { 204: z.undefined().describe('Deleted (no body)') } },
    },
    async (req, reply) => {
      await deleteSystem(db, actorOf(req), req.scope, req.params.id);
      return reply.code(204).send();
    },
  );
}

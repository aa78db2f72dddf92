import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendTable, tableFileResponse } from '../../server/table-export.ts';
import { gettingStarted } from './getting-started.ts';
import {
  ZGettingStarted,
  ZOrganisation,
  ZOrganisationImportReport,
  ZReorganisationReport,
} from './organisations.contract.ts';
import {
  ZOrganisationExportQuery,
  ZOrganisationInput,
  ZOrganisationListQuery,
  ZReorganiseQuery,
} from './organisations.input.ts';
import { exportOrganisations, importOrganisations } from './organisations.io.ts';
import {
  createOrganisation,
  deleteOrganisation,
  getOrganisation,
  listOrganisations,
  updateOrganisation,
} from './organisations.service.ts';
import { readReorganisation, reorganise } from './reorganise.ts';

const ZIdParams = z.object({ id: z.uuid() });

export function registerOrganisationRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/organisations',
    {
      config: { permission: 'organisation.read' },
      schema: {
        tags: ['organisations'],
        summary: 'Organisations in force on a day visible to the caller (flat; build the tree from parentId)',
        querystring: ZOrganisationListQuery,
        response: { 200: z.array(ZOrganisation) },
      },
    },
    async (req) => listOrganisations(db, req.scope, req.query.asOf ?? provinceDay()),
  );
  r.get(
    '/api/getting-started',
    {
      config: { permission: 'organisation.read' },
      schema: {
        tags: ['organisations'],
        summary:
          'What the caller’s part of the province has so far (organisations, systems; scan and log imports), for the overview of a fresh install',
        response: { 200: ZGettingStarted },
      },
    },
    async (req) => gettingStarted(db, req.scope),
  );
  r.get(
    '/api/organisations/:id',
    {
      config: { permission: 'organisation.read' },
      schema: { tags: ['organisations'], params: ZIdParams, response: { 200: ZOrganisation } },
    },
    async (req) => getOrganisation(db, req.scope, req.params.id),
  );
  r.post(
    '/api/organisations',
    {
      config: { permission: 'organisation.write' },
      schema: { tags: ['organisations'], body: ZOrganisationInput, response: { 201: ZOrganisation } },
    },
    async (req, reply) => reply.code(201).send(await createOrganisation(db, actorOf(req), req.scope, req.body)),
  );
  r.put(
    '/api/organisations/:id',
    {
      config: { permission: 'organisation.write' },
      schema: {
        tags: ['organisations'],
        params: ZIdParams,
        body: ZOrganisationInput,
        response: { 200: ZOrganisation },
      },
    },
    async (req) => updateOrganisation(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.delete(
    '/api/organisations/:id',
    {
      config: { permission: 'organisation.write' },
      schema: {
        tags: ['organisations'],
        params: ZIdParams,
        response: { 204: z.undefined().describe('Deleted (no body)') },
      },
    },
    async (req, reply) => {
      await deleteOrganisation(db, actorOf(req), req.scope, req.params.id);
      return reply.code(204).send();
    },
  );
  r.get(
    '/api/organisations/export',
    {
      config: { permission: 'organisation.write' },
      schema: {
        tags: ['organisations'],
        summary: 'The tree in force on a day as CSV or XLSX',
        querystring: ZOrganisationExportQuery,
        response: {
          200: tableFileResponse(
            'The file (attachment co-quan-don-vi-<yyyy-mm-dd>.csv or .xlsx), in the import’s column layout',
          ),
        },
      },
    },
    async (req, reply) => {
      const file = await exportOrganisations(db, req.query.format, req.query.asOf ?? provinceDay());
      return sendTable(reply, req.query.format, 'co-quan-don-vi', file);
    },
  );
  r.post(
    '/api/organisations/import',
    {
      config: { permission: 'organisation.write' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: ['organisations'],
        summary:
          'Import (upsert by code) a CSV or XLSX tree sent as the raw request body; bad rows are reported, good rows kept',
        response: { 200: ZOrganisationImportReport },
      },
    },
    async (req) => importOrganisations(db, actorOf(req), req.body as Buffer),
  );
  r.post(
    '/api/organisations/reorganise',
    {
      config: { permission: 'organisation.write' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: ['organisations'],
        summary:
          'Apply a reorganisation (new units, successors, one effective date) sent as CSV or XLSX; ?dryRun=true previews what moves',
        querystring: ZReorganiseQuery,
        response: { 200: ZReorganisationReport },
      },
    },
    // Like an import, the answer is the report: `applied` says whether anything changed, `errors` why not.
    async (req) =>
      reorganise(db, actorOf(req), await readReorganisation(req.body as Buffer), {
        dryRun: req.query.dryRun === 'true',
      }),
  );
}

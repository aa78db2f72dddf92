import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { page, zFile } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendDownload } from '../../server/download.ts';
import { ruleBook } from '../rules/index.ts';
import { DOSSIER_TRANSITIONS } from './dossier-rules.ts';
import { registerDossierExports } from './dossiers.export.ts';
import {
  ATTACHMENT_MAX_BYTES,
  addAttachment,
  createDossier,
  getAttachment,
  getDossier,
  listDossiers,
  transitionDossier,
  updateDossier,
} from './dossiers.service.ts';
import {
  ATTACHMENT_MEDIA_TYPES,
  ZDossier,
  ZDossierAttachment,
  ZDossierDetail,
  ZDossierRules,
} from './systems.contract.ts';
import { ZDossierInput, ZDossierListQuery, ZTransitionInput } from './systems.input.ts';

const ZIdParams = z.object({ id: z.uuid() });
const tags = ['dossiers'];

export function registerDossierRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerDossierExports(app, { db });
  r.get(
    '/api/dossiers',
    {
      config: { permission: 'system.read' },
      schema: {
        tags,
        summary:
          'One page of the level-proposal dossiers visible to the caller, with due dates: newest change first unless ' +
          'sorted otherwise, searched by system name or code, filtered by state (pending: submitted or under ' +
          'appraisal), organisation subtree or system',
        querystring: ZDossierListQuery,
        response: { 200: page(ZDossier).meta({ id: 'DossierPage' }) },
      },
    },
    async (req) => listDossiers(db, req.scope, req.query),
  );
  r.get(
    '/api/dossiers/rules',
    {
      config: { permission: 'system.read' },
      schema: {
        tags,
        summary: 'Who appraises and approves per level, time limits, required documents and the lifecycle, on a day',
        querystring: z.object({ on: z.iso.date().optional() }),
        response: { 200: ZDossierRules },
      },
    },
    async (req) => {
      const on = req.query.on ?? provinceDay();
      const book = await ruleBook(db);
      return {
        on,
        authorities: book.on('dossier_authority', on),
        components: book.on('dossier_component', on),
        transitions: DOSSIER_TRANSITIONS,
      };
    },
  );
  r.get(
    '/api/dossiers/:id',
    { config: { permission: 'system.read' }, schema: { tags, params: ZIdParams, response: { 200: ZDossierDetail } } },
    async (req) => getDossier(db, req.scope, req.params.id),
  );
  r.post(
    '/api/systems/:id/dossiers',
    {
      config: { permission: 'dossier.prepare' },
      schema: {
        tags,
        summary: 'Start a draft dossier for a system',
        params: ZIdParams,
        body: ZDossierInput,
        response: { 201: ZDossierDetail },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createDossier(db, actorOf(req), req.scope, req.params.id, req.body)),
  );
  r.put(
    '/api/dossiers/:id',
    {
      config: { permission: 'dossier.prepare' },
      schema: {
        tags,
        summary: 'Change the proposed level/reason (draft or returned)',
        params: ZIdParams,
        body: ZDossierInput,
        response: { 200: ZDossierDetail },
      },
    },
    async (req) => updateDossier(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/dossiers/:id/transitions',
    {
      config: { permission: 'dossier.work' },
      schema: {
        tags,
        summary: 'Take a lifecycle step: submit, resubmit, accept, return, record_appraisal, approve',
        params: ZIdParams,
        body: ZTransitionInput,
        response: { 200: ZDossierDetail },
      },
    },
    async (req) => transitionDossier(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/dossiers/:id/attachments',
    {
      config: { permission: 'dossier.work' },
      bodyLimit: ATTACHMENT_MAX_BYTES + 1024,
      schema: {
        tags,
        summary:
          'Attach a PDF, DOCX or image sent as the raw body (application/octet-stream) with ?filename= and ?component=',
        params: ZIdParams,
        querystring: z.object({
          filename: z.string().max(255).optional(),
          component: z
            .string()
            .max(50)
            .optional()
            .describe('the dossier component this document is (see /api/dossiers/rules)'),
        }),
        response: { 201: ZDossierAttachment },
      },
    },
    async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return reply
        .code(201)
        .send(
          await addAttachment(
            db,
            actorOf(req),
            req.scope,
            req.params.id,
            req.query.filename,
            body,
            req.query.component ?? null,
          ),
        );
    },
  );
  r.get(
    '/api/attachments/:id',
    {
      config: { permission: 'system.read' },
      schema: {
        tags,
        summary: 'Download a dossier document',
        params: ZIdParams,
        response: {
          200: {
            description: 'The document as uploaded (attachment; x-content-sha256 carries its SHA-256)',
            content: Object.fromEntries(ATTACHMENT_MEDIA_TYPES.map((t) => [t, { schema: zFile }])),
          },
        },
      },
    },
    async (req, reply) => {
      const a = await getAttachment(db, req.scope, req.params.id);
      return sendDownload(reply, { ...a, fileName: a.filename });
    },
  );
}

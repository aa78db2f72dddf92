import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZOk } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { MAX_EXPORT_ROWS } from '../../core/tabular.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { exportQuery, sendTable, tableFileResponse } from '../../server/table-export.ts';
import { ZStaffImportReport, ZStaffMember, ZStaffPage } from './staff.contract.ts';
import { ZStaffImportQuery, ZStaffInput, ZStaffQuery, ZStaffUpdate } from './staff.input.ts';
import { createStaff, deleteStaff, exportStaff, importStaff, listStaff, updateStaff } from './staff.service.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['staff'];

export function registerStaffRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/staff',
    {
      config: { permission: 'staff.read' },
      schema: {
        tags,
        summary: 'Officials in charge of digital transformation / information security in force on a day: a page',
        querystring: ZStaffQuery,
        response: { 200: ZStaffPage },
      },
    },
    async (req) => listStaff(db, req.scope, req.query),
  );
  r.post(
    '/api/staff',
    {
      config: { permission: 'staff.write' },
      schema: {
        tags,
        summary: 'Register an official’s appointment',
        body: ZStaffInput,
        response: { 201: ZStaffMember },
      },
    },
    async (req, reply) => reply.code(201).send(await createStaff(db, actorOf(req), req.scope, req.body)),
  );
  r.patch(
    '/api/staff/:id',
    {
      config: { permission: 'staff.write' },
      schema: {
        tags,
        summary: 'Change an appointment (end it with validTo)',
        params: ZId,
        body: ZStaffUpdate,
        response: { 200: ZStaffMember },
      },
    },
    async (req) => updateStaff(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.delete(
    '/api/staff/:id',
    {
      config: { permission: 'staff.write' },
      schema: { tags, summary: 'Remove an appointment entered by mistake', params: ZId, response: { 200: ZOk } },
    },
    async (req) => {
      await deleteStaff(db, actorOf(req), req.scope, req.params.id);
      return { ok: true as const };
    },
  );
  r.post(
    '/api/staff/import',
    {
      config: { permission: 'staff.write' },
      bodyLimit: 10 * 1024 * 1024,
      schema: {
        tags,
        summary:
          'Import the register (CSV or XLSX as the raw body): upsert by organisation code on the row’s day and e-mail; bad rows reported',
        querystring: ZStaffImportQuery,
        response: { 200: ZStaffImportReport },
      },
    },
    // A JSON or form body is no file: it reads as an empty one (400), never as a Buffer it is not.
    async (req) =>
      importStaff(db, actorOf(req), req.scope, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.query.on),
  );
  const ZStaffExportQuery = exportQuery(ZStaffQuery);
  r.get(
    '/api/staff/export',
    {
      config: { permission: 'staff.read' },
      schema: {
        tags,
        summary:
          'The officials the list’s filters match (default: the register in force today) as CSV or XLSX, in the ' +
          `import’s layout (at most ${MAX_EXPORT_ROWS})`,
        querystring: ZStaffExportQuery,
        response: { 200: tableFileResponse('The file (attachment can-bo-<yyyy-mm-dd>.csv or .xlsx)') },
      },
    },
    async (req, reply) => {
      const { format, ...query } = req.query;
      return sendTable(reply, format, 'can-bo', await exportStaff(db, req.scope, format, query));
    },
  );
}

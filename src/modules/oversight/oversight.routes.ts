import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZErrorBody, zFile } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendDownload } from '../../server/download.ts';
import { ZOrderTask, ZOrderTaskDetail, ZOversightBoard } from './oversight.contract.ts';
import { ZOrderTaskInput, ZOversightQuery, ZProgressInput } from './oversight.input.ts';
import { addProgress, deleteTask, getTask, listTasks, oversightBoard, saveTask } from './oversight.service.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['oversight'];
const read = { permission: 'oversight.read' } as const;
const write = { permission: 'oversight.write' } as const;

export function registerOversightRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/oversight',
    {
      config: read,
      schema: {
        tags,
        summary:
          'The leaders’ board: every task of the orders in force, its target, figure as of a day, deadline and state, for a unit and each unit below it',
        querystring: ZOversightQuery.extend({
          taskId: z.uuid().optional().describe('break down only this task by the units below'),
          children: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true')
            .describe(
              'true: each unit below with its figures (the drill-down; ask with `taskId`); default: listed only',
            ),
        }),
        response: { 200: ZOversightBoard, 404: ZErrorBody },
      },
    },
    async (req) => oversightBoard(db, req.scope, req.query),
  );
  r.get(
    '/api/oversight/pdf',
    {
      config: read,
      schema: {
        tags,
        summary: 'The board as of a day on one A4 page (PDF, Tinos fonts embedded)',
        querystring: ZOversightQuery,
        response: {
          200: { description: 'The PDF (attachment)', content: { 'application/pdf': { schema: zFile } } },
          404: ZErrorBody,
        },
      },
    },
    async (req, reply) => {
      const board = await oversightBoard(db, req.scope, { ...req.query, children: false });
      // pdfmake is loaded with the first board printed, not by every server (docs/memory.md).
      const { boardPdf } = await import('./pdf.ts');
      const content = await boardPdf({
        asOf: board.asOf,
        unitName: board.organisation?.name ?? null,
        tasks: board.tasks,
        printedOn: provinceDay(),
      });
      return sendDownload(reply, {
        fileName: `dieu-hanh-${board.asOf}.pdf`,
        mediaType: 'application/pdf',
        content,
        sha256: createHash('sha256').update(content).digest('hex'),
      });
    },
  );
  r.get(
    '/api/oversight/tasks',
    { config: read, schema: { tags, summary: 'Every order task (all dates)', response: { 200: z.array(ZOrderTask) } } },
    async (req) => listTasks(db, req.scope),
  );
  r.post(
    '/api/oversight/tasks',
    {
      config: write,
      schema: { tags, summary: 'Add a task (dated)', body: ZOrderTaskInput, response: { 201: ZOrderTaskDetail } },
    },
    async (req, reply) => reply.code(201).send(await saveTask(db, actorOf(req), null, req.body)),
  );
  r.get(
    '/api/oversight/tasks/:id',
    {
      config: read,
      schema: { tags, summary: 'A task with its progress entries', params: ZId, response: { 200: ZOrderTaskDetail } },
    },
    async (req) => getTask(db, req.scope, req.params.id),
  );
  r.put(
    '/api/oversight/tasks/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a task',
        params: ZId,
        body: ZOrderTaskInput,
        response: { 200: ZOrderTaskDetail },
      },
    },
    async (req) => saveTask(db, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    '/api/oversight/tasks/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a task',
        params: ZId,
        response: { 204: z.undefined().describe('Deleted (no body)') },
      },
    },
    async (req, reply) => {
      await deleteTask(db, actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
  r.post(
    '/api/oversight/tasks/:id/progress',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record the progress of a task counted by hand, as of a day',
        params: ZId,
        body: ZProgressInput,
        response: { 201: ZOrderTaskDetail },
      },
    },
    async (req, reply) => reply.code(201).send(await addProgress(db, actorOf(req), req.params.id, req.body)),
  );
}

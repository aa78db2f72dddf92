import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZErrorBody } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { DOCUMENT_MEDIA_TYPES } from '../../core/documents/index.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendDownload } from '../../server/download.ts';
import {
  reportFileResponse,
  ZReportDetail,
  ZReportFigures,
  ZReportFileQuery,
  ZReportListQuery,
  ZReportPage,
  ZReportPreviewQuery,
} from './reports.contract.ts';
import { ZReportDraftInput } from './reports.input.ts';
import {
  approveReport,
  createReport,
  getReport,
  issueReport,
  listReports,
  periodicReport,
  reportFile,
} from './reports.service.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['reports'];

/** Official reports: drafts with live figures, approval by another user, issue with a number and stored files. */
export function registerReportRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/reports',
    {
      config: { permission: 'report.read' },
      schema: {
        tags,
        summary: 'Reports of the organisations in scope, newest first',
        querystring: ZReportListQuery,
        response: { 200: ZReportPage },
      },
    },
    (req) => listReports(db, req.scope, req.query),
  );
  r.get(
    '/api/reports/preview',
    {
      config: { permission: 'report.read' },
      schema: {
        tags,
        summary:
          "A periodic report's figures for a year (and half) and a unit (default: your own, else the province), " +
          'as of the period’s end (today while it runs)',
        querystring: ZReportPreviewQuery,
        // A unit outside the caller's scope is "not found".
        response: { 200: ZReportFigures, 404: ZErrorBody },
      },
    },
    async (req) => {
      const q = req.query;
      const built = await periodicReport(db, req.scope, actorOf(req).organisationId, {
        kind: q.kind,
        year: q.year,
        half: q.half === 1 || q.half === 2 ? q.half : null,
        organisationId: q.organisationId ?? null,
      });
      return built.figures;
    },
  );
  r.post(
    '/api/reports',
    {
      config: { permission: 'report.write' },
      schema: {
        tags,
        summary: 'Draft a report (six-month statement, annual report by level, monitoring report) of a unit in scope',
        body: ZReportDraftInput,
        // A unit or inspection outside the caller's scope is "not found"; a conclusion needs the field work begun.
        response: { 201: ZReportDetail, 404: ZErrorBody, 409: ZErrorBody },
      },
    },
    async (req, reply) => {
      const id = await createReport(db, actorOf(req), req.scope, req.body);
      return reply.code(201).send(await getReport(db, req.scope, id));
    },
  );
  r.get(
    '/api/reports/:id',
    {
      config: { permission: 'report.read' },
      schema: {
        tags,
        summary: 'A report with its figures (frozen once issued, else computed now)',
        params: ZId,
        response: { 200: ZReportDetail },
      },
    },
    (req) => getReport(db, req.scope, req.params.id),
  );
  r.get(
    '/api/reports/:id/file',
    {
      config: { permission: 'report.read' },
      schema: {
        tags,
        summary: 'The report as DOCX or PDF: the stored file once issued, else an unnumbered preview',
        params: ZId,
        querystring: ZReportFileQuery,
        response: { 200: reportFileResponse },
      },
    },
    async (req, reply) => {
      const f = await reportFile(db, req.scope, req.params.id, req.query.format);
      return sendDownload(reply, { ...f, content: f.file, mediaType: DOCUMENT_MEDIA_TYPES[req.query.format] });
    },
  );
  r.post(
    '/api/reports/:id/approve',
    {
      config: { permission: 'report.write' },
      schema: {
        tags,
        summary: 'Approve a draft (never one’s own)',
        params: ZId,
        response: { 200: ZReportDetail, 409: ZErrorBody },
      },
    },
    async (req) => {
      await approveReport(db, actorOf(req), req.scope, req.params.id);
      return getReport(db, req.scope, req.params.id);
    },
  );
  r.post(
    '/api/reports/:id/issue',
    {
      config: { permission: 'report.write' },
      schema: {
        tags,
        summary:
          'Issue an approved report today: numbered in the unit’s register of the year, figures frozen, DOCX and PDF ' +
          'stored with their SHA-256',
        params: ZId,
        response: { 200: ZReportDetail, 409: ZErrorBody },
      },
    },
    async (req) => {
      await issueReport(db, actorOf(req), req.scope, req.params.id);
      return getReport(db, req.scope, req.params.id);
    },
  );
}

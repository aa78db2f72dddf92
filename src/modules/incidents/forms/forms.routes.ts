import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZErrorBody } from '../../../core/contract.ts';
import type { Db } from '../../../core/db/client.ts';
import { DOCUMENT_MEDIA_TYPES, type DocumentFormat } from '../../../core/documents/index.ts';
import { AppError } from '../../../core/errors.ts';
import { provinceDay } from '../../../core/time.ts';
import { actorOf } from '../../../server/auth-hooks.ts';
import { sendDownload } from '../../../server/download.ts';
import {
  formFile,
  ZFormQuery,
  ZIncidentFormParams,
  ZIssueQuery,
  ZPeriodicQuery,
  ZRegistrationQuery,
} from './forms.contract.ts';
import {
  type FormFile,
  incidentForm,
  issueIncidentForm,
  memberProfileForm,
  periodicForm,
  registrationForm,
} from './forms.service.ts';

const tags = ['incidents'];

function sendFile(reply: FastifyReply, format: DocumentFormat, f: FormFile) {
  reply.header('x-recipients', encodeURIComponent(f.recipients.join('; ')));
  return sendDownload(reply, { ...f, mediaType: DOCUMENT_MEDIA_TYPES[format], content: f.file });
}

/** The caller's own organisation when the query names none (a Department user must name one). */
function organisationOf(requested: string | undefined, own: string | null): string {
  const id = requested ?? own;
  if (!id)
    throw new AppError(
      'VALIDATION',
      'organisationId is required',
      { field: 'organisationId' },
      {
        key: 'incidents.organisationRequired',
      },
    );
  return id;
}

/** The statutory forms of TT 20/2017 (01–05), generated from the records as DOCX or PDF. */
export function registerIncidentFormRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/incidents/:id/forms/:form',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags,
        summary:
          "An incident's initial (03) or closing (04) report, filled from the record, dated ?on= or the day it was " +
          'issued, else its statutory day (03: detection or when found beyond capability; 04: end of the response)',
        params: ZIncidentFormParams,
        querystring: ZFormQuery,
        response: { 200: formFile('The report (attachment); x-content-sha256, x-recipients') },
      },
    },
    async (req, reply) =>
      sendFile(
        reply,
        req.query.format,
        await incidentForm(db, req.scope, req.params.id, req.params.form, req.query.format, req.query.on),
      ),
  );
  r.post(
    '/api/incidents/:id/forms/:form/issue',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary:
          'Issue the initial (03) or closing (04) report today: records the file’s SHA-256 and its recipients ' +
          '(audited) and answers the file sent; issuing 04 lets the incident close',
        params: ZIncidentFormParams,
        querystring: ZIssueQuery,
        response: { 201: formFile('The issued report; x-report-id names the record, x-content-sha256 its hash') },
      },
    },
    async (req, reply) => {
      const issued = await issueIncidentForm(
        db,
        actorOf(req),
        req.scope,
        req.params.id,
        req.params.form,
        req.query.format,
      );
      return sendFile(reply.code(201).header('x-report-id', issued.reportId), req.query.format, issued);
    },
  );
  r.get(
    '/api/team/members/:id/forms/01',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags: ['team'],
        summary: "A response-team member's network profile (form 01): its organisation, contacts, systems and staff",
        params: z.object({ id: z.uuid() }),
        querystring: ZFormQuery,
        response: { 200: formFile('The profile (attachment); x-content-sha256, x-recipients') },
      },
    },
    async (req, reply) =>
      sendFile(
        reply,
        req.query.format,
        await memberProfileForm(db, req.scope, req.params.id, req.query.format, req.query.on),
      ),
  );
  r.get(
    '/api/team/forms/02',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags: ['team'],
        summary: "An organisation's registration of its incident-response contacts (form 02), with the on-call rota",
        querystring: ZRegistrationQuery,
        // An organisation outside the caller's scope is "not found".
        response: { 200: formFile('The registration (attachment); x-content-sha256, x-recipients'), 404: ZErrorBody },
      },
    },
    async (req, reply) => {
      const organisationId = organisationOf(req.query.organisationId, actorOf(req).organisationId);
      return sendFile(
        reply,
        req.query.format,
        await registrationForm(db, req.scope, organisationId, req.query.format, req.query.on),
      );
    },
  );
  r.get(
    '/api/incidents/forms/05',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags,
        summary:
          "A network member's periodic report (form 05): the incidents of the period in its organisation and below, " +
          'by type, severity and state',
        querystring: ZPeriodicQuery,
        response: { 200: formFile('The report (attachment); x-content-sha256, x-recipients'), 404: ZErrorBody },
      },
    },
    async (req, reply) => {
      const today = provinceDay();
      const organisationId = organisationOf(req.query.organisationId, actorOf(req).organisationId);
      const year = req.query.year ?? Number(today.slice(0, 4));
      const half = (req.query.half ?? (Number(today.slice(5, 7)) <= 6 ? 1 : 2)) as 1 | 2;
      return sendFile(
        reply,
        req.query.format,
        await periodicForm(db, req.scope, organisationId, year, half, req.query.format),
      );
    },
  );
}

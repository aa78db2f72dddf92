import { createSelectSchema } from 'drizzle-zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZOk } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { sendUploadedFile, uploadedFileResponse } from '../../server/download.ts';
import {
  ZIncident,
  ZIncidentAssignees,
  ZIncidentDetail,
  ZIncidentEvidence,
  ZIncidentPage,
  ZIncidentQuery,
  ZIncidentRules,
  ZIncidentStep,
  ZOnCallShiftRecord,
  ZShiftQuery,
  ZTeamMemberRecord,
  ZTeamOverview,
} from './incidents.contract.ts';
import { registerIncidentExports } from './incidents.export.ts';
import {
  ZContactReported,
  ZEvidenceQuery,
  ZIncidentInput,
  ZIncidentStepInput,
  ZIncidentTaskInput,
  ZIncidentTaskUpdate,
  ZIncidentTransition,
  ZIncidentUpdate,
  ZShiftInput,
  ZTeamMemberInput,
} from './incidents.input.ts';
import { incidentTasks } from './incidents.schema.ts';
import {
  addEvidence,
  addStep,
  addTask,
  createIncident,
  EVIDENCE_MAX_BYTES,
  getEvidence,
  getIncident,
  incidentAssignees,
  incidentRules,
  listIncidents,
  transitionIncident,
  updateIncident,
  updateTask,
} from './incidents.service.ts';
import {
  createMember,
  createShift,
  deleteMember,
  deleteShift,
  markContactReported,
  teamOverviewFor,
  updateMember,
} from './team.service.ts';

const ZId = z.object({ id: z.uuid() });
const ZIncidentTask = createSelectSchema(incidentTasks).meta({ id: 'IncidentTaskRecord' });
const tags = ['incidents'];

export function registerIncidentRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerIncidentExports(app, { db });

  r.get(
    '/api/incidents',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags,
        summary: 'Incidents the caller operates or is affected by: a page, searched, filtered, with their clocks',
        querystring: ZIncidentQuery,
        response: { 200: ZIncidentPage },
      },
    },
    async (req) => listIncidents(db, req.scope, req.query),
  );
  r.get(
    '/api/incidents/rules',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags,
        summary: 'The severity rule and the statutory clocks in force on a day (default today)',
        querystring: z.object({ on: z.iso.date().optional() }),
        response: { 200: ZIncidentRules },
      },
    },
    async (req) => incidentRules(db, req.query.on ?? provinceDay()),
  );
  r.post(
    '/api/incidents',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary: 'Report an incident (QĐ 05/2017 Art. 11.4 fields); the severity is decided by the rule of the day',
        body: ZIncidentInput,
        response: { 201: ZIncident },
      },
    },
    async (req, reply) => reply.code(201).send(await createIncident(db, actorOf(req), req.scope, req.body)),
  );
  r.get(
    '/api/incidents/:id',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags,
        summary: 'An incident with its timeline, tasks, evidence, reports, clocks and what the caller may do',
        params: ZId,
        response: { 200: ZIncidentDetail },
      },
    },
    async (req) => getIncident(db, actorOf(req), req.scope, req.params.id),
  );
  r.patch(
    '/api/incidents/:id',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary: 'Change the report (the operating agency or a coordinator); the severity is decided again',
        params: ZId,
        body: ZIncidentUpdate,
        response: { 200: ZIncident },
      },
    },
    async (req) => updateIncident(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/incidents/:id/transitions',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary: 'Move an incident: responding, responded (response end time), closed (coordinators, needs form 04)',
        params: ZId,
        body: ZIncidentTransition,
        response: { 200: ZIncident },
      },
    },
    async (req) => transitionIncident(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/incidents/:id/steps',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary: 'Record a response step (TT 20/2017 Art. 11) with its time and note',
        params: ZId,
        body: ZIncidentStepInput,
        response: { 201: ZIncidentStep },
      },
    },
    async (req, reply) => reply.code(201).send(await addStep(db, actorOf(req), req.scope, req.params.id, req.body)),
  );
  r.get(
    '/api/incidents/:id/assignees',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary: 'Who may own a task: response-team members first (on call now first), then users',
        params: ZId,
        response: { 200: ZIncidentAssignees },
      },
    },
    async (req) => incidentAssignees(db, actorOf(req), req.scope, req.params.id),
  );
  r.post(
    '/api/incidents/:id/tasks',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary: 'Add a task with its owner (team member or user) and due day; the owner is notified',
        params: ZId,
        body: ZIncidentTaskInput,
        response: { 201: ZIncidentTask },
      },
    },
    async (req, reply) => reply.code(201).send(await addTask(db, actorOf(req), req.scope, req.params.id, req.body)),
  );
  r.patch(
    '/api/incidents/:id/tasks/:taskId',
    {
      config: { permission: 'incident.report' },
      schema: {
        tags,
        summary: 'Mark a task done or not, rename, reassign or re-date it',
        params: z.object({ id: z.uuid(), taskId: z.uuid() }),
        body: ZIncidentTaskUpdate,
        response: { 200: ZIncidentTask },
      },
    },
    async (req) => updateTask(db, actorOf(req), req.scope, req.params.id, req.params.taskId, req.body),
  );
  r.post(
    '/api/incidents/:id/evidence',
    {
      config: { permission: 'incident.report' },
      bodyLimit: EVIDENCE_MAX_BYTES + 1024,
      schema: {
        tags,
        summary: `Add an evidence file (raw body, application/octet-stream, at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB) with ?fileName= and ?note=`,
        params: ZId,
        querystring: ZEvidenceQuery,
        response: { 201: ZIncidentEvidence },
      },
    },
    async (req, reply) => {
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return reply
        .code(201)
        .send(await addEvidence(db, actorOf(req), req.scope, req.params.id, { ...req.query, content }));
    },
  );
  r.get(
    '/api/incidents/:id/evidence/:evidenceId',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags,
        summary: 'Download an evidence file (x-content-sha256 carries its SHA-256)',
        params: z.object({ id: z.uuid(), evidenceId: z.uuid() }),
        response: { 200: uploadedFileResponse },
      },
    },
    async (req, reply) => {
      const e = await getEvidence(db, req.scope, req.params.id, req.params.evidenceId);
      return sendUploadedFile(reply, e);
    },
  );

  // ---- The response team ----
  const team = ['team'];
  r.get(
    '/api/team',
    {
      config: { permission: 'incident.read' },
      schema: {
        tags: team,
        summary: 'The response team: roster, on call now, the rota ahead, the next periodic report, the coordinator',
        querystring: ZShiftQuery,
        response: { 200: ZTeamOverview },
      },
    },
    async (req) => teamOverviewFor(db, actorOf(req), req.scope, req.query),
  );
  r.post(
    '/api/team/members',
    {
      config: { permission: 'team.write' },
      schema: { tags: team, body: ZTeamMemberInput, response: { 201: ZTeamMemberRecord } },
    },
    async (req, reply) => reply.code(201).send(await createMember(db, actorOf(req), req.body)),
  );
  r.put(
    '/api/team/members/:id',
    {
      config: { permission: 'team.write' },
      schema: {
        tags: team,
        summary: 'Change a roster entry; a changed phone or e-mail starts the 24-hour reporting clock',
        params: ZId,
        body: ZTeamMemberInput,
        response: { 200: ZTeamMemberRecord },
      },
    },
    async (req) => updateMember(db, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    '/api/team/members/:id',
    { config: { permission: 'team.write' }, schema: { tags: team, params: ZId, response: { 200: ZOk } } },
    async (req) => {
      await deleteMember(db, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );
  r.post(
    '/api/team/members/:id/contact-reported',
    {
      config: { permission: 'team.write' },
      schema: {
        tags: team,
        summary: 'Record that the changed contact was reported to the coordinating body',
        params: ZId,
        body: ZContactReported,
        response: { 200: ZTeamMemberRecord },
      },
    },
    async (req) => markContactReported(db, actorOf(req), req.params.id, req.body),
  );
  r.post(
    '/api/team/shifts',
    {
      config: { permission: 'team.write' },
      schema: { tags: team, body: ZShiftInput, response: { 201: ZOnCallShiftRecord } },
    },
    async (req, reply) => reply.code(201).send(await createShift(db, actorOf(req), req.body)),
  );
  r.delete(
    '/api/team/shifts/:id',
    { config: { permission: 'team.write' }, schema: { tags: team, params: ZId, response: { 200: ZOk } } },
    async (req) => {
      await deleteShift(db, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );
}

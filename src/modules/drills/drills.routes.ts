import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { can } from '../auth/index.ts';
import { ZDrillDetail, ZDrillPage, ZDrillTargets } from './drills.contract.ts';
import { registerDrillExports } from './drills.export.ts';
import {
  ZDrillInput,
  ZDrillQuery,
  ZDrillTeamInput,
  ZDrillTeamUpdate,
  ZDrillTransition,
  ZDrillUpdate,
  ZFindingInput,
  ZParticipantInput,
  ZParticipantUpdate,
  ZTargetsQuery,
  ZTaskInput,
  ZTaskUpdate,
} from './drills.input.ts';
import {
  addFinding,
  addParticipant,
  addTeam,
  createDrill,
  createTask,
  getDrill,
  listDrills,
  removeParticipant,
  transitionDrill,
  updateDrill,
  updateParticipant,
  updateTask,
  updateTeam,
} from './drills.service.ts';
import { drillTargets } from './targets.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['drills'];
const write = { permission: 'drill.write' } as const;

export function registerDrillRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerDrillExports(app, { db });
  r.get(
    '/api/drills',
    {
      config: { permission: 'drill.read' },
      schema: {
        tags,
        summary: 'Drills that concern the caller’s scope: a page',
        querystring: ZDrillQuery,
        response: { 200: ZDrillPage },
      },
    },
    async (req) => listDrills(db, req.scope, req.query),
  );
  r.get(
    '/api/drills/targets',
    {
      config: { permission: 'drill.read' },
      schema: {
        tags,
        summary:
          'Drill targets as of a day: officials who took part this year (per unit, province and commune level) and response-team members’ drills on level-3+ systems',
        querystring: ZTargetsQuery,
        response: { 200: ZDrillTargets },
      },
    },
    async (req) => drillTargets(db, req.scope, req.query),
  );
  r.post(
    '/api/drills',
    { config: write, schema: { tags, summary: 'Plan a drill', body: ZDrillInput, response: { 201: ZDrillDetail } } },
    async (req, reply) => reply.code(201).send(await createDrill(db, actorOf(req), req.scope, req.body)),
  );
  r.get(
    '/api/drills/:id',
    {
      config: { permission: 'drill.read' },
      schema: {
        tags,
        summary: 'A drill with targets, teams, participants, findings',
        params: ZId,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => getDrill(db, req.scope, req.params.id),
  );
  r.patch(
    '/api/drills/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change the plan or the lessons learned',
        params: ZId,
        body: ZDrillUpdate,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => updateDrill(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/drills/:id/transitions',
    {
      config: write,
      schema: {
        tags,
        summary: 'planned → running → completed; planned or running → cancelled',
        params: ZId,
        body: ZDrillTransition,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => transitionDrill(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/drills/:id/teams',
    {
      config: write,
      schema: { tags, summary: 'Add a team', params: ZId, body: ZDrillTeamInput, response: { 200: ZDrillDetail } },
    },
    async (req) => addTeam(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.patch(
    '/api/drills/:id/teams/:teamId',
    {
      config: write,
      schema: {
        tags,
        summary: 'Rename a team or record its scores (attack, defence, availability)',
        params: z.object({ id: z.uuid(), teamId: z.uuid() }),
        body: ZDrillTeamUpdate,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => updateTeam(db, actorOf(req), req.scope, req.params.id, req.params.teamId, req.body),
  );
  r.post(
    '/api/drills/:id/participants',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a participant from the staff register or the response team (in force on the drill’s day)',
        params: ZId,
        body: ZParticipantInput,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => addParticipant(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.patch(
    '/api/drills/:id/participants/:participantId',
    {
      config: write,
      schema: {
        tags,
        summary: 'Team, role or attendance of a participant',
        params: z.object({ id: z.uuid(), participantId: z.uuid() }),
        body: ZParticipantUpdate,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => updateParticipant(db, actorOf(req), req.scope, req.params.id, req.params.participantId, req.body),
  );
  r.delete(
    '/api/drills/:id/participants/:participantId',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a participant',
        params: z.object({ id: z.uuid(), participantId: z.uuid() }),
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => removeParticipant(db, actorOf(req), req.scope, req.params.id, req.params.participantId),
  );
  r.post(
    '/api/drills/:id/findings',
    {
      config: write,
      schema: { tags, summary: 'Record a finding', params: ZId, body: ZFindingInput, response: { 200: ZDrillDetail } },
    },
    async (req) => addFinding(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.post(
    '/api/drills/:id/findings/:findingId/task',
    {
      config: write,
      schema: {
        tags,
        summary: 'Make a finding a remediation task for an organisation (its officers are notified)',
        params: z.object({ id: z.uuid(), findingId: z.uuid() }),
        body: ZTaskInput,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) => createTask(db, actorOf(req), req.scope, req.params.id, req.params.findingId, req.body),
  );
  r.patch(
    '/api/drills/:id/findings/:findingId/task',
    {
      config: { permission: 'drill.remediate' },
      schema: {
        tags,
        summary:
          'Move a remediation task (open, in progress, done) or note it; the assigned organisation reports its own, the Department also re-dates it',
        params: z.object({ id: z.uuid(), findingId: z.uuid() }),
        body: ZTaskUpdate,
        response: { 200: ZDrillDetail },
      },
    },
    async (req) =>
      updateTask(db, actorOf(req), req.scope, req.params.id, req.params.findingId, req.body, {
        coordinator: can(actorOf(req).role, 'drill.write'),
      }),
  );
}

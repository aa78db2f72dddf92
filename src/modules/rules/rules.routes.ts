import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActor } from '../../core/actor.ts';
import { ZErrorBody } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { notFound } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { actorOf } from '../../server/auth-hooks.ts';

import { organisationOwnerBody } from '../organisations/index.ts';
import { authorityFor } from './authority.ts';
import { RULE_KIND_NAMES, type RuleKind, ZBody, ZCalendarDay } from './kinds.ts';
import { ruleBook } from './rule-book.ts';
import {
  ZCalendarYear,
  ZCompetentBody,
  ZLegalRuleRow,
  ZLevelAuthority,
  ZListedRule,
  ZSaved,
} from './rules.contract.ts';
import { addProvinceRule, listRules, saveBodies, saveCalendarDays, ZProvinceRule } from './rules.service.ts';

const ZOn = z.iso.date().optional().describe('the day the rules apply to, yyyy-mm-dd (default: today)');

/** The rules in force on a day with their legal basis, the competent bodies, the calendar; a province's own rows. */
export function registerRulesRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/rules',
    {
      config: { permission: 'rules.read' },
      schema: {
        tags: ['rules'],
        summary: 'Every version of every rule, marking those that apply on a day',
        querystring: z.object({ kind: z.enum(RULE_KIND_NAMES as [RuleKind, ...RuleKind[]]).optional(), on: ZOn }),
        response: { 200: z.array(ZListedRule) },
      },
    },
    async (req) => listRules(db, { kind: req.query.kind, on: req.query.on ?? provinceDay() }),
  );
  r.post(
    '/api/rules',
    {
      config: { permission: 'rules.write' },
      schema: {
        tags: ['rules'],
        summary: 'Add a province rule version (supersedes the same key from its date)',
        body: ZProvinceRule,
        response: { 201: ZLegalRuleRow },
      },
    },
    async (req, reply) => reply.code(201).send(await addProvinceRule(db, auditActor(actorOf(req)), req.body)),
  );
  r.get(
    '/api/rules/authority',
    {
      config: { permission: 'rules.read' },
      schema: {
        tags: ['rules'],
        summary: 'Who appraises and approves a level dossier on a day, with the legal basis',
        querystring: z.object({
          level: z.coerce.number().int().min(1).max(5),
          on: ZOn,
          organisationId: z.uuid().optional(),
        }),
        response: { 200: ZLevelAuthority, 404: ZErrorBody },
      },
    },
    async (req) => {
      const on = req.query.on ?? provinceDay();
      const owner = req.query.organisationId
        ? await organisationOwnerBody(db, req.scope, req.query.organisationId)
        : null;
      const a = authorityFor(await ruleBook(db), req.query.level, on, owner);
      if (!a) throw notFound('Rule');
      return a;
    },
  );
  r.get(
    '/api/bodies',
    {
      config: { permission: 'rules.read' },
      schema: {
        tags: ['rules'],
        summary: 'Competent bodies (all versions)',
        response: { 200: z.array(ZCompetentBody) },
      },
    },
    async () => (await ruleBook(db)).allBodies(),
  );
  r.put(
    '/api/bodies',
    {
      config: { permission: 'rules.write' },
      schema: {
        tags: ['rules'],
        summary: 'Add or replace province bodies',
        body: z.array(ZBody).min(1).max(500),
        response: { 200: ZSaved },
      },
    },
    async (req) => saveBodies(db, auditActor(actorOf(req)), req.body),
  );
  r.get(
    '/api/calendar',
    {
      config: { permission: 'rules.read' },
      schema: {
        tags: ['rules'],
        summary: 'Holidays, days off and worked weekend days of a year',
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        response: { 200: ZCalendarYear },
      },
    },
    async (req) => {
      const book = await ruleBook(db);
      return {
        year: req.query.year,
        covered: book.calendar.covers(`${req.query.year}-01-01`),
        days: book.calendar.daysOff(`${req.query.year - 1}-12-31`, `${req.query.year}-12-31`),
      };
    },
  );
  r.post(
    '/api/calendar',
    {
      config: { permission: 'rules.write' },
      schema: {
        tags: ['rules'],
        summary: 'Add days to the calendar',
        body: z.array(ZCalendarDay).min(1).max(400),
        response: { 200: ZSaved },
      },
    },
    async (req) => saveCalendarDays(db, auditActor(actorOf(req)), req.body),
  );
}

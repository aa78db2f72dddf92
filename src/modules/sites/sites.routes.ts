import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import { ZOk } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { importIndicators, listIndicators } from './indicators.ts';
import { checkEnvironment, checkOneSite, checkScopeSites } from './scheduler.ts';
import {
  ZCheckRunReport,
  ZPublicSiteTrust,
  ZSiteDetail,
  ZSiteImportReport,
  ZSitePage,
  ZSiteSummary,
  ZVnIndicatorList,
} from './sites.contract.ts';
import { registerSiteExports } from './sites.export.ts';
import { ZIndicatorQuery, ZSiteInput, ZSiteQuery, ZSiteUpdate, zSiteDay } from './sites.input.ts';
import { createSite, deleteSite, getSite, importSites, listSites, siteSummary, updateSite } from './sites.service.ts';
import { normaliseHost, siteTrust } from './trust.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['sites'];
const IMPORT_LIMIT = 10 * 1024 * 1024;
/** Per client address and minute: enough for a person, too few to enumerate the register. */
export const SITE_TRUST_RATE = 60;

/** Where a resident reports a site that pretends to be official (the residents' page). */
const REPORT_URL = '/nguoi-dan';
const NOT_REGISTERED_ADVICE =
  'Trang này không có trong danh sách trang web của cơ quan nhà nước tỉnh. Không nhập thông tin cá nhân, mật khẩu ' +
  'hay mã OTP; nếu trang mạo danh cơ quan nhà nước, hãy báo cáo để được xử lý.';

const raw = (body: unknown) => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

export function registerSitesRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Pick<Config, 'sites'> }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerSiteExports(app, { db });
  const env = checkEnvironment(config);

  r.get(
    '/api/sites',
    {
      config: { permission: 'site.read' },
      schema: {
        tags,
        summary: 'The register of agency websites and domains in force on a day, with each one’s latest check',
        querystring: ZSiteQuery,
        response: { 200: ZSitePage },
      },
    },
    async (req) => listSites(db, req.scope, req.query),
  );
  r.get(
    '/api/sites/summary',
    {
      config: { permission: 'site.read' },
      schema: {
        tags,
        summary: 'Dashboard as of a day: verdicts per agency, expiring certificates, sites failing each criterion',
        querystring: z.object({ on: zSiteDay.optional() }),
        response: { 200: ZSiteSummary },
      },
    },
    async (req) => siteSummary(db, req.scope, req.query.on),
  );
  r.post(
    '/api/sites',
    {
      config: { permission: 'site.write' },
      schema: { tags, summary: 'Register a website or domain', body: ZSiteInput, response: { 201: ZSiteDetail } },
    },
    async (req, reply) => reply.code(201).send(await createSite(db, actorOf(req), req.scope, req.body)),
  );
  r.post(
    '/api/sites/import',
    {
      config: { permission: 'site.write' },
      bodyLimit: IMPORT_LIMIT,
      schema: {
        tags,
        summary: 'Import register rows (CSV/XLSX raw body), upserted by host; bad rows reported, good rows kept',
        response: { 200: ZSiteImportReport },
      },
    },
    async (req) => importSites(db, actorOf(req), req.scope, raw(req.body)),
  );
  r.post(
    '/api/sites/check',
    {
      config: { permission: 'site.check' },
      schema: {
        tags,
        summary: 'Check every site in force in the caller’s scope now (optionally one agency’s)',
        body: z.object({ organisationId: z.uuid().optional() }).nullish(),
        response: { 200: ZCheckRunReport },
      },
    },
    async (req) => checkScopeSites(db, actorOf(req), req.scope, env, req.body?.organisationId),
  );
  r.get(
    '/api/sites/indicators',
    {
      config: { permission: 'site.read' },
      schema: {
        tags,
        summary: 'The .vn programme’s indicators by period (a trend per indicator)',
        querystring: ZIndicatorQuery,
        response: { 200: ZVnIndicatorList },
      },
    },
    async (req) => listIndicators(db, req.query.indicator),
  );
  r.post(
    '/api/sites/indicators/import',
    {
      config: { permission: 'site.programme' },
      bodyLimit: IMPORT_LIMIT,
      schema: {
        tags,
        summary: 'Import .vn programme indicators (CSV/XLSX: period, indicator, value, source); a period is replaced',
        response: { 200: ZSiteImportReport },
      },
    },
    async (req) => importIndicators(db, actorOf(req), raw(req.body)),
  );
  r.get(
    '/api/sites/:id',
    {
      config: { permission: 'site.read' },
      schema: { tags, summary: 'A site with its check history', params: ZId, response: { 200: ZSiteDetail } },
    },
    async (req) => getSite(db, req.scope, req.params.id),
  );
  r.patch(
    '/api/sites/:id',
    {
      config: { permission: 'site.write' },
      schema: { tags, summary: 'Change a site', params: ZId, body: ZSiteUpdate, response: { 200: ZSiteDetail } },
    },
    async (req) => updateSite(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.delete(
    '/api/sites/:id',
    {
      config: { permission: 'site.write' },
      schema: { tags, summary: 'Remove a site and its history', params: ZId, response: { 200: ZOk } },
    },
    async (req) => {
      await deleteSite(db, actorOf(req), req.scope, req.params.id);
      return { ok: true as const };
    },
  );
  r.post(
    '/api/sites/:id/check',
    {
      config: { permission: 'site.check' },
      schema: { tags, summary: 'Check one site now', params: ZId, response: { 200: ZCheckRunReport } },
    },
    async (req) => checkOneSite(db, actorOf(req), req.scope, req.params.id, env),
  );
  r.get(
    '/api/public/site-trust',
    {
      config: { public: true, rateLimit: { max: SITE_TRUST_RATE, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Is this site official? The registered agency site for a host with its latest check (no login)',
        querystring: z.object({ host: z.string().max(500) }),
        response: { 200: ZPublicSiteTrust },
      },
    },
    async (req) => {
      const host = normaliseHost(req.query.host);
      if (!host)
        throw new AppError(
          'VALIDATION',
          'Not a host name or web address',
          { field: 'host' },
          {
            key: 'sites.badAddress',
          },
        );
      const found = await siteTrust(db, host);
      return found.registered
        ? found
        : { registered: false as const, host, advice: NOT_REGISTERED_ADVICE, reportUrl: REPORT_URL };
    },
  );
}

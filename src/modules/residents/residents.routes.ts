import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import { ZOk } from '../../core/contract.ts';
import { keyFileSecret } from '../../core/crypto/secret-box.ts';
import type { Db } from '../../core/db/client.ts';
import { fromRoot } from '../../core/paths.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { siteTrust } from '../sites/index.ts';
import {
  checkPage,
  homePage,
  messagePage,
  paths,
  type ReportFormValues,
  reportPage,
  text,
  thanksPage,
  warningPage,
} from './public-page.ts';
import {
  ZGuidance,
  ZGuidanceList,
  ZPublicResidents,
  ZReportQuery,
  ZScamReport,
  ZScamReportPage,
  ZWarning,
  ZWarningPage,
  ZWarningQuery,
} from './residents.contract.ts';
import { registerResidentExports } from './residents.export.ts';
import {
  REPORT_BODY_LIMIT,
  ZGuidanceInput,
  ZReportTriage,
  ZScamReportInput,
  ZWarningInput,
  ZWarningTransition,
} from './residents.input.ts';
import {
  checkFormToken,
  createGuidance,
  createWarning,
  deleteGuidance,
  formToken,
  formTokenKey,
  listGuidance,
  listReports,
  listWarnings,
  publishedGuidance,
  publishedWarning,
  publishedWarnings,
  receiveReport,
  transitionWarning,
  triageReport,
  updateGuidance,
  updateWarning,
} from './residents.service.ts';

const ZId = z.object({ id: z.uuid() });
const tags = ['residents'];

/** Per client address: a person sends a report or two; a script sending more is held off. */
export const REPORT_RATE_LIMIT = { max: 5, timeWindow: 10 * 60_000 };
/** Lookups are cheap reads, but each is a query: enough for a person, not for enumerating the register. */
export const LOOKUP_RATE_LIMIT = { max: 30, timeWindow: 60_000 };

/** Cached by browsers and proxies for a few minutes; a new warning shows within that. */
const PAGE_CACHE = 'public, max-age=300';

const CSS = readFileSync(fromRoot('src/public/residents.css'));
const CSS_VERSION = createHash('sha256').update(CSS).digest('hex').slice(0, 12);

const etagOf = (body: string | Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** Answers with ETag and Cache-Control; a client holding the same version gets 304 and no body. */
function sendCached(req: FastifyRequest, reply: FastifyReply, body: string | Buffer, type: string, cache: string) {
  const etag = etagOf(body);
  reply.header('etag', etag).header('cache-control', cache).header('vary', 'accept-encoding').type(type);
  const given = req.headers['if-none-match'];
  if (given?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return reply.send(body);
}

const html = 'text/html; charset=utf-8';

/** The public pages answer errors as pages in Vietnamese, with the right status (413, 429, 404…). */
function htmlErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  const status = err.statusCode ?? 500;
  const message =
    status === 413
      ? text('public.tooLarge')
      : status === 429
        ? text('public.tooMany')
        : status === 404
          ? text('public.notFound')
          : text('public.errors.invalid');
  if (status >= 500) reply.log.error({ err }, 'residents page error');
  return reply
    .code(status >= 400 ? status : 500)
    .header('cache-control', 'no-store')
    .type(html)
    .send(messagePage(message, CSS_VERSION));
}

const FORM_FIELDS = ['category', 'description', 'suspect', 'reporterName', 'reporterContact'] as const;
const formValues = (body: Record<string, unknown>): ReportFormValues =>
  Object.fromEntries(
    FORM_FIELDS.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string).slice(0, 5000) : undefined]),
  );

/** A host the resident typed or pasted: lower case, punycode, no scheme, port, path or trailing dot; null if none. */
function hostOf(input: string): string | null {
  const t = input.trim();
  if (!t || t.length > 300 || /\s/.test(t)) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `https://${t}`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    const host = url.hostname.replace(/\.$/, '');
    return /^[a-z0-9.-]+$/.test(host) && host.includes('.') ? host : null;
  } catch {
    return null;
  }
}

export function registerResidentRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerResidentExports(app, { db });
  const tokenKey = formTokenKey(config.secretKey ?? keyFileSecret(config.dataDir));

  // ---- Admin (resident.manage) ----------------------------------------------------------------------------------
  r.get(
    '/api/residents/warnings',
    {
      config: { permission: 'resident.manage' },
      schema: {
        tags,
        summary: 'Fraud warnings in every state, newest change first',
        querystring: ZWarningQuery,
        response: { 200: ZWarningPage },
      },
    },
    async (req) => listWarnings(db, req.query),
  );
  r.post(
    '/api/residents/warnings',
    {
      config: { permission: 'resident.manage' },
      schema: { tags, summary: 'Write a fraud warning (a draft)', body: ZWarningInput, response: { 201: ZWarning } },
    },
    async (req, reply) => reply.code(201).send(await createWarning(db, actorOf(req), req.body)),
  );
  r.put(
    '/api/residents/warnings/:id',
    {
      config: { permission: 'resident.manage' },
      schema: {
        tags,
        summary: 'Change a draft or published warning (a withdrawn one goes back to draft first)',
        params: ZId,
        body: ZWarningInput,
        response: { 200: ZWarning },
      },
    },
    async (req) => updateWarning(db, actorOf(req), req.params.id, req.body),
  );
  r.post(
    '/api/residents/warnings/:id/transitions',
    {
      config: { permission: 'resident.manage' },
      schema: {
        tags,
        summary: 'Publish (draft → published), withdraw, or take a withdrawn warning back to draft',
        params: ZId,
        body: ZWarningTransition,
        response: { 200: ZWarning },
      },
    },
    async (req) => transitionWarning(db, actorOf(req), req.params.id, req.body.to),
  );
  r.get(
    '/api/residents/guidance',
    {
      config: { permission: 'resident.manage' },
      schema: { tags, summary: 'Guidance entries in page order, hidden ones too', response: { 200: ZGuidanceList } },
    },
    async () => listGuidance(db),
  );
  r.post(
    '/api/residents/guidance',
    {
      config: { permission: 'resident.manage' },
      schema: { tags, summary: 'Add a guidance entry', body: ZGuidanceInput, response: { 201: ZGuidance } },
    },
    async (req, reply) => reply.code(201).send(await createGuidance(db, actorOf(req), req.body)),
  );
  r.put(
    '/api/residents/guidance/:id',
    {
      config: { permission: 'resident.manage' },
      schema: {
        tags,
        summary: 'Change a guidance entry',
        params: ZId,
        body: ZGuidanceInput,
        response: { 200: ZGuidance },
      },
    },
    async (req) => updateGuidance(db, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    '/api/residents/guidance/:id',
    {
      config: { permission: 'resident.manage' },
      schema: { tags, summary: 'Remove a guidance entry', params: ZId, response: { 200: ZOk } },
    },
    async (req) => deleteGuidance(db, actorOf(req), req.params.id),
  );
  r.get(
    '/api/residents/reports',
    {
      config: { permission: 'resident.manage' },
      schema: {
        tags,
        summary: 'The scam-report queue, newest first, with the count in each state',
        querystring: ZReportQuery,
        response: { 200: ZScamReportPage },
      },
    },
    // Residents' names and contacts: never kept by a browser's or a proxy's cache.
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return listReports(db, req.query);
    },
  );
  r.post(
    '/api/residents/reports/:id/triage',
    {
      config: { permission: 'resident.manage' },
      schema: {
        tags,
        summary: 'Move a report along new → reviewing → closed | forwarded, with a note',
        params: ZId,
        body: ZReportTriage,
        response: { 200: ZScamReport },
      },
    },
    async (req) => triageReport(db, actorOf(req), req.params.id, req.body),
  );

  // ---- Public JSON twin ------------------------------------------------------------------------------------------
  r.get(
    '/api/public/residents',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'What the residents’ page shows: published warnings (newest first) and guidance (no login)',
        response: { 200: ZPublicResidents },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', PAGE_CACHE);
      const [warnings, guidance] = await Promise.all([publishedWarnings(db), publishedGuidance(db)]);
      return { warnings, guidance };
    },
  );

  // ---- Public pages (no login, server-rendered, no script) -------------------------------------------------------
  app.register(async (pages) => {
    pages.setErrorHandler(htmlErrors);
    // Browsers post forms url-encoded; only this scope reads that type, within the route's body limit.
    pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    // Pages, not API: kept out of the API description.
    const hidden = { schema: { hide: true } };
    pages.get(paths.style, hidden, async (req, reply) =>
      sendCached(req, reply, CSS, 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'),
    );
    // "/nguoi-dan/" would otherwise fall to the staff app (its sign-in page): residents type it either way.
    pages.get(`${paths.home}/`, hidden, async (_req, reply) => reply.redirect(paths.home, 301));
    // Any other address under the page (a mistyped or shortened link): the page's own 404, not the staff app.
    pages.get(`${paths.home}/*`, hidden, async (_req, reply) =>
      reply
        .code(404)
        .header('cache-control', 'public, max-age=60')
        .type(html)
        .send(messagePage(text('public.notFound'), CSS_VERSION)),
    );
    pages.get(paths.home, hidden, async (req, reply) => {
      const [warnings, guidance] = await Promise.all([publishedWarnings(db), publishedGuidance(db)]);
      return sendCached(req, reply, homePage(warnings, guidance, CSS_VERSION), html, PAGE_CACHE);
    });
    pages.get<{ Params: { id: string } }>(`${paths.home}/canh-bao/:id`, hidden, async (req, reply) => {
      const id = req.params.id;
      const warning = z.uuid().safeParse(id).success ? await publishedWarning(db, id) : null;
      if (!warning)
        return reply
          .code(404)
          .header('cache-control', 'public, max-age=60')
          .type(html)
          .send(messagePage(text('public.notFound'), CSS_VERSION));
      return sendCached(req, reply, warningPage(warning, CSS_VERSION), html, PAGE_CACHE);
    });
    pages.get<{ Querystring: { host?: string } }>(
      paths.check,
      { ...hidden, config: { rateLimit: LOOKUP_RATE_LIMIT } },
      async (req, reply) => {
        const input = typeof req.query.host === 'string' ? req.query.host.slice(0, 300) : '';
        if (!input) return reply.redirect(`${paths.home}#kiem-tra`, 303);
        const host = hostOf(input);
        const trust = host ? await siteTrust(db, host) : null;
        const page = checkPage(host, input, trust, CSS_VERSION);
        if (!host) return reply.code(400).header('cache-control', 'no-store').type(html).send(page);
        return sendCached(req, reply, page, html, 'public, max-age=60');
      },
    );
    pages.get<{ Querystring: Record<string, string | undefined> }>(paths.report, hidden, async (req, reply) => {
      // The form carries a fresh time token: never cached.
      const suspect = typeof req.query['nghi-van'] === 'string' ? req.query['nghi-van'].slice(0, 500) : '';
      return reply
        .header('cache-control', 'no-store')
        .type(html)
        .send(reportPage({ suspect }, [], formToken(tokenKey), CSS_VERSION));
    });
    pages.post<{ Body: Record<string, unknown> | undefined }>(
      paths.report,
      { ...hidden, bodyLimit: REPORT_BODY_LIMIT, config: { rateLimit: REPORT_RATE_LIMIT } },
      async (req, reply) => {
        const body = req.body && typeof req.body === 'object' ? req.body : {};
        reply.header('cache-control', 'no-store');
        // A filled honeypot (a field people never see) is a robot — whatever it put there (a JSON array or number
        // too): it is thanked and nothing is stored.
        if (body.website !== undefined && body.website !== '') return reply.redirect(paths.thanks, 303);
        const values = formValues(body);
        const token = checkFormToken(tokenKey, typeof body.t === 'string' ? body.t : undefined);
        const parsed = ZScamReportInput.safeParse(values);
        const errors = [
          ...(token === 'ok' ? [] : [token]),
          ...(parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => String(i.path[0])))]),
        ];
        if (errors.length || !parsed.success)
          return reply
            .code(400)
            .type(html)
            .send(reportPage(values, errors, formToken(tokenKey), CSS_VERSION));
        const { code } = await receiveReport(db, parsed.data, req.ip);
        return reply.redirect(`${paths.thanks}?ma=${encodeURIComponent(code)}`, 303);
      },
    );
    pages.get<{ Querystring: { ma?: string } }>(paths.thanks, hidden, async (req, reply) => {
      const code = typeof req.query.ma === 'string' && /^PA-\d{4}-\d{4,6}$/.test(req.query.ma) ? req.query.ma : null;
      return reply.header('cache-control', 'no-store').type(html).send(thanksPage(code, CSS_VERSION));
    });
  });
}

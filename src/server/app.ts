import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { ZodError, z } from 'zod';
import type { Config } from '../core/config.ts';
import { keyFileSecret, SecretBox } from '../core/crypto/secret-box.ts';
import type { Database } from '../core/db/client.ts';
import { uniqueViolation } from '../core/db/conflict.ts';
import { AppError } from '../core/errors.ts';
import { isSharedFigure } from '../core/figure-cache.ts';
import { fromRoot } from '../core/paths.ts';
import { registerAdvisoryRoutes, registerAdvisoryTimer } from '../modules/advisories/index.ts';
import { registerAuditRoutes } from '../modules/audit/index.ts';
import {
  authenticateApiToken,
  authenticateSession,
  registerAuthRoutes,
  type SetupState,
  sealTotpSecrets,
} from '../modules/auth/index.ts';
import { registerAwarenessRoutes } from '../modules/awareness/index.ts';
import { registerNightlyBackup } from '../modules/backup/index.ts';
import { registerDrillRoutes } from '../modules/drills/index.ts';
import {
  registerIncidentFormRoutes,
  registerIncidentRoutes,
  registerIncidentTimer,
} from '../modules/incidents/index.ts';
import { registerInspectionRoutes, registerInspectionTimer } from '../modules/inspections/index.ts';
import { registerInventoryRoutes } from '../modules/inventory/index.ts';
import { registerNotificationDelivery, registerNotificationRoutes } from '../modules/notifications/index.ts';
import { registerOrganisationRoutes } from '../modules/organisations/index.ts';
import { registerOversightDigest, registerOversightRoutes } from '../modules/oversight/index.ts';
import {
  registerPhishingPublicRoutes,
  registerPhishingRoutes,
  registerPhishingSender,
} from '../modules/phishing/index.ts';
import { registerReportRoutes } from '../modules/reports/index.ts';
import { registerResidentRoutes } from '../modules/residents/index.ts';
import { registerRulesRoutes } from '../modules/rules/index.ts';
import { registerSitesRoutes, registerSitesTimer } from '../modules/sites/index.ts';
import { registerSocRoutes } from '../modules/soc/index.ts';
import { registerStaffRoutes } from '../modules/staff/index.ts';
import { registerDeadlineTimer, registerSystemsRoutes } from '../modules/systems/index.ts';
import { registerVulnerabilityRoutes } from '../modules/vulnerabilities/index.ts';
import { registerAuthHooks, SESSION_COOKIE } from './auth-hooks.ts';
import { registerContract, registerContractCheck } from './contract.ts';
import { registerInspectionExport } from './inspection-export.ts';

export const WEB_DIST = fromRoot('dist/web');

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api route as "METHOD /url" (the contract test compares them with the API description). */
    apiRoutes: string[];
  }
}

export type AppDeps = {
  database: Database;
  config: Config;
  setup?: SetupState;
  logger?: boolean | object;
  /** Tests: an answer with a status its route does not declare fails (server/contract.ts). */
  contractCheck?: boolean;
};

/**
 * The route's response encoder (Zod-checked JSON), remembering what it made of a shared figure: the large dashboard
 * figures are handed out deep-frozen and shared (cachedFigure's `shared`), so each is checked and encoded once per
 * route instead of on every request.
 */
const encodeSharedOnce: typeof serializerCompiler = (route) => {
  const encode = serializerCompiler(route);
  const encoded = new WeakMap<object, string>();
  return (data: unknown) => {
    if (!isSharedFigure(data)) return encode(data);
    let text = encoded.get(data);
    if (text === undefined) {
      text = encode(data);
      encoded.set(data, text);
    }
    return text;
  };
};

/** Builds the HTTP server (API + web UI). Tests call this with `app.inject`; `khien serve` calls it and listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { database, config } = deps;
  const { db } = database;
  const setup = deps.setup ?? { token: null };
  const app = Fastify({
    logger: deps.logger ?? false,
    // The reverse proxy (deploy/nginx, KHIEN_TRUST_PROXY): X-Forwarded-* count only from its addresses, and the
    // client is the address it saw (the last X-Forwarded-For entry), never one the client wrote there itself.
    trustProxy: config.trustProxy ? config.trustProxy.join(',') : false,
    bodyLimit: 5 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(encodeSharedOnce);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const send = (status: number, code: string, message: string, details?: unknown, more?: object) =>
      reply.code(status).send({ error: { code, message, ...more, details, requestId: req.id } });
    if (err instanceof AppError)
      return send(err.status, err.code, err.message, err.details, { key: err.key, params: err.params });
    if (hasZodFastifySchemaValidationErrors(err))
      return send(
        400,
        'VALIDATION',
        err.message,
        err.validation.map((v) => ({ path: v.instancePath, message: v.message })),
      );
    if (err instanceof ZodError)
      return send(400, 'VALIDATION', err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), err.issues);
    if (err.statusCode === 429) return send(429, 'RATE_LIMITED', 'Too many requests; try again later');
    if (err.statusCode === 413)
      return send(413, err.code === 'INPUT_TOO_LARGE' ? err.code : 'PAYLOAD_TOO_LARGE', err.message);
    if (err.statusCode === 404) return send(404, 'NOT_FOUND', err.message);
    if (err.statusCode && err.statusCode < 500) return send(err.statusCode, 'BAD_REQUEST', err.message);
    const race = uniqueViolation(err);
    if (race) return send(race.status, race.code, race.message, race.details, { key: race.key });
    req.log.error({ err }, 'unhandled error');
    return send(500, 'INTERNAL', 'Internal error');
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI (at /api/docs) injects inline styles; scripts stay self-only.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
    // RFC 6797 §7.2: never over plain HTTP, so sent by the hook below only to a request that came over HTTPS.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  // Global off: only routes that opt in (login, setup) are limited, by client address.
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Khiên API', version: '0.1.0', description: 'API của nền tảng Khiên — Khiên platform API' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'khien_sid' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  const apiRoutes = registerContract(app);
  app.decorate('apiRoutes', apiRoutes);
  if (deps.contractCheck) registerContractCheck(app);
  // The description lists every route and parameter: a map for an attacker, so by default only for signed-in users
  // and API tokens (README, KHIEN_API_DOCS). With `off` no docs route exists (404); app.swagger() still works.
  if (config.apiDocs !== 'off')
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      uiHooks: config.apiDocs === 'session' ? { onRequest: async (req) => void (await signedIn(db, req)) } : {},
    });

  app.addContentTypeParser(
    ['application/octet-stream', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );

  registerAuthHooks(app, db);
  // PostgreSQL refuses U+0000 in text (and jsonb): refuse it here, naming the field, instead of failing in the database.
  // Raw uploads (Buffers, streams) are the importers' to check, per row or element.
  app.addHook('preValidation', async (req) => {
    if (!req.routeOptions.url?.startsWith('/api')) return;
    for (const [part, value] of [
      ['params', req.params],
      ['query', req.query],
      ['body', req.body],
    ] as const) {
      const path = nulPath(value);
      if (path !== null)
        throw new AppError('VALIDATION', `${part}${path}: the NUL character (U+0000) is not allowed`, [
          { path: `${part}${path}`, message: 'NUL character (U+0000)' },
        ]);
    }
  });
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => ({
      status: 'ok',
      database: database.kind,
    }),
  );
  const secrets = SecretBox.fromKey(config.secretKey ?? keyFileSecret(config.dataDir));
  await sealTotpSecrets(db, secrets);
  registerAuthRoutes(app, { db, config, setup, secrets });
  registerOrganisationRoutes(app, { db });
  registerAuditRoutes(app, { db });
  registerRulesRoutes(app, { db });
  registerSystemsRoutes(app, { db });
  registerDeadlineTimer(app, db);
  registerNotificationRoutes(app, { db });
  registerNotificationDelivery(app, { db, config });
  registerVulnerabilityRoutes(app, { db });
  registerAdvisoryRoutes(app, { db });
  registerAdvisoryTimer(app, db);
  registerInventoryRoutes(app, { db });
  registerSocRoutes(app, { db });
  registerIncidentRoutes(app, { db });
  registerIncidentFormRoutes(app, { db });
  registerInspectionRoutes(app, { db });
  registerInspectionTimer(app, db);
  registerInspectionExport(app, { db });
  registerReportRoutes(app, { db });
  registerIncidentTimer(app, db);
  registerStaffRoutes(app, { db });
  registerDrillRoutes(app, { db });
  registerOversightRoutes(app, { db });
  registerOversightDigest(app, { db, config });
  registerAwarenessRoutes(app, { db });
  registerSitesRoutes(app, { db, config });
  registerSitesTimer(app, db, config);
  registerResidentRoutes(app, { db, config });
  registerPhishingRoutes(app, { db });
  registerPhishingPublicRoutes(app, { db, config });
  registerPhishingSender(app, { db, config });
  registerNightlyBackup(app, { database, config });

  if (existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false });
    // Client-side routes (/organisations, /audit, …) all load the single-page app.
    app.setNotFoundHandler((req, reply) => {
      if (req.url.startsWith('/api'))
        return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such API route', requestId: req.id } });
      return reply.type('text/html').sendFile('index.html');
    });
  }
  return app;
}

/** Path (`.name`, `[2]`) of the first string or object key holding U+0000, or null. Iterative: nesting is unbounded. */
export function nulPath(root: unknown): string | null {
  const todo: [unknown, string][] = [[root, '']];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (value.includes('\0')) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) todo.push([value[i], `${path}[${i}]`]);
    } else if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Readable)) {
      const entries = Object.entries(value);
      for (const [key] of entries) if (key.includes('\0')) return `${path}.${JSON.stringify(key)}`;
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, v] = entries[i] as [string, unknown];
        todo.push([v, `${path}.${key}`]);
      }
    }
  }
  return null;
}

/** The docs' guard when KHIEN_API_DOCS=session: a session cookie or an API token, any role. */
async function signedIn(db: Database['db'], req: FastifyRequest) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const cookie = req.cookies[SESSION_COOKIE];
  const auth = bearer ? await authenticateApiToken(db, bearer) : cookie ? await authenticateSession(db, cookie) : null;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in to read the API description');
}

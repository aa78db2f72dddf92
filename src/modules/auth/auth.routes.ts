import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import type { SecretBox } from '../../core/crypto/secret-box.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { actorOf, SESSION_COOKIE, sessionCookieOptions } from '../../server/auth-hooks.ts';
import { ROLES } from './auth.schema.ts';
import {
  beginTotp,
  changePassword,
  confirmTotp,
  countUsers,
  createApiToken,
  createUser,
  csrfMatches,
  disableTotp,
  getUser,
  listApiTokens,
  listUsers,
  login,
  logout,
  revokeApiToken,
  updateUser,
} from './auth.service.ts';
import { checkPasswordStrength, MIN_PASSWORD_LENGTH } from './password.ts';

const ZPassword = z.string().min(MIN_PASSWORD_LENGTH).max(200);
const ZIdParams = z.object({ id: z.uuid() });
/** One's own account security: with a session only (auth-hooks refuses API tokens here). */
const SESSION_SELF = { permission: 'self', sessionOnly: true } as const;

/** The first-run setup token lives only in memory and on the console; it dies with the process or first use. */
export type SetupState = { token: string | null };

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { db: Db; config: Config; setup: SetupState; secrets: SecretBox },
) {
  const { db, config, setup, secrets } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** The current password asked again, with the session it came from (ended if the guess locks the account). */
  const reauth = (req: FastifyRequest, password: string) => ({
    actor: actorOf(req),
    sessionToken: req.cookies[SESSION_COOKIE],
    password,
  });

  r.get(
    '/api/setup',
    { config: { public: true }, schema: { tags: ['auth'], summary: 'Whether first-run setup is needed' } },
    async () => ({
      needed: (await countUsers(db)) === 0,
    }),
  );

  r.post(
    '/api/setup',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Create the first administrator with the one-time token printed on the console',
        body: z.object({
          token: z.string(),
          username: z.string().min(3).max(64),
          displayName: z.string().min(2).max(200),
          password: ZPassword,
        }),
      },
    },
    async (req, reply) => {
      if ((await countUsers(db)) > 0 || !setup.token || !csrfMatches(setup.token, req.body.token))
        throw new AppError('FORBIDDEN', 'Setup is closed or the token is wrong');
      // Checked before the one-time token is spent, so a weak first password can be corrected and sent again.
      checkPasswordStrength(req.body.password, req.body);
      setup.token = null;
      const user = await createUser(db, null, { ...req.body, role: 'admin' });
      return reply.code(201).send(user);
    },
  );

  r.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password (+ TOTP code when enabled); sets the session cookie',
        body: z.object({
          username: z.string().min(1).max(64),
          password: z.string().min(1).max(200),
          totp: z.string().max(10).optional(),
        }),
      },
    },
    async (req, reply) => {
      const res = await login(db, config, secrets, { ...req.body, ip: req.ip, userAgent: req.headers['user-agent'] });
      reply.setCookie(SESSION_COOKIE, res.sessionToken, sessionCookieOptions(config, req, res.expiresAt));
      return { user: res.user, csrfToken: res.csrfToken, expiresAt: res.expiresAt };
    },
  );

  r.post('/api/auth/logout', { config: { permission: 'self' }, schema: { tags: ['auth'] } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await logout(db, actorOf(req), cookie);
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(config, req));
    return { ok: true };
  });

  r.get(
    '/api/auth/me',
    {
      config: { permission: 'self' },
      schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token of the session' },
    },
    async (req) => ({
      user: await getUser(db, actorOf(req).userId),
      role: actorOf(req).role,
      csrfToken: req.auth?.csrfToken ?? null,
    }),
  );

  r.post(
    '/api/auth/password',
    {
      config: SESSION_SELF,
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; ends all your sessions and revokes all your API tokens',
        body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: ZPassword }),
      },
    },
    async (req, reply) => {
      await changePassword(db, config, reauth(req, req.body.currentPassword), req.body.newPassword);
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(config, req));
      return { ok: true };
    },
  );

  r.post('/api/auth/totp/setup', { config: SESSION_SELF, schema: { tags: ['auth'] } }, async (req) =>
    beginTotp(db, secrets, actorOf(req)),
  );
  r.post(
    '/api/auth/totp/confirm',
    { config: SESSION_SELF, schema: { tags: ['auth'], body: z.object({ code: z.string().min(6).max(10) }) } },
    async (req) => {
      await confirmTotp(db, secrets, actorOf(req), req.body.code);
      return { ok: true };
    },
  );
  r.post(
    '/api/auth/totp/disable',
    { config: SESSION_SELF, schema: { tags: ['auth'], body: z.object({ password: z.string().min(1).max(200) }) } },
    async (req) => {
      await disableTotp(db, config, reauth(req, req.body.password));
      return { ok: true };
    },
  );

  r.get('/api/auth/tokens', { config: { permission: 'self' }, schema: { tags: ['auth'] } }, async (req) =>
    listApiTokens(db, actorOf(req)),
  );
  r.post(
    '/api/auth/tokens',
    {
      config: SESSION_SELF,
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for scripts (shown once; stored hashed)',
        body: z.object({
          name: z.string().min(1).max(100),
          role: z.enum(ROLES).optional(),
          expiresInDays: z.number().int().min(1).max(730).optional(),
        }),
      },
    },
    async (req, reply) => reply.code(201).send(await createApiToken(db, actorOf(req), req.body)),
  );
  r.delete(
    '/api/auth/tokens/:id',
    { config: SESSION_SELF, schema: { tags: ['auth'], params: ZIdParams } },
    async (req) => {
      await revokeApiToken(db, actorOf(req), req.params.id);
      return { ok: true };
    },
  );

  // Accounts (administrator only).
  const ZUserBody = z.object({
    displayName: z.string().min(2).max(200),
    email: z.email().nullish(),
    role: z.enum(ROLES),
    organisationId: z.uuid().nullish(),
    scopeIncludesChildren: z.boolean().optional(),
    locale: z.enum(['vi', 'en']).optional(),
  });
  r.get('/api/users', { config: { permission: 'user.read' }, schema: { tags: ['users'] } }, async () => listUsers(db));
  r.get(
    '/api/users/:id',
    { config: { permission: 'user.read' }, schema: { tags: ['users'], params: ZIdParams } },
    async (req) => getUser(db, req.params.id),
  );
  r.post(
    '/api/users',
    {
      config: { permission: 'user.write' },
      schema: {
        tags: ['users'],
        body: ZUserBody.extend({
          username: z
            .string()
            .min(3)
            .max(64)
            .regex(/^[a-zA-Z0-9._-]+$/),
          password: ZPassword,
        }),
      },
    },
    async (req, reply) => reply.code(201).send(await createUser(db, actorOf(req), req.body)),
  );
  r.patch(
    '/api/users/:id',
    {
      config: { permission: 'user.write' },
      schema: {
        tags: ['users'],
        summary: 'Update an account; `password` resets it, ending its sessions and revoking its API tokens',
        params: ZIdParams,
        body: ZUserBody.partial().extend({
          disabled: z.boolean().optional(),
          unlock: z.boolean().optional(),
          password: ZPassword.optional(),
        }),
      },
    },
    async (req) => {
      // Like the account-security routes: a leaked administrator token must not be able to take over accounts.
      if (req.body.password !== undefined && req.auth?.via !== 'session')
        throw new AppError('FORBIDDEN', 'Sign in with a password to reset a password; API tokens cannot', {
          field: 'password',
        });
      return updateUser(db, actorOf(req), req.params.id, req.body);
    },
  );
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';
import { ZErrorBody, ZOk } from '../../core/contract.ts';
import type { SecretBox } from '../../core/crypto/secret-box.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { actorOf, SESSION_COOKIE, sessionCookieOptions } from '../../server/auth-hooks.ts';
import {
  ZApiToken,
  ZCreatedApiToken,
  ZLoginResult,
  ZMe,
  ZSetupStatus,
  ZTotpEnrolment,
  ZUser,
  ZUserPage,
} from './auth.contract.ts';
import {
  ZApiTokenBody,
  ZLoginBody,
  ZPasswordChangeBody,
  ZSetupBody,
  ZTotpConfirmBody,
  ZTotpDisableBody,
  ZUserCreateBody,
  ZUserListQuery,
  ZUserPatchBody,
} from './auth.input.ts';
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
  permissionsOf,
  revokeApiToken,
  updateUser,
} from './auth.service.ts';
import { checkPasswordStrength } from './password.ts';
import { registerUserExports } from './users.export.ts';

const ZIdParams = z.object({ id: z.uuid() });
/** One's own account security: with a session only (auth-hooks refuses API tokens here). */
const SESSION_SELF = { permission: 'self', sessionOnly: true } as const;

/** The first-run setup token lives only in memory and on the console; it dies with the process or first use. */
export type SetupState = { token: string | null };

/** What a session with a temporary password may still do: learn who it is, change the password, sign out. */
const OPEN_TO_TEMPORARY_PASSWORD = new Set(['GET /api/auth/me', 'POST /api/auth/password', 'POST /api/auth/logout']);

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { db: Db; config: Config; setup: SetupState; secrets: SecretBox },
) {
  const { db, config, setup, secrets } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerUserExports(app, { db });
  // After the auth hooks (registered before): a password an administrator set (a new account, a reset) must be
  // replaced by its owner before anything else; every other route answers 403 with a key the UI understands.
  app.addHook('onRequest', async (req) => {
    if (!req.auth?.user.mustChangePassword) return;
    if (OPEN_TO_TEMPORARY_PASSWORD.has(`${req.method} ${req.routeOptions.url}`)) return;
    throw new AppError(
      'FORBIDDEN',
      'Change the temporary password first (POST /api/auth/password)',
      { reason: 'password-change-required' },
      { key: 'passwordChangeRequired' },
    );
  });
  /** The current password asked again, with the session it came from (ended if the guess locks the account). */
  const reauth = (req: FastifyRequest, password: string) => ({
    actor: actorOf(req),
    sessionToken: req.cookies[SESSION_COOKIE],
    password,
  });

  r.get(
    '/api/setup',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'Whether first-run setup is needed', response: { 200: ZSetupStatus } },
    },
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
        body: ZSetupBody,
        response: { 201: ZUser, 403: ZErrorBody },
      },
    },
    async (req, reply) => {
      if ((await countUsers(db)) > 0 || !setup.token || !csrfMatches(setup.token, req.body.token))
        throw new AppError('FORBIDDEN', 'Setup is closed or the token is wrong', undefined, { key: 'setupClosed' });
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
        body: ZLoginBody,
        response: { 200: ZLoginResult, 401: ZErrorBody, 423: ZErrorBody },
      },
    },
    async (req, reply) => {
      const res = await login(db, config, secrets, { ...req.body, ip: req.ip, userAgent: req.headers['user-agent'] });
      reply.setCookie(SESSION_COOKIE, res.sessionToken, sessionCookieOptions(config, req, res.expiresAt));
      return { user: res.user, csrfToken: res.csrfToken, expiresAt: res.expiresAt };
    },
  );

  r.post(
    '/api/auth/logout',
    { config: { permission: 'self' }, schema: { tags: ['auth'], response: { 200: ZOk } } },
    async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) await logout(db, actorOf(req), cookie);
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(config, req));
      return { ok: true as const };
    },
  );

  r.get(
    '/api/auth/me',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, what the role may do and the CSRF token of the session',
        response: { 200: ZMe },
      },
    },
    async (req) => ({
      user: await getUser(db, actorOf(req).userId),
      role: actorOf(req).role,
      permissions: permissionsOf(actorOf(req).role),
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
        body: ZPasswordChangeBody,
        response: { 200: ZOk, 423: ZErrorBody },
      },
    },
    async (req, reply) => {
      await changePassword(db, config, reauth(req, req.body.currentPassword), req.body.newPassword);
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(config, req));
      return { ok: true as const };
    },
  );

  r.post(
    '/api/auth/totp/setup',
    { config: SESSION_SELF, schema: { tags: ['auth'], response: { 200: ZTotpEnrolment } } },
    async (req) => beginTotp(db, secrets, actorOf(req)),
  );
  r.post(
    '/api/auth/totp/confirm',
    {
      config: SESSION_SELF,
      schema: { tags: ['auth'], body: ZTotpConfirmBody, response: { 200: ZOk } },
    },
    async (req) => {
      await confirmTotp(db, secrets, actorOf(req), req.body.code);
      return { ok: true as const };
    },
  );
  r.post(
    '/api/auth/totp/disable',
    {
      config: SESSION_SELF,
      schema: {
        tags: ['auth'],
        body: ZTotpDisableBody,
        response: { 200: ZOk, 423: ZErrorBody },
      },
    },
    async (req) => {
      await disableTotp(db, config, reauth(req, req.body.password));
      return { ok: true as const };
    },
  );

  r.get(
    '/api/auth/tokens',
    { config: { permission: 'self' }, schema: { tags: ['auth'], response: { 200: z.array(ZApiToken) } } },
    async (req) => listApiTokens(db, actorOf(req)),
  );
  r.post(
    '/api/auth/tokens',
    {
      config: SESSION_SELF,
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for scripts (shown once; stored hashed)',
        body: ZApiTokenBody,
        response: { 201: ZCreatedApiToken },
      },
    },
    async (req, reply) => reply.code(201).send(await createApiToken(db, actorOf(req), req.body)),
  );
  r.delete(
    '/api/auth/tokens/:id',
    { config: SESSION_SELF, schema: { tags: ['auth'], params: ZIdParams, response: { 200: ZOk } } },
    async (req) => {
      await revokeApiToken(db, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  // Accounts (administrator only).
  r.get(
    '/api/users',
    {
      config: { permission: 'user.read' },
      schema: {
        tags: ['users'],
        summary: 'A page of accounts (search by username, name or e-mail; filter by role, organisation) and the total',
        querystring: ZUserListQuery,
        response: { 200: ZUserPage },
      },
    },
    async (req) => listUsers(db, req.query),
  );
  r.get(
    '/api/users/:id',
    { config: { permission: 'user.read' }, schema: { tags: ['users'], params: ZIdParams, response: { 200: ZUser } } },
    async (req) => getUser(db, req.params.id),
  );
  r.post(
    '/api/users',
    {
      config: { permission: 'user.write' },
      schema: {
        tags: ['users'],
        summary: 'Create an account; its password is temporary (the user must change it at first sign-in)',
        body: ZUserCreateBody,
        response: { 201: ZUser },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createUser(db, actorOf(req), { ...req.body, mustChangePassword: true })),
  );
  r.patch(
    '/api/users/:id',
    {
      config: { permission: 'user.write' },
      schema: {
        tags: ['users'],
        summary:
          'Update an account; `password` resets it (temporary: to be changed at next sign-in), ending its sessions and revoking its API tokens',
        params: ZIdParams,
        body: ZUserPatchBody,
        response: { 200: ZUser },
      },
    },
    async (req) => {
      // Like the account-security routes: a leaked administrator token must not be able to take over accounts.
      if (req.body.password !== undefined && req.auth?.via !== 'session')
        throw new AppError(
          'FORBIDDEN',
          'Sign in with a password to reset a password; API tokens cannot',
          { field: 'password' },
          { key: 'resetNeedsSession' },
        );
      return updateUser(db, actorOf(req), req.params.id, req.body);
    },
  );
}

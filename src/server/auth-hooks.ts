import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../core/config.ts';
import type { Db } from '../core/db/client.ts';
import { AppError } from '../core/errors.ts';
import {
  type Actor,
  type Authenticated,
  actorFromUser,
  authenticateApiToken,
  authenticateSession,
  can,
  csrfMatches,
  type Permission,
  resolveScope,
  type Scope,
} from '../modules/auth/index.ts';

export const SESSION_COOKIE = 'khien_sid';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route requires (permissions.ts). Every /api route declares this or `public`. */
    permission?: Permission;
    public?: boolean;
    /** Account security (password, TOTP, API tokens): a signed-in session only, never an API token. */
    sessionOnly?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    scope: Scope;
    auth: Authenticated | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** API routes (the pattern a route was declared with) need a permission or `public`; the docs and web UI do not. */
export const isApiRoute = (url: string | undefined) => !!url && url.startsWith('/api') && !url.startsWith('/api/docs');

/** The actor, for handlers of non-public routes (the hooks below guarantee it is set there). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return req.actor;
}

export function sessionCookieOptions(config: Config, req: FastifyRequest, expires?: Date) {
  const secure = config.cookieSecure === 'auto' ? req.protocol === 'https' : config.cookieSecure === 'true';
  return { httpOnly: true, sameSite: 'strict' as const, secure, path: '/', ...(expires ? { expires } : {}) };
}

/**
 * Authentication, CSRF and role checks for every /api route, deny-by-default: the server will not even start if a
 * route declares neither a permission nor `public`.
 */
export function registerAuthHooks(app: FastifyInstance, db: Db) {
  app.decorateRequest('actor', null);
  app.decorateRequest('auth', null);
  // Set by the onRequest hook below on every non-public route before any handler runs.
  app.decorateRequest('scope', null as never);

  app.addHook('onRoute', (route) => {
    if (!isApiRoute(route.url)) return;
    const cfg = route.config as { permission?: Permission; public?: boolean } | undefined;
    if (!cfg?.permission && !cfg?.public)
      throw new Error(`Route ${route.method} ${route.url} declares no permission (see permissions.ts)`);
  });

  // onRequest: before the body is read, so an anonymous client cannot make the server read (and parse) an upload of
  // up to a route's body limit only to be refused.
  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const cfg = req.routeOptions.config;
    // Decided by the route that matched, never by the raw URL: the router decodes "/%61pi/users" to /api/users.
    if (!isApiRoute(req.routeOptions.url) && !cfg.permission) return;
    // Public routes (sign-in, setup, health) need no actor: returning here also keeps a rate-limited sign-in flood
    // from costing a session or token lookup each (the route's rate limit runs after this hook).
    if (cfg.public) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookie = req.cookies[SESSION_COOKIE];
    const auth = bearer
      ? await authenticateApiToken(db, bearer)
      : cookie
        ? await authenticateSession(db, cookie)
        : null;
    if (auth) {
      req.auth = auth;
      req.actor = actorFromUser(auth.user, req.ip, auth.role);
    }
    if (!req.actor || !auth) throw new AppError('UNAUTHENTICATED', 'Sign in first');
    // Cookies are sent by the browser automatically, so a state change needs proof it came from our own page.
    // API tokens travel in a header no other site can set, so they need no CSRF token.
    if (auth.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const given = req.headers[CSRF_HEADER];
      if (!auth.csrfToken || !csrfMatches(auth.csrfToken, typeof given === 'string' ? given : undefined))
        throw new AppError('CSRF', 'Missing or invalid CSRF token');
    }
    // A token is for scripts: a leaked one must not enrol a second factor, change the password or mint tokens.
    if (cfg.sessionOnly && auth.via !== 'session')
      throw new AppError('FORBIDDEN', 'Sign in with a password to change account security; API tokens cannot');
    if (!cfg.permission || !can(req.actor.role, cfg.permission))
      throw new AppError('FORBIDDEN', 'Your role does not allow this');
    req.scope = await resolveScope(db, req.actor);
  });
}

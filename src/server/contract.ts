import type { FastifyInstance, RouteOptions } from 'fastify';
import { ZErrorBody } from '../core/contract.ts';
import { isApiRoute } from './auth-hooks.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every /api route states what it answers: the server refuses to start when a route has no success (2xx) response
 * schema, and each route's error statuses are added here from what the request path can do to it (auth hooks,
 * validation, lookups, conflicts, body limits, rate limits), all with the one error envelope.
 */
export function registerContract(app: FastifyInstance): string[] {
  const routes: string[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    // Fastify adds a HEAD twin of every GET; the GET carries the contract.
    const methods = [route.method].flat().map(String);
    if (!isApiRoute(route.url) || methods.includes('HEAD')) return;
    route.schema = route.schema ?? {};
    const schema = route.schema;
    const response = (schema.response ?? {}) as Record<string, unknown>;
    if (!Object.keys(response).some((s) => /^2\d\d$/.test(s)))
      throw new Error(`Route ${route.method} ${route.url} declares no success response schema (core/contract.ts)`);
    const config = (route.config ?? {}) as { public?: boolean; rateLimit?: unknown };
    const errors = new Set<number>([500]);
    if (!config.public) errors.add(401).add(403);
    if (schema.body || schema.querystring || schema.params || methods.some((m) => MUTATING.has(m))) errors.add(400);
    if (schema.params) errors.add(404);
    if (methods.some((m) => MUTATING.has(m))) errors.add(404).add(409).add(413).add(415);
    if (config.rateLimit) errors.add(429);
    for (const status of errors) response[status] ??= ZErrorBody;
    schema.response = response;
    for (const m of methods) routes.push(`${m} ${route.url}`);
  });
  return routes;
}

/**
 * Tests build the app with this check: a reply whose status the route did not declare becomes a 500 naming it, so
 * every API test also tests the contract. Production never turns a real answer into an error.
 */
export function registerContractCheck(app: FastifyInstance) {
  app.addHook('onSend', async (req, reply, payload) => {
    const url = req.routeOptions.url;
    if (!isApiRoute(url)) return payload;
    const declared = req.routeOptions.schema?.response as Record<string, unknown> | undefined;
    if (declared && !(String(reply.statusCode) in declared) && !(`${String(reply.statusCode)[0]}XX` in declared)) {
      req.log.error({ url, status: reply.statusCode }, 'undeclared response status');
      reply.code(500);
      return JSON.stringify({
        error: {
          code: 'INTERNAL',
          message: `${req.method} ${url} answered ${reply.statusCode}, which it does not declare`,
        },
      });
    }
    return payload;
  });
}

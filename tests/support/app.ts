import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Config } from '../../src/core/config.ts';
import type { Database } from '../../src/core/db/client.ts';
import type { Role } from '../../src/modules/auth/auth.schema.ts';
import { createUser } from '../../src/modules/auth/auth.service.ts';
import { buildApp } from '../../src/server/app.ts';
import { testConfig } from './db.ts';

export const PASSWORD = 'correct horse battery staple';

/** A signed-in browser-like client: keeps the session cookie and sends the CSRF header, as the web UI does. */
export type Client = {
  username: string;
  userId: string;
  request(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
};

export async function startApp(database: Database, config: Config = testConfig()) {
  const setup = { token: 'test-setup-token' as string | null };
  const app: FastifyInstance = await buildApp({ database, config, setup, contractCheck: true });
  await app.ready();

  async function login(username: string, password = PASSWORD): Promise<Client> {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'khien_sid');
    const { csrfToken, user } = res.json() as { csrfToken: string; user: { id: string } };
    return {
      username,
      userId: user.id,
      request: (method, url, body, headers = {}) =>
        app.inject({
          method: method as 'GET',
          url,
          cookies: { khien_sid: cookie?.value ?? '' },
          headers: { 'x-csrf-token': csrfToken, ...headers },
          ...(body === undefined
            ? {}
            : Buffer.isBuffer(body)
              ? { payload: body, headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': csrfToken } }
              : { payload: body as object }),
        }),
    };
  }

  async function userWithRole(
    username: string,
    role: Role,
    organisationId: string | null = null,
    scopeIncludesChildren = true,
  ) {
    await createUser(database.db, null, {
      username,
      displayName: username,
      role,
      organisationId,
      scopeIncludesChildren,
      password: PASSWORD,
    });
    return login(username);
  }

  return { app, login, userWithRole, setup };
}

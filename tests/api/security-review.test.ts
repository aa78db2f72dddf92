import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { PASSWORD, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';

/**
 * Refusals found missing in the security review: each test is an attack that worked before its fix.
 */
describe.each(TEST_DATABASES)('security review on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  const login = (username: string, password: string, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...extra } });
  const withToken = (token: string, method: string, url: string, payload?: object) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database, testConfig({ loginMaxFailures: 3, lockoutMinutes: 15 }));
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('applies authentication to API routes reached through a percent-encoded path', async () => {
    await t.userWithRole('enc-admin', 'admin');
    // The router decodes "%61" to "a" and finds the route; the check must not look at the raw URL.
    for (const url of ['/%61pi/users', '/ap%69/audit', '/%61pi/audit/verify', '/api/%75sers']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.body, url).not.toContain('enc-admin');
    }
    const agency = await t.userWithRole('enc-viewer', 'viewer');
    expect((await agency.request('GET', '/%61pi/users')).statusCode).toBe(403);
  });
});

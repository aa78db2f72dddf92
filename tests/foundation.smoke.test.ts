import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/core/db/client.ts';
import { startApp } from './support/app.ts';
import { openTestDatabase, TEST_DATABASES } from './support/db.ts';

describe.each(TEST_DATABASES)('foundation on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('answers health with the database kind', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: kind });
  });

  it('creates the first administrator only with the setup token, once', async () => {
    const body = { username: 'admin', displayName: 'Quản trị', password: 'a long enough passphrase' };
    expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needed: true });
    const wrong = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { ...body, token: 'guess' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { ...body, token: 'test-setup-token' },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ username: 'admin', role: 'admin' });
    expect(ok.json()).not.toHaveProperty('passwordHash');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { ...body, token: 'test-setup-token' },
    });
    expect(again.statusCode).toBe(403);
    const admin = await t.login('admin', body.password);
    const me = await admin.request('GET', '/api/auth/me');
    expect(me.json().user.username).toBe('admin');
  });
});

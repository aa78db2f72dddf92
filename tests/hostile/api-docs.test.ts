// The API description (/api/docs) is a decision, KHIEN_API_DOCS: `session` (default), `public` or `off`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config.ts';
import { loadConfig } from '../../src/core/config.ts';
import type { Database } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';

// Swagger UI's own static files (its CSS and scripts, as published on npm) stay public: they describe no route.
const DOCS = ['/api/docs', '/api/docs/json', '/api/docs/yaml'];

it('defaults to session and refuses other values', () => {
  expect(loadConfig({}).apiDocs).toBe('session');
  expect(loadConfig({ KHIEN_API_DOCS: 'off' }).apiDocs).toBe('off');
  expect(() => loadConfig({ KHIEN_API_DOCS: 'yes' })).toThrow();
});

describe.each(TEST_DATABASES)('API description on %s', (kind) => {
  let database: Database;
  const apps: Awaited<ReturnType<typeof startApp>>[] = [];
  const start = async (apiDocs: Config['apiDocs']) => {
    const t = await startApp(database, testConfig({ apiDocs }));
    apps.push(t);
    return t;
  };
  const anonymous = (t: Awaited<ReturnType<typeof startApp>>, url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    for (const t of apps) await t.app.close();
    await database.close();
  });

  it('session: 401 for an anonymous client, the description for a signed-in user', async () => {
    const t = await start('session');
    for (const url of DOCS) {
      const res = await anonymous(t, url);
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
    const viewer: Client = await t.userWithRole('docs-viewer', 'viewer');
    const spec = await viewer.request('GET', '/api/docs/json');
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toContain('/api/organisations');
    expect((await viewer.request('GET', '/api/docs/static/swagger-ui.css')).statusCode).toBe(200);
    const forged = await t.app.inject({ method: 'GET', url: '/api/docs/json', cookies: { khien_sid: 'nope' } });
    expect(forged.statusCode).toBe(401);
  });

  it('public: served to anyone', async () => {
    const t = await start('public');
    expect((await anonymous(t, '/api/docs/json')).statusCode).toBe(200);
    expect((await anonymous(t, '/api/docs/static/swagger-ui.css')).statusCode).toBe(200);
  });

  it('off: 404 for everyone, signed in or not', async () => {
    const t = await start('off');
    for (const url of [...DOCS, '/api/docs/static/swagger-ui.css'])
      expect((await anonymous(t, url)).statusCode, url).toBe(404);
    const viewer = await t.userWithRole('docs-viewer-off', 'viewer');
    expect((await viewer.request('GET', '/api/docs/json')).statusCode).toBe(404);
  });
});

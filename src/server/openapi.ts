import { randomBytes } from 'node:crypto';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/client.ts';
import { buildApp } from './app.ts';

/** The OpenAPI document every route's schemas make, from an app on a throw-away in-memory database. */
export async function apiDescription(): Promise<Record<string, unknown>> {
  return (await describeApi()).spec;
}

/** The description and the routes the server really registered, to hold one against the other. */
export async function describeApi(): Promise<{ spec: Record<string, unknown>; routes: string[] }> {
  const database = await openDatabase({});
  try {
    await database.migrate();
    const app = await buildApp({ database, config: loadConfig({}, { secretKey: randomBytes(32), apiDocs: 'off' }) });
    await app.ready();
    const spec = app.swagger() as unknown as Record<string, unknown>;
    const routes = [...app.apiRoutes];
    await app.close();
    return { spec, routes };
  } finally {
    await database.close();
  }
}

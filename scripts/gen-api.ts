// Writes the web client's types from the routes' schemas: `npm run gen:api` after changing a route.
import { writeFileSync } from 'node:fs';
import { generateClientTypes } from 'khien-openapi-gen';
import { apiDescription } from '../src/server/openapi.ts';

export const CLIENT_TYPES = new URL('../src/web/api/schema.gen.ts', import.meta.url);

if (process.argv[1] === new URL(import.meta.url).pathname) {
  writeFileSync(CLIENT_TYPES, await generateClientTypes(await apiDescription()));
  console.log(`wrote ${CLIENT_TYPES.pathname}`);
}

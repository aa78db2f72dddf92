import { readFileSync } from 'node:fs';
import { generateClientTypes } from 'khien-openapi-gen';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TYPES } from '../../scripts/gen-api.ts';
import { describeApi } from '../../src/server/openapi.ts';

type Schema = Record<string, unknown>;
type Operation = {
  tags?: string[];
  responses?: Record<string, { content?: Record<string, { schema?: Schema }>; description?: string }>;
  security?: unknown[];
};
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
let spec: Spec;
let routes: string[];
const operations: [string, Operation][] = [];

beforeAll(async () => {
  const described = await describeApi();
  spec = described.spec as unknown as Spec;
  routes = described.routes;
  for (const [path, item] of Object.entries(spec.paths))
    for (const method of METHODS) {
      const op = item[method];
      if (op && path.startsWith('/api') && !path.startsWith('/api/docs'))
        operations.push([`${method.toUpperCase()} ${path}`, op]);
    }
});

describe('the API description (OpenAPI) is the whole contract', () => {
  it('describes exactly the API routes the server registers', () => {
    const described = operations.map(([name]) => name).sort();
    const registered = routes
      .filter((r) => !r.startsWith('HEAD ') && !r.includes('/api/docs'))
      .map((r) => r.replace(/:(\w+)/g, '{$1}'))
      .sort();
    expect(registered.length).toBeGreaterThan(0);
    expect(described).toEqual(registered);
  });

  it('gives every operation a success body with a schema (204: none)', () => {
    const missing = operations.filter(([, op]) => {
      const ok = Object.entries(op.responses ?? {}).filter(([s]) => /^2\d\d$/.test(s));
      return (
        ok.length === 0 ||
        ok.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).every((c) => c.schema))
      );
    });
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('gives every error status the one error envelope', () => {
    const wrong: string[] = [];
    for (const [name, op] of operations)
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const ref = (r.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref;
        if (ref !== '#/components/schemas/ErrorBody') wrong.push(`${name} ${status}`);
      }
    expect(wrong).toEqual([]);
  });

  it('declares the statuses the request path can produce', () => {
    const gaps: string[] = [];
    for (const [name, op] of operations) {
      const statuses = Object.keys(op.responses ?? {});
      // Sign-in, setup, health and /api/public/… are public; every other route needs a session or token and a permission.
      const isPublic = /^(GET|POST) \/api\/(setup|health|auth\/login|public\/.+)$/.test(name);
      for (const s of isPublic ? ['500'] : ['401', '403', '500']) if (!statuses.includes(s)) gaps.push(`${name} ${s}`);
      if (name.includes('{') && !statuses.includes('404')) gaps.push(`${name} 404`);
      if (!name.startsWith('GET') && !statuses.includes('400')) gaps.push(`${name} 400`);
    }
    expect(gaps).toEqual([]);
  });

  it('tags every operation and resolves every reference', () => {
    expect(operations.filter(([, op]) => !op.tags?.length).map(([n]) => n)).toEqual([]);
    const refs = JSON.stringify(spec).match(/"\$ref":"[^"]+"/g) ?? [];
    const dangling = [...new Set(refs)]
      .map((r) => r.slice(8, -1))
      .filter((r) => !(r.startsWith('#/components/schemas/') && r.slice(21) in spec.components.schemas));
    expect(dangling).toEqual([]);
  });

  it('names the value lists the web UI offers (roles, levels, states, severities)', () => {
    for (const name of [
      'Role',
      'OrganisationType',
      'SecurityLevel',
      'DossierState',
      'VulnSeverity',
      'SocFindingStatus',
    ])
      expect(spec.components.schemas[name]?.enum, name).toBeInstanceOf(Array);
  });

  it('the web client generated from it is up to date (npm run gen:api)', async () => {
    const fresh = await generateClientTypes(spec as unknown as object);
    const committed = readFileSync(CLIENT_TYPES, 'utf8');
    expect(committed === fresh, 'src/web/api/schema.gen.ts is stale: run `npm run gen:api`').toBe(true);
  });
});

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../core/db/client.ts';
import { ZInventoryPage } from './inventory.contract.ts';
import { registerInventoryExports } from './inventory.export.ts';
import { ZInventoryQuery } from './inventory.input.ts';
import { pageInventory } from './inventory.service.ts';

export function registerInventoryRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerInventoryExports(app, { db });
  r.get(
    '/api/inventory',
    {
      config: { permission: 'vuln.read' },
      schema: {
        tags: ['inventory'],
        summary:
          'One page of the software inventory visible to the caller: information systems’ components and the ' +
          'software and services scans revealed on computers, searched by product (case and diacritics ignored), ' +
          'sorted, filtered by kind and organisation subtree',
        querystring: ZInventoryQuery,
        response: { 200: ZInventoryPage },
      },
    },
    async (req) => pageInventory(db, req.scope, req.query),
  );
}

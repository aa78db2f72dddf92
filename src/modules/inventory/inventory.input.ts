import { z } from 'zod';

/**
 * What the software inventory's route accepts. The web page reads its value lists from here (this file imports only
 * zod, so the browser bundle gets no server code).
 */

/** A system's declared component, or what a scan revealed on a computer. */
export const INVENTORY_KINDS = ['system', 'computer'] as const;
export type InventoryKind = (typeof INVENTORY_KINDS)[number];
export const ZInventoryKind = z.enum(INVENTORY_KINDS).meta({ id: 'InventoryKind' });

export const INVENTORY_SORTS = ['product', 'vendor', 'version', 'organisation', 'target', 'lastSeen'] as const;

/** GET /api/inventory: one page of the inventory, searched by product, sorted, filtered by kind and organisation. */
export const ZInventoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  dir: z.enum(['asc', 'desc']).optional(),
  /** Part of the product, vendor or CPE name, or of the system's or computer's name or address. */
  q: z.string().trim().max(100).optional(),
  sort: z.enum(INVENTORY_SORTS).meta({ id: 'InventorySort' }).default('product'),
  kind: ZInventoryKind.optional(),
  /** Items of this organisation and its subtree. */
  organisationId: z.uuid().optional(),
});
export type InventoryQuery = z.output<typeof ZInventoryQuery>;

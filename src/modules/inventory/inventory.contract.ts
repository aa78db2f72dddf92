import { z } from 'zod';
import { page, zInstant } from '../../core/contract.ts';
import { ZInventoryKind } from './inventory.input.ts';

/** One item of the inventory: a system's component or a computer's software or service. */
export const ZInventoryItem = z
  .object({
    kind: ZInventoryKind,
    /** The component's or the computer software's own id. */
    id: z.uuid(),
    organisation: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    /** The system that declares the component (kind `system`). */
    system: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    /** The computer the scan saw it on (kind `computer`). */
    computer: z.object({ id: z.uuid(), ip: z.string(), hostname: z.string().nullable() }).nullable(),
    vendor: z.string().nullable(),
    product: z.string(),
    version: z.string().nullable(),
    /** CPE 2.3 formatted string (a 2.2 URI as registered is shown bound to 2.3). */
    cpe: z.string().nullable(),
    port: z.number().int().nullable(),
    protocol: z.string().nullable(),
    service: z.string().nullable(),
    /** Which scanner saw it (kind `computer`). */
    scanner: z.string().nullable(),
    /** When a scan last saw it; for a system's component, when the system's record last changed. */
    lastSeen: zInstant,
  })
  .meta({ id: 'InventoryItem' });
export type InventoryItem = z.infer<typeof ZInventoryItem>;

export const ZInventoryPage = page(ZInventoryItem).meta({ id: 'InventoryPage' });

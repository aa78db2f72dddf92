// The inventory module's public face: software and services of information systems and computers, searchable.
export type { InventoryItem } from './inventory.contract.ts';
export { registerInventoryRoutes } from './inventory.routes.ts';
export { type InventoryCriteria, inventoryItems, inventoryName } from './inventory.service.ts';

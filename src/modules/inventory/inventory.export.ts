import type { FastifyInstance } from 'fastify';
import type { Db } from '../../core/db/client.ts';
import type { Column } from '../../core/tabular.ts';
import { registerTableExport } from '../../server/table-export.ts';
import type { InventoryItem } from './inventory.contract.ts';
import { ZInventoryQuery } from './inventory.input.ts';
import { pageInventory } from './inventory.service.ts';

/** The software inventory as a file, with the list's filters and order. */

const KIND = { system: 'Thành phần của hệ thống', computer: 'Phần mềm quét được trên máy' } as const;

const columns: Column<InventoryItem>[] = [
  { key: 'product', header: 'Sản phẩm', width: 30, value: (i) => i.product },
  { key: 'vendor', header: 'Hãng', width: 20, value: (i) => i.vendor },
  { key: 'version', header: 'Phiên bản', width: 14, value: (i) => i.version },
  { key: 'cpe', header: 'CPE', width: 40, value: (i) => i.cpe },
  { key: 'kind', header: 'Nguồn', width: 24, value: (i) => KIND[i.kind] },
  { key: 'system', header: 'Hệ thống thông tin', width: 30, value: (i) => i.system?.name ?? null },
  { key: 'ip', header: 'Địa chỉ IP', width: 16, value: (i) => i.computer?.ip ?? null },
  { key: 'hostname', header: 'Tên máy', width: 20, value: (i) => i.computer?.hostname ?? null },
  { key: 'port', header: 'Cổng', width: 8, value: (i) => i.port },
  { key: 'service', header: 'Dịch vụ', width: 14, value: (i) => i.service },
  { key: 'organisation', header: 'Cơ quan, đơn vị', width: 36, value: (i) => i.organisation?.name ?? null },
  { key: 'lastSeen', header: 'Thấy lần cuối', width: 18, value: (i) => i.lastSeen },
];

export function registerInventoryExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/inventory/export',
    permission: 'vuln.read',
    tags: ['inventory'],
    what: 'The software inventory',
    query: ZInventoryQuery,
    sheet: 'Danh mục phần mềm',
    fileStem: 'danh-muc-phan-mem',
    columns,
    list: (req, q) => pageInventory(db, req.scope, q),
  });
}

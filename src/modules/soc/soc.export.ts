import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import type { Column } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import type { ZSocFinding } from './soc.contract.ts';
import { listSocFindings, ZSocFindingQuery } from './soc.service.ts';

/** The list of SOC findings (scanners, malicious contacts) as a file, with the list's filters and period. */

const KIND = { scanner: 'Nguồn rà quét', malicious_contact: 'Kết nối độc hại' } as const;
const triage = uiLabel('soc.triage');
const scanKind = uiLabel('soc.scanKind');
const direction = uiLabel('soc.direction');
const origin = uiLabel('soc.origin');

const columns: Column<z.output<typeof ZSocFinding>>[] = [
  { key: 'kind', header: 'Loại', width: 16, value: (r) => KIND[r.kind] },
  { key: 'ip', header: 'Địa chỉ IP', width: 16, value: (r) => r.ip },
  {
    key: 'organisation',
    header: 'Cơ quan, đơn vị',
    width: 36,
    // An agency a scanner only swept sees the agencies it may see, never the scanner's own.
    value: (r) => r.organisationName ?? (r.organisations.map((o) => o.name).join('; ') || null),
  },
  { key: 'origin', header: 'Phạm vi mạng', width: 12, value: (r) => origin(r.internal ? 'internal' : 'external') },
  { key: 'scanKind', header: 'Kiểu rà quét', width: 14, value: (r) => scanKind(r.scanKind) },
  { key: 'indicator', header: 'Chỉ báo độc hại', width: 30, value: (r) => r.indicator },
  { key: 'direction', header: 'Chiều kết nối', width: 24, value: (r) => direction(r.direction) },
  { key: 'count', header: 'Số lần thử / sự kiện', width: 12, value: (r) => r.count },
  { key: 'targets', header: 'Số đích', width: 10, value: (r) => r.distinctTargets },
  { key: 'ports', header: 'Số cổng', width: 10, value: (r) => r.distinctPorts },
  { key: 'firstSeen', header: 'Thấy lần đầu', width: 18, value: (r) => r.firstSeen },
  { key: 'lastSeen', header: 'Thấy lần cuối', width: 18, value: (r) => r.lastSeen },
  { key: 'status', header: 'Trạng thái', width: 16, value: (r) => triage(r.status) },
  { key: 'note', header: 'Ghi chú xử lý', width: 36, value: (r) => r.triageNote },
];

export function registerSocExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/soc/findings/export',
    permission: 'soc.read',
    tags: ['soc'],
    what: 'Scanners and malicious contacts',
    query: ZSocFindingQuery,
    sheet: 'Phát hiện giám sát',
    fileStem: 'phat-hien-giam-sat',
    columns,
    list: (req, q) => listSocFindings(db, req.scope, q),
  });
}

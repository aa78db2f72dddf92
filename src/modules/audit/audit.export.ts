import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import type { Column } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import type { ZAuditEntry } from './audit.contract.ts';
import { ZAuditListQuery } from './audit.input.ts';
import { listAudit } from './audit.list.ts';

/** The audit log as a file, with the list's filters (days, actor, action, object) and order. */

const action = uiLabel('auditActions');
const entityType = uiLabel('auditEntityTypes');
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

const columns: Column<z.output<typeof ZAuditEntry>>[] = [
  { key: 'seq', header: 'Số thứ tự', width: 10, value: (e) => e.seq },
  { key: 'at', header: 'Thời điểm', width: 18, value: (e) => e.at },
  { key: 'actor', header: 'Người thực hiện', width: 24, value: (e) => e.actorDisplayName ?? e.actorName },
  { key: 'actorName', header: 'Tài khoản', width: 18, value: (e) => e.actorName },
  { key: 'action', header: 'Hành động', width: 28, value: (e) => action(e.action) },
  { key: 'actionCode', header: 'Mã hành động', width: 24, value: (e) => e.action },
  { key: 'entityType', header: 'Loại đối tượng', width: 18, value: (e) => entityType(e.entityType) },
  { key: 'entityId', header: 'Mã đối tượng', width: 38, value: (e) => e.entityId },
  { key: 'entityName', header: 'Tên đối tượng', width: 30, value: (e) => e.entityName },
  { key: 'ip', header: 'Địa chỉ IP', width: 16, value: (e) => e.ip },
  { key: 'before', header: 'Trước', width: 40, value: (e) => json(e.before) },
  { key: 'after', header: 'Sau', width: 40, value: (e) => json(e.after) },
  { key: 'hash', header: 'Mã băm SHA-256', width: 66, value: (e) => e.hash },
];

export function registerAuditExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/audit/export',
    permission: 'audit.read',
    tags: ['audit'],
    what: 'Audit entries',
    query: ZAuditListQuery,
    sheet: 'Nhật ký kiểm toán',
    fileStem: 'nhat-ky-kiem-toan',
    columns,
    list: (_req, q) => listAudit(db, q),
  });
}

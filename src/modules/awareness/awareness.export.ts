import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, dayCell } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import { ZActivityQuery, type ZAwarenessActivity } from './awareness.contract.ts';
import { listActivities } from './awareness.service.ts';

/** The communes' awareness activities as a file, with the list's filters. */

const channel = uiLabel('awareness.channels');

const columns: Column<z.output<typeof ZAwarenessActivity>>[] = [
  { key: 'day', header: 'Ngày', width: 12, value: (a) => dayCell(a.day) },
  { key: 'organisation', header: 'Xã, phường', width: 30, value: (a) => a.organisationName },
  { key: 'campaign', header: 'Chiến dịch', width: 36, value: (a) => a.campaignTitle },
  { key: 'channel', header: 'Hình thức', width: 22, value: (a) => channel(a.channel) },
  { key: 'peopleReached', header: 'Lượt người được tiếp cận', width: 14, value: (a) => a.peopleReached },
  { key: 'note', header: 'Ghi chú', width: 36, value: (a) => a.note },
  { key: 'evidence', header: 'Số tệp minh chứng', width: 12, value: (a) => a.evidence.length },
  { key: 'createdBy', header: 'Người nhập', width: 20, value: (a) => a.createdByName },
  { key: 'createdAt', header: 'Thời điểm nhập', width: 18, value: (a) => a.createdAt },
];

export function registerAwarenessExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/awareness/activities/export',
    permission: 'awareness.read',
    tags: ['awareness'],
    what: 'Awareness activities of the communes in scope',
    query: ZActivityQuery,
    sheet: 'Hoạt động tuyên truyền',
    fileStem: 'hoat-dong-tuyen-truyen',
    columns,
    list: (req, q) => listActivities(db, req.scope, q),
  });
}

import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, dayCell } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import type { ZDrillSummary } from './drills.contract.ts';
import { ZDrillQuery } from './drills.input.ts';
import { listDrills } from './drills.service.ts';

/** The list of drills as a file, with the list's filters. */

const kind = uiLabel('drills.kinds');
const state = uiLabel('drills.states');

const columns: Column<z.output<typeof ZDrillSummary>>[] = [
  { key: 'title', header: 'Tên cuộc diễn tập', width: 44, value: (d) => d.title },
  { key: 'kind', header: 'Hình thức', width: 22, value: (d) => kind(d.kind) },
  { key: 'organiser', header: 'Đơn vị tổ chức', width: 36, value: (d) => d.organiserName },
  { key: 'drillDay', header: 'Ngày diễn tập', width: 14, value: (d) => dayCell(d.drillDay) },
  { key: 'startsAt', header: 'Bắt đầu', width: 18, value: (d) => d.startsAt },
  { key: 'endsAt', header: 'Kết thúc', width: 18, value: (d) => d.endsAt },
  { key: 'state', header: 'Trạng thái', width: 16, value: (d) => state(d.state) },
  { key: 'participants', header: 'Số người tham gia', width: 12, value: (d) => d.participants },
  { key: 'attended', header: 'Số người có mặt', width: 12, value: (d) => d.attended },
  { key: 'findings', header: 'Số phát hiện', width: 12, value: (d) => d.findings },
];

export function registerDrillExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/drills/export',
    permission: 'drill.read',
    tags: ['drills'],
    what: 'Drills',
    query: ZDrillQuery,
    sheet: 'Diễn tập',
    fileStem: 'dien-tap',
    columns,
    list: (req, q) => listDrills(db, req.scope, q),
  });
}

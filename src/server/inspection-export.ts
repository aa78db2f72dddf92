import type { FastifyInstance } from 'fastify';
import type { Db } from '../core/db/client.ts';
import { type Column, dayCell } from '../core/tabular.ts';
import { type InspectionRow, listInspections, ZInspectionQuery } from '../modules/inspections/index.ts';
import { registerTableExport, uiLabel } from './table-export.ts';

/**
 * The list of inspections as a file, with the list's filters (registered beside the inspections module's routes,
 * through its face, like every list export: its columns here, its query and list function the module's own).
 */

const kind = uiLabel('inspections.kinds');
const state = uiLabel('inspections.states');
const clockState = uiLabel('inspections.clockStates');
const clock = (s: InspectionRow['noticeClock']) => (s === 'none' ? null : clockState(s));

const columns: Column<InspectionRow>[] = [
  { key: 'title', header: 'Cuộc kiểm tra', width: 44, value: (i) => i.title },
  { key: 'kind', header: 'Hình thức', width: 12, value: (i) => kind(i.kind) },
  { key: 'state', header: 'Trạng thái', width: 16, value: (i) => state(i.state) },
  { key: 'plan', header: 'Kế hoạch', width: 36, value: (i) => i.planTitle },
  { key: 'organisation', header: 'Cơ quan, đơn vị được kiểm tra', width: 36, value: (i) => i.organisationName },
  { key: 'inspector', header: 'Cơ quan kiểm tra', width: 30, value: (i) => i.inspectorName },
  { key: 'plannedStart', header: 'Bắt đầu theo kế hoạch', width: 14, value: (i) => dayCell(i.plannedStart) },
  { key: 'plannedEnd', header: 'Kết thúc theo kế hoạch', width: 14, value: (i) => dayCell(i.plannedEnd) },
  { key: 'noticeOn', header: 'Ngày thông báo', width: 14, value: (i) => dayCell(i.noticeOn) },
  { key: 'startedOn', header: 'Ngày bắt đầu', width: 14, value: (i) => dayCell(i.startedOn) },
  { key: 'endedOn', header: 'Ngày kết thúc', width: 14, value: (i) => dayCell(i.endedOn) },
  { key: 'concludedOn', header: 'Ngày kết luận', width: 14, value: (i) => dayCell(i.concludedOn) },
  { key: 'closedOn', header: 'Ngày đóng', width: 14, value: (i) => dayCell(i.closedOn) },
  { key: 'systems', header: 'Số hệ thống', width: 10, value: (i) => i.systems },
  { key: 'findings', header: 'Số phát hiện', width: 10, value: (i) => i.findings },
  { key: 'findingsOpen', header: 'Phát hiện chưa đóng', width: 10, value: (i) => i.findingsOpen },
  { key: 'findingsOverdue', header: 'Phát hiện quá hạn', width: 10, value: (i) => i.findingsOverdue },
  { key: 'noticeClock', header: 'Thời hạn thông báo', width: 14, value: (i) => clock(i.noticeClock) },
  { key: 'conclusionClock', header: 'Thời hạn kết luận', width: 14, value: (i) => clock(i.conclusionClock) },
];

export function registerInspectionExport(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/inspections/export',
    permission: 'inspection.read',
    tags: ['inspections'],
    what: 'Inspections with their clocks and open and overdue findings',
    query: ZInspectionQuery,
    sheet: 'Kiểm tra, đánh giá',
    fileStem: 'kiem-tra-danh-gia',
    columns,
    list: (req, q) => listInspections(db, req.scope, q),
  });
}

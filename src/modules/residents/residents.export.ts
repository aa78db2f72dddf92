import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, dayCell } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import { ZReportQuery, type ZScamReport, type ZWarning, ZWarningQuery } from './residents.contract.ts';
import { listReports, listWarnings } from './residents.service.ts';

/** The fraud warnings and the residents' scam reports as files, with the lists' filters. */

const category = uiLabel('residents.categories');
const warningState = uiLabel('residents.warningStates');
const reportState = uiLabel('residents.reportStates');

const warningColumns: Column<z.output<typeof ZWarning>>[] = [
  { key: 'title', header: 'Tiêu đề', width: 40, value: (w) => w.title },
  { key: 'summary', header: 'Tóm tắt', width: 48, value: (w) => w.summary },
  { key: 'category', header: 'Hình thức lừa đảo', width: 30, value: (w) => category(w.category) },
  { key: 'state', header: 'Trạng thái', width: 12, value: (w) => warningState(w.state) },
  { key: 'publishedOn', header: 'Ngày đăng', width: 12, value: (w) => dayCell(w.publishedOn) },
  { key: 'updatedAt', header: 'Cập nhật lần cuối', width: 18, value: (w) => w.updatedAt },
];

const reportColumns: Column<z.output<typeof ZScamReport>>[] = [
  { key: 'code', header: 'Mã phản ánh', width: 14, value: (r) => r.code },
  { key: 'createdAt', header: 'Thời điểm gửi', width: 18, value: (r) => r.createdAt },
  { key: 'category', header: 'Hình thức lừa đảo', width: 30, value: (r) => category(r.category) },
  { key: 'description', header: 'Nội dung', width: 48, value: (r) => r.description },
  { key: 'suspect', header: 'Đối tượng nghi vấn', width: 30, value: (r) => r.suspect },
  { key: 'reporterName', header: 'Người phản ánh', width: 20, value: (r) => r.reporterName },
  { key: 'reporterContact', header: 'Liên hệ', width: 20, value: (r) => r.reporterContact },
  { key: 'duplicates', header: 'Số phản ánh trùng', width: 10, value: (r) => r.duplicates },
  { key: 'state', header: 'Trạng thái', width: 16, value: (r) => reportState(r.state) },
  { key: 'triageNote', header: 'Ghi chú xử lý', width: 30, value: (r) => r.triageNote },
  { key: 'forwardedTo', header: 'Chuyển tới', width: 24, value: (r) => r.forwardedTo },
  { key: 'handledBy', header: 'Người xử lý', width: 20, value: (r) => r.handledByName },
];

export function registerResidentExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/residents/warnings/export',
    permission: 'resident.manage',
    tags: ['residents'],
    what: 'Fraud warnings in every state',
    query: ZWarningQuery,
    sheet: 'Cảnh báo lừa đảo',
    fileStem: 'canh-bao-lua-dao',
    columns: warningColumns,
    list: (_req, q) => listWarnings(db, q),
  });
  registerTableExport(app, {
    path: '/api/residents/reports/export',
    permission: 'resident.manage',
    tags: ['residents'],
    what: 'The scam-report queue',
    query: ZReportQuery,
    sheet: 'Phản ánh của người dân',
    fileStem: 'phan-anh-nguoi-dan',
    columns: reportColumns,
    list: (_req, q) => listReports(db, q),
    noStore: true,
  });
}

import type { FastifyInstance } from 'fastify';
import type { Db } from '../../core/db/client.ts';
import { type Column, dayCell, yesNo } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import { type DossierSummary, listDossiers } from './dossiers.service.ts';
import { ZDossierListQuery } from './systems.input.ts';

/** The list of level-proposal dossiers as a file, with the list's filters and order. */

const state = uiLabel('systems.state');

const columns: Column<DossierSummary>[] = [
  { key: 'system', header: 'Hệ thống thông tin', width: 40, value: (d) => d.systemName },
  { key: 'organisation', header: 'Cơ quan, đơn vị', width: 36, value: (d) => d.organisationName },
  { key: 'level', header: 'Cấp độ đề xuất', width: 10, value: (d) => d.level },
  { key: 'suggestedLevel', header: 'Cấp độ gợi ý', width: 10, value: (d) => d.suggestedLevel },
  { key: 'state', header: 'Trạng thái', width: 18, value: (d) => state(d.state) },
  { key: 'submittedAt', header: 'Ngày nộp', width: 18, value: (d) => d.submittedAt },
  { key: 'acceptedAt', header: 'Ngày tiếp nhận', width: 18, value: (d) => d.acceptedAt },
  { key: 'appraisalDue', header: 'Hạn thẩm định', width: 14, value: (d) => dayCell(d.appraisalDue) },
  { key: 'approvalDue', header: 'Hạn phê duyệt', width: 14, value: (d) => dayCell(d.approvalDue) },
  { key: 'overdue', header: 'Quá hạn', width: 10, value: (d) => yesNo(d.overdue) },
  { key: 'decisionNumber', header: 'Số quyết định', width: 18, value: (d) => d.decisionNumber },
  { key: 'decisionDate', header: 'Ngày quyết định', width: 14, value: (d) => dayCell(d.decisionDate) },
  { key: 'updatedAt', header: 'Cập nhật lần cuối', width: 18, value: (d) => d.updatedAt },
];

export function registerDossierExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/dossiers/export',
    permission: 'system.read',
    tags: ['systems'],
    what: 'Level-proposal dossiers with their due dates',
    query: ZDossierListQuery,
    sheet: 'Hồ sơ đề xuất cấp độ',
    fileStem: 'ho-so-de-xuat-cap-do',
    columns,
    list: (req, q) => listDossiers(db, req.scope, q),
  });
}

import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, dayCell } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import type { ZAdvisory } from './advisories.contract.ts';
import { ZAdvisoryListQuery } from './advisories.input.ts';
import { listAdvisories } from './advisories.service.ts';

/** The list of advisories as a file, with the list's filters and order and each one's progress. */

const severity = uiLabel('vuln.severity');
const state = uiLabel('advisories.states');
const source = uiLabel('advisories.sources');

const columns: Column<z.output<typeof ZAdvisory>>[] = [
  { key: 'title', header: 'Tiêu đề', width: 48, value: (a) => a.title },
  { key: 'sourceNumber', header: 'Số văn bản', width: 18, value: (a) => a.sourceNumber },
  { key: 'sourceBody', header: 'Cơ quan cảnh báo', width: 24, value: (a) => a.sourceBody },
  { key: 'source', header: 'Nguồn nhập', width: 14, value: (a) => source(a.source) },
  { key: 'severity', header: 'Mức độ', width: 12, value: (a) => severity(a.severity) },
  { key: 'cvss', header: 'Điểm CVSS', width: 10, value: (a) => a.cvssScore },
  { key: 'cves', header: 'CVE', width: 24, value: (a) => a.cves.join(', ') || null },
  { key: 'kev', header: 'CVE đang bị khai thác (KEV)', width: 20, value: (a) => a.knownExploited.join(', ') || null },
  { key: 'issuedOn', header: 'Ngày ban hành', width: 14, value: (a) => dayCell(a.issuedOn) },
  { key: 'acknowledgeBy', header: 'Hạn xác nhận', width: 14, value: (a) => dayCell(a.acknowledgeBy) },
  { key: 'actBy', header: 'Hạn xử lý', width: 14, value: (a) => dayCell(a.actBy) },
  { key: 'state', header: 'Trạng thái', width: 12, value: (a) => state(a.state) },
  { key: 'organisations', header: 'Số cơ quan', width: 10, value: (a) => a.progress.organisations },
  { key: 'acknowledged', header: 'Đã xác nhận', width: 10, value: (a) => a.progress.acknowledged },
  { key: 'targets', header: 'Số đối tượng', width: 10, value: (a) => a.progress.targets },
  { key: 'remediated', header: 'Đã khắc phục', width: 10, value: (a) => a.progress.remediated },
  { key: 'late', header: 'Cơ quan chậm', width: 10, value: (a) => a.progress.late },
  { key: 'publishedAt', header: 'Thời điểm gửi', width: 18, value: (a) => a.publishedAt },
];

export function registerAdvisoryExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/advisories/export',
    permission: 'advisory.read',
    tags: ['advisories'],
    what: 'Advisories with their progress',
    query: ZAdvisoryListQuery,
    sheet: 'Cảnh báo',
    fileStem: 'canh-bao',
    columns,
    list: (req, q) => listAdvisories(db, req.scope, q),
  });
}

import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import type { Column } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import { ZIncidentQuery, type ZIncidentRow } from './incidents.contract.ts';
import { listIncidents } from './incidents.service.ts';

/** The list of incidents as a file, with the list's filters and order and the clocks that are late. */

const type = uiLabel('incidents.types');
const severity = uiLabel('incidents.severities');
const state = uiLabel('incidents.states');
const source = uiLabel('incidents.sources');
const clock = uiLabel('incidents.clocks');

type Row = z.output<typeof ZIncidentRow>;
const clocksIn = (r: Row, states: string[]) =>
  r.clocks
    .filter((c) => states.includes(c.state))
    .map((c) => clock(c.clock))
    .join('; ') || null;

const columns: Column<Row>[] = [
  { key: 'code', header: 'Mã sự cố', width: 16, value: (r) => r.code },
  { key: 'title', header: 'Tên sự cố', width: 40, value: (r) => r.title },
  { key: 'organisation', header: 'Cơ quan, đơn vị vận hành', width: 36, value: (r) => r.organisationName },
  { key: 'system', header: 'Hệ thống thông tin', width: 30, value: (r) => r.systemName },
  { key: 'detectedAt', header: 'Thời điểm phát hiện', width: 18, value: (r) => r.detectedAt },
  { key: 'type', header: 'Loại sự cố', width: 30, value: (r) => type(r.type) },
  { key: 'severity', header: 'Mức độ', width: 14, value: (r) => severity(r.severity) },
  { key: 'state', header: 'Trạng thái', width: 16, value: (r) => state(r.state) },
  { key: 'source', header: 'Nguồn', width: 20, value: (r) => source(r.source) },
  { key: 'overdue', header: 'Báo cáo quá hạn', width: 30, value: (r) => clocksIn(r, ['overdue']) },
  { key: 'doneLate', header: 'Báo cáo nộp muộn', width: 30, value: (r) => clocksIn(r, ['done_late']) },
];

export function registerIncidentExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/incidents/export',
    permission: 'incident.read',
    tags: ['incidents'],
    what: 'Incidents with their late reports',
    query: ZIncidentQuery,
    sheet: 'Sự cố',
    fileStem: 'su-co',
    columns,
    list: (req, q) => listIncidents(db, req.scope, q),
  });
}

import type { PolicyPart } from './types.ts';
import { ALL, UNKNOWN_ID } from './types.ts';

// Inspections: every role reads what concerns its scope; the Department plans, inspects and decides on findings;
// an agency answers the findings of its own organisation.
const WRITE = ['admin', 'department'] as const;

export const part: PolicyPart = {
  policy: {
    'GET /api/inspection-plans': ALL,
    'POST /api/inspection-plans': [...WRITE],
    'GET /api/inspection-plans/{id}': ALL,
    'PATCH /api/inspection-plans/{id}': [...WRITE],
    'GET /api/inspections': ALL,
    'GET /api/inspections/figures': ALL,
    'POST /api/inspections': [...WRITE],
    'GET /api/inspections/{id}': ALL,
    'PATCH /api/inspections/{id}': [...WRITE],
    'POST /api/inspections/{id}/transitions': [...WRITE],
    'PATCH /api/inspections/{id}/checks/{checkId}': [...WRITE],
    'POST /api/inspections/{id}/findings': [...WRITE],
    'POST /api/inspections/{id}/findings/{findingId}/answer': [...WRITE, 'agency'],
    'POST /api/inspections/{id}/findings/{findingId}/decision': [...WRITE],
    'GET /api/inspections/{id}/conclusion': ALL,
  },
  bodies: {
    'POST /api/inspection-plans': { year: 2024, organisationId: UNKNOWN_ID, title: 'Kế hoạch kiểm tra năm 2024' },
    'PATCH /api/inspection-plans/{id}': { title: 'Kế hoạch kiểm tra năm 2024' },
    'POST /api/inspections': {
      title: 'Kiểm tra an toàn thông tin',
      kind: 'periodic',
      organisationId: UNKNOWN_ID,
      inspectorOrganisationId: UNKNOWN_ID,
      plannedStart: '2024-09-10',
      plannedEnd: '2024-09-12',
    },
    'PATCH /api/inspections/{id}': { title: 'Kiểm tra an toàn thông tin' },
    'POST /api/inspections/{id}/transitions': { to: 'notified', on: '2024-08-20' },
    'PATCH /api/inspections/{id}/checks/{checkId}': { result: 'compliant' },
    'POST /api/inspections/{id}/findings': {
      severity: 'high',
      organisationId: UNKNOWN_ID,
      title: 'Chưa có quy chế bảo đảm an toàn thông tin',
      dueOn: '2024-12-31',
    },
    'POST /api/inspections/{id}/findings/{findingId}/answer': { text: 'Đã ban hành quy chế' },
    'POST /api/inspections/{id}/findings/{findingId}/decision': { accept: true },
  },
  queries: { 'GET /api/inspections/figures': '?from=2024-01-01&to=2024-12-31' },
};

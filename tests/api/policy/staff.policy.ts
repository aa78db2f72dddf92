import type { PolicyPart } from './types.ts';
import { ALL, UNKNOWN_ID } from './types.ts';

// The staff register: every role reads (scoped); the Department and agencies (their own units) keep it.
const WRITE = ['admin', 'department', 'agency'] as const;

export const part: PolicyPart = {
  policy: {
    'GET /api/staff': ALL,
    'POST /api/staff': [...WRITE],
    'PATCH /api/staff/{id}': [...WRITE],
    'DELETE /api/staff/{id}': [...WRITE],
    'POST /api/staff/import': [...WRITE],
    'GET /api/staff/export': ALL,
  },
  bodies: {
    'POST /api/staff': {
      organisationId: UNKNOWN_ID,
      fullName: 'Nguyễn Văn An',
      duty: 'information_security',
      email: 'an@example.vn',
      validFrom: '2026-01-01',
    },
    'PATCH /api/staff/{id}': { position: 'Chuyên viên' },
    'POST /api/staff/import': Buffer.from('organisation_code,full_name,duty,email,valid_from\n'),
  },
  queries: { 'GET /api/staff/export': '?format=csv' },
};

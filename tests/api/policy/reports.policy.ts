import { ALL, type PolicyPart } from './types.ts';

/**
 * Official reports: everyone reads the reports of their units; the Department and agencies draft, approve (never
 * their own draft, checked in the service) and issue them; the SOC and viewers only read.
 */
const write = ['admin', 'department', 'agency'] as PolicyPart['policy'][string];

export const part: PolicyPart = {
  policy: {
    'GET /api/reports': ALL,
    'GET /api/reports/preview': ALL,
    'POST /api/reports': write,
    'GET /api/reports/{id}': ALL,
    'GET /api/reports/{id}/file': ALL,
    'POST /api/reports/{id}/approve': write,
    'POST /api/reports/{id}/issue': write,
  },
  bodies: {
    'POST /api/reports': { kind: 'annual', year: 2024 },
  },
  queries: {
    'GET /api/reports/preview': '?kind=annual&year=2024',
  },
};

import { ALL, type PolicyPart } from './types.ts';

/** Websites web scanners tested: everyone reading vulnerabilities sees them (in scope); the SOC assigns them. */
export const part: PolicyPart = {
  policy: {
    'GET /api/vulnerabilities/websites': ALL,
    'PUT /api/vulnerabilities/websites/{id}/organisation': ['admin', 'soc'],
  },
  bodies: { 'PUT /api/vulnerabilities/websites/{id}/organisation': { organisationId: null } },
};

import { part as phishing } from './phishing.policy.ts';
import { part as residents } from './residents.policy.ts';
import type { PolicyPart } from './types.ts';
import { ALL } from './types.ts';

// "Xuất Excel" of each list: whoever may read the list may export it (scoped the same way, in the list's SQL).
const sameAs = (list: PolicyPart, route: string) => list.policy[route] ?? [];

export const part: PolicyPart = {
  policy: {
    'GET /api/vulnerabilities/computers/export': ALL,
    'GET /api/vulnerabilities/websites/export': ALL,
    'GET /api/vulnerabilities/findings/export': ALL,
    'GET /api/soc/findings/export': ALL,
    'GET /api/dossiers/export': ALL,
    'GET /api/advisories/export': ALL,
    'GET /api/incidents/export': ALL,
    'GET /api/inventory/export': ALL,
    'GET /api/audit/export': ['admin'],
    'GET /api/drills/export': ALL,
    'GET /api/sites/export': ALL,
    'GET /api/awareness/activities/export': ALL,
    'GET /api/phishing/campaigns/export': sameAs(phishing, 'GET /api/phishing/campaigns'),
    'GET /api/residents/warnings/export': sameAs(residents, 'GET /api/residents/warnings'),
    'GET /api/residents/reports/export': sameAs(residents, 'GET /api/residents/reports'),
    'GET /api/inspections/export': ALL,
    'GET /api/users/export': ['admin'],
  },
};

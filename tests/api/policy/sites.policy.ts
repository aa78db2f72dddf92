import { ALL, type PolicyPart, PUBLIC, UNKNOWN_ID } from './types.ts';

/** The site register and its trust checks: agencies keep their own sites, the Department imports the .vn figures. */
const write = ['admin', 'department', 'agency'] as PolicyPart['policy'][string];
const check = ['admin', 'department', 'soc', 'agency'] as PolicyPart['policy'][string];

export const part: PolicyPart = {
  policy: {
    'GET /api/sites': ALL,
    'GET /api/sites/summary': ALL,
    'POST /api/sites': write,
    'POST /api/sites/import': write,
    'POST /api/sites/check': check,
    'GET /api/sites/indicators': ALL,
    'POST /api/sites/indicators/import': ['admin', 'department'],
    'GET /api/sites/{id}': ALL,
    'PATCH /api/sites/{id}': write,
    'DELETE /api/sites/{id}': write,
    'POST /api/sites/{id}/check': check,
    'GET /api/public/site-trust': PUBLIC,
  },
  bodies: {
    'POST /api/sites': { organisationId: UNKNOWN_ID, url: 'https://matrix.example.gov.vn/' },
    'POST /api/sites/import': Buffer.from('organisation_code,url\n'),
    'POST /api/sites/check': {},
    'POST /api/sites/indicators/import': Buffer.from('period,indicator,value\n'),
    'PATCH /api/sites/{id}': { note: 'Matrix' },
  },
  queries: { 'GET /api/public/site-trust': '?host=matrix.example.gov.vn' },
};

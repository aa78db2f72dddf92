import { ALL, type PolicyPart, UNKNOWN_ID } from './types.ts';

/**
 * Anti-fraud awareness: everyone reads within scope; agencies record their communes' activities; campaigns and the
 * population file are the Department's (the service refuses an agency even though it holds awareness.write).
 */
const write = ['admin', 'department', 'agency'] as PolicyPart['policy'][string];
const provinceWide = ['admin', 'department'] as PolicyPart['policy'][string];
const campaign = {
  title: 'Chiến dịch thử',
  startsOn: '2024-10-10',
  endsOn: '2024-11-20',
  channels: ['loudspeaker'],
};

export const part: PolicyPart = {
  policy: {
    'GET /api/awareness/campaigns': ALL,
    'POST /api/awareness/campaigns': provinceWide,
    'PUT /api/awareness/campaigns/{id}': provinceWide,
    'GET /api/awareness/activities': ALL,
    'POST /api/awareness/activities': write,
    'DELETE /api/awareness/activities/{id}': write,
    'POST /api/awareness/activities/{id}/evidence': write,
    'GET /api/awareness/activities/{id}/evidence/{evidenceId}': ALL,
    'POST /api/awareness/population/import': provinceWide,
    'GET /api/awareness/coverage': ALL,
  },
  bodies: {
    'POST /api/awareness/campaigns': campaign,
    'PUT /api/awareness/campaigns/{id}': campaign,
    'POST /api/awareness/activities': {
      campaignId: UNKNOWN_ID,
      organisationId: UNKNOWN_ID,
      day: '2024-10-15',
      channel: 'loudspeaker',
      peopleReached: 10,
    },
    'POST /api/awareness/activities/{id}/evidence': Buffer.from('photo'),
    'POST /api/awareness/population/import': Buffer.from('Mã xã,Dân số,Năm\n00001,100,2024\n'),
  },
  queries: {
    'POST /api/awareness/activities/{id}/evidence': '?fileName=anh.jpg',
    'GET /api/awareness/coverage': '?on=2024-11-20',
  },
};

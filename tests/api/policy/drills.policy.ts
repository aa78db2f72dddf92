import type { PolicyPart } from './types.ts';
import { ALL, UNKNOWN_ID } from './types.ts';

// Drills: every role reads what concerns its scope (and the targets); the Department plans and records them.
const WRITE = ['admin', 'department'] as const;

export const part: PolicyPart = {
  policy: {
    'GET /api/drills': ALL,
    'GET /api/drills/targets': ALL,
    'POST /api/drills': [...WRITE],
    'GET /api/drills/{id}': ALL,
    'PATCH /api/drills/{id}': [...WRITE],
    'POST /api/drills/{id}/transitions': [...WRITE],
    'POST /api/drills/{id}/teams': [...WRITE],
    'PATCH /api/drills/{id}/teams/{teamId}': [...WRITE],
    'POST /api/drills/{id}/participants': [...WRITE],
    'PATCH /api/drills/{id}/participants/{participantId}': [...WRITE],
    'DELETE /api/drills/{id}/participants/{participantId}': [...WRITE],
    'POST /api/drills/{id}/findings': [...WRITE],
    'POST /api/drills/{id}/findings/{findingId}/task': [...WRITE],
    'PATCH /api/drills/{id}/findings/{findingId}/task': [...WRITE, 'agency'],
  },
  bodies: {
    'POST /api/drills': {
      title: 'Diễn tập thực chiến',
      kind: 'live',
      organiserId: UNKNOWN_ID,
      startsAt: '2026-05-10T08:00:00+07:00',
      endsAt: '2026-05-12T17:00:00+07:00',
    },
    'PATCH /api/drills/{id}': { lessons: 'Bài học' },
    'POST /api/drills/{id}/transitions': { to: 'running' },
    'POST /api/drills/{id}/teams': { name: 'Đội phòng thủ', side: 'defence' },
    'PATCH /api/drills/{id}/teams/{teamId}': { defencePoints: 10 },
    'POST /api/drills/{id}/participants': { staffMemberId: UNKNOWN_ID },
    'PATCH /api/drills/{id}/participants/{participantId}': { attended: true },
    'POST /api/drills/{id}/findings': { severity: 'high', description: 'Lỗ hổng SQL injection' },
    'POST /api/drills/{id}/findings/{findingId}/task': { organisationId: UNKNOWN_ID, dueOn: '2026-06-30' },
    'PATCH /api/drills/{id}/findings/{findingId}/task': { state: 'done' },
  },
  queries: { 'GET /api/drills/targets': '?on=2026-06-30' },
};

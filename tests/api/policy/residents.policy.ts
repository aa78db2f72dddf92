import { type PolicyPart, PUBLIC } from './types.ts';

/** The residents' page: the Department (and the administrator) manage it; its JSON twin is public. */
const manage = ['admin', 'department'] as PolicyPart['policy'][string];

export const part: PolicyPart = {
  policy: {
    'GET /api/residents/warnings': manage,
    'POST /api/residents/warnings': manage,
    'PUT /api/residents/warnings/{id}': manage,
    'POST /api/residents/warnings/{id}/transitions': manage,
    'GET /api/residents/guidance': manage,
    'POST /api/residents/guidance': manage,
    'PUT /api/residents/guidance/{id}': manage,
    'DELETE /api/residents/guidance/{id}': manage,
    'GET /api/residents/reports': manage,
    'POST /api/residents/reports/{id}/triage': manage,
    'GET /api/public/residents': PUBLIC,
  },
  bodies: {
    'POST /api/residents/warnings': {
      title: 'Cảnh báo thử',
      summary: 'Tóm tắt thử',
      body: 'Nội dung thử',
      category: 'other',
    },
    'PUT /api/residents/warnings/{id}': {
      title: 'Cảnh báo thử',
      summary: 'Tóm tắt thử',
      body: 'Nội dung thử',
      category: 'other',
    },
    'POST /api/residents/warnings/{id}/transitions': { to: 'published' },
    'POST /api/residents/guidance': { title: 'Hướng dẫn thử', body: 'Nội dung thử' },
    'PUT /api/residents/guidance/{id}': { title: 'Hướng dẫn thử', body: 'Nội dung thử' },
    'POST /api/residents/reports/{id}/triage': { to: 'reviewing' },
  },
};

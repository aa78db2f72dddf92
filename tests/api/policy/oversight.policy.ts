import type { PolicyPart } from './types.ts';
import { ALL } from './types.ts';

// The leaders' dashboard: every role reads the figures of its scope; the Department keeps the orders' tasks.
const WRITE = ['admin', 'department'] as const;
const TASK = {
  orderRef: '1949/UBND-VX ngày 07/06/2024',
  number: '99',
  titleVi: 'Nhiệm vụ thử',
  titleEn: 'Test task',
  indicator: 'manual',
  unit: 'percent',
  target: 100,
  validFrom: '2024-06-07',
};

export const part: PolicyPart = {
  policy: {
    'GET /api/oversight': ALL,
    'GET /api/oversight/pdf': ALL,
    'GET /api/oversight/tasks': ALL,
    'POST /api/oversight/tasks': [...WRITE],
    'GET /api/oversight/tasks/{id}': ALL,
    'PUT /api/oversight/tasks/{id}': [...WRITE],
    'DELETE /api/oversight/tasks/{id}': [...WRITE],
    'POST /api/oversight/tasks/{id}/progress': [...WRITE],
  },
  bodies: {
    'POST /api/oversight/tasks': TASK,
    'PUT /api/oversight/tasks/{id}': TASK,
    'POST /api/oversight/tasks/{id}/progress': { day: '2024-06-30', value: 50 },
  },
  queries: { 'GET /api/oversight': '?asOf=2024-06-30', 'GET /api/oversight/pdf': '?asOf=2024-06-30' },
};

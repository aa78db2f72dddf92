import type { PolicyPart } from './types.ts';
import { UNKNOWN_ID } from './types.ts';

// Phishing exercises: everyone but the SOC reads aggregates (agencies and viewers of their scope); the Department
// drafts, launches and cancels; approval needs phishing.approve (and another user, checked in the service).
const READ = ['admin', 'department', 'agency', 'viewer'] as const;
const WRITE = ['admin', 'department'] as const;

const CAMPAIGN = {
  title: 'Diễn tập',
  subject: 'Xác thực tài khoản',
  senderName: 'Hỗ trợ',
  senderAddress: 'hotro@example.vn',
  body: 'Vui lòng bấm {{link}}',
  lessonText: 'Đây là bài diễn tập.',
  ratePerMinute: 10,
  organisationIds: [UNKNOWN_ID],
  recipientsOn: '2026-01-15',
};

export const part: PolicyPart = {
  policy: {
    'GET /api/phishing/campaigns': [...READ],
    'GET /api/phishing/summary': [...READ],
    'POST /api/phishing/campaigns': [...WRITE],
    'GET /api/phishing/campaigns/{id}': [...READ],
    'PUT /api/phishing/campaigns/{id}': [...WRITE],
    'POST /api/phishing/campaigns/{id}/approve': [...WRITE],
    'POST /api/phishing/campaigns/{id}/launch': [...WRITE],
    'POST /api/phishing/campaigns/{id}/cancel': [...WRITE],
  },
  bodies: {
    'POST /api/phishing/campaigns': CAMPAIGN,
    'PUT /api/phishing/campaigns/{id}': CAMPAIGN,
    'POST /api/phishing/campaigns/{id}/approve': { updatedAt: '2026-01-15T08:00:00.000Z' },
  },
  queries: { 'GET /api/phishing/summary': '?from=2026-01-01&to=2026-12-31' },
};

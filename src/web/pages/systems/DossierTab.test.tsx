// @vitest-environment jsdom
import { json, type Sent, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { DossierDetail, DossierRules, SystemDetail } from '../../api/schema.gen.ts';
import { todayYmd } from '../../lib/period.ts';
import { DossierTab } from './DossierTab.tsx';

const ORG = '0d6f3c1e-3a59-4b1e-9a57-5c1f2d3e4a01';
const DOSSIER_ID = '6c1f8d2f-0000-4000-8000-000000000001';
const SYSTEM_ID = '5b0f7c1e-0000-4000-8000-000000000001';
/** A day `n` days before today in the province, as the API writes it and as the form is typed. */
const daysAgo = (n: number) => todayYmd(new Date(Date.now() - n * 86_400_000));
const typed = (ymd: string) => ymd.split('-').reverse().join('/');
const noon = (ymd: string) => `${ymd}T05:00:00.000Z`;

const party = (vi: string) => ({ role: 'province_committee' as const, vi, en: vi, body: null });
/** A level 3 dossier under appraisal: accepted 18 days ago, the appraisal opinion recorded 10 days ago. */
const dossier = {
  id: DOSSIER_ID,
  systemId: SYSTEM_ID,
  systemName: 'Cổng dịch vụ công Sở Tư pháp',
  organisationId: ORG,
  organisationName: 'Sở Tư pháp',
  state: 'under_appraisal',
  level: 3,
  suggestedLevel: 3,
  suggestedRuleId: 'nd85-l3-online-service',
  reason: null,
  returnComment: null,
  submittedAt: noon(daysAgo(20)),
  acceptedAt: noon(daysAgo(18)),
  appraisalRef: '15/BC-ATTT',
  appraisedAt: noon(daysAgo(10)),
  decisionNumber: null,
  decisionDate: null,
  approvedAt: null,
  createdAt: noon(daysAgo(21)),
  updatedAt: noon(daysAgo(10)),
  appraisalDue: daysAgo(3),
  approvalDue: daysAgo(-5),
  overdue: false,
  components: [],
  history: [],
  attachments: [],
  authority: {
    level: 3,
    on: daysAgo(18),
    ownerKind: 'local',
    owner: party('Ủy ban nhân dân tỉnh'),
    appraisers: [party('Công an tỉnh')],
    approver: party('Ủy ban nhân dân tỉnh'),
    listApprover: null,
    appraisalDays: 15,
    approvalWorkingDays: 7,
    appraisalRequired: true,
    specialisedOpinionRequired: false,
    legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 12 khoản 2',
    rule: { legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 12 khoản 2', confirmed: true, vi: 'Cấp độ 3', en: 'Level 3' },
  },
} as unknown as DossierDetail;

const system = {
  id: SYSTEM_ID,
  name: dossier.systemName,
  suggestion: { level: 3, legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm c' },
  status: {
    dossier: { id: DOSSIER_ID, state: 'under_appraisal', level: 3, decisionNumber: null, decisionDate: null },
    approvedLevel: null,
  },
} as unknown as SystemDetail;

const appraise = { from: ['under_appraisal'], to: 'approved', permission: 'dossier.appraise' } as const;
const rules = {
  on: todayYmd(),
  authorities: [],
  components: [],
  transitions: {
    return: { ...appraise, from: ['submitted', 'under_appraisal'], to: 'returned', requires: ['comment'] },
    record_appraisal: { ...appraise, to: 'under_appraisal', requires: ['appraisalRef'] },
    approve: { ...appraise, requires: ['decisionNumber', 'decisionDate'] },
  },
} as unknown as DossierRules;

const TRANSITIONS = `/api/dossiers/${DOSSIER_ID}/transitions`;

/** The server: the dossier, its rules, and `step` for a transition. */
const serveDossier = (step: (req: Sent) => unknown) =>
  serve({
    [`GET /api/dossiers/${DOSSIER_ID}`]: () => dossier,
    'GET /api/dossiers/rules': () => rules,
    'GET /api/dossiers': () => ({ items: [dossier], total: 1 }),
    [`POST ${TRANSITIONS}`]: step,
  });

/** The refusal shown under the control labelled `label` in the block of `action`. */
const refusal = (action: string, label: string) => {
  const control = within(screen.getByTestId(`dossier-block-${action}`)).getByLabelText(label);
  const id = control
    .getAttribute('aria-describedby')
    ?.split(' ')
    .find((x) => x.endsWith('-error'));
  return id ? document.getElementById(id)?.textContent : undefined;
};

describe('the approval of a level dossier', () => {
  const open = async () => {
    renderPage(() => <DossierTab system={system} />, { url: '/systems/view', role: 'department' });
    await screen.findByTestId('dossier-block-approve');
  };

  it('refuses, on the date field, a decision dated before the appraisal opinion or one that does not exist', async () => {
    serveDossier(() => dossier);
    const user = userEvent.setup();
    await open();
    const block = within(screen.getByTestId('dossier-block-approve'));
    await user.click(block.getByTestId('dossier-action-approve'));
    // Nothing typed: both fields are required.
    await waitFor(() => expect(refusal('approve', 'Ngày quyết định')).toBe('Cần nhập thông tin này.'));
    expect(refusal('approve', 'Số quyết định phê duyệt')).toBe('Cần nhập thông tin này.');

    await user.type(block.getByTestId('dossier-decision-number'), '125/QĐ-UBND');
    await user.type(block.getByTestId('dossier-decision-date'), '31/02/2025');
    await user.click(block.getByTestId('dossier-action-approve'));
    // 31/02 is no day: invalid, not missing.
    await waitFor(() =>
      expect(refusal('approve', 'Ngày quyết định')).toBe(
        'Ngày không hợp lệ: nhập một ngày có thật, dạng dd/mm/yyyy hoặc yyyy-mm-dd.',
      ),
    );

    await user.clear(block.getByTestId('dossier-decision-date'));
    await user.type(block.getByTestId('dossier-decision-date'), typed(daysAgo(14)));
    await user.click(block.getByTestId('dossier-action-approve'));
    await waitFor(() =>
      expect(refusal('approve', 'Ngày quyết định')).toBe(
        `Ngày quyết định không được trước ngày có ý kiến thẩm định (${typed(daysAgo(10))}).`,
      ),
    );
    expect(sentTo(TRANSITIONS, 'POST')).toHaveLength(0);
  });

  it('sends the decision, and puts the server’s refusal of its date on the field', async () => {
    serveDossier(() =>
      json(
        {
          error: {
            code: 'VALIDATION',
            message: 'The decision date is before the dossier’s appraisal',
            key: 'systems.decisionBeforeAppraisal',
            params: { date: daysAgo(9) },
            details: { field: 'decisionDate' },
          },
        },
        400,
      ),
    );
    const user = userEvent.setup();
    await open();
    const block = within(screen.getByTestId('dossier-block-approve'));
    await user.type(block.getByTestId('dossier-decision-number'), ' 125/QĐ-UBND ');
    // Typed the ISO way: accepted as well as dd/mm/yyyy.
    await user.type(block.getByTestId('dossier-decision-date'), daysAgo(10));
    await user.click(block.getByTestId('dossier-action-approve'));
    await waitFor(() => expect(sentTo(TRANSITIONS, 'POST')).toHaveLength(1));
    expect(sentTo(TRANSITIONS, 'POST')[0]?.body).toEqual({
      action: 'approve',
      decisionNumber: '125/QĐ-UBND',
      decisionDate: daysAgo(10),
    });
    await waitFor(() =>
      expect(refusal('approve', 'Ngày quyết định')).toBe(
        `Ngày quyết định không được trước ngày có ý kiến thẩm định (${typed(daysAgo(9))}).`,
      ),
    );
    expect(within(screen.getByTestId('dossier-block-approve')).queryByTestId('error')).toBeNull();
  });

  it('needs the comment to return a dossier', async () => {
    serveDossier(() => dossier);
    const user = userEvent.setup();
    await open();
    await user.click(screen.getByTestId('dossier-action-return'));
    await waitFor(() => expect(refusal('return', 'Ý kiến trả lại (bắt buộc)')).toBe('Cần nhập thông tin này.'));
    expect(sentTo(TRANSITIONS, 'POST')).toHaveLength(0);
  });
});

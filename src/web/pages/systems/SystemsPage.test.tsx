// @vitest-environment jsdom
import { lastQuery, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { InformationSystem, InformationSystemPage } from '../../api/schema.gen.ts';
import { SystemsPage } from './SystemsPage.tsx';

const ORG = '0d6f3c1e-3a59-4b1e-9a57-5c1f2d3e4a01';
const ORG_2 = '0d6f3c1e-3a59-4b1e-9a57-5c1f2d3e4a02';

const system = (over: Partial<InformationSystem>): InformationSystem => ({
  id: '5b0f7c1e-0000-4000-8000-000000000001',
  organisationId: ORG,
  organisationCode: 'STP',
  organisationName: 'Sở Tư pháp',
  code: 'STP-DVC',
  name: 'Cổng dịch vụ công Sở Tư pháp',
  purpose: null,
  systemType: 'public_service',
  infoPublic: true,
  infoPrivate: false,
  infoPersonal: true,
  userCount: 12_000,
  stateSecretGrade: 'none',
  securityHarm: 'none',
  onlineServiceLevel: 4,
  conditionalBusiness: false,
  infrastructureScope: 'none',
  icsWorksGrade: 'none',
  national24x7: false,
  nationalDatabase: false,
  nationalSecurityWorks: false,
  internationalInterconnect: false,
  criticalList: false,
  usersDescription: null,
  hosting: null,
  ownerName: null,
  operatorName: null,
  inServiceFrom: '2024-01-01',
  createdAt: '2024-01-01T02:00:00.000Z',
  updatedAt: '2024-01-01T02:00:00.000Z',
  hosts: [],
  software: [],
  suggestion: {
    on: '2025-01-01',
    level: 3,
    ruleId: 'nd85-l3-online-service',
    legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm c',
    vi: '',
    en: '',
    matchedRuleIds: [],
    hints: [],
  },
  status: {
    dossier: {
      id: '6c1f8d2f-0000-4000-8000-000000000001',
      state: 'approved',
      level: 3,
      decisionNumber: null,
      decisionDate: null,
    },
    approvedLevel: 3,
    approvedOn: '2024-08-20',
    plan: { applicable: 40, done: 10, percent: 25, fullyImplemented: false },
  },
  ...over,
});

const PAGE: InformationSystemPage = {
  items: [
    system({}),
    system({
      id: '5b0f7c1e-0000-4000-8000-000000000002',
      code: null,
      name: 'Hệ thống quản lý văn bản',
      systemType: 'internal',
      status: {
        dossier: null,
        approvedLevel: null,
        approvedOn: null,
        plan: { applicable: 0, done: 0, percent: 100, fullyImplemented: false },
      },
    }),
  ],
  total: 1234,
};

const ORGANISATIONS = [
  { id: ORG, code: 'STP', name: 'Sở Tư pháp', type: 'department', parentId: null },
  { id: ORG_2, code: 'SYT', name: 'Sở Y tế', type: 'department', parentId: null },
];

const serveSystems = (page: InformationSystemPage) =>
  serve({ 'GET /api/systems': () => page, 'GET /api/organisations': () => ORGANISATIONS });
/** The query of the last page of systems the table asked for. */
const asked = () => Object.fromEntries(lastQuery('/api/systems'));

describe('the systems table', () => {
  beforeEach(() => serveSystems(PAGE));

  const open = async (url = '/systems', role: 'agency' | 'viewer' = 'agency') => {
    const router = renderPage(SystemsPage, { url, role });
    await screen.findByRole('link', { name: 'Cổng dịch vụ công Sở Tư pháp' });
    return router;
  };

  it('asks the server for the first sorted page and shows how many systems match, with vi-VN separators', async () => {
    await open();
    expect(asked()).toEqual({ limit: '50', offset: '0', sort: 'name', dir: 'asc' });
    expect(screen.getByTestId('systems-count').textContent).toBe('1.234 hệ thống');
    const rows = within(screen.getByTestId('systems-table')).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]?.textContent).toContain('Cấp độ 3');
    expect(rows[1]?.textContent).toContain('Đã phê duyệt');
    expect(rows[2]?.textContent).toContain('Chưa lập hồ sơ');
    // 1,234 systems, 50 a page: 25 pages.
    expect(screen.getByRole('navigation').textContent).toContain('25');
  });

  it('sends the sort a header click asks for and keeps it in the URL', async () => {
    const user = userEvent.setup();
    const router = await open();
    await user.click(screen.getByTestId('sort-name'));
    await waitFor(() => expect(asked()).toMatchObject({ sort: 'name', dir: 'desc' }));
    expect(router.state.location.searchStr).toContain('dir=desc');
    await user.click(screen.getByTestId('sort-organisation'));
    await waitFor(() => expect(asked()).toMatchObject({ sort: 'organisation', dir: 'asc' }));
    // Levels sort highest first.
    await user.click(screen.getByTestId('sort-level'));
    await waitFor(() => expect(asked()).toMatchObject({ sort: 'level', dir: 'desc' }));
    await user.click(screen.getByTestId('sort-state'));
    await waitFor(() => expect(asked().sort).toBe('state'));
    expect(screen.queryByTestId('sort-suggested')).toBeNull(); // the suggestion is computed, not sortable
  });

  it('searches by name or code and filters by level, dossier state and organisation, from the first page', async () => {
    const user = userEvent.setup();
    const router = await open('/systems?page=3');
    expect(asked().offset).toBe('100');
    await user.type(screen.getByTestId('systems-search'), 'Cổng');
    await waitFor(() => expect(asked().q).toBe('Cổng'));
    expect(asked().offset).toBe('0');
    await user.selectOptions(screen.getByTestId('systems-filter-level'), '3');
    await waitFor(() => expect(asked().level).toBe('3'));
    await user.selectOptions(screen.getByTestId('systems-filter-state'), 'none');
    await waitFor(() => expect(asked().state).toBe('none'));
    await user.selectOptions(screen.getByLabelText('Cơ quan, đơn vị'), ORG_2);
    await waitFor(() => expect(asked().organisationId).toBe(ORG_2));
    expect(asked()).toEqual({
      limit: '50',
      offset: '0',
      sort: 'name',
      dir: 'asc',
      q: 'Cổng',
      level: '3',
      state: 'none',
      organisationId: ORG_2,
    });
    expect(router.state.location.searchStr).toContain('state=none');
  });

  it('ignores values in the URL the server would refuse', async () => {
    await open('/systems?sort=drop&level=9&state=lost&org=1');
    expect(asked()).toEqual({ limit: '50', offset: '0', sort: 'name', dir: 'asc' });
  });

  it('on a fresh install says there is no system yet and how to add one, not a table of zeros', async () => {
    serveSystems({ items: [], total: 0 });
    renderPage(SystemsPage, { url: '/systems', role: 'agency' });
    const empty = await screen.findByTestId('systems-empty');
    expect(empty.textContent).toContain('Chưa có hệ thống thông tin nào.');
    expect(empty.textContent).toContain('nhập danh sách từ tệp');
    expect(within(empty).getByRole('link', { name: 'Đăng ký hệ thống' }).getAttribute('href')).toBe('/systems/edit');
    expect(screen.getByTestId('systems-count').textContent).toBe('0 hệ thống');
  });

  it('says the filters match nothing, and offers to clear them', async () => {
    serveSystems({ items: [], total: 0 });
    const user = userEvent.setup();
    const router = renderPage(SystemsPage, { url: '/systems?level=5&q=abc', role: 'agency' });
    await screen.findByText('Không có hệ thống nào khớp với điều kiện tìm kiếm, lọc.');
    expect(screen.queryByTestId('systems-empty')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Bỏ điều kiện lọc' }));
    await waitFor(() => expect(router.state.location.searchStr).toBe(''));
    expect(sentTo('/api/systems').length).toBeGreaterThan(1);
  });
});

// @vitest-environment jsdom
import { lastQuery, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { AuditEntry, AuditFacets, AuditPage as Page } from '../../api/schema.gen.ts';
import { setLanguage } from '../../i18n/index.ts';
import { AuditPage } from './AuditPage.tsx';

const ADMIN = '00000000-0000-4000-8000-000000000001';
const ORG = '10000000-0000-4000-8000-000000000000';
const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  at: '2025-03-05T02:30:00.000Z',
  actorId: ADMIN,
  actorName: 'quantri',
  actorDisplayName: 'Nguyễn Thị Hồng Nhung',
  action: 'organisation.create',
  entityType: 'organisation',
  entityId: ORG,
  entityName: 'Sở Thông tin và Truyền thông',
  organisationId: ORG,
  before: null,
  after: { name: 'Sở Thông tin và Truyền thông', code: 'STTTT' },
  ip: '10.0.0.5',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
  ...over,
});
const page: Page = {
  items: [
    entry({ seq: 1234 }),
    entry({
      seq: 1233,
      action: 'auth.login.failure',
      actorId: null,
      actorName: 'khach',
      actorDisplayName: null,
      entityType: 'user',
      entityId: null,
      entityName: null,
      after: { reason: 'unknown-user' },
    }),
  ],
  total: 1234,
};
const facets: AuditFacets = {
  actions: ['auth.login.failure', 'organisation.create', 'something.new'],
  entityTypes: ['organisation', 'user'],
  actors: [{ username: 'quantri', displayName: 'Nguyễn Thị Hồng Nhung' }],
};

describe('the audit log table', () => {
  beforeEach(() => {
    setLanguage('vi');
    serve({ 'GET /api/audit': () => page, 'GET /api/audit/facets': () => facets });
  });

  const open = async (url = '/audit') => {
    const router = renderPage(AuditPage, { url, role: 'admin' });
    await screen.findByText('Sở Thông tin và Truyền thông');
    return router;
  };

  it('says who did what to which object in words, with the total of entries', async () => {
    await open();
    const table = screen.getByTestId('audit-table');
    const first = within(screen.getByTestId('audit-1234'));
    expect(first.getByText('Tạo cơ quan, đơn vị')).toBeTruthy();
    expect(first.getByText('Nguyễn Thị Hồng Nhung')).toBeTruthy();
    expect(first.getByText('Cơ quan, đơn vị')).toBeTruthy();
    // Entry numbers and the total are written as Vietnamese writes numbers.
    expect(first.getByText('#1.234')).toBeTruthy();
    expect(within(table).getByText('Đăng nhập không thành công')).toBeTruthy();
    expect(screen.getByTestId('audit-table-total').textContent).toBe('1–50 / 1.234');
    // An action this version has no words for is listed as recorded.
    expect(within(screen.getByTestId('audit-action')).getByRole('option', { name: 'something.new' })).toBeTruthy();
    expect(lastQuery('/api/audit').toString()).toBe('limit=50&offset=0&sort=at&dir=desc');
  });

  it('sends each filter to the server, back on the first page, and keeps them in the URL', async () => {
    const router = await open('/audit?page=3');
    expect(lastQuery('/api/audit').get('offset')).toBe('100');
    await userEvent.selectOptions(screen.getByTestId('audit-action'), 'organisation.create');
    await waitFor(() => expect(lastQuery('/api/audit').get('action')).toBe('organisation.create'));
    expect(lastQuery('/api/audit').get('offset')).toBe('0');
    await userEvent.selectOptions(screen.getByTestId('audit-actor'), 'quantri');
    await userEvent.selectOptions(screen.getByTestId('audit-entity-type'), 'organisation');
    // Days typed as Vietnamese officials write them, sent as the province's calendar days.
    fireEvent.change(screen.getByTestId('audit-from'), { target: { value: '01/03/2025' } });
    fireEvent.change(screen.getByTestId('audit-to'), { target: { value: '31/03/2025' } });
    await waitFor(() => expect(lastQuery('/api/audit').get('to')).toBe('2025-03-31'));
    const q = lastQuery('/api/audit');
    expect(Object.fromEntries(q)).toEqual({
      limit: '50',
      offset: '0',
      sort: 'at',
      dir: 'desc',
      from: '2025-03-01',
      to: '2025-03-31',
      actor: 'quantri',
      action: 'organisation.create',
      entityType: 'organisation',
    });
    expect(new URLSearchParams(router.state.location.searchStr).get('actor')).toBe('quantri');
  });

  it('sorts and pages on the server', async () => {
    await open();
    await userEvent.click(screen.getByTestId('sort-action'));
    await waitFor(() => expect(lastQuery('/api/audit').get('sort')).toBe('action'));
    expect(lastQuery('/api/audit').get('dir')).toBe('asc');
    await userEvent.click(screen.getByRole('button', { name: 'Sau' }));
    await waitFor(() => expect(lastQuery('/api/audit').get('offset')).toBe('50'));
    expect(screen.getByText('Trang 2/25')).toBeTruthy();
  });

  it('does not ask the server for a period that ends before it starts', async () => {
    renderPage(AuditPage, { url: '/audit?from=2025-03-31&to=2025-03-01', role: 'admin' });
    await screen.findByText(/Ngày kết thúc không được trước ngày bắt đầu/);
    await waitFor(() => expect(sentTo('/api/audit/facets')).toHaveLength(1));
    expect(sentTo('/api/audit')).toHaveLength(0);
  });
});

// @vitest-environment jsdom
import { lastQuery, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { Organisation, Website } from '../../api/schema.gen.ts';
import { WebsitesPage } from './WebsitesPage.tsx';

const WEBSITES = '/api/vulnerabilities/websites';
const SO_A = '20000000-0000-4000-8000-000000000001';

function website(n: number, patch: Partial<Website> = {}): Website {
  return {
    id: `40000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    siteKey: `https://cong${n}.laocai.gov.vn:443`,
    scheme: 'https',
    host: `cong${n}.laocai.gov.vn`,
    port: 443,
    ip: null,
    organisationId: SO_A,
    organisationName: 'Sở A',
    attribution: 'site',
    siteId: '50000000-0000-4000-8000-000000000001',
    systemId: null,
    systemName: null,
    lastSeen: '2024-03-10 02:00:00+00',
    open: 1234,
    critical: 2,
    high: 3,
    ...patch,
  };
}

const ORGS: Partial<Organisation>[] = [
  { id: SO_A, code: 'SO-A', name: 'Sở A', type: 'department', parentId: null, validFrom: '2020-01-01', validTo: null },
];

describe('the websites list', () => {
  it('shows each website with its organisation, how that was found, and its counts in Vietnamese', async () => {
    serve({
      'GET /api/organisations': () => ORGS,
      [`GET ${WEBSITES}`]: () => ({
        items: [
          website(1),
          website(2, { attribution: 'system', siteId: null, systemId: SO_A, systemName: 'Cổng dịch vụ công' }),
          website(3, { attribution: 'manual', siteId: null, siteKey: 'http://10.0.0.5:8080', ip: '10.0.0.5' }),
          website(4, { attribution: 'none', organisationId: null, organisationName: null, siteId: null }),
        ],
        total: 4,
      }),
    });
    renderPage(WebsitesPage, { url: '/vulnerabilities/websites', role: 'agency' });
    const table = await screen.findByTestId('websites-table');
    await within(table).findByText('https://cong1.laocai.gov.vn');
    expect(Object.fromEntries(lastQuery(WEBSITES))).toEqual({ limit: '50', offset: '0' });
    const rows = within(table).getAllByTestId('website-row');
    expect(rows).toHaveLength(4);
    // The scheme's own port is left out; another port is kept.
    expect(rows[2]?.textContent).toContain('http://10.0.0.5:8080');
    expect(
      within(table)
        .getAllByTestId('website-attribution')
        .map((a) => a.textContent),
    ).toEqual(['Trang web đã đăng ký', 'Hệ thống thông tin: Cổng dịch vụ công', 'Phân tích viên gán', 'Chưa xác định']);
    // An agency reads the register and its systems: the attribution links there.
    expect(
      within(rows[0] as HTMLElement)
        .getByRole('link', { name: 'Trang web đã đăng ký' })
        .getAttribute('href'),
    ).toBe('/sites/view?id=50000000-0000-4000-8000-000000000001');
    expect(rows[0]?.textContent).toContain('1.234');
    expect(rows[3]?.textContent).toContain('Chưa xác định đơn vị');
    // Each website links to its findings, named by its site.
    expect(
      within(rows[0] as HTMLElement)
        .getByRole('link', { name: 'Xem lỗ hổng' })
        .getAttribute('href'),
    ).toBe(
      `/vulnerabilities/findings?websiteId=${website(1).id}&site=${encodeURIComponent('https://cong1.laocai.gov.vn')}`,
    );
    // Only analysts get the unattributed tab.
    expect(screen.queryByTestId('tab-unattributed')).toBeNull();
  });

  it('searches, filters and sorts through the server, all in the URL', async () => {
    serve({
      'GET /api/organisations': () => ORGS,
      [`GET ${WEBSITES}`]: () => ({ items: [website(1)], total: 1 }),
    });
    const user = userEvent.setup();
    const router = renderPage(WebsitesPage, { url: '/vulnerabilities/websites?sort=bogus', role: 'agency' });
    await screen.findByText('https://cong1.laocai.gov.vn');
    expect(lastQuery(WEBSITES).has('sort')).toBe(false);
    await user.type(screen.getByTestId('website-search'), 'laocai{Enter}');
    await waitFor(() => expect(lastQuery(WEBSITES).get('q')).toBe('laocai'));
    await user.selectOptions(screen.getByTestId('filter-severity'), 'critical');
    await waitFor(() => expect(lastQuery(WEBSITES).get('severity')).toBe('critical'));
    await user.click(screen.getByTestId('sort-site'));
    await waitFor(() => expect(lastQuery(WEBSITES).get('sort')).toBe('site'));
    expect(lastQuery(WEBSITES).get('dir')).toBe('asc');
    expect(Object.fromEntries(new URLSearchParams(router.state.location.searchStr))).toMatchObject({
      q: 'laocai',
      severity: 'critical',
      sort: 'site',
    });
  });

  it('lets an analyst assign an unattributed website to an organisation', async () => {
    const lonely = website(5, { attribution: 'none', organisationId: null, organisationName: null, siteId: null });
    serve({
      'GET /api/organisations': () => ORGS,
      [`GET ${WEBSITES}`]: (req) =>
        req.query.get('unattributed') === 'true' ? { items: [lonely], total: 1 } : { items: [], total: 0 },
      [`PUT ${WEBSITES}/${lonely.id}/organisation`]: () => ({ ...lonely, organisationId: SO_A, attribution: 'manual' }),
    });
    const user = userEvent.setup();
    renderPage(WebsitesPage, { url: '/vulnerabilities/websites?tab=unattributed', role: 'soc' });
    const form = await screen.findByTestId('assign-form');
    expect(lastQuery(WEBSITES).get('unattributed')).toBe('true');
    expect(screen.getByText(/không khớp với trang web đã đăng ký/)).toBeTruthy();
    // Nothing chosen: the form says so instead of sending.
    await user.click(within(form).getByRole('button', { name: 'Gán' }));
    await within(form).findByText('Chọn cơ quan, đơn vị.');
    expect(sentTo(`${WEBSITES}/${lonely.id}/organisation`, 'PUT')).toHaveLength(0);
    await user.selectOptions(within(form).getByRole('combobox'), SO_A);
    await user.click(within(form).getByRole('button', { name: 'Gán' }));
    await waitFor(() => expect(sentTo(`${WEBSITES}/${lonely.id}/organisation`, 'PUT')).toHaveLength(1));
    expect(sentTo(`${WEBSITES}/${lonely.id}/organisation`, 'PUT')[0]?.body).toEqual({ organisationId: SO_A });
    // The list is asked again after the assignment.
    await waitFor(() => expect(sentTo(WEBSITES).length).toBeGreaterThanOrEqual(2));
  });
});

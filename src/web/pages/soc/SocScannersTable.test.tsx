// @vitest-environment jsdom
import { lastQuery, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { SocFinding, SocFindingPage, SocSummary } from '../../api/schema.gen.ts';
import { SocScannersPage } from './SocFindingsPage.tsx';

const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';

const scanner = (over: Partial<SocFinding>): SocFinding => ({
  id: '33333333-3333-4333-8333-333333333333',
  kind: 'scanner',
  ip: '203.0.113.5',
  organisationId: ORG_A,
  organisationName: 'Sở A',
  attribution: 'target-range',
  internal: false,
  scanKind: 'horizontal',
  slow: false,
  indicator: null,
  indicatorType: null,
  indicatorSource: null,
  direction: null,
  firstSeen: '2024-05-10T03:00:00.000Z',
  lastSeen: '2024-05-10T03:00:29.000Z',
  status: 'new',
  organisations: [
    { id: ORG_A, name: 'Sở A' },
    { id: ORG_B, name: 'Sở B' },
  ],
  sweptOnly: false,
  triageNote: null,
  count: 12345,
  distinctTargets: 1500,
  distinctPorts: 1,
  ...over,
});

const page: SocFindingPage = {
  items: [
    scanner({}),
    scanner({
      id: '44444444-4444-4444-8444-444444444444',
      ip: '10.15.1.77',
      internal: true,
      attribution: 'source-range',
      organisations: [{ id: ORG_A, name: 'Sở A' }],
      count: 20,
      distinctTargets: 20,
    }),
  ],
  total: 1234,
};

const summary = { ingested: true } as SocSummary;

describe('the scanners table', () => {
  beforeEach(() => {
    serve({
      'GET /api/soc/findings': () => page,
      'GET /api/soc/summary': () => summary,
      'GET /api/organisations': () => [
        { id: ORG_A, name: 'Sở A', parentId: null, code: 'A', type: 'department' },
        { id: ORG_B, name: 'Sở B', parentId: null, code: 'B', type: 'department' },
      ],
    });
  });

  const open = async (url = '/soc/scanners?from=2024-05-01&to=2024-05-31') => {
    const router = renderPage(SocScannersPage, { url, role: 'soc' });
    await screen.findByRole('button', { name: '203.0.113.5' });
    return router;
  };

  it('asks the server for one sorted page of the period and shows the total the filters match', async () => {
    await open();
    const q = lastQuery('/api/soc/findings');
    expect(Object.fromEntries(q)).toEqual({
      kind: 'scanner',
      from: '2024-05-01',
      to: '2024-05-31',
      sort: 'lastSeen',
      dir: 'desc',
      limit: '50',
      offset: '0',
    });
    // Vietnamese thousand separators on the total and on each count.
    expect(screen.getByTestId('soc-findings-total').textContent).toBe('1.234 nguồn rà quét khớp bộ lọc');
    const rows = screen.getAllByTestId('soc-finding-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('12.345 lần thử');
    expect(rows[0]?.textContent).toContain('1.500 đích');
    expect(within(rows[0] as HTMLElement).getByTestId('soc-swept').textContent).toBe('Cũng rà quét: Sở B');
    // Fifty a page: 25 pages of 1,234 findings.
    expect(screen.getByRole('navigation').textContent).toContain('25');
  });

  it('sends the sort a header click asks for, and keeps it in the URL', async () => {
    const user = userEvent.setup();
    const router = await open();
    await user.click(screen.getByTestId('sort-ip'));
    await waitFor(() => expect(lastQuery('/api/soc/findings').get('sort')).toBe('ip'));
    expect(lastQuery('/api/soc/findings').get('dir')).toBe('asc');
    expect(router.state.location.searchStr).toContain('sort=ip');
    await user.click(screen.getByTestId('sort-ip'));
    await waitFor(() => expect(lastQuery('/api/soc/findings').get('dir')).toBe('desc'));
    // Counts sort largest first.
    await user.click(screen.getByTestId('sort-count'));
    await waitFor(() => expect(lastQuery('/api/soc/findings').get('sort')).toBe('count'));
    expect(lastQuery('/api/soc/findings').get('dir')).toBe('desc');
  });

  it('searches by IP and filters by status, network and organisation, from the first page', async () => {
    const user = userEvent.setup();
    const router = await open('/soc/scanners?from=2024-05-01&to=2024-05-31&page=3');
    expect(lastQuery('/api/soc/findings').get('offset')).toBe('100');
    await user.type(screen.getByTestId('soc-search'), '203.0.113{Enter}');
    await waitFor(() => expect(lastQuery('/api/soc/findings').get('q')).toBe('203.0.113'));
    expect(lastQuery('/api/soc/findings').get('offset')).toBe('0');
    await user.selectOptions(screen.getByTestId('soc-filter-status'), 'confirmed');
    await waitFor(() => expect(lastQuery('/api/soc/findings').get('status')).toBe('confirmed'));
    await user.selectOptions(screen.getByTestId('soc-filter-origin'), 'internal');
    await waitFor(() => expect(lastQuery('/api/soc/findings').get('origin')).toBe('internal'));
    await user.selectOptions(screen.getByLabelText('Cơ quan, đơn vị'), ORG_B);
    await waitFor(() => expect(lastQuery('/api/soc/findings').get('organisationId')).toBe(ORG_B));
    const q = lastQuery('/api/soc/findings');
    expect([q.get('q'), q.get('status'), q.get('origin'), q.get('kind'), q.get('from')]).toEqual([
      '203.0.113',
      'confirmed',
      'internal',
      'scanner',
      '2024-05-01',
    ]);
    expect(router.state.location.searchStr).toContain('origin=internal');
  });

  it('ignores values in the URL the server would refuse', async () => {
    await open('/soc/scanners?from=2024-05-01&to=2024-05-31&status=bogus&origin=x&sort=drop&organisationId=1');
    const q = lastQuery('/api/soc/findings');
    expect([q.get('status'), q.get('origin'), q.get('sort'), q.get('organisationId')]).toEqual([
      null,
      null,
      'lastSeen',
      null,
    ]);
  });

  it('says that nothing was ingested yet on a fresh install, not that all is well', async () => {
    serve({
      'GET /api/soc/findings': () => ({ items: [], total: 0 }),
      'GET /api/soc/summary': () => ({ ...summary, ingested: false }),
      'GET /api/organisations': () => [],
    });
    renderPage(SocScannersPage, { url: '/soc/scanners', role: 'soc' });
    const empty = await screen.findByTestId('soc-no-data');
    expect(empty.textContent).toContain('Chưa có dữ liệu giám sát');
    expect(within(empty).getByRole('link', { name: 'Nạp dữ liệu nhật ký' }).getAttribute('href')).toBe('/soc/ingest');
    expect(sentTo('/api/soc/summary')).toHaveLength(1);
  });
});

// @vitest-environment jsdom
import { lastQuery, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { TargetSummary } from '../../api/schema.gen.ts';
import { TargetsPage } from './TargetsPage.tsx';

const target = (over: Partial<TargetSummary>): TargetSummary => ({
  id: '7d2a9e30-0000-4000-8000-000000000001',
  title: '100% hồ sơ được phê duyệt',
  kind: 'dossier_approved',
  deadline: '2024-08-31',
  organisationId: null,
  legalBasis: 'Văn bản 1949/UBND-VX',
  createdAt: '2024-01-01T02:00:00.000Z',
  asOf: '2024-06-30',
  total: 1234,
  met: 1000,
  late: 0,
  notMet: 234,
  percent: 81,
  percentWithLate: 81,
  deadlinePassed: false,
  overdue: false,
  ...over,
});

/** The server: `targets`, `systems` registered in scope, no 4-layer gap. */
const serveTargets = (targets: TargetSummary[], systems: number) =>
  serve({
    'GET /api/targets': () => targets,
    'GET /api/layers/gaps': () => [],
    'GET /api/systems': () => ({ items: [], total: systems }),
    'GET /api/organisations': () => [],
  });

describe('the targets page', () => {
  it('on a fresh install says what to do, never that every system has its 4 layers or a share of 0/0', async () => {
    serveTargets([], 0);
    renderPage(TargetsPage, { url: '/systems/targets', role: 'department' });
    const empty = await screen.findByTestId('targets-empty');
    expect(empty.textContent).toContain('Chưa có chỉ tiêu nào.');
    expect(empty.textContent).toContain('bằng nút “Thêm chỉ tiêu”');
    const layers = await screen.findByTestId('layer-gaps-no-systems');
    expect(layers.textContent).toContain('Chưa có hệ thống thông tin nào trong phạm vi');
    expect(within(layers).getByRole('link').getAttribute('href')).toBe('/systems');
    expect(screen.queryByText('Mọi hệ thống trong phạm vi đều đã triển khai đủ 4 lớp.')).toBeNull();
  });

  it('shows a target covering no system as such, and others with vi-VN separators', async () => {
    serveTargets(
      [
        target({}),
        target({
          id: '7d2a9e30-0000-4000-8000-000000000002',
          title: 'Chỉ tiêu mới',
          total: 0,
          met: 0,
          notMet: 0,
          percent: null,
          percentWithLate: null,
        }),
      ],
      3,
    );
    renderPage(TargetsPage, { url: '/systems/targets?asOf=2024-06-30', role: 'department' });
    const cards = await screen.findAllByTestId('target-card');
    expect(within(cards[0] as HTMLElement).getByTestId('target-counts').textContent).toBe(
      'Đúng hạn 1.000/1.234 hệ thống',
    );
    expect(within(cards[1] as HTMLElement).queryByTestId('target-percent')).toBeNull();
    expect(within(cards[1] as HTMLElement).getByTestId('target-no-systems').textContent).toContain(
      'Chưa có hệ thống thông tin nào trong phạm vi chỉ tiêu',
    );
    expect(await screen.findByText('Mọi hệ thống trong phạm vi đều đã triển khai đủ 4 lớp.')).toBeTruthy();
  });

  it('keeps the day of the figures in the URL and asks for the figures of that day', async () => {
    serveTargets([target({})], 3);
    const user = userEvent.setup();
    // The as-of picker reads the page's address, as in the browser, where it is the router's.
    window.history.replaceState({}, '', '/systems/targets?asOf=2024-06-30');
    const router = renderPage(TargetsPage, { url: '/systems/targets?asOf=2024-06-30', role: 'department' });
    await screen.findAllByTestId('target-card');
    expect(Object.fromEntries(lastQuery('/api/targets'))).toEqual({ asOf: '2024-06-30' });
    await user.clear(screen.getByTestId('as-of-input'));
    await user.type(screen.getByTestId('as-of-input'), '31/12/2024');
    await waitFor(() => expect(Object.fromEntries(lastQuery('/api/targets'))).toEqual({ asOf: '2024-12-31' }));
    expect(router.state.location.href).toBe('/systems/targets?asOf=2024-12-31');
    expect(screen.getByTestId('as-of-caption').textContent).toBe('Số liệu tại ngày 31/12/2024');
  });
});

// @vitest-environment jsdom
import { lastQuery, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { clock, row } from '../../../../tests/web/incidents.ts';
import { renderPage } from '../../../../tests/web/render.tsx';
import { IncidentsPage } from './IncidentsPage.tsx';

describe('the incidents list', () => {
  it('shows each incident with its operator, severity, state and the clock to watch', async () => {
    serve({
      'GET /api/incidents': () => ({
        items: [
          row(),
          row({
            id: '6a1f0c2e-0000-4000-8000-000000000002',
            code: 'SC-2026-0002',
            severity: 'serious',
            affectedOnly: true,
            clocks: [clock({ state: 'done', doneAt: '2026-02-20T03:00:00.000Z' })],
          }),
        ],
        total: 2,
      }),
      'GET /api/organisations': () => [],
    });
    renderPage(IncidentsPage, { url: '/incidents', role: 'agency' });
    await screen.findAllByTestId('incident-link');
    const rows = within(screen.getByTestId('incidents-table')).getAllByRole('row');
    expect(rows[1]?.textContent).toContain('SC-2026-0001');
    // Due at midnight: by the end of 23/02, after Tết.
    expect(rows[1]?.textContent).toContain('Thông báo sự cố Quá hạn hạn hết ngày 23/02/2026');
    expect(rows[2]?.textContent).toContain('Nghiêm trọng');
    expect(rows[2]?.textContent).toContain('Đơn vị của bạn bị ảnh hưởng');
    // Done clocks leave nothing to watch.
    expect(rows[2]?.textContent).toContain('—');
    expect(screen.getByTestId('incidents-count').textContent).toBe('2 sự cố');
    expect(
      within(rows[1] as HTMLElement)
        .getByTestId('incident-link')
        .getAttribute('href'),
    ).toBe('/incidents/view?id=6a1f0c2e-0000-4000-8000-000000000001');
  });

  it('sends the filters it keeps in the address, and offers to clear them when nothing matches', async () => {
    serve({ 'GET /api/incidents': () => ({ items: [], total: 0 }), 'GET /api/organisations': () => [] });
    const user = userEvent.setup();
    const router = renderPage(IncidentsPage, { url: '/incidents?state=responding', role: 'department' });
    await screen.findByText('Không có sự cố nào khớp bộ lọc.');
    expect(lastQuery('/api/incidents').get('state')).toBe('responding');
    await user.selectOptions(screen.getByTestId('incidents-filter-severity'), 'serious');
    await waitFor(() => expect(lastQuery('/api/incidents').get('severity')).toBe('serious'));
    expect(router.state.location.href).toBe('/incidents?state=responding&severity=serious');
    await user.click(screen.getByRole('button', { name: 'Bỏ lọc' }));
    await waitFor(() => expect(lastQuery('/api/incidents').get('state')).toBeNull());
    expect(await screen.findByTestId('incidents-empty')).toBeTruthy();
  });

  it('offers reporting only to roles that may report', async () => {
    serve({ 'GET /api/incidents': () => ({ items: [], total: 0 }), 'GET /api/organisations': () => [] });
    renderPage(IncidentsPage, { url: '/incidents', role: 'viewer' });
    await screen.findByTestId('incidents-empty');
    expect(screen.queryByTestId('incident-new')).toBeNull();
  });
});

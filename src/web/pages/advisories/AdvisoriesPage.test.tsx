// @vitest-environment jsdom
import { lastQuery, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { Advisory } from '../../api/schema.gen.ts';
import { AdvisoriesPage } from './AdvisoriesPage.tsx';

const advisory = (patch: Partial<Advisory> = {}): Advisory => ({
  id: '7a000000-0000-4000-8000-000000000001',
  source: 'cve',
  externalId: 'cve:CVE-2024-3400',
  revision: '2025-07-28T19:43:22.839Z',
  sourceBody: 'palo_alto',
  sourceNumber: 'CVE-2024-3400',
  title: 'PAN-OS: Arbitrary File Creation Leads to OS Command Injection',
  severity: 'critical',
  cvssScore: 10,
  cves: ['CVE-2024-3400'],
  knownExploited: ['CVE-2024-3400'],
  issuedOn: '2024-04-12',
  acknowledgeBy: null,
  actBy: '2024-04-19',
  state: 'published',
  createdAt: '2024-04-12T03:00:00.000Z',
  updatedAt: '2024-04-12T03:00:00.000Z',
  publishedAt: '2024-04-12T04:00:00.000Z',
  progress: {
    organisations: 3,
    acknowledged: 2,
    acknowledgedPercent: 66,
    targets: 4,
    remediated: 1,
    remediatedPercent: 25,
    awaitingScan: 1,
    pendingRisk: 0,
    late: 1,
  },
  ...patch,
});

describe('the advisories list', () => {
  it('shows each advisory with its severity, KEV mark, state and progress in figures and bars', async () => {
    serve({
      'GET /api/advisories': () => ({
        items: [
          advisory(),
          advisory({
            id: '7a000000-0000-4000-8000-000000000002',
            state: 'draft',
            knownExploited: [],
            title: 'Cảnh báo lỗ hổng Siemens SINEC',
            severity: 'high',
            progress: { ...advisory().progress, organisations: 0, acknowledged: 0, acknowledgedPercent: 0, late: 0 },
          }),
        ],
        total: 2,
      }),
    });
    renderPage(AdvisoriesPage, { url: '/advisories', role: 'department' });
    const rows = await screen.findAllByTestId('advisory-row');
    expect(rows[0]?.textContent).toContain('Nghiêm trọng');
    expect(rows[0]?.textContent).toContain('KEV');
    expect(rows[0]?.textContent).toContain('Đã gửi');
    expect(within(rows[0] as HTMLElement).getByTestId('progress-acknowledged-percent').textContent).toBe('66% (2/3)');
    expect(within(rows[0] as HTMLElement).getByTestId('progress-remediated-percent').textContent).toBe('25% (1/4)');
    expect(within(rows[0] as HTMLElement).getByTestId('advisory-row-late').textContent).toBe('1 đơn vị quá hạn');
    expect(rows[1]?.textContent).toContain('Bản nháp');
    // No agency yet: no bar pretending 0%.
    expect(within(rows[1] as HTMLElement).queryByTestId('progress-acknowledged-percent')).toBeNull();
    expect(screen.getByTestId('advisories-count').textContent).toBe('2 cảnh báo');
    expect(screen.getByTestId('advisory-new')).toBeTruthy();
  });

  it('sends its filters to the server and keeps them in the URL', async () => {
    const user = userEvent.setup();
    serve({ 'GET /api/advisories': () => ({ items: [], total: 0 }) });
    renderPage(AdvisoriesPage, { url: '/advisories', role: 'department' });
    await screen.findByTestId('advisories-empty');
    await user.selectOptions(screen.getByTestId('advisories-filter-state'), 'published');
    await user.click(screen.getByTestId('advisories-filter-late'));
    await user.click(screen.getByTestId('advisories-filter-knownExploited'));
    const q = lastQuery('/api/advisories');
    expect(q.get('state')).toBe('published');
    expect(q.get('late')).toBe('true');
    expect(q.get('knownExploited')).toBe('true');
    expect((await screen.findByTestId('advisories-empty')).textContent).toContain('Không có cảnh báo nào khớp bộ lọc');
  });

  it('offers an agency no entry or import, and says what its list is', async () => {
    serve({ 'GET /api/advisories': () => ({ items: [], total: 0 }) });
    renderPage(AdvisoriesPage, { url: '/advisories', role: 'agency' });
    expect((await screen.findByTestId('advisories-empty')).textContent).toBe(
      'Chưa có cảnh báo nào liên quan đến đơn vị của bạn.',
    );
    expect(screen.queryByTestId('advisory-new')).toBeNull();
    expect(screen.queryByTestId('advisory-import')).toBeNull();
  });
});

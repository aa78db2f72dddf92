// @vitest-environment jsdom
import { lastQuery, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import type { VulnSummary } from '../../api/schema.gen.ts';
import { VulnCard } from './VulnCard.tsx';

const SUMMARY = '/api/vulnerabilities/summary';

const summary = (patch: Partial<VulnSummary> = {}): VulnSummary => ({
  period: { from: '2024-01-01', to: '2024-06-30', asOf: '2024-06-30' },
  vulnerableComputers: 7,
  withCritical: 0,
  withHigh: 4,
  byMaxSeverity: { critical: 0, high: 4, medium: 3, low: 0 },
  knownExploitedComputers: 0,
  kevCatalogueEntries: 1200,
  scannedComputers: 7,
  lastScannedAt: '2024-03-10T02:00:00.000Z',
  lastWebScannedAt: '2023-11-20T03:00:00.000Z',
  evidenceDays: 365,
  unattributedVulnerableComputers: 0,
  vulnerableWebsites: 1234,
  websitesWithCritical: 12,
  websitesWithHigh: 56,
  websitesByMaxSeverity: { critical: 12, high: 44, medium: 1000, low: 178 },
  scannedWebsites: 2000,
  unattributedVulnerableWebsites: 3,
  topVulnerabilities: [],
  topWebVulnerabilities: [],
  byOrganisation: [],
  byMonth: [],
  ...patch,
});

describe('the Overview’s vulnerable websites card', () => {
  it('states the six months’ vulnerable websites and their figures, in Vietnamese', async () => {
    serve({ [`GET ${SUMMARY}`]: () => summary() });
    renderWithProviders(<VulnCard asOf="2024-06-30" subject="websites" />, 'soc');
    const card = await screen.findByTestId('card-web-vulnerabilities');
    expect(within(card).getByRole('heading').textContent).toBe('Trang web có lỗ hổng (6 tháng đến 30/06/2024)');
    await within(card).findByTestId('vuln-web-statement');
    expect(within(card).getByTestId('vuln-web-statement').textContent).toBe(
      'Trong kỳ từ 01/01/2024 đến 30/06/2024 phát hiện 1.234 trang web có lỗ hổng, trong đó 12 trang web có lỗ hổng nghiêm trọng.',
    );
    const figure = (key: string) => within(card).getByTestId(`figure-${key}`).querySelector('dd')?.textContent;
    expect(figure('vulnerableWebsites')).toBe('1.234');
    expect(figure('websitesWithCritical')).toBe('12');
    expect(figure('websitesWithHigh')).toBe('56');
    expect(figure('scannedWebsites')).toBe('2.000');
    // The computers' figures are the other card's.
    expect(within(card).queryByTestId('figure-vulnerableComputers')).toBeNull();
    expect(within(card).queryByTestId('vuln-web-no-data')).toBeNull();
    expect(Object.fromEntries(lastQuery(SUMMARY))).toEqual({
      from: '2024-01-01',
      to: '2024-06-30',
      asOf: '2024-06-30',
    });
  });

  it('says when no website was scanned in the six months', async () => {
    serve({
      [`GET ${SUMMARY}`]: () => summary({ scannedWebsites: 0, vulnerableWebsites: 0, websitesWithCritical: 0 }),
    });
    renderWithProviders(<VulnCard asOf="2024-06-30" subject="websites" />, 'agency');
    const none = await screen.findByTestId('vuln-web-no-data');
    expect(none.textContent).toBe('Không có trang web nào được quét trong kỳ này; lần quét gần nhất: 20/11/2023.');
  });

  it('says when no website in scope was ever scanned', async () => {
    serve({
      [`GET ${SUMMARY}`]: () =>
        summary({ scannedWebsites: 0, vulnerableWebsites: 0, websitesWithCritical: 0, lastWebScannedAt: null }),
    });
    renderWithProviders(<VulnCard asOf="2024-06-30" subject="websites" />, 'agency');
    const none = await screen.findByTestId('vuln-web-no-data');
    expect(none.textContent).toBe('Chưa có trang web nào trong phạm vi này được quét.');
  });

  it('leaves the computers’ card as it was', async () => {
    serve({ [`GET ${SUMMARY}`]: () => summary() });
    renderWithProviders(<VulnCard asOf="2024-06-30" />, 'agency');
    const card = await screen.findByTestId('card-vulnerabilities');
    await within(card).findByTestId('vuln-statement');
    expect(within(card).getByRole('heading').textContent).toBe('Máy tính có lỗ hổng (6 tháng đến 30/06/2024)');
    expect(within(card).getByTestId('figure-vulnerableComputers').querySelector('dd')?.textContent).toBe('7');
    expect(within(card).queryByTestId('figure-vulnerableWebsites')).toBeNull();
  });
});

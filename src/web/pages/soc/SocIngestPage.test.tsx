// @vitest-environment jsdom
import { serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import type { SocIntelSource } from '../../api/schema.gen.ts';
import { SocIngestPage } from './SocIngestPage.tsx';

const feed: SocIntelSource = {
  source: 'cert-vn',
  indicators: 12345,
  ips: 12000,
  domains: 300,
  urls: 45,
  updatedAt: '2024-05-10T03:00:00.000Z',
};

describe('the ingest page', () => {
  const xhrOpen = vi.spyOn(XMLHttpRequest.prototype, 'open');
  beforeEach(() => {
    xhrOpen.mockClear();
    serve({ 'GET /api/soc/intel': () => [feed], 'GET /api/soc/ingests': () => [] });
  });

  it('lists the feeds with Vietnamese thousand separators and says what to do when nothing was ingested', async () => {
    renderWithProviders(<SocIngestPage />, 'soc');
    const row = await screen.findByRole('row', { name: /cert-vn/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['cert-vn', '12.345', '12.000', '300', '45', '10/05/2024 10:00:00', 'Xóa']);
    expect((await screen.findByText(/Chưa có đợt nạp nào/)).textContent).toContain('Chọn tệp nhật ký mạng');
  });

  it('refuses a feed without a source name, with the server’s rule, and uploads nothing', async () => {
    const user = userEvent.setup();
    renderWithProviders(<SocIngestPage />, 'soc');
    const submit = screen.getByTestId('soc-intel-submit');
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    await user.upload(screen.getByTestId('soc-intel-file'), new File(['198.51.100.66\n'], 'feed.txt'));
    expect((submit as HTMLButtonElement).disabled).toBe(false);
    await user.type(screen.getByTestId('soc-intel-source'), '   ');
    await user.click(submit);
    expect((await screen.findByRole('alert')).textContent).toBe('Cần nhập tên nguồn tin.');
    expect(screen.getByTestId('soc-intel-source').getAttribute('aria-invalid')).toBe('true');
    expect(xhrOpen).not.toHaveBeenCalled();
  });
});

// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import { AdvisoryEditPage } from './AdvisoryEditPage.tsx';
import { advisoryEditSearch } from './searchParams.ts';

const open = () =>
  renderPage(AdvisoryEditPage, {
    url: '/advisories/edit',
    path: '/advisories/edit',
    role: 'department',
    validateSearch: (s) => advisoryEditSearch.parse(s),
  });

describe('entering an advisory by hand', () => {
  it('refuses what the server would refuse, with the same messages', async () => {
    const user = userEvent.setup();
    serve({});
    open();
    await user.type(await screen.findByTestId('advisory-field-title'), 'Cả');
    await user.type(screen.getByTestId('advisory-cves-input'), 'CVE-2024-3400, 2024-47553');
    await user.type(screen.getByTestId('product-0-version'), '4.8');
    await user.type(screen.getByTestId('product-0-versionEndExcluding'), 'V4.9.0');
    await user.click(screen.getByTestId('advisory-save'));
    const messages = (await screen.findAllByTestId('field-error')).map((e) => e.textContent);
    expect(messages).toEqual([
      'Tiêu đề từ 3 đến 500 ký tự.',
      'Mã CVE có dạng CVE-năm-số (ví dụ CVE-2024-3400).',
      'Nhập tên sản phẩm.',
      'Nhập phiên bản cụ thể hoặc dải phiên bản, không nhập cả hai.',
    ]);
    expect(sentTo('/api/advisories', 'POST')).toHaveLength(0);
  });

  it('sends the letter’s advisory with its products and ranges, then opens the draft', async () => {
    const user = userEvent.setup();
    serve({
      'POST /api/advisories': () => json({ advisory: { id: '7a000000-0000-4000-8000-000000000009' } }, 201),
    });
    open();
    await user.type(
      await screen.findByTestId('advisory-field-title'),
      'Lỗ hổng nghiêm trọng trong Siemens SINEC Security Monitor',
    );
    await user.type(screen.getByTestId('advisory-field-sourceBody'), 'Cục An toàn thông tin');
    await user.type(screen.getByTestId('advisory-field-sourceNumber'), '123/CATTT-NCSC');
    await user.type(screen.getByTestId('advisory-field-issuedOn'), '11/10/2024');
    await user.selectOptions(screen.getByTestId('advisory-severity'), 'critical');
    await user.type(screen.getByTestId('advisory-cves-input'), 'cve-2024-47553 CVE-2024-47562');
    await user.type(screen.getByTestId('advisory-field-acknowledgeBy'), '15/10/2024');
    await user.type(screen.getByTestId('product-0-vendor'), 'Siemens');
    await user.type(screen.getByTestId('product-0-product'), 'SINEC Security Monitor');
    await user.type(screen.getByTestId('product-0-versionEndExcluding'), 'V4.9.0');
    await user.click(screen.getByTestId('advisory-save'));
    await waitFor(() => expect(sentTo('/api/advisories', 'POST')).toHaveLength(1));
    expect(sentTo('/api/advisories', 'POST')[0]?.body).toMatchObject({
      title: 'Lỗ hổng nghiêm trọng trong Siemens SINEC Security Monitor',
      severity: 'critical',
      sourceBody: 'Cục An toàn thông tin',
      sourceNumber: '123/CATTT-NCSC',
      issuedOn: '2024-10-11',
      acknowledgeBy: '2024-10-15',
      actBy: null,
      cves: ['CVE-2024-47553', 'CVE-2024-47562'],
      products: [
        {
          vendor: 'Siemens',
          product: 'SINEC Security Monitor',
          version: null,
          versionEndExcluding: 'V4.9.0',
          versionStartIncluding: null,
          status: 'known_affected',
        },
      ],
    });
  });
});

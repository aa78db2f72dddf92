// @vitest-environment jsdom
import { json, lastQuery, serve } from '../../../tests/web/network.ts';
import '../i18n/index.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderPage } from '../../../tests/web/render.tsx';
import { ExportButton } from './ExportButton.tsx';

const LIST = {
  path: '/api/vulnerabilities/computers/export' as const,
  // The query the list is fetched with: its page must not reach the export.
  query: { limit: 50, offset: 100, sort: 'ip', dir: 'asc', q: undefined, severity: 'high', organisationId: '' },
};

afterEach(() => vi.restoreAllMocks());

describe('ExportButton ("Xuất Excel")', () => {
  it('asks for every row of the list’s filters and sort, and saves the file under the server’s name', async () => {
    const saved: string[] = [];
    URL.createObjectURL = vi.fn(() => 'blob:export');
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    serve({
      'GET /api/vulnerabilities/computers/export': () =>
        new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
          headers: { 'content-disposition': "attachment; filename*=UTF-8''may-tinh-2024-06-30.xlsx" },
        }),
    });
    renderPage(() => <ExportButton list={LIST} />, { url: '/computers', role: 'viewer' });
    await userEvent.click(await screen.findByRole('button', { name: 'Xuất Excel' }));
    await waitFor(() => expect(saved).toEqual(['may-tinh-2024-06-30.xlsx']));
    expect(Object.fromEntries(lastQuery('/api/vulnerabilities/computers/export'))).toEqual({
      format: 'xlsx',
      sort: 'ip',
      dir: 'asc',
      severity: 'high',
    });
  });

  it('says in Vietnamese why the server refused, rather than saving the refusal as a file', async () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click');
    serve({
      'GET /api/vulnerabilities/computers/export': () =>
        json(
          {
            error: {
              code: 'VALIDATION',
              message: '25000 rows match',
              key: 'export.tooManyRows',
              params: { total: 25000, max: 20000 },
            },
          },
          400,
        ),
    });
    renderPage(() => <ExportButton list={LIST} />, { url: '/computers', role: 'viewer' });
    await userEvent.click(await screen.findByRole('button', { name: 'Xuất Excel' }));
    expect((await screen.findByTestId('error')).textContent).toContain(
      'Có 25.000 dòng khớp bộ lọc, vượt quá 20.000 dòng của một lần xuất',
    );
    expect(click).not.toHaveBeenCalled();
  });
});

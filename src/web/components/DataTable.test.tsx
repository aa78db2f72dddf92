// @vitest-environment jsdom
import { lastQuery, sentTo, serve } from '../../../tests/web/network.ts';
import '../i18n/index.ts';
import { useQuery } from '@tanstack/react-query';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../tests/web/render.tsx';
import { useTableSearch } from '../lib/tableSearch.ts';
import { type Column, DataTable } from './DataTable.tsx';

type Row = { id: string; name: string; count: number };
const ROWS: Row[] = Array.from({ length: 7 }, (_, i) => ({
  id: `r${i}`,
  name: `Đơn vị ${i + 1}`,
  count: 1000 * (i + 1),
}));
const columns: Column<Row>[] = [
  { id: 'name', accessorKey: 'name', header: 'Tên', enableSorting: true },
  { id: 'count', accessorFn: (r) => r.count.toLocaleString('vi-VN'), header: 'Số lượng' },
];

/** A list page as the app writes one: URL state → server query → table. */
function Things() {
  const search = useTableSearch({ size: 5 });
  const q = new URLSearchParams(Object.entries(search.params).filter(([, v]) => v !== undefined) as [string, string][]);
  const { data } = useQuery({
    queryKey: ['things', q.toString()],
    queryFn: async () => (await fetch(`/api/things?${q}`)).json() as Promise<{ items: Row[]; total: number }>,
  });
  return (
    <DataTable
      columns={columns}
      rows={data?.items}
      total={data?.total}
      search={search}
      empty="Chưa có đơn vị nào."
      testId="things"
      rowKey={(r) => r.id}
    />
  );
}

describe('DataTable with its state in the URL', () => {
  it('asks the server for a page, shows the total, and sorts and pages through the URL', async () => {
    serve({
      'GET /api/things': (req) => {
        const offset = Number(req.query.get('offset'));
        const rows = req.query.get('dir') === 'desc' ? [...ROWS].reverse() : ROWS;
        return { items: rows.slice(offset, offset + Number(req.query.get('limit'))), total: ROWS.length };
      },
    });
    const router = renderPage(Things, { url: '/things', role: 'viewer' });
    await screen.findByText('Đơn vị 1');
    expect(screen.getByTestId('things-total').textContent).toBe('1–5 / 7');
    expect(sentTo('/api/things')[0]?.query.get('limit')).toBe('5');
    expect(sentTo('/api/things')[0]?.query.get('offset')).toBe('0');

    await userEvent.click(screen.getByTestId('sort-name'));
    await waitFor(() => expect(router.state.location.search).toMatchObject({ sort: 'name', dir: 'asc' }));
    await userEvent.click(screen.getByTestId('sort-name'));
    await screen.findByText('Đơn vị 7');
    expect(lastQuery('/api/things').get('sort')).toBe('name');
    expect(lastQuery('/api/things').get('dir')).toBe('desc');
    expect(screen.getByRole('columnheader', { name: /Tên/ }).getAttribute('aria-sort')).toBe('descending');

    await userEvent.click(screen.getByRole('button', { name: 'Sau' }));
    await waitFor(() => expect(lastQuery('/api/things').get('offset')).toBe('5'));
    expect(router.state.location.search).toMatchObject({ page: '2' });
    expect(await screen.findByText('6–7 / 7', { exact: false })).toBeTruthy();
  });

  it('says what is missing when nothing matches', async () => {
    serve({ 'GET /api/things': () => ({ items: [], total: 0 }) });
    renderPage(Things, { url: '/things', role: 'viewer' });
    expect(await screen.findByText('Chưa có đơn vị nào.')).toBeTruthy();
    expect(screen.queryByTestId('things-total')).toBeNull();
  });
});

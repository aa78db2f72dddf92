import {
  type ColumnDef,
  FlexRender,
  type RowData,
  rowPaginationFeature,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../lib/format.ts';
import type { TableSearch } from '../lib/tableSearch.ts';
import { ExportButton, type ListExport } from './ExportButton.tsx';

/** The features every list uses: the server sorts and pages, the table draws headers, rows and the pager. */
export const tableFeatureSet = tableFeatures({ rowSortingFeature, rowPaginationFeature });
// biome-ignore lint/suspicious/noExplicitAny: a list mixes columns of different value types.
export type Column<T extends RowData> = ColumnDef<typeof tableFeatureSet, T, any>;

/**
 * A list the server pages and sorts. `search` (from useTableSearch) keeps page, size and sort in the URL, so a
 * filtered page can be linked, reloaded and gone back to. Columns opt into sorting with `enableSorting: true` and
 * their `id` is the server's sort key.
 */
export function DataTable<T extends RowData>({
  columns,
  rows,
  total,
  search,
  loading,
  empty,
  testId,
  rowKey,
  rowTestId,
  onRowClick,
  selectedKey,
  exportTo,
}: {
  columns: Column<T>[];
  rows: T[] | undefined;
  total: number | undefined;
  search: TableSearch;
  loading?: boolean;
  /** Shown when no row matches: what to do next on an empty install, or that the filters match nothing. */
  empty: ReactNode;
  testId?: string;
  rowKey: (row: T) => string;
  rowTestId?: (row: T) => string;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  /** The list's export and the query the list is fetched with: a "Xuất Excel" button in the pager. */
  exportTo?: ListExport;
}) {
  const { t, i18n } = useTranslation();
  const sorting: SortingState = search.sort ? [{ id: search.sort, desc: search.dir === 'desc' }] : [];
  const table = useTable<typeof tableFeatureSet, T>({
    features: tableFeatureSet,
    columns,
    data: rows ?? [],
    rowCount: total ?? 0,
    getRowId: rowKey,
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    // Columns opt in: only what the server can sort by gets a sort button.
    defaultColumn: { enableSorting: false },
    state: { sorting, pagination: { pageIndex: search.page, pageSize: search.size } },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      search.set({ sort: first?.id, dir: first?.desc ? 'desc' : 'asc', page: 0 });
    },
  });
  const pages = Math.max(1, Math.ceil((total ?? 0) / search.size));
  return (
    <div className="data-table">
      <div className="table-wrap">
        <table className="table" data-testid={testId} aria-busy={loading || undefined}>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                    >
                      {header.column.getCanSort() ? (
                        <button
                          type="button"
                          className="sort-button"
                          onClick={header.column.getToggleSortingHandler()}
                          data-testid={`sort-${header.column.id}`}
                        >
                          <FlexRender header={header} />
                          <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}</span>
                        </button>
                      ) : (
                        <FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows && rows.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="muted empty-cell">
                  {empty}
                </td>
              </tr>
            )}
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                data-testid={rowTestId?.(row.original)}
                className={onRowClick ? 'clickable' : undefined}
                aria-selected={selectedKey === undefined ? undefined : selectedKey === row.id}
                onClick={onRowClick ? () => onRowClick(row.original) : undefined}
              >
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>
                    <FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total !== undefined && total > 0 && (
        <nav className="pager" aria-label={t('table.pages')}>
          <span className="muted small" data-testid={testId ? `${testId}-total` : undefined}>
            {t('table.range', {
              from: formatNumber(search.page * search.size + 1, i18n.language),
              to: formatNumber(Math.min(total, (search.page + 1) * search.size), i18n.language),
              total: formatNumber(total, i18n.language),
            })}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={search.page === 0}
            onClick={() => search.set({ page: search.page - 1 })}
          >
            {t('table.previous')}
          </button>
          <span className="small">
            {t('table.page', {
              page: formatNumber(search.page + 1, i18n.language),
              pages: formatNumber(pages, i18n.language),
            })}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={search.page + 1 >= pages}
            onClick={() => search.set({ page: search.page + 1 })}
          >
            {t('table.next')}
          </button>
          {exportTo && <ExportButton list={exportTo} />}
        </nav>
      )}
    </div>
  );
}

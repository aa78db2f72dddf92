import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { type InventoryItem, inventoryKindValues, inventorySortValues } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { followLink, query } from '../../lib/router.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { systemPath } from '../systems/ui.ts';
import './inventory.css';

/** A filter value read from the URL, if it is one the server accepts (a hand-edited URL sends nothing invalid). */
const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((v) => v === value);

type T = (key: string, options?: Record<string, unknown>) => string;

const columns = (t: T): Column<InventoryItem>[] => [
  {
    id: 'product',
    accessorFn: (i) => i.product,
    header: () => t('inventory.product'),
    enableSorting: true,
    cell: ({ row: { original: i } }) => (
      <div className="inventory-product">
        <strong>{i.product}</strong>
        {(i.vendor || i.version) && (
          <span className="muted small"> {[i.vendor, i.version].filter(Boolean).join(' · ')}</span>
        )}
        {i.cpe && <div className="mono small muted inventory-cpe">{i.cpe}</div>}
      </div>
    ),
  },
  {
    id: 'target',
    accessorFn: (i) => i.system?.name ?? i.computer?.hostname ?? i.computer?.ip ?? '',
    header: () => t('inventory.on'),
    enableSorting: true,
    cell: ({ row: { original: i } }) =>
      i.system ? (
        <div>
          <a href={systemPath(i.system.id)} onClick={followLink}>
            {i.system.name}
          </a>
          <div className="muted small">{t('inventory.kind.system')}</div>
        </div>
      ) : i.computer ? (
        <div>
          <a
            className="mono"
            href={`/vulnerabilities/findings${query({ computerId: i.computer.id, host: i.computer.ip })}`}
            onClick={followLink}
          >
            {i.computer.ip}
          </a>
          {i.computer.hostname && <div className="muted small">{i.computer.hostname}</div>}
        </div>
      ) : null,
  },
  {
    id: 'organisation',
    accessorFn: (i) => i.organisation?.name ?? '',
    header: () => t('inventory.organisation'),
    enableSorting: true,
    cell: ({ row: { original: i } }) => i.organisation?.name ?? '—',
  },
  {
    id: 'port',
    header: () => t('inventory.port'),
    cell: ({ row: { original: i } }) =>
      i.port ? (
        <span className="nowrap">
          <span className="mono">
            {i.port}/{i.protocol}
          </span>
          {i.service && <span className="muted small"> {i.service}</span>}
        </span>
      ) : (
        <span className="muted small">{i.kind === 'computer' ? t('inventory.host') : '—'}</span>
      ),
  },
  {
    id: 'lastSeen',
    accessorFn: (i) => i.lastSeen,
    header: () => t('inventory.lastSeen'),
    enableSorting: true,
    cell: ({ row: { original: i } }) => (
      <div>
        <span className="nowrap">{formatDateTime(i.lastSeen)}</span>
        {i.scanner && <div className="muted small">{i.scanner}</div>}
      </div>
    ),
  },
];

/**
 * Phần mềm và dịch vụ: the components information systems declare and what scans revealed on computers, paged,
 * sorted and searched by the server (case and diacritics ignored), filtered by source and organisation, all in the URL.
 */
export function InventoryPage() {
  const { t, i18n } = useTranslation();
  const search = useTableSearch({ sort: 'product' });
  const { tree, error: orgError } = useOrgTree();
  const f = search.filters;
  const organisationId = isUuid(f.org ?? '') ? f.org : undefined;
  const kind = oneOf(inventoryKindValues, f.kind);
  const listQuery = {
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(inventorySortValues, search.sort) ?? 'product',
    dir: search.dir,
    q: search.params.q,
    kind,
    organisationId,
  };
  const list = $api.useQuery(
    'get',
    '/api/inventory',
    {
      params: {
        query: listQuery,
      },
    },
    { placeholderData: keepPreviousData },
  );
  const filtered = !!(search.q || organisationId || kind);
  const total = list.data?.total;

  return (
    <>
      <h1>{t('nav.inventory')}</h1>
      <p className="muted">{t('inventory.intro')}</p>
      <div className="panel filters-panel">
        <SearchBox
          label={t('inventory.searchLabel')}
          placeholder={t('inventory.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="inventory-search"
        />
        <div className="filters">
          <Field label={t('inventory.kind.label')}>
            <select
              value={kind ?? ''}
              onChange={(e) => search.set({ filters: { kind: e.target.value || undefined } })}
              data-testid="inventory-kind"
            >
              <option value="">{t('inventory.kind.all')}</option>
              {inventoryKindValues.map((k) => (
                <option key={k} value={k}>
                  {t(`inventory.kind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('inventory.organisation')}>
            <OrgSelect
              tree={tree}
              value={organisationId ?? ''}
              onChange={(org) => search.set({ filters: { org: org || undefined } })}
            />
          </Field>
        </div>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      {total !== undefined && (
        <p className="muted small" data-testid="inventory-count">
          {t('inventory.count', { n: formatNumber(total, i18n.language) })}
        </p>
      )}
      <div className={`panel panel-flush${list.isPlaceholderData ? ' stale' : ''}`}>
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={total}
          search={search}
          loading={list.isFetching}
          testId="inventory-table"
          rowKey={(i) => `${i.kind}:${i.id}`}
          rowTestId={() => 'inventory-row'}
          empty={
            filtered ? (
              <>
                {t('inventory.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => search.set({ q: '', filters: { org: undefined, kind: undefined } })}
                >
                  {t('inventory.clearFilters')}
                </button>
              </>
            ) : (
              <span data-testid="inventory-empty">{t('inventory.empty')}</span>
            )
          }
          exportTo={{ path: '/api/inventory/export', query: listQuery }}
        />
      </div>
    </>
  );
}

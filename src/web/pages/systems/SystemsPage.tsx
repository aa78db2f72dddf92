import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api, queryClient } from '../../api/client.ts';
import {
  type InformationSystem,
  securityLevelValues,
  systemSortValues,
  systemStateFilterValues,
} from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useTableSearch } from '../../lib/tableSearch.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { DossierStateBadge, LevelBadge, PlanProgress } from './SystemBadges.tsx';
import { SystemImport } from './SystemImport.tsx';
import { editPath, systemPath } from './ui.ts';
import './systems.css';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A value read from the URL, kept only when it is one the server accepts. */
const oneOf = <T extends string | number>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((v) => String(v) === value);

type T = (key: string, options?: Record<string, unknown>) => string;

const columns = (t: T): Column<InformationSystem>[] => [
  {
    id: 'name',
    accessorFn: (s) => s.name,
    header: () => t('systems.name'),
    enableSorting: true,
    cell: ({ row }) => (
      <div className="cell-name">
        <a href={systemPath(row.original.id)} onClick={followLink}>
          {row.original.name}
        </a>
        <div className="muted small">{t(`systems.type.${row.original.systemType}`)}</div>
      </div>
    ),
  },
  {
    id: 'code',
    accessorFn: (s) => s.code ?? '',
    header: () => t('systems.field.code'),
    enableSorting: true,
    cell: ({ row }) => <span className="mono small">{row.original.code ?? '—'}</span>,
  },
  {
    id: 'organisation',
    accessorFn: (s) => s.organisationName,
    header: () => t('systems.organisation'),
    enableSorting: true,
  },
  {
    // The aid's suggestion, and the level the latest dossier proposes: one column, so the table fits the page.
    id: 'suggested',
    header: () => t('systems.suggestedProposed'),
    cell: ({ row }) => (
      <span className="level-pair">
        <LevelBadge level={row.original.suggestion.level} />
        <span className="muted">/</span>
        <LevelBadge level={row.original.status.dossier?.level ?? null} />
      </span>
    ),
  },
  {
    id: 'level',
    accessorFn: (s) => s.status.approvedLevel ?? 0,
    header: () => t('systems.approvedLevel'),
    enableSorting: true,
    cell: ({ row }) => <LevelBadge level={row.original.status.approvedLevel} />,
  },
  {
    id: 'state',
    accessorFn: (s) => s.status.dossier?.state ?? '',
    header: () => t('systems.dossierState'),
    enableSorting: true,
    cell: ({ row }) => <DossierStateBadge state={row.original.status.dossier?.state ?? null} />,
  },
  {
    id: 'plan',
    header: () => t('systems.planPercent'),
    cell: ({ row }) => <PlanProgress plan={row.original.status.plan} compact />,
  },
];

/**
 * Hệ thống thông tin: the registry, paged and sorted by the server, searched by name or code and filtered by
 * organisation subtree, approved level and dossier state (all kept in the URL), with import/export.
 */
export function SystemsPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const search = useTableSearch({ sort: 'name' });
  const { tree, error: orgError } = useOrgTree();
  const f = search.filters;
  const organisationId = f.org && UUID.test(f.org) ? f.org : undefined;
  const level = oneOf(securityLevelValues, f.level);
  const state = oneOf(systemStateFilterValues, f.state);
  const listQuery = {
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(systemSortValues, search.sort) ?? 'name',
    dir: search.dir,
    q: search.params.q,
    organisationId,
    level,
    state,
  };
  const list = $api.useQuery(
    'get',
    '/api/systems',
    {
      params: {
        query: listQuery,
      },
    },
    // Others change the list (a dossier decided, systems imported): opening it again reads it again.
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const filtered = !!(search.q || organisationId || level || state);
  const total = list.data?.total;

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.systems')}</h1>
        {can('system.write') && (
          <a className="btn btn-primary" href={editPath()} onClick={followLink} data-testid="system-new">
            {t('systems.register')}
          </a>
        )}
      </div>
      <p className="muted">{t('systems.intro')}</p>
      <div className="filters">
        <SearchBox
          label={t('systems.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="systems-search"
        />
        <Field label={t('systems.organisation')}>
          <OrgSelect
            tree={tree}
            value={organisationId ?? ''}
            onChange={(org) => search.set({ filters: { org: org || undefined } })}
          />
        </Field>
        <Field label={t('systems.filter.level')}>
          <select
            value={level ?? ''}
            onChange={(e) => search.set({ filters: { level: e.target.value || undefined } })}
            data-testid="systems-filter-level"
          >
            <option value="">{t('systems.filter.anyLevel')}</option>
            {securityLevelValues.map((l) => (
              <option key={l} value={l}>
                {t('systems.levelN', { level: l })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('systems.filter.state')}>
          <select
            value={state ?? ''}
            onChange={(e) => search.set({ filters: { state: e.target.value || undefined } })}
            data-testid="systems-filter-state"
          >
            <option value="">{t('systems.filter.anyState')}</option>
            {systemStateFilterValues.map((s) => (
              <option key={s} value={s}>
                {s === 'none' ? t('systems.noDossier') : t(`systems.state.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      {total !== undefined && (
        <p className="muted small" data-testid="systems-count">
          {t('systems.count', { n: formatNumber(total, i18n.language) })}
        </p>
      )}
      <div className="panel panel-flush systems-list">
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={total}
          search={search}
          loading={list.isFetching}
          testId="systems-table"
          rowKey={(s) => s.id}
          empty={
            filtered ? (
              <>
                {t('systems.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => search.set({ q: '', filters: { org: undefined, level: undefined, state: undefined } })}
                >
                  {t('systems.clearFilters')}
                </button>
              </>
            ) : (
              <span data-testid="systems-empty">
                <strong>{t('systems.emptyStart')}</strong>{' '}
                {can('system.write') ? (
                  <>
                    {t('systems.emptyWrite')}{' '}
                    <a href={editPath()} onClick={followLink}>
                      {t('systems.register')}
                    </a>
                  </>
                ) : (
                  t('systems.emptyRead')
                )}
              </span>
            )
          }
          exportTo={{ path: '/api/systems/export', query: listQuery }}
        />
      </div>
      <SystemImport
        canImport={can('system.write')}
        onImported={() => queryClient.invalidateQueries({ queryKey: ['get', '/api/systems'] })}
      />
    </>
  );
}

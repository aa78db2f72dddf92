import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { type Dossier, dossierSortValues, dossierStateFilterValues } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatCalendarDate, formatDate, formatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { DossierStateBadge, LevelBadge } from './SystemBadges.tsx';
import { systemPath } from './ui.ts';
import './systems.css';

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((v) => v === value);

type T = (key: string, options?: Record<string, unknown>) => string;

const columns = (t: T): Column<Dossier>[] => [
  {
    id: 'name',
    accessorFn: (d) => d.systemName,
    header: () => t('systems.name'),
    enableSorting: true,
    cell: ({ row }) => (
      <a className="cell-name" href={systemPath(row.original.systemId, 'dossier')} onClick={followLink}>
        {row.original.systemName}
      </a>
    ),
  },
  {
    id: 'organisation',
    accessorFn: (d) => d.organisationName,
    header: () => t('systems.organisation'),
    enableSorting: true,
  },
  {
    id: 'level',
    accessorFn: (d) => d.level,
    header: () => t('systems.proposedLevel'),
    enableSorting: true,
    cell: ({ row }) => <LevelBadge level={row.original.level} />,
  },
  {
    id: 'state',
    accessorFn: (d) => d.state,
    header: () => t('systems.dossierState'),
    enableSorting: true,
    cell: ({ row }) => (
      <span className="badge-group">
        <DossierStateBadge state={row.original.state} />
        {row.original.overdue && <span className="badge badge-bad">{t('systems.dossier.overdue')}</span>}
      </span>
    ),
  },
  {
    id: 'submitted',
    accessorFn: (d) => d.submittedAt ?? '',
    header: () => t('systems.dossier.submittedAt'),
    enableSorting: true,
    cell: ({ row }) => <span className="nowrap">{formatDate(row.original.submittedAt) || '—'}</span>,
  },
  {
    id: 'appraisalDue',
    header: () => t('systems.dossier.appraisalDue'),
    cell: ({ row }) => <span className="nowrap">{formatCalendarDate(row.original.appraisalDue) || '—'}</span>,
  },
  {
    id: 'approvalDue',
    header: () => t('systems.dossier.approvalDue'),
    cell: ({ row }) => (
      <span className={`nowrap${row.original.overdue ? ' text-bad' : ''}`}>
        {formatCalendarDate(row.original.approvalDue) || '—'}
      </span>
    ),
  },
];

/**
 * Hồ sơ chờ thẩm định: the Department's worklist, paged by the server, the longest waiting first (overdue ones
 * marked), searched by system and filtered by state and organisation, all in the URL.
 */
export function PendingDossiersPage() {
  const { t, i18n } = useTranslation();
  const search = useTableSearch({ sort: 'submitted', dir: 'asc' });
  const { tree, error: orgError } = useOrgTree();
  // No state in the URL: the worklist (submitted or under appraisal); `all`: every state.
  const asked = search.filters.state;
  const state = asked === 'all' ? undefined : (oneOf(dossierStateFilterValues, asked) ?? 'pending');
  const organisationId = search.filters.org && isUuid(search.filters.org) ? search.filters.org : undefined;
  const listQuery = {
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(dossierSortValues, search.sort) ?? 'submitted',
    dir: search.dir,
    q: search.params.q,
    state,
    organisationId,
  };
  const list = $api.useQuery(
    'get',
    '/api/dossiers',
    {
      params: {
        query: listQuery,
      },
    },
    // Others change the list (a dossier decided, systems imported): opening it again reads it again.
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const filtered = !!(search.q || organisationId);
  const total = list.data?.total;

  return (
    <>
      <h1>{t('nav.systemDossiers')}</h1>
      <p className="muted">{t('systems.pending.intro')}</p>
      <div className="filters">
        <SearchBox
          label={t('systems.pending.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="pending-search"
        />
        <Field label={t('systems.dossierState')}>
          <select
            value={asked === 'all' ? 'all' : (state ?? 'pending')}
            onChange={(e) =>
              search.set({ filters: { state: e.target.value === 'pending' ? undefined : e.target.value } })
            }
            data-testid="pending-state"
          >
            <option value="pending">{t('systems.pending.awaiting')}</option>
            {dossierStateFilterValues
              .filter((s) => s !== 'pending')
              .map((s) => (
                <option key={s} value={s}>
                  {t(`systems.state.${s}`)}
                </option>
              ))}
            <option value="all">{t('systems.pending.all')}</option>
          </select>
        </Field>
        <Field label={t('systems.organisation')}>
          <OrgSelect
            tree={tree}
            value={organisationId ?? ''}
            onChange={(org) => search.set({ filters: { org: org || undefined } })}
          />
        </Field>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      {total !== undefined && (
        <p className="muted small" data-testid="pending-count">
          {t('systems.pending.count', { n: formatNumber(total, i18n.language) })}
        </p>
      )}
      <div className="panel panel-flush systems-list">
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={total}
          search={search}
          loading={list.isFetching}
          testId="pending-table"
          rowKey={(d) => d.id}
          rowTestId={() => 'pending-row'}
          empty={
            filtered
              ? t('systems.pending.noMatch')
              : state === 'pending'
                ? t('systems.pending.emptyPending')
                : t('systems.pending.empty')
          }
          exportTo={{ path: '/api/dossiers/export', query: listQuery }}
        />
      </div>
    </>
  );
}

import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import {
  type IncidentRow,
  incidentSeverityValues,
  incidentSortValues,
  incidentStateValues,
} from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { ClockBadge, SeverityBadge, StateBadge } from './IncidentBadges.tsx';
import { incidentEditPath, incidentPath, urgentClock } from './ui.ts';
import './incidents.css';

type T = (key: string, options?: Record<string, unknown>) => string;
/** A value read from the URL, kept only when it is one the server accepts. */
const oneOf = <V extends string>(values: readonly V[], value: string | undefined): V | undefined =>
  values.find((v) => v === value);

const columns = (t: T): Column<IncidentRow>[] => [
  {
    id: 'code',
    header: () => t('incidents.incident'),
    enableSorting: true,
    cell: ({ row }) => (
      <div className="cell-name">
        <a href={incidentPath(row.original.id)} onClick={followLink} data-testid="incident-link">
          {row.original.code}
        </a>
        <div>{row.original.title}</div>
      </div>
    ),
  },
  {
    id: 'organisation',
    header: () => t('incidents.operator'),
    enableSorting: true,
    cell: ({ row }) => (
      <>
        {row.original.organisationName}
        {row.original.affectedOnly && <div className="muted small">{t('incidents.affectedOnly')}</div>}
        {row.original.systemName && <div className="muted small">{row.original.systemName}</div>}
      </>
    ),
  },
  {
    id: 'detectedAt',
    header: () => t('incidents.field.detectedAt'),
    enableSorting: true,
    cell: ({ row }) => <span className="nowrap">{formatDateTime(row.original.detectedAt)}</span>,
  },
  {
    id: 'severity',
    header: () => t('incidents.severity'),
    enableSorting: true,
    cell: ({ row }) => <SeverityBadge severity={row.original.severity} />,
  },
  {
    id: 'state',
    header: () => t('incidents.state'),
    enableSorting: true,
    cell: ({ row }) => <StateBadge state={row.original.state} />,
  },
  {
    id: 'clock',
    header: () => t('incidents.nextClock'),
    cell: ({ row }) => {
      const c = urgentClock(row.original.clocks);
      return c ? <ClockBadge clock={c} withName /> : <span className="muted">—</span>;
    },
  },
];

/** Sự cố: the incidents the user operates or is affected by, paged by the server, filtered in the URL. */
export function IncidentsPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const search = useTableSearch({ sort: 'detectedAt', dir: 'desc' });
  const { tree, error: orgError } = useOrgTree();
  const f = search.filters;
  const organisationId = isUuid(f.org) ? f.org : undefined;
  const state = oneOf(incidentStateValues, f.state);
  const severity = oneOf(incidentSeverityValues, f.severity);
  const listQuery = {
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(incidentSortValues, search.sort) ?? 'detectedAt',
    dir: search.dir,
    q: search.params.q,
    organisationId,
    state,
    severity,
  };
  const list = $api.useQuery(
    'get',
    '/api/incidents',
    {
      params: {
        query: listQuery,
      },
    },
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const filtered = !!(search.q || organisationId || state || severity);
  const total = list.data?.total;

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.incidents')}</h1>
        {can('incident.report') && (
          <a className="btn btn-primary" href={incidentEditPath()} onClick={followLink} data-testid="incident-new">
            {t('incidents.report')}
          </a>
        )}
      </div>
      <p className="muted">{t('incidents.intro')}</p>
      <div className="filters">
        <SearchBox
          label={t('incidents.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="incidents-search"
        />
        <Field label={t('incidents.organisation')}>
          <OrgSelect
            tree={tree}
            value={organisationId ?? ''}
            onChange={(org) => search.set({ filters: { org: org || undefined } })}
          />
        </Field>
        <Field label={t('incidents.state')}>
          <select
            value={state ?? ''}
            onChange={(e) => search.set({ filters: { state: e.target.value || undefined } })}
            data-testid="incidents-filter-state"
          >
            <option value="">{t('incidents.anyState')}</option>
            {incidentStateValues.map((s) => (
              <option key={s} value={s}>
                {t(`incidents.states.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('incidents.severity')}>
          <select
            value={severity ?? ''}
            onChange={(e) => search.set({ filters: { severity: e.target.value || undefined } })}
            data-testid="incidents-filter-severity"
          >
            <option value="">{t('incidents.anySeverity')}</option>
            {incidentSeverityValues.map((s) => (
              <option key={s} value={s}>
                {t(`incidents.severities.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      {total !== undefined && (
        <p className="muted small" data-testid="incidents-count">
          {t('incidents.count', { n: formatNumber(total, i18n.language) })}
        </p>
      )}
      <div className="panel panel-flush">
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={total}
          search={search}
          loading={list.isFetching}
          testId="incidents-table"
          rowKey={(i) => i.id}
          empty={
            filtered ? (
              <>
                {t('incidents.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    search.set({ q: '', filters: { org: undefined, state: undefined, severity: undefined } })
                  }
                >
                  {t('incidents.clearFilters')}
                </button>
              </>
            ) : (
              <span data-testid="incidents-empty">{t('incidents.empty')}</span>
            )
          }
          exportTo={{ path: '/api/incidents/export', query: listQuery }}
        />
      </div>
    </>
  );
}

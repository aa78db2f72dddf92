import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import {
  type Advisory,
  advisorySeverityValues,
  advisorySortValues,
  advisoryStateValues,
} from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { KevBadge, SeverityBadge } from '../../components/VulnBadges.tsx';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useTableSearch } from '../../lib/tableSearch.ts';
import { ProgressBars, StateBadge } from './AdvisoryBadges.tsx';
import { ADVISORY_IMPORT_PATH, advisoryEditPath, advisoryPath } from './ui.ts';
import './advisories.css';

type T = (key: string, options?: Record<string, unknown>) => string;
/** A value read from the URL, kept only when it is one the server accepts. */
const oneOf = <V extends string>(values: readonly V[], value: string | undefined): V | undefined =>
  values.find((v) => v === value);
const FILTERS = ['state', 'severity', 'knownExploited', 'late'] as const;

const columns = (t: T): Column<Advisory>[] => [
  {
    id: 'severity',
    header: () => t('advisories.severity'),
    enableSorting: true,
    cell: ({ row }) => <SeverityBadge severity={row.original.severity} />,
  },
  {
    id: 'title',
    header: () => t('advisories.advisory'),
    enableSorting: true,
    cell: ({ row }) => {
      const a = row.original;
      return (
        <div className="cell-name">
          <a href={advisoryPath(a.id)} onClick={followLink} data-testid="advisory-link">
            {a.title}
          </a>{' '}
          {a.knownExploited.length > 0 && <KevBadge />}
          <div className="muted small">
            {[a.sourceNumber, a.sourceBody].filter(Boolean).join(' · ')}
            {a.cves.length > 0 && (
              <span className="mono">
                {' · '}
                {a.cves.slice(0, 3).join(', ')}
                {a.cves.length > 3 ? ` +${a.cves.length - 3}` : ''}
              </span>
            )}
          </div>
        </div>
      );
    },
  },
  {
    id: 'issuedOn',
    header: () => t('advisories.issuedOn'),
    enableSorting: true,
    cell: ({ row }) => <span className="nowrap">{formatCalendarDate(row.original.issuedOn) || '—'}</span>,
  },
  {
    id: 'state',
    header: () => t('advisories.state'),
    enableSorting: true,
    cell: ({ row }) => <StateBadge state={row.original.state} />,
  },
  {
    id: 'progress',
    header: () => t('advisories.progress.title'),
    cell: ({ row }) => {
      const p = row.original.progress;
      return (
        <div data-testid="advisory-row-progress">
          <ProgressBars progress={p} compact />
          {p.late > 0 && (
            <div className="small text-bad" data-testid="advisory-row-late">
              {t('advisories.lateCount', { n: p.late })}
            </div>
          )}
        </div>
      );
    },
  },
];

/**
 * Cảnh báo: the advisories the user may see (an agency: those that concern it, with its own progress), paged by the
 * server, filtered in the URL. The Department enters one by hand or imports CSAF / CVE files from here.
 */
export function AdvisoriesPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const search = useTableSearch({ sort: 'createdAt', dir: 'desc' });
  const f = search.filters;
  const state = oneOf(advisoryStateValues, f.state);
  const severity = oneOf(advisorySeverityValues, f.severity);
  const flag = (name: string) => (f[name] === 'true' ? ('true' as const) : undefined);
  const listQuery = {
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(advisorySortValues, search.sort) ?? 'createdAt',
    dir: search.dir,
    q: search.params.q,
    state,
    severity,
    knownExploited: flag('knownExploited'),
    late: flag('late'),
  };
  const list = $api.useQuery(
    'get',
    '/api/advisories',
    {
      params: {
        query: listQuery,
      },
    },
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const filtered = !!search.q || FILTERS.some((k) => f[k]);
  const total = list.data?.total;
  const setFilter = (name: string, value: string | undefined) => search.set({ filters: { [name]: value } });

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.advisories')}</h1>
        {can('advisory.write') && (
          <div className="actions">
            <a className="btn btn-primary" href={advisoryEditPath()} onClick={followLink} data-testid="advisory-new">
              {t('advisories.new')}
            </a>
            <a className="btn" href={ADVISORY_IMPORT_PATH} onClick={followLink} data-testid="advisory-import">
              {t('advisories.importFiles')}
            </a>
          </div>
        )}
      </div>
      <p className="muted">{t(can('advisory.write') ? 'advisories.intro' : 'advisories.introAgency')}</p>
      <div className="panel filters-panel">
        <SearchBox
          label={t('advisories.searchLabel')}
          placeholder={t('advisories.searchPlaceholder')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="advisories-search"
        />
        <div className="filters filters-wrap">
          <Field label={t('advisories.state')}>
            <select
              value={state ?? ''}
              onChange={(e) => setFilter('state', e.target.value || undefined)}
              data-testid="advisories-filter-state"
            >
              <option value="">{t('advisories.anyState')}</option>
              {advisoryStateValues.map((s) => (
                <option key={s} value={s}>
                  {t(`advisories.states.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('advisories.severity')}>
            <select
              value={severity ?? ''}
              onChange={(e) => setFilter('severity', e.target.value || undefined)}
              data-testid="advisories-filter-severity"
            >
              <option value="">{t('advisories.anySeverity')}</option>
              {advisorySeverityValues.map((s) => (
                <option key={s} value={s}>
                  {t(`vuln.severity.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <div className="filter-checks">
            {(['knownExploited', 'late'] as const).map((name) => (
              <label key={name} className="check">
                <input
                  type="checkbox"
                  checked={f[name] === 'true'}
                  onChange={(e) => setFilter(name, e.target.checked ? 'true' : undefined)}
                  data-testid={`advisories-filter-${name}`}
                />
                {t(`advisories.only.${name}`)}
              </label>
            ))}
          </div>
        </div>
      </div>
      <ErrorMessage error={list.error} />
      {total !== undefined && (
        <p className="muted small" data-testid="advisories-count">
          {t('advisories.count', { n: formatNumber(total, i18n.language) })}
        </p>
      )}
      <div className={`panel panel-flush${list.isPlaceholderData ? ' stale' : ''}`}>
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={total}
          search={search}
          loading={list.isFetching}
          testId="advisories-table"
          rowKey={(a) => a.id}
          rowTestId={() => 'advisory-row'}
          empty={
            filtered ? (
              <span data-testid="advisories-empty">
                {t('advisories.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => search.set({ q: '', filters: Object.fromEntries(FILTERS.map((k) => [k, undefined])) })}
                >
                  {t('advisories.clearFilters')}
                </button>
              </span>
            ) : (
              <span data-testid="advisories-empty">
                {t(can('advisory.write') ? 'advisories.empty' : 'advisories.emptyAgency')}
              </span>
            )
          }
          exportTo={{ path: '/api/advisories/export', query: listQuery }}
        />
      </div>
    </>
  );
}

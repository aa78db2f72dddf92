import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import {
  type SocFinding,
  type SocFindingKind,
  socFindingSortValues,
  socFindingStatusValues,
  socOriginValues,
} from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { PeriodPicker } from '../../components/PeriodPicker.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { usePeriodSearch } from '../../lib/usePeriodSearch.ts';
import { FindingBadges, TriageBadge } from './SocBadges.tsx';
import { SocFindingDetail } from './SocFindingDetail.tsx';
import { SocNoData } from './SocNoData.tsx';
import { otherOrganisations } from './socUi.ts';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A value read from the URL, kept only when it is one the server accepts. */
const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  (values as readonly string[]).includes(value ?? '') ? (value as T) : undefined;

/** Nguồn rà quét: the addresses that scanned the province's networks. */
export const SocScannersPage = () => <SocFindingsPage kind="scanner" />;
/** Kết nối độc hại: hosts that talked to servers listed in threat intelligence. */
export const SocContactsPage = () => <SocFindingsPage kind="malicious_contact" />;

/**
 * One list for both kinds of SOC finding, paged, sorted and searched by the server, filtered by period,
 * organisation, triage status and network; all of it lives in the URL (the dashboard links here with its period
 * and organisation). A row opens the panel that explains the detection (`?finding=<id>`).
 */
function SocFindingsPage({ kind }: { kind: SocFindingKind }) {
  const { t } = useTranslation();
  const { period, organisationId, setPeriod, setOrganisationId, search } = usePeriodSearch({
    size: PAGE_SIZE,
    sort: 'lastSeen',
    dir: 'desc',
  });
  const { tree, error: orgError } = useOrgTree();
  const status = oneOf(socFindingStatusValues, search.filters.status);
  const origin = oneOf(socOriginValues, search.filters.origin);
  const selectedId = search.filters.finding ?? null;
  const scanner = kind === 'scanner';
  const listQuery = {
    kind,
    from: period.from,
    to: period.to,
    organisationId: UUID.test(organisationId) ? organisationId : undefined,
    status,
    origin,
    q: search.params.q,
    sort: oneOf(socFindingSortValues, search.sort) ?? 'lastSeen',
    dir: search.dir,
    limit: search.params.limit,
    offset: search.params.offset,
  };
  const list = $api.useQuery(
    'get',
    '/api/soc/findings',
    {
      params: {
        query: listQuery,
      },
    },
    { placeholderData: keepPreviousData },
  );
  const empty = list.data?.total === 0;
  // Only an empty list asks whether anything was ever ingested (a fresh install says so, not "no finding").
  const summary = $api.useQuery('get', '/api/soc/summary', { params: { query: period } }, { enabled: empty });
  const filtered = !!(status || origin || search.q || organisationId);
  const open = (id: string | null) => search.set({ filters: { finding: id ?? undefined }, page: search.page });
  const selected = list.data?.items.find((f) => f.id === selectedId);

  return (
    <>
      <h1>{t(scanner ? 'nav.socScanners' : 'nav.socContacts')}</h1>
      <p className="muted">{t(scanner ? 'soc.scannersHint' : 'soc.contactsHint')}</p>
      <div className="panel filters-panel" data-testid="soc-filters">
        <PeriodPicker value={period} onChange={setPeriod} />
        <div className="filters">
          <SearchBox
            label={t(scanner ? 'soc.search' : 'soc.searchContacts')}
            value={search.q}
            onSearch={(q) => search.set({ q })}
            testId="soc-search"
          />
          <Field label={t('soc.organisation')}>
            <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} />
          </Field>
          <Field label={t('soc.statusLabel')}>
            <select
              value={status ?? ''}
              onChange={(e) => search.set({ filters: { status: e.target.value || undefined } })}
              data-testid="soc-filter-status"
            >
              <option value="">{t('soc.allStatuses')}</option>
              {socFindingStatusValues.map((s) => (
                <option key={s} value={s}>
                  {t(`soc.triage.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('soc.origin.label')}>
            <select
              value={origin ?? ''}
              onChange={(e) => search.set({ filters: { origin: e.target.value || undefined } })}
              data-testid="soc-filter-origin"
            >
              <option value="">{t('soc.origin.all')}</option>
              {socOriginValues.map((o) => (
                <option key={o} value={o}>
                  {t(`soc.origin.${o}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      {list.data && list.data.total > 0 && (
        <p className="muted small" data-testid="soc-findings-total">
          {t(scanner ? 'soc.totalScanners' : 'soc.totalContacts', { count: list.data.total })}
        </p>
      )}
      <div className={`panel panel-flush${list.isPlaceholderData ? ' stale' : ''}`}>
        <DataTable
          columns={scanner ? scannerColumns(t) : contactColumns(t)}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId="soc-findings-table"
          rowKey={(f) => f.id}
          rowTestId={() => 'soc-finding-row'}
          onRowClick={(f) => open(f.id)}
          selectedKey={selectedId}
          empty={
            summary.data?.ingested === false ? (
              <SocNoData />
            ) : (
              <span data-testid="soc-findings-empty">{t(filtered ? 'soc.noMatch' : 'soc.noFindings')}</span>
            )
          }
          exportTo={{ path: '/api/soc/findings/export', query: listQuery }}
        />
      </div>
      {selectedId && <SocFindingDetail id={selectedId} row={selected} onClose={() => open(null)} />}
    </>
  );
}

/** The search field: sent on Enter or with the button, so each keystroke does not query the server. */
type T = (key: string, options?: Record<string, unknown>) => string;

const ipColumn = (t: T): Column<SocFinding> => ({
  id: 'ip',
  accessorFn: (f) => f.ip,
  header: () => t('soc.ip'),
  enableSorting: true,
  // A real button so the row opens from the keyboard too (the row's click handler opens it).
  cell: ({ row }) => (
    <button type="button" className="link link-plain mono">
      {row.original.ip}
    </button>
  ),
});

const organisationColumn = (t: T): Column<SocFinding> => ({
  id: 'organisation',
  accessorFn: (f) => f.organisationName ?? f.organisations[0]?.name ?? '',
  header: () => t('soc.organisation'),
  enableSorting: true,
  cell: ({ row }) => <OrganisationCell finding={row.original} />,
});

const timeColumns = (t: T): Column<SocFinding>[] => [
  {
    id: 'firstSeen',
    accessorFn: (f) => f.firstSeen,
    header: () => t('soc.firstSeen'),
    enableSorting: true,
    sortDescFirst: true,
    cell: ({ row }) => <span className="nowrap small">{formatDateTime(row.original.firstSeen)}</span>,
  },
  {
    id: 'lastSeen',
    accessorFn: (f) => f.lastSeen,
    header: () => t('soc.lastSeen'),
    enableSorting: true,
    sortDescFirst: true,
    cell: ({ row }) => <span className="nowrap small">{formatDateTime(row.original.lastSeen)}</span>,
  },
  {
    id: 'status',
    accessorFn: (f) => f.status,
    header: () => t('soc.statusLabel'),
    enableSorting: true,
    cell: ({ row }) => <TriageBadge status={row.original.status} />,
  },
];

function scannerColumns(t: T): Column<SocFinding>[] {
  return [
    ipColumn(t),
    {
      id: 'kind',
      header: () => t('soc.kindLabel'),
      cell: ({ row }) => (
        <span className="badges">
          <FindingBadges finding={row.original} />
        </span>
      ),
    },
    organisationColumn(t),
    {
      id: 'count',
      accessorFn: (f) => f.count,
      header: () => t('soc.columns.attempts'),
      enableSorting: true,
      sortDescFirst: true,
      cell: ({ row }) => {
        const f = row.original;
        return f.count == null ? (
          '—'
        ) : (
          <span className="small">{t(f.sweptOnly ? 'soc.ownAttempts' : 'soc.attempts', { count: f.count })}</span>
        );
      },
    },
    {
      id: 'targets',
      accessorFn: (f) => f.distinctTargets,
      header: () => t('soc.columns.targets'),
      enableSorting: true,
      sortDescFirst: true,
      cell: ({ row }) => {
        const f = row.original;
        return f.distinctTargets == null ? (
          <span className="muted">—</span>
        ) : (
          <span className="small muted">
            {t('soc.targets', { count: f.distinctTargets })} · {t('soc.ports', { count: f.distinctPorts ?? 0 })}
          </span>
        );
      },
    },
    ...timeColumns(t),
  ];
}

function contactColumns(t: T): Column<SocFinding>[] {
  return [
    ipColumn(t),
    {
      id: 'indicator',
      accessorFn: (f) => f.indicator,
      header: () => t('soc.indicator'),
      enableSorting: true,
      cell: ({ row }) => (
        <>
          <div className="mono small break">{row.original.indicator}</div>
          <span className="badges">
            <FindingBadges finding={row.original} />
          </span>
        </>
      ),
    },
    organisationColumn(t),
    {
      id: 'count',
      accessorFn: (f) => f.count,
      header: () => t('soc.columns.events'),
      enableSorting: true,
      sortDescFirst: true,
      cell: ({ row }) =>
        row.original.count == null ? (
          '—'
        ) : (
          <span className="small">{t('soc.events', { count: row.original.count })}</span>
        ),
    },
    ...timeColumns(t),
  ];
}

/** The attributed organisation, then (for a scanner) the other organisations it swept that the viewer may see. */
function OrganisationCell({ finding }: { finding: SocFinding }) {
  const { t } = useTranslation();
  const others = otherOrganisations(finding);
  if (!finding.organisationName && others.length === 0) return <span className="muted">{t('soc.unattributed')}</span>;
  return (
    <>
      {finding.organisationName && <div>{finding.organisationName}</div>}
      {others.length > 0 && (
        <div className="small muted" data-testid="soc-swept">
          {t(finding.organisationName ? 'soc.alsoSwept' : 'soc.swept', { organisations: others.join(', ') })}
        </div>
      )}
    </>
  );
}

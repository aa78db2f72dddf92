import './vuln.css';
import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import {
  type paths,
  scannerValues,
  type VulnFindingRow,
  vulnFindingSortValues,
  vulnFindingStatusFilterValues,
  vulnFindingStatusValues,
  vulnSeverityValues,
} from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { KevBadge, SeverityBadge, StatusBadge } from '../../components/VulnBadges.tsx';
import { formatDate, useFormatNumber } from '../../lib/format.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { FindingDetail } from './FindingDetail.tsx';
import { NoScans } from './NoScans.tsx';
import { oneOf, SCANNER_LABELS } from './vulnUi.ts';
import { CweLinks, siteOrigin } from './websiteUi.tsx';

const PAGE_SIZE = 50;
/** Filters kept in the URL besides paging, sorting, search and the open panel (`finding`). */
const FILTERS = [
  'status',
  'severity',
  'organisationId',
  'subject',
  'scanner',
  'knownExploited',
  'overdue',
  'pendingApproval',
];
/** Links narrow the list to one computer or website; `host` and `site` only label the filter. */
const SUBJECT_LINKS = ['computerId', 'host', 'websiteId', 'site'];
type Subject = NonNullable<
  NonNullable<paths['/api/vulnerabilities/findings']['get']['parameters']['query']>['subject']
>;
const SUBJECTS = ['computers', 'websites'] as const satisfies readonly Subject[];

/**
 * Lỗ hổng: findings to work on, on computers and on websites, paged, sorted, searched (IP, host name, CVE, name) and
 * filtered by the server; all of it in the URL, so a computer's, a website's or the dashboard's link opens the list
 * narrowed. A row opens its detail panel with the remediation actions (`?finding=<id>`).
 */
export function FindingsPage() {
  const { t } = useTranslation();
  const search = useTableSearch({ size: PAGE_SIZE, sort: 'severity', dir: 'desc' });
  const f = search.filters;
  const { tree, error: orgError } = useOrgTree();
  // No status in the URL: what still needs work (open, or fixed and awaiting the next scan).
  const status = f.status === 'all' ? undefined : (oneOf(vulnFindingStatusFilterValues, f.status) ?? 'active');
  const computerId = isUuid(f.computerId ?? '') ? f.computerId : undefined;
  const websiteId = isUuid(f.websiteId ?? '') ? f.websiteId : undefined;
  const subject = oneOf(SUBJECTS, f.subject);
  const organisationId = isUuid(f.organisationId ?? '') ? f.organisationId : undefined;
  const flag = (name: string) => (f[name] === 'true' ? ('true' as const) : undefined);
  const listQuery = {
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(vulnFindingSortValues, search.sort),
    dir: search.dir,
    q: search.params.q,
    status,
    severity: oneOf(vulnSeverityValues, f.severity),
    organisationId,
    computerId,
    websiteId,
    subject,
    scanner: oneOf(scannerValues, f.scanner),
    knownExploited: flag('knownExploited'),
    overdue: flag('overdue'),
    pendingApproval: flag('pendingApproval'),
  };
  const list = $api.useQuery(
    'get',
    '/api/vulnerabilities/findings',
    {
      params: {
        query: listQuery,
      },
    },
    { placeholderData: keepPreviousData },
  );
  const filtered = !!search.q || FILTERS.some((k) => f[k]) || !!computerId || !!websiteId;
  const setFilter = (name: string, value: string | undefined) => search.set({ filters: { [name]: value } });
  const selectedId = f.finding ?? null;
  const open = (id: string | null) => search.set({ filters: { finding: id ?? undefined }, page: search.page });
  const total = list.data?.total;
  const columns = useColumns(open, subject);

  return (
    <>
      <h1>{t('nav.vulnFindings')}</h1>
      <div className="panel filters-panel" data-testid="finding-filters">
        <SearchBox
          label={t('vuln.search.label')}
          placeholder={t('vuln.search.findings')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="finding-search"
        />
        <div className="filters filters-wrap">
          <Field label={t('vuln.statusLabel')}>
            <select
              value={f.status === 'all' ? 'all' : (status ?? 'active')}
              onChange={(e) => setFilter('status', e.target.value === 'active' ? undefined : e.target.value)}
              data-testid="filter-status"
            >
              <option value="active">{t('vuln.status.active')}</option>
              {vulnFindingStatusValues.map((s) => (
                <option key={s} value={s}>
                  {t(`vuln.status.${s}`)}
                </option>
              ))}
              <option value="all">{t('vuln.allStatuses')}</option>
            </select>
          </Field>
          <Field label={t('vuln.severityLabel')}>
            <select
              value={oneOf(vulnSeverityValues, f.severity) ?? ''}
              onChange={(e) => setFilter('severity', e.target.value || undefined)}
              data-testid="filter-severity"
            >
              <option value="">{t('vuln.allSeverities')}</option>
              {vulnSeverityValues.map((s) => (
                <option key={s} value={s}>
                  {t(`vuln.severity.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('vuln.organisation')}>
            <OrgSelect
              tree={tree}
              value={organisationId ?? ''}
              onChange={(id) => setFilter('organisationId', id || undefined)}
            />
          </Field>
          <Field label={t('vuln.subjectLabel')}>
            <select
              value={subject ?? ''}
              onChange={(e) => setFilter('subject', e.target.value || undefined)}
              data-testid="filter-subject"
            >
              <option value="">{t('vuln.allSubjects')}</option>
              {SUBJECTS.map((s) => (
                <option key={s} value={s}>
                  {t(`vuln.subject.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('vuln.scanner')}>
            <select
              value={oneOf(scannerValues, f.scanner) ?? ''}
              onChange={(e) => setFilter('scanner', e.target.value || undefined)}
              data-testid="filter-scanner"
            >
              <option value="">{t('vuln.allScanners')}</option>
              {scannerValues.map((s) => (
                <option key={s} value={s}>
                  {SCANNER_LABELS[s]}
                </option>
              ))}
            </select>
          </Field>
          <div className="filter-checks">
            {(
              [
                ['knownExploited', 'vuln.knownExploitedOnly'],
                ['overdue', 'vuln.overdueOnly'],
                ['pendingApproval', 'vuln.pendingOnly'],
              ] as const
            ).map(([name, label]) => (
              <label key={name} className="check">
                <input
                  type="checkbox"
                  checked={f[name] === 'true'}
                  onChange={(e) => setFilter(name, e.target.checked ? 'true' : undefined)}
                  data-testid={`filter-${name}`}
                />
                {t(label)}
              </label>
            ))}
          </div>
        </div>
      </div>
      {computerId && (
        <div className="chip" data-testid="computer-filter">
          {t('vuln.onComputer', { host: f.host || computerId })}
          <button
            type="button"
            className="link"
            onClick={() => search.set({ filters: { computerId: undefined, host: undefined } })}
          >
            {t('vuln.clearFilter')}
          </button>
        </div>
      )}
      {websiteId && (
        <div className="chip chip-break" data-testid="website-filter">
          <span className="break">{t('vuln.onWebsite', { site: f.site || websiteId })}</span>
          <button
            type="button"
            className="link"
            onClick={() => search.set({ filters: { websiteId: undefined, site: undefined } })}
          >
            {t('vuln.clearFilter')}
          </button>
        </div>
      )}
      <ErrorMessage error={list.error ?? orgError} />
      <div className={`panel panel-flush${list.isPlaceholderData ? ' stale' : ''}`}>
        <DataTable
          columns={columns}
          rows={list.data?.items}
          total={total}
          search={search}
          loading={list.isFetching}
          testId="findings-table"
          rowKey={(r) => r.finding.id}
          rowTestId={() => 'finding-row'}
          onRowClick={(r) => open(r.finding.id)}
          selectedKey={selectedId}
          empty={
            filtered ? (
              <span data-testid="findings-empty">
                {t('vuln.empty.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    search.set({
                      q: '',
                      filters: Object.fromEntries([...FILTERS, ...SUBJECT_LINKS].map((k) => [k, undefined])),
                    })
                  }
                >
                  {t('vuln.empty.clearFilters')}
                </button>
              </span>
            ) : (
              <NoScans what={t('vuln.empty.noActive')} />
            )
          }
          exportTo={{ path: '/api/vulnerabilities/findings/export', query: listQuery }}
        />
      </div>
      {selectedId && isUuid(selectedId) && <FindingDetail id={selectedId} onClose={() => open(null)} />}
    </>
  );
}

/** The findings table's columns; `id` is the server's sort key on sortable ones (which need an accessor). */
function useColumns(open: (id: string) => void, subject: Subject | undefined): Column<VulnFindingRow>[] {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return [
    {
      id: 'severity',
      accessorFn: (r) => r.finding.severity,
      header: () => t('vuln.severityLabel'),
      enableSorting: true,
      cell: ({ row }) => <SeverityBadge severity={row.original.finding.severity} />,
    },
    {
      id: 'name',
      accessorFn: (r) => r.finding.name,
      header: () => t('vuln.name'),
      enableSorting: true,
      cell: ({ row }) => {
        const f = row.original.finding;
        return (
          <div className="cell-name">
            {/* A real button so the row opens from the keyboard too. */}
            <button
              type="button"
              className="link link-plain"
              onClick={(e) => {
                e.stopPropagation();
                open(f.id);
              }}
            >
              {f.name}
            </button>{' '}
            {f.knownExploited && <KevBadge />}
            <div className="muted small">
              {f.websiteId ? <span className="break">{f.location}</span> : `${f.port}/${f.protocol}`}
            </div>
          </div>
        );
      },
    },
    {
      id: 'cve',
      accessorFn: (r) => r.finding.cves[0] ?? '',
      header: () => (subject === 'computers' ? t('vuln.cve') : t('vuln.cveCwe')),
      enableSorting: true,
      cell: ({ row }) => {
        const { cves, cwes } = row.original.finding;
        if (!cves.length && !cwes.length) return '—';
        return (
          <div className="small">
            {cves.slice(0, 2).map((c) => (
              <div key={c} className="nowrap mono">
                {c}
              </div>
            ))}
            {cves.length > 2 && <div className="muted">+{format(cves.length - 2)}</div>}
            {cwes.length > 0 && (
              <div>
                <CweLinks cwes={cwes} max={2} />
              </div>
            )}
          </div>
        );
      },
    },
    {
      id: 'cvss',
      accessorFn: (r) => r.finding.cvss3Score ?? r.finding.cvss2Score,
      header: () => t('vuln.cvss'),
      enableSorting: true,
      cell: ({ row }) => {
        const score = row.original.finding.cvss3Score ?? row.original.finding.cvss2Score;
        return <span className="num">{score === null ? '—' : format(score)}</span>;
      },
    },
    {
      id: 'ip',
      accessorFn: (r) => r.ip ?? r.website ?? '',
      header: () => (subject ? t(`vuln.subject.${subject}`) : t('vuln.subjectLabel')),
      enableSorting: true,
      cell: ({ row }) =>
        row.original.website ? (
          <span className="mono small nowrap" data-testid="finding-website">
            {siteOrigin(row.original.website)}
          </span>
        ) : (
          <>
            <span className="mono">{row.original.ip}</span>
            {row.original.hostname && <div className="muted small">{row.original.hostname}</div>}
          </>
        ),
    },
    {
      id: 'organisation',
      accessorFn: (r) => r.organisationName ?? '',
      header: () => t('vuln.organisation'),
      enableSorting: true,
      cell: ({ row }) => row.original.organisationName ?? <span className="muted">{t('vuln.unattributed')}</span>,
    },
    {
      id: 'status',
      accessorFn: (r) => r.finding.status,
      header: () => t('vuln.statusLabel'),
      enableSorting: true,
      cell: ({ row }) => (
        <StatusBadge status={row.original.finding.status} requested={row.original.finding.requestedStatus} />
      ),
    },
    {
      id: 'dueAt',
      accessorFn: (r) => r.dueAt,
      header: () => t('vuln.dueAt'),
      enableSorting: true,
      cell: ({ row }) => (
        <span
          className={`nowrap${row.original.overdue ? ' text-bad' : ''}`}
          data-overdue={row.original.overdue || undefined}
        >
          {formatDate(row.original.dueAt)}
        </span>
      ),
    },
    {
      id: 'lastSeen',
      accessorFn: (r) => r.finding.lastSeen,
      header: () => t('vuln.lastSeenAt'),
      enableSorting: true,
      cell: ({ row }) => <span className="nowrap small">{formatDate(row.original.finding.lastSeen)}</span>,
    },
  ];
}

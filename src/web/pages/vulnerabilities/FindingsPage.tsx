import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { Pager } from '../../components/Pager.tsx';
import { KevBadge, SeverityBadge, StatusBadge } from '../../components/VulnBadges.tsx';
import { api, query } from '../../lib/api.ts';
import { formatDate } from '../../lib/format.ts';
import { navigate, useSearch } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { FINDING_STATUSES, type FindingRow, isOverdue, SEVERITIES } from '../../lib/vuln.ts';
import { FindingDetail } from './FindingDetail.tsx';

const LIMIT = 100;
type Filters = { status: string; severity: string; organisationId: string; overdue: boolean; pendingApproval: boolean };

/** Lỗ hổng: findings to work on, filtered; a row opens its detail panel with the remediation actions. */
export function FindingsPage() {
  const { t } = useTranslation();
  const search = useSearch();
  // A computer's link carries its id (for the API) and its address (to show what the list is narrowed to).
  const computerId = search.get('computerId') ?? '';
  const host = search.get('host') ?? '';
  const [filters, setFilters] = useState<Filters>({
    status: search.get('status') ?? 'active',
    severity: '',
    organisationId: '',
    overdue: false,
    pendingApproval: search.get('pendingApproval') === 'true',
  });
  const [offset, setOffset] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const { tree, error: orgError } = useOrgTree();
  const list = useLoad(
    () =>
      api<FindingRow[]>(
        'GET',
        `/api/vulnerabilities/findings${query({ ...filters, computerId, limit: LIMIT, offset })}`,
      ),
    [JSON.stringify(filters), computerId, offset],
  );
  const selected = list.data?.find((r) => r.finding.id === selectedId);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setOffset(0);
    setFilters((f) => ({ ...f, [key]: value }));
  };

  return (
    <>
      <h1>{t('nav.vulnFindings')}</h1>
      <div className="filters filters-wrap" data-testid="finding-filters">
        <Field label={t('vuln.statusLabel')}>
          <select value={filters.status} onChange={(e) => set('status', e.target.value)}>
            <option value="active">{t('vuln.status.active')}</option>
            {FINDING_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`vuln.status.${s}`)}
              </option>
            ))}
            <option value="">{t('vuln.allStatuses')}</option>
          </select>
        </Field>
        <Field label={t('vuln.severityLabel')}>
          <select value={filters.severity} onChange={(e) => set('severity', e.target.value)}>
            <option value="">{t('vuln.allSeverities')}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`vuln.severity.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('vuln.organisation')}>
          <OrgSelect tree={tree} value={filters.organisationId} onChange={(id) => set('organisationId', id)} />
        </Field>
        <div className="filter-checks">
          <label className="check">
            <input type="checkbox" checked={filters.overdue} onChange={(e) => set('overdue', e.target.checked)} />
            {t('vuln.overdueOnly')}
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={filters.pendingApproval}
              onChange={(e) => set('pendingApproval', e.target.checked)}
            />
            {t('vuln.pendingOnly')}
          </label>
        </div>
      </div>
      {computerId && (
        <div className="chip" data-testid="computer-filter">
          {t('vuln.onComputer', { host: host || computerId })}
          <button type="button" className="link" onClick={() => navigate('/vulnerabilities/findings')}>
            {t('vuln.clearFilter')}
          </button>
        </div>
      )}
      <ErrorMessage error={list.error ?? orgError} />
      <div className="panel panel-flush">
        <table className="table table-clickable" data-testid="findings-table">
          <thead>
            <tr>
              <th>{t('vuln.severityLabel')}</th>
              <th>{t('vuln.name')}</th>
              <th>{t('vuln.computer')}</th>
              <th>{t('vuln.organisation')}</th>
              <th>{t('vuln.statusLabel')}</th>
              <th>{t('vuln.dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={list.data?.length === 0} colSpan={6}>
              {t('vuln.noFindings')}
            </EmptyRow>
            {list.data?.map((r) => (
              <tr
                key={r.finding.id}
                className={r.finding.id === selectedId ? 'row-open' : undefined}
                onClick={() => setSelectedId(r.finding.id)}
              >
                <td>
                  <SeverityBadge severity={r.finding.severity} />
                </td>
                <td className="cell-name">
                  {/* A real button so the row opens from the keyboard too. */}
                  <button type="button" className="link link-plain" onClick={() => setSelectedId(r.finding.id)}>
                    {r.finding.name}
                  </button>{' '}
                  {r.finding.knownExploited && <KevBadge />}
                  <div className="muted small">
                    {r.finding.port}/{r.finding.protocol}
                    {r.finding.cves.length > 0 && ` · ${r.finding.cves.slice(0, 3).join(', ')}`}
                    {r.finding.cves.length > 3 && ` +${r.finding.cves.length - 3}`}
                  </div>
                </td>
                <td>
                  <span className="mono">{r.ip}</span>
                  {r.hostname && <div className="muted small">{r.hostname}</div>}
                </td>
                <td>{r.organisationName ?? <span className="muted">{t('vuln.unattributed')}</span>}</td>
                <td>
                  <StatusBadge status={r.finding.status} requested={r.finding.requestedStatus} />
                </td>
                <td className={`nowrap${isOverdue(r) ? ' text-bad' : ''}`} data-overdue={isOverdue(r) || undefined}>
                  {formatDate(r.dueAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected && <FindingDetail row={selected} onClose={() => setSelectedId(null)} onChanged={list.reload} />}
      <Pager offset={offset} limit={LIMIT} shown={list.data?.length ?? 0} onChange={setOffset} />
    </>
  );
}

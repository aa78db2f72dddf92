import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { Pager } from '../../components/Pager.tsx';
import { PeriodPicker } from '../../components/PeriodPicker.tsx';
import { api, query } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { lastSixMonths, type Period } from '../../lib/period.ts';
import { useSearch } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { FindingBadges, TriageBadge } from './SocBadges.tsx';
import { SocFindingDetail } from './SocFindingDetail.tsx';
import { otherOrganisations, SOC_TRIAGE, type SocFinding, type SocKind } from './soc.ts';

const LIMIT = 100;
const YMD = /^\d{4}-\d{2}-\d{2}$/;

/** Nguồn rà quét: the addresses that scanned the province's networks. */
export const SocScannersPage = () => <SocFindingsPage kind="scanner" />;
/** Kết nối độc hại: hosts that talked to servers listed in threat intelligence. */
export const SocContactsPage = () => <SocFindingsPage kind="malicious_contact" />;

/**
 * One list for both kinds of SOC finding, filtered by period, organisation and triage status; the dashboard links
 * here with its period and organisation in the URL. A row opens the panel that explains the detection.
 */
function SocFindingsPage({ kind }: { kind: SocKind }) {
  const { t } = useTranslation();
  const search = useSearch();
  const [period, setPeriod] = useState<Period>(() => {
    const from = search.get('from') ?? '';
    const to = search.get('to') ?? '';
    return YMD.test(from) && YMD.test(to) ? { from, to } : lastSixMonths();
  });
  const [organisationId, setOrganisationId] = useState(search.get('organisationId') ?? '');
  const [status, setStatus] = useState(search.get('status') ?? '');
  const [offset, setOffset] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const { tree, error: orgError } = useOrgTree();
  const list = useLoad(
    () =>
      api<SocFinding[]>(
        'GET',
        `/api/soc/findings${query({ kind, ...period, organisationId, status, limit: LIMIT, offset })}`,
      ),
    [kind, period.from, period.to, organisationId, status, offset],
  );
  const selected = list.data?.find((f) => f.id === selectedId);
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setOffset(0);
      set(v);
    };
  const scanner = kind === 'scanner';

  return (
    <>
      <h1>{t(scanner ? 'nav.socScanners' : 'nav.socContacts')}</h1>
      <p className="muted">{t(scanner ? 'soc.scannersHint' : 'soc.contactsHint')}</p>
      <div className="panel filters-panel" data-testid="soc-filters">
        <PeriodPicker value={period} onChange={reset(setPeriod)} />
        <div className="filters">
          <Field label={t('soc.organisation')}>
            <OrgSelect tree={tree} value={organisationId} onChange={reset(setOrganisationId)} />
          </Field>
          <Field label={t('soc.statusLabel')}>
            <select value={status} onChange={(e) => reset(setStatus)(e.target.value)}>
              <option value="">{t('soc.allStatuses')}</option>
              {SOC_TRIAGE.map((s) => (
                <option key={s} value={s}>
                  {t(`soc.triage.${s}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      <div className={`panel panel-flush${list.loading ? ' stale' : ''}`}>
        <table className="table table-clickable" data-testid="soc-findings-table">
          <thead>
            <tr>
              <th>{t('soc.ip')}</th>
              <th>{t(scanner ? 'soc.kindLabel' : 'soc.indicator')}</th>
              <th>{t('soc.organisation')}</th>
              <th>{t('soc.activity')}</th>
              <th>{t('soc.firstSeen')}</th>
              <th>{t('soc.lastSeen')}</th>
              <th>{t('soc.statusLabel')}</th>
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={list.data?.length === 0} colSpan={7}>
              {t('soc.noFindings')}
            </EmptyRow>
            {list.data?.map((f) => (
              <tr
                key={f.id}
                className={f.id === selectedId ? 'row-open' : undefined}
                onClick={() => setSelectedId(f.id)}
                data-testid="soc-finding-row"
              >
                <td>
                  {/* A real button so the row opens from the keyboard too. */}
                  <button type="button" className="link link-plain mono" onClick={() => setSelectedId(f.id)}>
                    {f.ip}
                  </button>
                </td>
                <td>
                  {!scanner && <div className="mono small break">{f.indicator}</div>}
                  <span className="badges">
                    <FindingBadges finding={f} />
                  </span>
                </td>
                <td>
                  <OrganisationCell finding={f} />
                </td>
                <td className="small">
                  {scanner ? (
                    <>
                      {f.count != null && (
                        <div>{t(f.sweptOnly ? 'soc.ownAttempts' : 'soc.attempts', { count: f.count })}</div>
                      )}
                      {f.distinctTargets != null && (
                        <div className="muted">
                          {t('soc.targets', { count: f.distinctTargets })} ·{' '}
                          {t('soc.ports', { count: f.distinctPorts ?? 0 })}
                        </div>
                      )}
                    </>
                  ) : (
                    f.count != null && t('soc.events', { count: f.count })
                  )}
                </td>
                <td className="nowrap small">{formatDateTime(f.firstSeen)}</td>
                <td className="nowrap small">{formatDateTime(f.lastSeen)}</td>
                <td>
                  <TriageBadge status={f.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager offset={offset} limit={LIMIT} shown={list.data?.length ?? 0} onChange={setOffset} />
      {selected && <SocFindingDetail finding={selected} onClose={() => setSelectedId(null)} onChanged={list.reload} />}
    </>
  );
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

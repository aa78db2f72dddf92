import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BarChart } from '../../components/BarChart.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { PeriodPicker } from '../../components/PeriodPicker.tsx';
import { lastSixMonths, type Period } from '../../lib/period.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { SocFigures, SocStatement } from './SocFigures.tsx';
import { loadSocSummary, SOC_TRIAGE, type SocSummary, TRIAGE_BADGE, TRIAGE_COLOURS } from './soc.ts';

/** Giám sát SOC — Tổng quan: scanning sources and malicious contacts in a period and organisation subtree. */
export function SocDashboardPage() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<Period>(lastSixMonths);
  const [organisationId, setOrganisationId] = useState('');
  const { tree, error: orgError } = useOrgTree();
  const summary = useLoad(() => loadSocSummary(period, organisationId), [period.from, period.to, organisationId]);
  const s = summary.data;
  const orgName = organisationId ? tree.byId.get(organisationId)?.name : undefined;

  return (
    <>
      <h1>{t('soc.dashboardTitle')}</h1>
      <div className="panel filters-panel">
        <PeriodPicker value={period} onChange={setPeriod} />
        <Field label={t('soc.organisation')}>
          <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} />
        </Field>
      </div>
      <ErrorMessage error={summary.error ?? orgError} />
      {!s ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <div className={summary.loading ? 'stale' : undefined}>
          <SocStatement summary={s} organisation={orgName} />
          <SocFigures summary={s} organisationId={organisationId} />
          <p className="muted small">{t('soc.figuresHint')}</p>
          <div className="two-col">
            <ByOrganisation summary={s} onPick={setOrganisationId} />
            <Triage summary={s} />
          </div>
        </div>
      )}
    </>
  );
}

function ByOrganisation({ summary, onPick }: { summary: SocSummary; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <section className="panel panel-flush" data-testid="soc-by-org">
      <h2 className="panel-title">{t('soc.byOrganisation')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('soc.organisation')}</th>
            <th className="num">{t('soc.columns.scanningIps')}</th>
            <th className="num">{t('soc.columns.maliciousContactIps')}</th>
          </tr>
        </thead>
        <tbody>
          {summary.byOrganisation.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                {t('soc.none')}
              </td>
            </tr>
          )}
          {summary.byOrganisation.map((o) => (
            <tr key={o.organisationId ?? 'none'}>
              <td>
                {o.organisationId ? (
                  // Narrows the whole dashboard to this organisation's subtree.
                  <button type="button" className="link" onClick={() => onPick(o.organisationId ?? '')}>
                    {o.name}
                  </button>
                ) : (
                  <span className="muted">{t('soc.unattributed')}</span>
                )}
              </td>
              <td className="num">{o.scanningIps}</td>
              <td className="num">{o.maliciousContactIps}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Triage({ summary }: { summary: SocSummary }) {
  const { t } = useTranslation();
  return (
    <section className="card" data-testid="soc-triage">
      <h2>{t('soc.triageTitle')}</h2>
      <div className="split split-even">
        <table className="table table-compact">
          <tbody>
            {SOC_TRIAGE.map((status) => (
              <tr key={status} data-testid={`soc-triage-${status}`}>
                <td>
                  <span className={`badge ${TRIAGE_BADGE[status]}`}>{t(`soc.triage.${status}`)}</span>
                </td>
                <td className="num">{summary.byTriage[status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <BarChart
          label={t('soc.triageTitle')}
          labels={SOC_TRIAGE.map((status) => t(`soc.triage.${status}`))}
          values={SOC_TRIAGE.map((status) => summary.byTriage[status])}
          colours={SOC_TRIAGE.map((status) => TRIAGE_COLOURS[status])}
        />
      </div>
    </section>
  );
}

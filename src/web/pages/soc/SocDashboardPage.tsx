import { useTranslation } from 'react-i18next';
import { BarChart } from '../../components/BarChart.tsx';
import { ByOrganisationTable } from '../../components/ByOrganisationTable.tsx';
import { ScopedDashboard } from '../../components/ScopedDashboard.tsx';
import { SocFigures, SocStatement } from './SocFigures.tsx';
import { loadSocSummary, SOC_TRIAGE, type SocSummary, TRIAGE_BADGE, TRIAGE_COLOURS } from './soc.ts';

/** Giám sát SOC — Tổng quan: scanning sources and malicious contacts in a period and organisation subtree. */
export function SocDashboardPage() {
  const { t } = useTranslation();
  return (
    <ScopedDashboard title={t('soc.dashboardTitle')} organisationLabel={t('soc.organisation')} load={loadSocSummary}>
      {(s, { organisationId, organisation, pick }) => (
        <>
          <SocStatement summary={s} organisation={organisation} />
          <SocFigures summary={s} organisationId={organisationId} />
          <p className="muted small">{t('soc.figuresHint')}</p>
          <div className="two-col">
            <ByOrganisation summary={s} onPick={pick} />
            <Triage summary={s} />
          </div>
        </>
      )}
    </ScopedDashboard>
  );
}

function ByOrganisation({ summary, onPick }: { summary: SocSummary; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <ByOrganisationTable
      testId="soc-by-org"
      title={t('soc.byOrganisation')}
      organisationLabel={t('soc.organisation')}
      columns={[
        { label: t('soc.columns.scanningIps'), value: (o) => o.scanningIps },
        { label: t('soc.columns.maliciousContactIps'), value: (o) => o.maliciousContactIps },
      ]}
      rows={summary.byOrganisation}
      none={t('soc.none')}
      unattributed={<span className="muted">{t('soc.unattributed')}</span>}
      onPick={onPick}
    />
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

import { useTranslation } from 'react-i18next';
import { BarChart } from '../../components/BarChart.tsx';
import { ByOrganisationTable } from '../../components/ByOrganisationTable.tsx';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ScopedDashboard } from '../../components/ScopedDashboard.tsx';
import { TrendChart } from '../../components/TrendChart.tsx';
import { SeverityBadge } from '../../components/VulnBadges.tsx';
import { api, query } from '../../lib/api.ts';
import type { Period } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { SEVERITY_COLOURS, type VulnerabilitySummary } from '../../lib/vuln.ts';
import { VulnFigures, VulnStatement } from './VulnFigures.tsx';

const MAX_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** The vulnerability figures of a period; `asOf` gives them as they stood that day (the tree of that day). */
export const loadSummary = (period: Period, organisationId = '', asOf = '') =>
  api<VulnerabilitySummary>('GET', `/api/vulnerabilities/summary${query({ ...period, organisationId, asOf })}`);

/** Lỗ hổng — Tổng quan: vulnerable computers in a period and organisation subtree. */
export function VulnDashboardPage() {
  const { t } = useTranslation();
  return (
    <ScopedDashboard title={t('vuln.dashboardTitle')} organisationLabel={t('vuln.organisation')} load={loadSummary}>
      {(s, { organisation, pick }) => (
        <>
          <VulnStatement summary={s} organisation={organisation} />
          <VulnFigures summary={s} />
          <div className="two-col vuln-charts">
            <section className="card" data-testid="vuln-trend">
              <h2>{t('vuln.trend')}</h2>
              <TrendChart
                label={t('vuln.trend')}
                labels={s.byMonth.map((m) => `${m.month.slice(5)}/${m.month.slice(0, 4)}`)}
                series={[
                  {
                    name: t('vuln.figures.vulnerableComputers'),
                    values: s.byMonth.map((m) => m.vulnerableComputers),
                    colour: '#1f5fa8',
                  },
                  {
                    name: t('vuln.figures.withCritical'),
                    values: s.byMonth.map((m) => m.withCritical),
                    colour: SEVERITY_COLOURS.critical,
                  },
                ]}
              />
            </section>
            <section className="card" data-testid="vuln-by-severity">
              <h2>{t('vuln.byMaxSeverity')}</h2>
              <div className="split split-even">
                <table className="table table-compact">
                  <tbody>
                    {MAX_SEVERITIES.map((sev) => (
                      <tr key={sev}>
                        <td>
                          <SeverityBadge severity={sev} />
                        </td>
                        <td className="num">{s.byMaxSeverity[sev]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <BarChart
                  label={t('vuln.byMaxSeverity')}
                  labels={MAX_SEVERITIES.map((sev) => t(`vuln.severity.${sev}`))}
                  values={MAX_SEVERITIES.map((sev) => s.byMaxSeverity[sev])}
                  colours={MAX_SEVERITIES.map((sev) => SEVERITY_COLOURS[sev])}
                />
              </div>
              <p className="muted small">{t('vuln.byMaxSeverityHint')}</p>
            </section>
          </div>
          <ByOrganisation summary={s} onPick={pick} />
          <TopVulnerabilities summary={s} />
        </>
      )}
    </ScopedDashboard>
  );
}

function ByOrganisation({ summary, onPick }: { summary: VulnerabilitySummary; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <ByOrganisationTable
      testId="vuln-by-org"
      title={t('vuln.byOrganisation')}
      organisationLabel={t('vuln.organisation')}
      columns={[
        { label: t('vuln.figures.vulnerableComputers'), value: (o) => o.vulnerableComputers },
        { label: t('vuln.figures.withCritical'), value: (o) => o.withCritical },
        { label: t('vuln.figures.withHigh'), value: (o) => o.withHigh },
      ]}
      rows={summary.byOrganisation}
      none={t('vuln.none')}
      unattributed={
        <a href="/vulnerabilities/computers?tab=unattributed" onClick={followLink} className="muted">
          {t('vuln.unattributed')}
        </a>
      }
      onPick={onPick}
    />
  );
}

function TopVulnerabilities({ summary }: { summary: VulnerabilitySummary }) {
  const { t } = useTranslation();
  return (
    <section className="panel panel-flush" data-testid="vuln-top">
      <h2 className="panel-title">{t('vuln.topVulnerabilities')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('vuln.name')}</th>
            <th>{t('vuln.severityLabel')}</th>
            <th>CVE</th>
            <th className="num">{t('vuln.computers')}</th>
          </tr>
        </thead>
        <tbody>
          <EmptyRow show={summary.topVulnerabilities.length === 0} colSpan={4}>
            {t('vuln.none')}
          </EmptyRow>
          {summary.topVulnerabilities.map((v) => (
            <tr key={`${v.scanner}:${v.scannerId}`}>
              <td>
                {v.name}
                <div className="muted small">
                  {v.scanner} #{v.scannerId}
                </div>
              </td>
              <td>
                <SeverityBadge severity={v.severity} />
              </td>
              <td className="cves">
                {v.cves.length ? v.cves.slice(0, 4).join(', ') : '—'}
                {v.cves.length > 4 ? ` +${v.cves.length - 4}` : ''}
              </td>
              <td className="num">{v.computers}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BarChart } from '../../components/BarChart.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { PeriodPicker } from '../../components/PeriodPicker.tsx';
import { TrendChart } from '../../components/TrendChart.tsx';
import { SeverityBadge } from '../../components/VulnBadges.tsx';
import { api, query } from '../../lib/api.ts';
import { lastSixMonths, type Period } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { SEVERITY_COLOURS, type VulnerabilitySummary } from '../../lib/vuln.ts';
import { VulnFigures, VulnStatement } from './VulnFigures.tsx';

const MAX_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

export const loadSummary = (period: Period, organisationId = '') =>
  api<VulnerabilitySummary>('GET', `/api/vulnerabilities/summary${query({ ...period, organisationId })}`);

/** Lỗ hổng — Tổng quan: vulnerable computers in a period and organisation subtree. */
export function VulnDashboardPage() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<Period>(lastSixMonths);
  const [organisationId, setOrganisationId] = useState('');
  const { tree, error: orgError } = useOrgTree();
  const summary = useLoad(() => loadSummary(period, organisationId), [period.from, period.to, organisationId]);
  const s = summary.data;
  const orgName = organisationId ? tree.byId.get(organisationId)?.name : undefined;

  return (
    <>
      <h1>{t('vuln.dashboardTitle')}</h1>
      <div className="panel filters-panel">
        <PeriodPicker value={period} onChange={setPeriod} />
        <Field label={t('vuln.organisation')}>
          <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} />
        </Field>
      </div>
      <ErrorMessage error={summary.error ?? orgError} />
      {!s ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <div className={summary.loading ? 'stale' : undefined}>
          <VulnStatement summary={s} organisation={orgName} />
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
          <ByOrganisation summary={s} onPick={setOrganisationId} />
          <TopVulnerabilities summary={s} />
        </div>
      )}
    </>
  );
}

function ByOrganisation({ summary, onPick }: { summary: VulnerabilitySummary; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <section className="panel panel-flush" data-testid="vuln-by-org">
      <h2 className="panel-title">{t('vuln.byOrganisation')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('vuln.organisation')}</th>
            <th className="num">{t('vuln.figures.vulnerableComputers')}</th>
            <th className="num">{t('vuln.figures.withCritical')}</th>
            <th className="num">{t('vuln.figures.withHigh')}</th>
          </tr>
        </thead>
        <tbody>
          {summary.byOrganisation.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {t('vuln.none')}
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
                  <a href="/vulnerabilities/computers?tab=unattributed" onClick={followLink} className="muted">
                    {t('vuln.unattributed')}
                  </a>
                )}
              </td>
              <td className="num">{o.vulnerableComputers}</td>
              <td className="num">{o.withCritical}</td>
              <td className="num">{o.withHigh}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
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
          {summary.topVulnerabilities.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {t('vuln.none')}
              </td>
            </tr>
          )}
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

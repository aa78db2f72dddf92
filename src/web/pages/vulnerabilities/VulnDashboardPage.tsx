import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { VulnSummary } from '../../api/schema.gen.ts';
import { BarChart } from '../../components/BarChart.tsx';
import { ByOrganisationTable } from '../../components/ByOrganisationTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { PeriodPicker } from '../../components/PeriodPicker.tsx';
import { TrendChart } from '../../components/TrendChart.tsx';
import { SEVERITY_COLOURS, SeverityBadge } from '../../components/VulnBadges.tsx';
import { useFormatNumber } from '../../lib/format.ts';
import { followLink, query } from '../../lib/router.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { usePeriodSearch } from '../../lib/usePeriodSearch.ts';
import { NoScanData, VulnFigures, VulnStatement } from './VulnFigures.tsx';

const MAX_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Lỗ hổng — Tổng quan: vulnerable computers in a period and organisation subtree. */
export function VulnDashboardPage() {
  const { t } = useTranslation();
  const { period, organisationId, setPeriod, setOrganisationId } = usePeriodSearch();
  const { tree, error: orgError } = useOrgTree();
  const summary = $api.useQuery(
    'get',
    '/api/vulnerabilities/summary',
    { params: { query: { ...period, organisationId: organisationId || undefined } } },
    { placeholderData: keepPreviousData },
  );
  const s = summary.data;
  const organisation = organisationId ? tree.byId.get(organisationId)?.name : undefined;
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
        !summary.error && <p className="muted">{t('common.loading')}</p>
      ) : (
        <div className={summary.isPlaceholderData ? 'stale' : undefined}>
          <NoScanData summary={s} />
          <VulnStatement summary={s} organisation={organisation} />
          <VulnFigures summary={s} />
          <p className="muted small">{t('vuln.evidenceHint', { days: s.evidenceDays })}</p>
          <div className="two-col vuln-charts">
            <Trend summary={s} />
            <BySeverity summary={s} />
          </div>
          <ByOrganisation summary={s} onPick={setOrganisationId} />
          <TopVulnerabilities summary={s} />
        </div>
      )}
    </>
  );
}

function Trend({ summary: s }: { summary: VulnSummary }) {
  const { t } = useTranslation();
  return (
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
  );
}

function BySeverity({ summary: s }: { summary: VulnSummary }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
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
                <td className="num">{format(s.byMaxSeverity[sev] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <BarChart
          label={t('vuln.byMaxSeverity')}
          labels={MAX_SEVERITIES.map((sev) => t(`vuln.severity.${sev}`))}
          values={MAX_SEVERITIES.map((sev) => s.byMaxSeverity[sev] ?? 0)}
          colours={MAX_SEVERITIES.map((sev) => SEVERITY_COLOURS[sev])}
        />
      </div>
      <p className="muted small">{t('vuln.byMaxSeverityHint')}</p>
    </section>
  );
}

function ByOrganisation({ summary, onPick }: { summary: VulnSummary; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
    <ByOrganisationTable
      testId="vuln-by-org"
      title={t('vuln.byOrganisation')}
      organisationLabel={t('vuln.organisation')}
      columns={[
        { label: t('vuln.figures.vulnerableComputers'), value: (o) => format(o.vulnerableComputers) },
        { label: t('vuln.figures.withCritical'), value: (o) => format(o.withCritical) },
        { label: t('vuln.figures.withHigh'), value: (o) => format(o.withHigh) },
      ]}
      rows={summary.byOrganisation}
      none={t('vuln.none')}
      unattributed={
        <a href={`/vulnerabilities/computers${query({ tab: 'unattributed' })}`} onClick={followLink} className="muted">
          {t('vuln.unattributed')}
        </a>
      }
      onPick={onPick}
    />
  );
}

function TopVulnerabilities({ summary }: { summary: VulnSummary }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
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
                {v.cves[0] ? (
                  <a href={`/vulnerabilities/findings${query({ q: v.cves[0], status: 'all' })}`} onClick={followLink}>
                    {v.name}
                  </a>
                ) : (
                  v.name
                )}
                <div className="muted small">
                  {v.scanner} #{v.scannerId}
                </div>
              </td>
              <td>
                <SeverityBadge severity={v.severity} />
              </td>
              <td className="cves">
                {v.cves.length ? v.cves.slice(0, 4).join(', ') : '—'}
                {v.cves.length > 4 ? ` +${format(v.cves.length - 4)}` : ''}
              </td>
              <td className="num">{format(v.computers)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

import { keepPreviousData } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { VulnSummary } from '../../api/schema.gen.ts';
import { BarChart } from '../../components/BarChart.tsx';
import { ByOrganisationTable } from '../../components/ByOrganisationTable.tsx';
import { EmptyRow } from '../../components/EmptyRow.tsx';
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
import { NoScanData, NoWebScanData, VulnFigures, VulnStatement } from './VulnFigures.tsx';
import { scannerLabel } from './vulnUi.ts';
import { CweLinks } from './websiteUi.tsx';

const MAX_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** The websites' line, apart from the computers' blue and the critical red. */
const WEBSITE_COLOUR = '#0f766e';
/** Lỗ hổng — Tổng quan: vulnerable computers and websites in a period and organisation subtree. */
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
          <div className="two-col vuln-subjects">
            <section data-testid="vuln-computers">
              <h2>{t('vuln.figures.vulnerableComputers')}</h2>
              {/* About computers only: a website's scans say nothing of them. */}
              <NoScanData summary={s} />
              <VulnStatement summary={s} organisation={organisation} />
              <VulnFigures summary={s} />
            </section>
            <section data-testid="vuln-websites">
              <h2>{t('vuln.figures.vulnerableWebsites')}</h2>
              <NoWebScanData summary={s} />
              <VulnStatement summary={s} organisation={organisation} subject="websites" />
              <VulnFigures summary={s} subject="websites" />
            </section>
          </div>
          <p className="muted small">{t('vuln.evidenceHint', { days: s.evidenceDays })}</p>
          <div className="two-col vuln-charts">
            <Trend
              testId="vuln-trend"
              title={t('vuln.trend')}
              summary={s}
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
            <Trend
              testId="vuln-web-trend"
              title={t('vuln.web.trend')}
              summary={s}
              series={[
                {
                  name: t('vuln.figures.vulnerableWebsites'),
                  values: s.byMonth.map((m) => m.vulnerableWebsites),
                  colour: WEBSITE_COLOUR,
                },
              ]}
            />
          </div>
          <div className="two-col vuln-charts">
            <BySeverity
              testId="vuln-by-severity"
              title={t('vuln.byMaxSeverity')}
              counts={s.byMaxSeverity}
              hint={t('vuln.byMaxSeverityHint')}
            />
            <BySeverity
              testId="vuln-web-by-severity"
              title={t('vuln.web.byMaxSeverity')}
              counts={s.websitesByMaxSeverity}
              hint={t('vuln.web.byMaxSeverityHint')}
            />
          </div>
          <ByOrganisation summary={s} onPick={setOrganisationId} />
          <TopVulnerabilities summary={s} />
          <TopWebVulnerabilities summary={s} />
        </div>
      )}
    </>
  );
}

/** Computers' or websites' counts per month of the period, as lines. */
function Trend({
  testId,
  title,
  summary: s,
  series,
}: {
  testId: string;
  title: string;
  summary: VulnSummary;
  series: { name: string; values: number[]; colour: string }[];
}) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      <TrendChart
        label={title}
        labels={s.byMonth.map((m) => `${m.month.slice(5)}/${m.month.slice(0, 4)}`)}
        series={series}
      />
    </section>
  );
}

/** Computers or websites, each counted once under its most severe open finding: as a table and as bars. */
function BySeverity({
  testId,
  title,
  counts,
  hint,
}: {
  testId: string;
  title: string;
  counts: VulnSummary['byMaxSeverity'];
  hint: string;
}) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      <div className="split split-even">
        <table className="table table-compact">
          <tbody>
            {MAX_SEVERITIES.map((sev) => (
              <tr key={sev}>
                <td>
                  <SeverityBadge severity={sev} />
                </td>
                <td className="num">{format(counts[sev] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <BarChart
          label={title}
          labels={MAX_SEVERITIES.map((sev) => t(`vuln.severity.${sev}`))}
          values={MAX_SEVERITIES.map((sev) => counts[sev] ?? 0)}
          colours={MAX_SEVERITIES.map((sev) => SEVERITY_COLOURS[sev])}
        />
      </div>
      <p className="muted small">{hint}</p>
    </section>
  );
}

function ByOrganisation({ summary, onPick }: { summary: VulnSummary; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  // The row without an organisation links to what an analyst assigns: computers, or websites when it holds only those.
  const none = summary.byOrganisation.find((o) => o.organisationId === null);
  const unassigned = none && none.vulnerableComputers === 0 && none.vulnerableWebsites > 0 ? 'websites' : 'computers';
  return (
    <ByOrganisationTable
      testId="vuln-by-org"
      title={t('vuln.byOrganisation')}
      organisationLabel={t('vuln.organisation')}
      columns={[
        { label: t('vuln.figures.vulnerableComputers'), value: (o) => format(o.vulnerableComputers) },
        { label: t('vuln.figures.withCritical'), value: (o) => format(o.withCritical) },
        { label: t('vuln.figures.withHigh'), value: (o) => format(o.withHigh) },
        { label: t('vuln.figures.vulnerableWebsites'), value: (o) => format(o.vulnerableWebsites) },
        { label: t('vuln.web.withCritical'), value: (o) => format(o.websitesWithCritical) },
      ]}
      rows={summary.byOrganisation}
      none={t('vuln.none')}
      unattributed={
        <a
          href={`/vulnerabilities/${unassigned}${query({ tab: 'unattributed' })}`}
          onClick={followLink}
          className="muted"
        >
          {t('vuln.unattributed')}
        </a>
      }
      onPick={onPick}
    />
  );
}

/** One row of a top-checks table: the check, where its name leads, what it is known by, and on how many subjects. */
type TopCheck = {
  scanner: string;
  scannerId: string;
  name: string;
  href: string | null;
  severity: VulnSummary['topVulnerabilities'][number]['severity'];
  ids: ReactNode;
  count: number;
};

/** The checks found on the most computers or websites: name (linking to their findings), severity, ids, how many. */
function TopChecks({
  testId,
  title,
  idsHeader,
  countHeader,
  rows,
}: {
  testId: string;
  title: string;
  idsHeader: string;
  countHeader: string;
  rows: TopCheck[];
}) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
    <section className="panel panel-flush" data-testid={testId}>
      <h2 className="panel-title">{title}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('vuln.name')}</th>
            <th>{t('vuln.severityLabel')}</th>
            <th>{idsHeader}</th>
            <th className="num">{countHeader}</th>
          </tr>
        </thead>
        <tbody>
          <EmptyRow show={rows.length === 0} colSpan={4}>
            {t('vuln.none')}
          </EmptyRow>
          {rows.map((v) => (
            <tr key={`${v.scanner}:${v.scannerId}`}>
              <td>
                {v.href ? (
                  <a href={v.href} onClick={followLink}>
                    {v.name}
                  </a>
                ) : (
                  v.name
                )}
                <div className="muted small">
                  {scannerLabel(v.scanner)} #{v.scannerId}
                </div>
              </td>
              <td>
                <SeverityBadge severity={v.severity} />
              </td>
              {v.ids}
              <td className="num">{format(v.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TopVulnerabilities({ summary }: { summary: VulnSummary }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
    <TopChecks
      testId="vuln-top"
      title={t('vuln.topVulnerabilities')}
      idsHeader="CVE"
      countHeader={t('vuln.computers')}
      rows={summary.topVulnerabilities.map((v) => ({
        ...v,
        href: v.cves[0] ? `/vulnerabilities/findings${query({ q: v.cves[0], status: 'all' })}` : null,
        ids: (
          <td className="cves">
            {v.cves.length ? v.cves.slice(0, 4).join(', ') : '—'}
            {v.cves.length > 4 ? ` +${format(v.cves.length - 4)}` : ''}
          </td>
        ),
        count: v.computers,
      }))}
    />
  );
}

/** The web checks found on the most websites, with their weaknesses (CWE) and a link to their findings. */
function TopWebVulnerabilities({ summary }: { summary: VulnSummary }) {
  const { t } = useTranslation();
  return (
    <TopChecks
      testId="vuln-web-top"
      title={t('vuln.web.topVulnerabilities')}
      idsHeader="CWE"
      countHeader={t('vuln.web.websites')}
      rows={summary.topWebVulnerabilities.map((v) => ({
        ...v,
        href: `/vulnerabilities/findings${query({ subject: 'websites', q: v.name, status: 'all' })}`,
        ids: <td>{v.cwes.length ? <CweLinks cwes={v.cwes} max={4} /> : '—'}</td>,
        count: v.websites,
      }))}
    />
  );
}

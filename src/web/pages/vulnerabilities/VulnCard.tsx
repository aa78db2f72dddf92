import { useTranslation } from 'react-i18next';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { sixMonthsEnding } from '../../lib/period.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { loadSummary } from './VulnDashboardPage.tsx';
import { VulnFigures, VulnStatement } from './VulnFigures.tsx';

/** The vulnerability figures of the six months ending on `asOf` on the Overview, linking to the full dashboard. */
export function VulnCard({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const summary = useLoad(() => loadSummary(sixMonthsEnding(asOf), '', asOf), [asOf]);
  return (
    <OverviewCard
      testId="card-vulnerabilities"
      title={t('vuln.cardTitle', { date: formatCalendarDate(asOf) })}
      href="/vulnerabilities"
      detailsLabel={t('vuln.details')}
      error={summary.error}
    >
      {summary.data ? (
        <div className={summary.loading ? 'stale' : undefined}>
          <VulnStatement summary={summary.data} />
          <VulnFigures summary={summary.data} compact />
        </div>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </OverviewCard>
  );
}

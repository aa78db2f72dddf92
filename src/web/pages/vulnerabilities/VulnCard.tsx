import { useTranslation } from 'react-i18next';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { lastSixMonths } from '../../lib/period.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { loadSummary } from './VulnDashboardPage.tsx';
import { VulnFigures, VulnStatement } from './VulnFigures.tsx';

/** The vulnerability figures of the last six months on the Overview (Tổng quan), linking to the full dashboard. */
export function VulnCard() {
  const { t } = useTranslation();
  const summary = useLoad(() => loadSummary(lastSixMonths()), []);
  return (
    <OverviewCard
      testId="card-vulnerabilities"
      title={t('vuln.cardTitle')}
      href="/vulnerabilities"
      detailsLabel={t('vuln.details')}
      error={summary.error}
    >
      {summary.data ? (
        <>
          <VulnStatement summary={summary.data} />
          <VulnFigures summary={summary.data} compact />
        </>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </OverviewCard>
  );
}

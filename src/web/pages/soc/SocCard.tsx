import { useTranslation } from 'react-i18next';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { lastSixMonths } from '../../lib/period.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { SocFigures, SocStatement } from './SocFigures.tsx';
import { loadSocSummary } from './soc.ts';

/** The SOC statement of the last six months on the Overview (Tổng quan), linking to the SOC dashboard. */
export function SocCard() {
  const { t } = useTranslation();
  const summary = useLoad(() => loadSocSummary(lastSixMonths()), []);
  return (
    <OverviewCard
      testId="card-soc"
      title={t('soc.cardTitle')}
      href="/soc"
      detailsLabel={t('soc.details')}
      error={summary.error}
    >
      {summary.data ? (
        <>
          <SocStatement summary={summary.data} />
          <SocFigures summary={summary.data} compact />
        </>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </OverviewCard>
  );
}

import { useTranslation } from 'react-i18next';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { sixMonthsEnding } from '../../lib/period.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { SocFigures, SocStatement } from './SocFigures.tsx';
import { loadSocSummary } from './soc.ts';

/** The SOC statement of the six months ending on `asOf` on the Overview (Tổng quan), linking to the SOC dashboard. */
export function SocCard({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const summary = useLoad(() => loadSocSummary(sixMonthsEnding(asOf), '', asOf), [asOf]);
  return (
    <OverviewCard
      testId="card-soc"
      title={t('soc.cardTitle', { date: formatCalendarDate(asOf) })}
      href="/soc"
      detailsLabel={t('soc.details')}
      error={summary.error}
    >
      {summary.data ? (
        <div className={summary.loading ? 'stale' : undefined}>
          <SocStatement summary={summary.data} />
          <SocFigures summary={summary.data} compact />
        </div>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </OverviewCard>
  );
}

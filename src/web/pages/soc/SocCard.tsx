import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { sixMonthsEnding } from '../../lib/period.ts';
import { SocFigures, SocStatement } from './SocFigures.tsx';
import { SocNoData } from './SocNoData.tsx';

/** The SOC statement of the six months ending on `asOf` on the Overview (Tổng quan), linking to the SOC dashboard. */
export function SocCard({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const summary = $api.useQuery(
    'get',
    '/api/soc/summary',
    { params: { query: { ...sixMonthsEnding(asOf), asOf } } },
    { placeholderData: keepPreviousData },
  );
  const s = summary.data;
  return (
    <OverviewCard
      testId="card-soc"
      title={t('soc.cardTitle', { date: formatCalendarDate(asOf) })}
      href="/soc"
      detailsLabel={t('soc.details')}
      error={summary.error}
    >
      {s ? (
        !s.ingested ? (
          <SocNoData compact />
        ) : (
          <div className={summary.isPlaceholderData ? 'stale' : undefined}>
            <SocStatement summary={s} />
            <SocFigures summary={s} compact />
          </div>
        )
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </OverviewCard>
  );
}

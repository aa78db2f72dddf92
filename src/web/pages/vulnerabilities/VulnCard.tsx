import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { sixMonthsEnding } from '../../lib/period.ts';
import { NoScanData, VulnFigures, VulnStatement } from './VulnFigures.tsx';

/** The vulnerability figures of the six months ending on `asOf` on the Overview, linking to the full dashboard. */
export function VulnCard({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const summary = $api.useQuery('get', '/api/vulnerabilities/summary', {
    params: { query: { ...sixMonthsEnding(asOf), asOf } },
  });
  const s = summary.data;
  const period = sixMonthsEnding(asOf);
  return (
    <OverviewCard
      testId="card-vulnerabilities"
      title={t('vuln.cardTitle', { date: formatCalendarDate(asOf) })}
      href={`/vulnerabilities?from=${period.from}&to=${period.to}`}
      detailsLabel={t('vuln.details')}
      error={summary.error}
    >
      {s ? (
        <div className={summary.isFetching ? 'stale' : undefined}>
          <NoScanData summary={s} />
          <VulnStatement summary={s} />
          <VulnFigures summary={s} compact />
        </div>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </OverviewCard>
  );
}

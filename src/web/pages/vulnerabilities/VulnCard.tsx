import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { sixMonthsEnding } from '../../lib/period.ts';
import { NoScanData, NoWebScanData, VulnFigures, VulnStatement, type VulnSubject } from './VulnFigures.tsx';

/**
 * The vulnerable computers (or websites) of the six months ending on `asOf` on the Overview, linking to the full
 * dashboard. Both cards read the same summary (one request).
 */
export function VulnCard({ asOf, subject = 'computers' }: { asOf: string; subject?: VulnSubject }) {
  const { t } = useTranslation();
  const summary = $api.useQuery('get', '/api/vulnerabilities/summary', {
    params: { query: { ...sixMonthsEnding(asOf), asOf } },
  });
  const s = summary.data;
  const period = sixMonthsEnding(asOf);
  const web = subject === 'websites';
  return (
    <OverviewCard
      testId={web ? 'card-web-vulnerabilities' : 'card-vulnerabilities'}
      title={t(web ? 'vuln.web.cardTitle' : 'vuln.cardTitle', { date: formatCalendarDate(asOf) })}
      href={`/vulnerabilities?from=${period.from}&to=${period.to}`}
      detailsLabel={t('vuln.details')}
      error={summary.error}
    >
      {s ? (
        <div className={summary.isFetching ? 'stale' : undefined}>
          {web ? <NoWebScanData summary={s} /> : <NoScanData summary={s} />}
          <VulnStatement summary={s} subject={subject} />
          <VulnFigures summary={s} subject={subject} compact />
        </div>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </OverviewCard>
  );
}

import './vuln.css';
import { useTranslation } from 'react-i18next';
import type { VulnSummary } from '../../api/schema.gen.ts';
import { type Figure as FigureProps, Figures } from '../../components/Figures.tsx';
import { formatCalendarDate, formatDate, useFormatNumber } from '../../lib/format.ts';
import { followLink, query } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';

/**
 * The statement the SOC writes in its report, worded as in the province's documents:
 * "Trong kỳ từ … đến … phát hiện N máy tính có lỗ hổng, trong đó M máy có lỗ hổng nghiêm trọng".
 */
export function VulnStatement({ summary, organisation }: { summary: VulnSummary; organisation?: string }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
    <p className="statement" data-testid="vuln-statement">
      {t(organisation ? 'vuln.statementOrg' : 'vuln.statement', {
        from: formatCalendarDate(summary.period.from),
        to: formatCalendarDate(summary.period.to),
        count: format(summary.vulnerableComputers),
        critical: format(summary.withCritical),
        organisation,
      })}
    </p>
  );
}

/**
 * What the figures cannot say: nothing in this scope was ever scanned (import a report), or nothing was scanned in
 * this period (the latest scan's date). Nothing when there is data.
 */
export function NoScanData({ summary }: { summary: VulnSummary }) {
  const { t } = useTranslation();
  const can = useCan();
  if (summary.lastScannedAt === null)
    return (
      <div className="alert alert-info" data-testid="vuln-no-data">
        {t('vuln.empty.neverScanned')}{' '}
        {can('vuln.import') ? (
          <a href="/vulnerabilities/import" onClick={followLink}>
            {t('vuln.empty.importLink')}
          </a>
        ) : (
          t('vuln.empty.waitForSoc')
        )}
      </div>
    );
  if (summary.scannedComputers === 0)
    return (
      <div className="alert alert-info" data-testid="vuln-no-data">
        {/* Findings seen by a scan within the year before the period still count (EVIDENCE_DAYS on the server). */}
        {t(summary.vulnerableComputers > 0 ? 'vuln.empty.noScanInPeriodEarlier' : 'vuln.empty.noScanInPeriod', {
          date: formatDate(summary.lastScannedAt),
        })}
      </div>
    );
  return null;
}

type Key =
  | 'vulnerableComputers'
  | 'withCritical'
  | 'withHigh'
  | 'knownExploitedComputers'
  | 'scannedComputers'
  | 'unattributedVulnerableComputers';
const FIGURES: { key: Key; tone?: 'bad' | 'warn' }[] = [
  { key: 'vulnerableComputers' },
  { key: 'withCritical', tone: 'bad' },
  { key: 'withHigh', tone: 'warn' },
  { key: 'knownExploitedComputers', tone: 'bad' },
  { key: 'scannedComputers' },
  { key: 'unattributedVulnerableComputers' },
];

/**
 * The big numbers; `compact` shows the first four (the Overview card). Without a KEV catalogue the known-exploited
 * figure says so instead of a misleading 0.
 */
export function VulnFigures({ summary, compact = false }: { summary: VulnSummary; compact?: boolean }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const can = useCan();
  // Only the unattributed figure links to its list: the others count a period, the lists show today's state.
  const links: Partial<Record<Key, string>> = {
    unattributedVulnerableComputers: can('vuln.import')
      ? `/vulnerabilities/computers${query({ tab: 'unattributed' })}`
      : undefined,
  };
  const figures: FigureProps[] = (compact ? FIGURES.slice(0, 4) : FIGURES).map(({ key, tone }) => {
    if (key === 'knownExploitedComputers' && summary.kevCatalogueEntries === 0)
      return {
        key,
        label: t(`vuln.figures.${key}`),
        value: (
          <div className="figure-note" data-testid="kev-not-loaded" title={t('vuln.kev.notLoaded')}>
            {t('vuln.kev.noCatalogue')}
            {can('vuln.import') && !compact && (
              <div className="small">
                <a href="/vulnerabilities/import" onClick={followLink}>
                  {t('vuln.kev.loadLink')}
                </a>
              </div>
            )}
          </div>
        ),
      };
    return { key, tone, label: t(`vuln.figures.${key}`), value: format(summary[key]), href: links[key] };
  });
  return <Figures figures={figures} testIdPrefix="figure-" compact={compact} />;
}

import './vuln.css';
import { useTranslation } from 'react-i18next';
import type { VulnSummary } from '../../api/schema.gen.ts';
import { type Figure as FigureProps, Figures } from '../../components/Figures.tsx';
import { formatCalendarDate, formatDate, useFormatNumber } from '../../lib/format.ts';
import { followLink, query } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';

/** What the vulnerability figures count: computers (host scanners) or websites (web scanners). */
export type VulnSubject = 'computers' | 'websites';

/**
 * The statement the SOC writes in its report, worded as in the province's documents:
 * "Trong kỳ từ … đến … phát hiện N máy tính có lỗ hổng, trong đó M máy có lỗ hổng nghiêm trọng" (or N trang web).
 */
export function VulnStatement({
  summary,
  organisation,
  subject = 'computers',
}: {
  summary: VulnSummary;
  organisation?: string;
  subject?: VulnSubject;
}) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const web = subject === 'websites';
  const key = web ? 'vuln.web.statement' : 'vuln.statement';
  return (
    <p className="statement" data-testid={web ? 'vuln-web-statement' : 'vuln-statement'}>
      {t(organisation ? `${key}Org` : key, {
        from: formatCalendarDate(summary.period.from),
        to: formatCalendarDate(summary.period.to),
        count: format(web ? summary.vulnerableWebsites : summary.vulnerableComputers),
        critical: format(web ? summary.websitesWithCritical : summary.withCritical),
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

/**
 * What the website figures cannot say: no website was ever scanned in this scope, or none in the period, so the counts
 * rest on earlier scans (the latest one's date). Nothing when a web scan falls in the period.
 */
export function NoWebScanData({ summary }: { summary: VulnSummary }) {
  const { t } = useTranslation();
  if (summary.scannedWebsites > 0) return null;
  const text =
    summary.lastWebScannedAt === null
      ? t('vuln.web.neverScanned')
      : t(summary.vulnerableWebsites > 0 ? 'vuln.web.noScanInPeriodEarlier' : 'vuln.web.noScanInPeriod', {
          date: formatDate(summary.lastWebScannedAt),
        });
  return (
    <div className="alert alert-info" data-testid="vuln-web-no-data">
      {text}
    </div>
  );
}

type ComputerKey =
  | 'vulnerableComputers'
  | 'withCritical'
  | 'withHigh'
  | 'knownExploitedComputers'
  | 'scannedComputers'
  | 'unattributedVulnerableComputers';
type WebsiteKey =
  | 'vulnerableWebsites'
  | 'websitesWithCritical'
  | 'websitesWithHigh'
  | 'scannedWebsites'
  | 'unattributedVulnerableWebsites';
type Key = ComputerKey | WebsiteKey;
type FigureSpec = { key: Key; tone?: 'bad' | 'warn' };
/** Each subject's figures; the first four are the Overview card's. */
const FIGURES: Record<VulnSubject, FigureSpec[]> = {
  computers: [
    { key: 'vulnerableComputers' },
    { key: 'withCritical', tone: 'bad' },
    { key: 'withHigh', tone: 'warn' },
    { key: 'knownExploitedComputers', tone: 'bad' },
    { key: 'scannedComputers' },
    { key: 'unattributedVulnerableComputers' },
  ],
  websites: [
    { key: 'vulnerableWebsites' },
    { key: 'websitesWithCritical', tone: 'bad' },
    { key: 'websitesWithHigh', tone: 'warn' },
    { key: 'scannedWebsites' },
    { key: 'unattributedVulnerableWebsites' },
  ],
};

/**
 * The big numbers of computers or websites; `compact` shows the first four (the Overview cards). Without a KEV
 * catalogue the known-exploited figure says so instead of a misleading 0.
 */
export function VulnFigures({
  summary,
  subject = 'computers',
  compact = false,
}: {
  summary: VulnSummary;
  subject?: VulnSubject;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const can = useCan();
  // Only the unattributed figures link to their lists: the others count a period, the lists show today's state.
  const links: Partial<Record<Key, string>> = can('vuln.import')
    ? {
        unattributedVulnerableComputers: `/vulnerabilities/computers${query({ tab: 'unattributed' })}`,
        unattributedVulnerableWebsites: `/vulnerabilities/websites${query({ tab: 'unattributed' })}`,
      }
    : {};
  const specs = FIGURES[subject];
  const figures: FigureProps[] = (compact ? specs.slice(0, 4) : specs).map(({ key, tone }) => {
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

import { useTranslation } from 'react-i18next';
import { Figures } from '../../components/Figures.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import type { VulnerabilitySummary } from '../../lib/vuln.ts';

/**
 * The statement the SOC writes in its report, worded as in the province's documents:
 * "Trong kỳ từ … đến … phát hiện N máy tính có lỗ hổng, trong đó M máy có lỗ hổng nghiêm trọng".
 */
export function VulnStatement({ summary, organisation }: { summary: VulnerabilitySummary; organisation?: string }) {
  const { t } = useTranslation();
  return (
    <p className="statement" data-testid="vuln-statement">
      {t(organisation ? 'vuln.statementOrg' : 'vuln.statement', {
        from: formatCalendarDate(summary.period.from),
        to: formatCalendarDate(summary.period.to),
        count: summary.vulnerableComputers,
        critical: summary.withCritical,
        organisation,
      })}
    </p>
  );
}

type Figure = { key: keyof VulnerabilitySummary; tone?: 'bad' | 'warn' };
const FIGURES: Figure[] = [
  { key: 'vulnerableComputers' },
  { key: 'withCritical', tone: 'bad' },
  { key: 'withHigh', tone: 'warn' },
  { key: 'knownExploitedComputers', tone: 'bad' },
  { key: 'scannedComputers' },
  { key: 'unattributedVulnerableComputers' },
];

/** The big numbers; `compact` shows the first four (the Overview card). */
export function VulnFigures({ summary, compact = false }: { summary: VulnerabilitySummary; compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <Figures
      figures={(compact ? FIGURES.slice(0, 4) : FIGURES).map(({ key, tone }) => ({
        key,
        tone,
        label: t(`vuln.figures.${key}`),
        value: summary[key] as number,
      }))}
      testIdPrefix="figure-"
      compact={compact}
    />
  );
}

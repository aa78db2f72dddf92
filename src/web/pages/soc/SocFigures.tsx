import { useTranslation } from 'react-i18next';
import type { SocSummary } from '../../api/schema.gen.ts';
import { Figures } from '../../components/Figures.tsx';
import { formatCalendarDate } from '../../lib/format.ts';

/**
 * The sentence the SOC writes in its report, worded as in the province's documents: "Trong kỳ từ … đến …, hệ thống
 * giám sát phát hiện N địa chỉ IP thực hiện rà quét mạng và M địa chỉ IP kết nối tới máy chủ độc hại".
 */
export function SocStatement({ summary, organisation }: { summary: SocSummary; organisation?: string }) {
  const { t } = useTranslation();
  return (
    <p className="statement" data-testid="soc-statement">
      {t(organisation ? 'soc.statementOrg' : 'soc.statement', {
        from: formatCalendarDate(summary.period.from),
        to: formatCalendarDate(summary.period.to),
        scanning: summary.scanningIps,
        contacts: summary.maliciousContactIps,
        organisation,
      })}
    </p>
  );
}

/** A list's address with the dashboard's period and organisation, so the number opens what it counts. */
const listHref = (path: string, filters: Record<string, string>) => {
  const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();
  return q ? `${path}?${q}` : path;
};

/**
 * The big numbers: scanning IPs (of which internal), malicious-contact IPs, findings still to triage. Each number
 * opens the list behind it, for the same period and organisation.
 */
export function SocFigures({
  summary,
  organisationId = '',
  compact = false,
}: {
  summary: SocSummary;
  organisationId?: string;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  // The lists behind the figures take the period itself (the day the figures stand on is the period's end).
  const filters = { from: summary.period.from, to: summary.period.to, organisationId };
  const scanners = listHref('/soc/scanners', filters);
  const figures = [
    { key: 'scanningIps', value: summary.scanningIps, tone: 'warn' as const, href: scanners },
    {
      key: 'internalScanningIps',
      value: summary.internalScanningIps,
      href: listHref('/soc/scanners', { ...filters, origin: 'internal' }),
    },
    {
      key: 'maliciousContactIps',
      value: summary.maliciousContactIps,
      tone: 'bad' as const,
      href: listHref('/soc/contacts', filters),
    },
    // Both kinds together: no single list shows them.
    { key: 'toTriage', value: summary.byTriage.new },
  ];
  // Figures writes each count as the reader's language does (formatNumber).
  return (
    <Figures
      figures={figures.map((f) => ({ ...f, label: t(`soc.figures.${f.key}`) }))}
      testIdPrefix="soc-figure-"
      compact={compact}
    />
  );
}

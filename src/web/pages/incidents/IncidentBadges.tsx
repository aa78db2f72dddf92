import { useTranslation } from 'react-i18next';
import type { IncidentClock, IncidentSeverity, IncidentState } from '../../api/schema.gen.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { CLOCK_BADGE, SEVERITY_BADGE, STATE_BADGE } from './ui.ts';

export function StateBadge({ state }: { state: IncidentState }) {
  const { t } = useTranslation();
  return <span className={`badge ${STATE_BADGE[state]}`}>{t(`incidents.states.${state}`)}</span>;
}

export function SeverityBadge({ severity }: { severity: IncidentSeverity }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${SEVERITY_BADGE[severity]}`} data-testid="severity-badge">
      {t(`incidents.severities.${severity}`)}
    </span>
  );
}

/**
 * When a clock falls due. A limit in days ends at midnight, which reads as the end of the day before ("by the end of
 * 23/02"), not as 00:00 of the next one.
 */
export function dueText(t: (key: string, o?: Record<string, unknown>) => string, iso: string) {
  const at = formatDateTime(iso);
  if (!at.endsWith(' 00:00:00')) return t('incidents.dueAt', { at: at.slice(0, -3) });
  return t('incidents.dueEndOfDay', { day: formatDate(new Date(Date.parse(iso) - 1).toISOString()) });
}

/** A clock's state with its due time (and, with `withName`, which report it is). */
export function ClockBadge({ clock, withName = false }: { clock: IncidentClock; withName?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="clock-badge" data-testid={`clock-${clock.clock}`}>
      {withName && <span className="small">{t(`incidents.clocks.${clock.clock}`)} </span>}
      <span className={`badge ${CLOCK_BADGE[clock.state]}`}>{t(`incidents.clockStates.${clock.state}`)}</span>{' '}
      <span className="muted small nowrap">{dueText(t, clock.dueAt)}</span>
    </span>
  );
}

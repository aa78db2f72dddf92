import { useTranslation } from 'react-i18next';
import type { InspectionClockState, InspectionState } from '../../api/schema.gen.ts';

export function InspectionStateBadge({ state }: { state: InspectionState }) {
  const { t } = useTranslation();
  const tone = state === 'closed' ? 'good' : state === 'concluded' || state === 'in_progress' ? 'warn' : 'neutral';
  return (
    <span className={`badge badge-${tone}`} data-testid="inspection-state">
      {t(`inspections.states.${state}`)}
    </span>
  );
}

/** A statutory clock: late or overdue in red, met in green. */
export function ClockBadge({ state }: { state: InspectionClockState }) {
  const { t } = useTranslation();
  if (state === 'none') return <span className="muted">—</span>;
  const tone = state === 'met' ? 'good' : state === 'pending' ? 'neutral' : 'bad';
  return <span className={`badge badge-${tone}`}>{t(`inspections.clockStates.${state}`)}</span>;
}

// Paths and badge colours of the incident pages; shapes and value lists come from the generated client.
import type { ClockState, IncidentClock, IncidentSeverity, IncidentState } from '../../api/schema.gen.ts';

export const INCIDENTS_PATH = '/incidents';
export const TEAM_PATH = '/incidents/team';
export const incidentPath = (id: string) => `/incidents/view?id=${encodeURIComponent(id)}`;
export const incidentEditPath = (id?: string) =>
  id ? `/incidents/edit?id=${encodeURIComponent(id)}` : '/incidents/edit';
/** A new incident opened from a vulnerability finding (the form starts from what the finding says). */
export const incidentFromFindingPath = (vulnFindingId: string) =>
  `/incidents/edit?vulnFindingId=${encodeURIComponent(vulnFindingId)}`;

export const STATE_BADGE: Record<IncidentState, string> = {
  open: 'badge-warn',
  responding: 'badge-warn',
  responded: 'badge-neutral',
  closed: 'badge-good',
};
export const SEVERITY_BADGE: Record<IncidentSeverity, string> = { serious: 'badge-bad', normal: 'badge-neutral' };
export const CLOCK_BADGE: Record<ClockState, string> = {
  pending: 'badge-neutral',
  near: 'badge-warn',
  overdue: 'badge-bad',
  done: 'badge-good',
  done_late: 'badge-warn',
};

/** The clock that most needs attention: overdue, then near, then the next one still open. */
export const urgentClock = (clocks: IncidentClock[]) =>
  clocks.find((c) => c.state === 'overdue') ??
  clocks.find((c) => c.state === 'near') ??
  clocks.find((c) => c.state === 'pending') ??
  null;

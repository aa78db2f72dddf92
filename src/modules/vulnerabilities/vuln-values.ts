// Dependency-free on purpose: the web UI imports these values and rules, so they must not pull in the database layer.
import type { Role } from '../auth/index.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Lifecycle of a finding (lỗ hổng trên một máy):
 * open → fixed (the agency says so; awaits the next scan) → resolved (a later scan no longer reports it);
 * open → accepted (risk accepted with reason and expiry, approved by the Department) or false_positive (approved by
 * the SOC). A later scan that reports a resolved or fixed finding again reopens it.
 */
export const FINDING_STATUSES = ['open', 'fixed', 'resolved', 'accepted', 'false_positive'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/**
 * Who sets a status directly and decides others' requests for it: the Department accepts risks, the SOC confirms
 * false positives (admins may do both). Others only request these; statuses not listed anyone in scope may set.
 */
const STATUS_DECIDERS: Partial<Record<FindingStatus, readonly Role[]>> = {
  accepted: ['department', 'admin'],
  false_positive: ['soc', 'admin'],
};

export const decidesStatus = (role: Role, status: FindingStatus) => STATUS_DECIDERS[status]?.includes(role) ?? true;

/** Scans reopen findings by themselves; by hand only the SOC (and admins) do. */
export const mayReopen = (role: Role) => role === 'soc' || role === 'admin';

/** The status changes a form offers: everything but `resolved`, which only a scan sets. */
export const CHANGE_STATUSES = ['fixed', 'accepted', 'false_positive', 'open'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

/**
 * What a user of `role` may do with a finding now: the statuses they may set (`direct`) or ask for (a request the
 * Department or the SOC decides), and whether they decide the request pending on it. `remediates` is whether the
 * role may touch findings at all (the `vuln.remediate` permission). The API sends this with every finding, and
 * refuses any other change, so the UI offers exactly what the server accepts.
 */
export function findingActions(
  role: Role,
  remediates: boolean,
  finding: { status: FindingStatus; requestedStatus: FindingStatus | null },
): { changes: { status: ChangeStatus; direct: boolean }[]; decide: boolean } {
  if (!remediates) return { changes: [], decide: false };
  const changes: ChangeStatus[] = [];
  if (finding.status === 'open' && !finding.requestedStatus) changes.push('fixed', 'accepted', 'false_positive');
  if (finding.status !== 'open' && mayReopen(role)) changes.push('open');
  return {
    changes: changes.map((status) => ({ status, direct: decidesStatus(role, status) })),
    decide: finding.requestedStatus !== null && decidesStatus(role, finding.requestedStatus),
  };
}

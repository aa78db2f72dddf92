// Dependency-free on purpose: the web UI imports these values and rules, so they must not pull in the database layer.
import type { Role } from '../auth/roles.ts';

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

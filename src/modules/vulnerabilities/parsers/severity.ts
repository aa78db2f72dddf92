import type { Severity } from './types.ts';

/** Nessus `severity` attribute 0–4, indexed by value. */
const NESSUS_LEVELS: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Qualys levels 1–5, indexed by level − 1. */
const QUALYS_LEVELS: readonly Severity[] = ['low', 'low', 'medium', 'high', 'critical'];

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Labels used by Nessus `risk_factor`/CSV `Risk` and OpenVAS `threat`/CSV `Severity`. */
const LABELS: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  none: 'info',
  info: 'info',
  information: 'info',
  informational: 'info',
  log: 'info',
  debug: 'info',
  // A false positive confirmed in Greenbone must not make the host vulnerable.
  'false positive': 'info',
};

/** 0 for `info` up to 4 for `critical`; a host is vulnerable when its maximum rank is ≥ 1. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function severityFromNessusLevel(level: string): Severity | undefined {
  return /^[0-4]$/.test(level.trim()) ? NESSUS_LEVELS[Number(level)] : undefined;
}

/**
 * A Qualys level 1 (minimal) to 5 (urgent) of a confirmed or potential vulnerability (qualys.com/research/knowledge/
 * severity). Level 1 is still a vulnerability, so low: Qualys' own three-band summaries put levels 1 and 2 in Low and
 * keep Info for information gathered, which callers rate info whatever its level.
 */
export function severityFromQualysLevel(level: string): Severity | undefined {
  return /^[1-5]$/.test(level.trim()) ? QUALYS_LEVELS[Number(level) - 1] : undefined;
}

/**
 * Qualys' rule, the same for its CSV and XML exports: information gathered (type `Ig`) and a detection Qualys found
 * fixed are info whatever their level; a confirmed or potential vulnerability goes by its level 1–5, else (a level
 * missing or not 1–5, which the caller reports) by its CVSS v3 then v2 score, else medium: neither dismissed nor urgent.
 */
export function qualysSeverity(
  informational: boolean,
  level: string | undefined,
  ...scores: (number | undefined)[]
): Severity {
  if (informational) return 'info';
  return severityFromQualysLevel(level ?? '') ?? severityFromScores(...scores) ?? 'medium';
}

/** A Qualys detection that is no vulnerability: information gathered (`Ig`), or one Qualys found fixed. */
export const qualysInformational = (type: string | undefined, status: string | undefined) =>
  /^(ig|info)/i.test(type ?? '') || status?.toLowerCase() === 'fixed';

export function severityFromLabel(label: string): Severity | undefined {
  return LABELS[label.trim().toLowerCase()];
}

/** CVSS v3 qualitative ratings, used when the scanner gives no rating of its own. */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** The rating implied by the first score present (callers pass CVSS v3 first), or undefined when there is none. */
export function severityFromScores(...scores: (number | undefined)[]): Severity | undefined {
  const score = scores.find((s) => s !== undefined && !Number.isNaN(s));
  return score === undefined ? undefined : severityFromScore(score);
}

import type { EvidenceSample, ScanRuleHit } from '../../../modules/soc/engine/types.ts';
import type { IntelImportResult, LogIngestResult, SocSummary } from '../../../modules/soc/soc.service.ts';
import { api, query } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Period } from '../../lib/period.ts';

// Shapes of the SOC API: the server's own types where it has them (type-only imports: nothing of the server reaches
// the bundle); value lists repeated once here, as in lib/vuln.ts.
export type { EvidenceSample, IntelImportResult, LogIngestResult, ScanRuleHit, SocSummary };

export const SOC_TRIAGE = ['new', 'confirmed', 'false_positive', 'escalated'] as const;
export type SocTriage = (typeof SOC_TRIAGE)[number];
export type SocKind = 'scanner' | 'malicious_contact';
export const LOG_FORMATS = ['auto', 'zeek-tsv', 'zeek-json', 'eve', 'nfdump-csv', 'syslog'] as const;

/** Triage colours: bar chart and badges read the same table. */
export const TRIAGE_COLOURS: Record<SocTriage, string> = {
  new: '#c05621',
  confirmed: '#9f1c1c',
  false_positive: '#6b7683',
  escalated: '#6b46c1',
};
export const TRIAGE_BADGE: Record<SocTriage, string> = {
  new: 'badge-warn',
  confirmed: 'badge-bad',
  false_positive: 'badge-neutral',
  escalated: 'badge-bad',
};

export type SocFinding = {
  id: string;
  kind: SocKind;
  ip: string;
  organisationId: string | null;
  organisationName?: string | null;
  /** Every organisation the finding concerns that the viewer may see (for a scanner: each one it swept). */
  organisations?: Array<{ id: string; name: string }>;
  attribution: 'source-range' | 'target-range' | null;
  internal: boolean;
  scanKind: 'horizontal' | 'vertical' | 'mixed' | null;
  slow: boolean | null;
  indicator: string | null;
  indicatorType: string | null;
  indicatorSource: string | null;
  direction: 'outbound' | 'inbound' | null;
  firstSeen: string;
  lastSeen: string;
  status: SocTriage;
  triageNote: string | null;
  /**
   * Seen as an agency the scanner swept (not its owner): `count` is then the failed attempts on the viewer's own
   * hosts, and the scanner's totals and the triage note are withheld.
   */
  sweptOnly?: boolean;
  count?: number | null;
  distinctTargets?: number | null;
  distinctPorts?: number | null;
};

export type ContactRuleHit = {
  matchedOn: ('flow' | 'dns' | 'tls' | 'http')[];
  confidence?: number;
  indicatorId?: string;
};
export type Sighting = {
  ingestId: string;
  source: string;
  firstSeen: string;
  lastSeen: string;
  count: number | null;
  distinctTargets: number | null;
  distinctPorts: number | null;
};
export type SocFindingDetail = SocFinding & {
  rules: (ScanRuleHit | ContactRuleHit)[];
  /** A sample whose target is another agency's host has it masked (`dst` empty) for an agency's own scanner. */
  evidence: Array<EvidenceSample & { dstOtherOrganisation?: boolean }>;
  sightings: Sighting[];
  triagedAt: string | null;
};

export type IntelSource = {
  source: string;
  indicators: number;
  ips: number;
  domains: number;
  urls: number;
  updatedAt: string;
};
export type Ingest = {
  id: string;
  source: string;
  format: string | null;
  events: number;
  rejected: number;
  errors: { line: number; reason: string }[];
  startedAt: string;
  finishedAt: string | null;
};

/** The SOC's period statement; `asOf` gives the figures as they stood that day (the tree of that day). */
export const loadSocSummary = (period: Period, organisationId = '', asOf = '') =>
  api<SocSummary>('GET', `/api/soc/summary${query({ ...period, organisationId, asOf })}`);

/** Event time (epoch seconds, as the engine keeps it) as dd/mm/yyyy HH:mm:ss in Vietnam. */
export const formatEpoch = (seconds: number | undefined) =>
  seconds === undefined ? '' : formatDateTime(new Date(seconds * 1000).toISOString());

export const isScanRule = (r: ScanRuleHit | ContactRuleHit): r is ScanRuleHit => 'rule' in r;

/**
 * The organisations a finding concerns besides the one it is attributed to, that the viewer may see: the other
 * agencies a scanner swept (a contact concerns its own organisation only).
 */
export function otherOrganisations(finding: Pick<SocFinding, 'organisations' | 'organisationId'>): string[] {
  return (finding.organisations ?? []).filter((o) => o.id !== finding.organisationId).map((o) => o.name);
}

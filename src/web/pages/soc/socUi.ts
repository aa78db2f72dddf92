import { useQueryClient } from '@tanstack/react-query';
import type {
  SocContactRuleHit,
  SocFindingStatus,
  SocLineError,
  SocLineErrorKind,
  SocScanRuleHit,
} from '../../api/schema.gen.ts';
import { formatDateTime } from '../../lib/format.ts';

// Pure UI helpers of the SOC pages: colours, labels and groupings of what the server sends (its types are generated).

/** Triage colours: bar chart and badges read the same table. */
export const TRIAGE_COLOURS: Record<SocFindingStatus, string> = {
  new: '#c05621',
  confirmed: '#9f1c1c',
  false_positive: '#6b7683',
  escalated: '#6b46c1',
};
export const TRIAGE_BADGE: Record<SocFindingStatus, string> = {
  new: 'badge-warn',
  confirmed: 'badge-bad',
  false_positive: 'badge-neutral',
  escalated: 'badge-bad',
};

/** Event time (epoch seconds, as the engine keeps it) as dd/mm/yyyy HH:mm:ss in Vietnam. */
export const formatEpoch = (seconds: number | undefined) =>
  seconds === undefined ? '' : formatDateTime(new Date(seconds * 1000).toISOString());

export const isScanRule = (r: SocScanRuleHit | SocContactRuleHit): r is SocScanRuleHit => 'rule' in r;

/**
 * The organisations a finding concerns besides the one it is attributed to, that the viewer may see: the other
 * agencies a scanner swept (a contact concerns its own organisation only).
 */
export function otherOrganisations(finding: {
  organisations: { id: string; name: string }[];
  organisationId: string | null;
}): string[] {
  return finding.organisations.filter((o) => o.id !== finding.organisationId).map((o) => o.name);
}

/** Rejected lines grouped by the kind of problem, in the order each kind first appears. */
export function groupLineErrors(errors: SocLineError[]): { kind: SocLineErrorKind; lines: SocLineError[] }[] {
  const groups = new Map<SocLineErrorKind, SocLineError[]>();
  for (const e of errors) groups.set(e.kind, [...(groups.get(e.kind) ?? []), e]);
  return [...groups].map(([kind, lines]) => ({ kind, lines }));
}

/** All SOC queries, refreshed after an ingest or a triage changes what they show. */
export function useInvalidateSoc() {
  const queryClient = useQueryClient();
  return (
    ...paths: (
      | '/api/soc/findings'
      | '/api/soc/findings/{id}'
      | '/api/soc/summary'
      | '/api/soc/ingests'
      | '/api/soc/intel'
    )[]
  ) => Promise.all(paths.map((path) => queryClient.invalidateQueries({ queryKey: ['get', path] })));
}

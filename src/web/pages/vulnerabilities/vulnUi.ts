import { useQueryClient } from '@tanstack/react-query';
import type { Scanner } from '../../api/schema.gen.ts';

// Pure UI helpers of the vulnerability pages. What the server decides (value lists, who may do what, deadlines,
// overdue) comes from the API and its generated types, never from here.

/**
 * Every query of the vulnerability pages, refreshed after an import, a status change, an assignment or a policy
 * change: figures, lists, a finding's detail and history all follow from those.
 */
export function useInvalidateVulnerabilities() {
  const queryClient = useQueryClient();
  return () =>
    queryClient.invalidateQueries({
      predicate: (q) => q.queryKey[0] === 'get' && String(q.queryKey[1]).startsWith('/api/vulnerabilities/'),
    });
}

/** A filter value read from the URL, if it is one of `values` (a hand-edited URL sends nothing invalid). */
export const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((v) => v === value);

/** Each scanner as its maker writes it (a new scanner in the contract fails to compile here until named). */
export const SCANNER_LABELS: Record<Scanner, string> = {
  nessus: 'Nessus',
  openvas: 'OpenVAS',
  nmap: 'Nmap',
  qualys: 'Qualys',
  nexpose: 'Nexpose',
  wazuh: 'Wazuh',
  openscap: 'OpenSCAP',
  zap: 'ZAP',
  acunetix: 'Acunetix',
  nuclei: 'Nuclei',
  nikto: 'Nikto',
  burp: 'Burp',
};

/** A finding's scanner by name (a stored finding's `scanner` is text: one the UI does not know stays as written). */
export const scannerLabel = (scanner: string) => SCANNER_LABELS[scanner as Scanner] ?? scanner;

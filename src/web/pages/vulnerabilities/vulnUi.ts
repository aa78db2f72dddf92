import { useQueryClient } from '@tanstack/react-query';

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

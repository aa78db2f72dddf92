import { useMemo } from 'react';
import { api, query } from './api.ts';
import { buildTree, type OrgTree } from './tree.ts';
import type { Organisation } from './types.ts';
import { useLoad } from './useLoad.ts';

/** The organisations the user may see, in force on `asOf` (default today), as a tree (for pickers and filters). */
export function useOrgTree(asOf?: string): { tree: OrgTree; error: unknown } {
  const orgs = useLoad(() => api<Organisation[]>('GET', `/api/organisations${query({ asOf })}`), [asOf]);
  const tree = useMemo(() => buildTree(orgs.data ?? []), [orgs.data]);
  return { tree, error: orgs.error };
}

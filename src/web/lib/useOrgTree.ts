import { useMemo } from 'react';
import { api } from './api.ts';
import { buildTree, type OrgTree } from './tree.ts';
import type { Organisation } from './types.ts';
import { useLoad } from './useLoad.ts';

/** The organisations the user may see, as a tree (for pickers and filters). */
export function useOrgTree(): { tree: OrgTree; error: unknown } {
  const orgs = useLoad(() => api<Organisation[]>('GET', '/api/organisations'), []);
  const tree = useMemo(() => buildTree(orgs.data ?? []), [orgs.data]);
  return { tree, error: orgs.error };
}

import { useMemo } from 'react';
import { $api } from '../api/client.ts';
import { buildTree, type OrgTree } from './tree.ts';

/**
 * The organisations the user may see, in force on `asOf` (default today), as a tree (for pickers and filters). One
 * cached query per day, shared by every page that asks; an organisation saved anywhere invalidates it.
 */
export function useOrgTree(asOf?: string): { tree: OrgTree; error: unknown; isPending: boolean } {
  const orgs = $api.useQuery('get', '/api/organisations', { params: { query: asOf ? { asOf } : {} } });
  const tree = useMemo(() => buildTree(orgs.data ?? []), [orgs.data]);
  return { tree, error: orgs.error, isPending: orgs.isPending };
}

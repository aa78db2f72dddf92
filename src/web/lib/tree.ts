import type { Organisation } from './types.ts';

export type OrgTree = {
  roots: Organisation[];
  childrenOf: Map<string, Organisation[]>;
  byId: Map<string, Organisation>;
};

/** The tree of the organisations a caller sees: roots are those whose parent is not in the list (out of scope). */
export function buildTree(orgs: Organisation[]): OrgTree {
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const childrenOf = new Map<string, Organisation[]>();
  const roots: Organisation[] = [];
  const byName = (a: Organisation, b: Organisation) => a.name.localeCompare(b.name, 'vi');
  for (const o of [...orgs].sort(byName)) {
    if (o.parentId && byId.has(o.parentId)) childrenOf.set(o.parentId, [...(childrenOf.get(o.parentId) ?? []), o]);
    else roots.push(o);
  }
  return { roots, childrenOf, byId };
}

/** Every organisation in depth-first order with its depth, for indented pickers. */
export function flatten(tree: OrgTree, skip?: (o: Organisation) => boolean): { org: Organisation; depth: number }[] {
  const out: { org: Organisation; depth: number }[] = [];
  const walk = (list: Organisation[], depth: number) => {
    for (const org of list) {
      if (skip?.(org)) continue;
      out.push({ org, depth });
      walk(tree.childrenOf.get(org.id) ?? [], depth + 1);
    }
  };
  walk(tree.roots, 0);
  return out;
}

/** Ids of an organisation and all its descendants. */
export function subtreeIds(tree: OrgTree, id: string): Set<string> {
  const ids = new Set<string>();
  const walk = (i: string) => {
    ids.add(i);
    for (const c of tree.childrenOf.get(i) ?? []) walk(c.id);
  };
  walk(id);
  return ids;
}

/** Lower-case without diacritics, so "so thong tin" finds "Sở Thông tin". */
export const foldText = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

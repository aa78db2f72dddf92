import type { Organisation } from '../api/schema.gen.ts';

export type OrgTree = {
  roots: Organisation[];
  childrenOf: Map<string, Organisation[]>;
  byId: Map<string, Organisation>;
  /**
   * How each organisation is named in pickers and lists: its name, and where another unit has the same name its
   * parent's ("Xã Tân Lập — Huyện Lục Yên"), or its code when even that does not tell them apart.
   */
  labels: Map<string, string>;
};

/** Lower-case without diacritics, so "so thong tin" finds "Sở Thông tin". */
export const foldText = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

/** "name — parent" for a unit shown apart from its tree (a list, a picker of one level). */
export const withParent = (name: string, parentName: string | null | undefined) =>
  parentName ? `${name} — ${parentName}` : name;

/** Labels that tell units of one name apart: by parent first, by code when the parents are namesakes too. */
function labelsOf(orgs: Organisation[], byId: Map<string, Organisation>): Map<string, string> {
  const byName = new Map<string, Organisation[]>();
  for (const o of orgs) {
    const key = foldText(o.name.trim());
    byName.set(key, [...(byName.get(key) ?? []), o]);
  }
  const labels = new Map<string, string>();
  for (const group of byName.values()) {
    if (group.length === 1) {
      const [only] = group as [Organisation];
      labels.set(only.id, only.name);
      continue;
    }
    const withParents = group.map((o) => ({
      o,
      label: withParent(o.name, o.parentId ? byId.get(o.parentId)?.name : undefined),
    }));
    const count = new Map<string, number>();
    for (const w of withParents) count.set(w.label, (count.get(w.label) ?? 0) + 1);
    for (const w of withParents)
      labels.set(w.o.id, (count.get(w.label) ?? 0) > 1 ? `${w.label} (${w.o.code})` : w.label);
  }
  return labels;
}

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
  return { roots, childrenOf, byId, labels: labelsOf(orgs, byId) };
}

/** An organisation's name as lists show it (see `OrgTree.labels`); '' for an id the tree does not hold. */
export const orgLabel = (tree: OrgTree, id: string | null | undefined) =>
  id ? (tree.labels.get(id) ?? tree.byId.get(id)?.name ?? '') : '';

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

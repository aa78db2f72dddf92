import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation } from '../../api/schema.gen.ts';
import { foldText, type OrgTree as Tree } from '../../lib/tree.ts';

type Props = {
  tree: Tree;
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Whether the reader may add units: an empty tree then says how. */
  canWrite?: boolean;
};

/** Expandable tree with a diacritic-insensitive search that keeps each match's ancestors visible. */
export function OrgTree({ tree, selectedId, onSelect, canWrite = false }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(tree.roots.map((r) => r.id)));

  // Reveal the selected organisation (e.g. one just created deep in the tree).
  useEffect(() => {
    if (!selectedId) return;
    setExpanded((prev) => {
      const next = new Set(prev);
      for (let o = tree.byId.get(selectedId); o?.parentId; o = tree.byId.get(o.parentId)) next.add(o.parentId);
      return next;
    });
  }, [selectedId, tree]);

  const visible = useMemo(() => {
    const q = foldText(query.trim());
    if (!q) return null;
    const ids = new Set<string>();
    for (const o of tree.byId.values()) {
      if (!foldText(`${o.name} ${o.code}`).includes(q)) continue;
      for (
        let a: Organisation | undefined = o;
        a && !ids.has(a.id);
        a = a.parentId ? tree.byId.get(a.parentId) : undefined
      )
        ids.add(a.id);
    }
    return ids;
  }, [query, tree]);

  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const renderNodes = (list: Organisation[]) => (
    <ul>
      {list
        .filter((o) => !visible || visible.has(o.id))
        .map((o) => {
          const kids = tree.childrenOf.get(o.id) ?? [];
          const open = visible !== null || expanded.has(o.id);
          return (
            <li key={o.id}>
              <div className="tree-row">
                {kids.length > 0 ? (
                  <button
                    type="button"
                    className="tree-toggle"
                    aria-expanded={open}
                    aria-label={t(open ? 'organisations.collapse' : 'organisations.expand', { name: o.name })}
                    onClick={() => toggle(o.id)}
                  >
                    {open ? '▾' : '▸'}
                  </button>
                ) : (
                  <span className="tree-toggle" />
                )}
                <button
                  type="button"
                  className="tree-label"
                  aria-current={o.id === selectedId ? 'true' : undefined}
                  onClick={() => onSelect(o.id)}
                >
                  {o.name}
                  <span className="tree-code">{o.code}</span>
                </button>
              </div>
              {open && kids.length > 0 && renderNodes(kids)}
            </li>
          );
        })}
    </ul>
  );

  return (
    <div className="tree" data-testid="org-tree">
      <div className="tree-tools">
        <input
          type="search"
          placeholder={t('organisations.search')}
          aria-label={t('organisations.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button
          type="button"
          className="btn btn-quiet btn-small"
          onClick={() => setExpanded(new Set(tree.childrenOf.keys()))}
        >
          {t('organisations.expandAll')}
        </button>
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setExpanded(new Set())}>
          {t('organisations.collapseAll')}
        </button>
      </div>
      {tree.roots.length === 0 ? (
        <p className="muted" data-testid="org-tree-empty">
          {t('organisations.empty')} {canWrite ? t('organisations.emptyWrite') : t('organisations.emptyRead')}
        </p>
      ) : visible?.size === 0 ? (
        <p className="muted">{t('organisations.noMatch')}</p>
      ) : (
        renderNodes(tree.roots)
      )}
    </div>
  );
}

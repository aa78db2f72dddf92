import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { useAsOf } from '../../lib/asOf.ts';
import { useCan } from '../../lib/session.ts';
import { buildTree } from '../../lib/tree.ts';
import type { Organisation } from '../../lib/types.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { OrgDetails } from './OrgDetails.tsx';
import { OrgForm } from './OrgForm.tsx';
import { OrgImport } from './OrgImport.tsx';
import { OrgReorganise } from './OrgReorganise.tsx';
import { OrgTree } from './OrgTree.tsx';

type Mode = { kind: 'view' } | { kind: 'edit' } | { kind: 'create'; parentId: string | null };

export function OrganisationsPage() {
  const { t } = useTranslation();
  const can = useCan();
  // The tree in force on a day (units merged or renamed since show under that day's names).
  const { asOf, today, setAsOf } = useAsOf();
  const list = useLoad(() => api<Organisation[]>('GET', `/api/organisations?asOf=${asOf}`), [asOf]);
  const tree = useMemo(() => buildTree(list.data ?? []), [list.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [error, setError] = useState<unknown>(null);
  const selected = selectedId ? tree.byId.get(selectedId) : undefined;

  const select = (id: string | null) => {
    setSelectedId(id);
    setMode({ kind: 'view' });
    setError(null);
  };

  async function remove(org: Organisation) {
    if (!confirm(t('organisations.confirmDelete', { name: org.name }))) return;
    setError(null);
    try {
      await api('DELETE', `/api/organisations/${org.id}`);
      select(org.parentId);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  const saved = (org: Organisation) => {
    select(org.id);
    list.reload();
  };

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.organisations')}</h1>
        {can('organisation.write') && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setMode({ kind: 'create', parentId: selectedId })}
            data-testid="org-new"
          >
            {t('organisations.new')}
          </button>
        )}
      </div>
      <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
      {can('organisation.write') && (
        <>
          <OrgImport onImported={list.reload} />
          <OrgReorganise onApplied={list.reload} />
        </>
      )}
      <ErrorMessage error={list.error ?? error} />
      <div className="master-detail">
        <aside className="panel">
          {list.data ? (
            <OrgTree tree={tree} selectedId={selectedId} onSelect={select} />
          ) : (
            <p className="muted">{t('common.loading')}</p>
          )}
        </aside>
        <div>
          {mode.kind === 'create' ? (
            <OrgForm
              key={`new-${mode.parentId}`}
              parentId={mode.parentId}
              tree={tree}
              onSaved={saved}
              onCancel={() => setMode({ kind: 'view' })}
            />
          ) : mode.kind === 'edit' && selected ? (
            <OrgForm
              key={selected.id}
              org={selected}
              parentId={selected.parentId}
              tree={tree}
              onSaved={saved}
              onCancel={() => setMode({ kind: 'view' })}
            />
          ) : selected ? (
            <OrgDetails
              org={selected}
              tree={tree}
              onSelect={select}
              onEdit={() => setMode({ kind: 'edit' })}
              onAddChild={() => setMode({ kind: 'create', parentId: selected.id })}
              onDelete={() => void remove(selected)}
            />
          ) : (
            <p className="panel muted">{t('organisations.pick')}</p>
          )}
        </div>
      </div>
    </>
  );
}

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { Organisation } from '../../api/schema.gen.ts';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useAsOf } from '../../lib/asOf.ts';
import { useCan } from '../../lib/session.ts';
import { buildTree } from '../../lib/tree.ts';
import { OrgDetails } from './OrgDetails.tsx';
import { OrgForm, useInvalidateOrganisations } from './OrgForm.tsx';
import { OrgImport } from './OrgImport.tsx';
import { OrgReorganise } from './OrgReorganise.tsx';
import { OrgTree } from './OrgTree.tsx';

type Mode = { kind: 'view' } | { kind: 'edit' } | { kind: 'create'; parentId: string | null };

export function OrganisationsPage() {
  const { t } = useTranslation();
  const can = useCan();
  // The tree in force on a day (units merged or renamed since show under that day's names).
  const { asOf, today, setAsOf } = useAsOf();
  const list = $api.useQuery('get', '/api/organisations', { params: { query: { asOf } } });
  const tree = useMemo(() => buildTree(list.data ?? []), [list.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const remove = $api.useMutation('delete', '/api/organisations/{id}', { onSuccess: useInvalidateOrganisations() });
  const selected = selectedId ? tree.byId.get(selectedId) : undefined;

  const select = (id: string | null) => {
    setSelectedId(id);
    setMode({ kind: 'view' });
    remove.reset();
  };

  async function removeOrg(org: Organisation) {
    if (!confirm(t('organisations.confirmDelete', { name: org.name }))) return;
    try {
      await remove.mutateAsync({ params: { path: { id: org.id } } });
      select(org.parentId);
    } catch {
      // Shown below (the mutation keeps its error).
    }
  }

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
          <OrgImport />
          <OrgReorganise />
        </>
      )}
      <ErrorMessage error={list.error ?? remove.error} />
      <div className="master-detail">
        <aside className="panel">
          {list.data ? (
            <OrgTree tree={tree} selectedId={selectedId} onSelect={select} canWrite={can('organisation.write')} />
          ) : (
            !list.error && <p className="muted">{t('common.loading')}</p>
          )}
        </aside>
        <div>
          {mode.kind === 'create' ? (
            <OrgForm
              key={`new-${mode.parentId}`}
              parentId={mode.parentId}
              tree={tree}
              onSaved={(org) => select(org.id)}
              onCancel={() => setMode({ kind: 'view' })}
            />
          ) : mode.kind === 'edit' && selected ? (
            <OrgForm
              key={selected.id}
              org={selected}
              parentId={selected.parentId}
              tree={tree}
              onSaved={(org) => select(org.id)}
              onCancel={() => setMode({ kind: 'view' })}
            />
          ) : selected ? (
            <OrgDetails
              org={selected}
              tree={tree}
              onSelect={select}
              onEdit={() => setMode({ kind: 'edit' })}
              onAddChild={() => setMode({ kind: 'create', parentId: selected.id })}
              onDelete={() => void removeOrg(selected)}
            />
          ) : (
            tree.roots.length > 0 && <p className="panel muted">{t('organisations.pick')}</p>
          )}
        </div>
      </div>
    </>
  );
}

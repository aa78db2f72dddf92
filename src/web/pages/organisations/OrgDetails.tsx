import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation } from '../../api/schema.gen.ts';
import { formatCalendarDate, formatDateTime } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { type OrgTree, orgLabel } from '../../lib/tree.ts';

type Props = {
  org: Organisation;
  tree: OrgTree;
  onSelect: (id: string) => void;
  onEdit: () => void;
  onAddChild: () => void;
  onDelete: () => void;
};

export function OrgDetails({ org, tree, onSelect, onEdit, onAddChild, onDelete }: Props) {
  const { t } = useTranslation();
  const can = useCan();
  const parent = org.parentId ? tree.byId.get(org.parentId) : undefined;
  const successor = org.successorId ? tree.byId.get(org.successorId) : undefined;
  const children = tree.childrenOf.get(org.id) ?? [];
  const validity = [formatCalendarDate(org.validFrom), formatCalendarDate(org.validTo)];
  // The tab names the unit shown.
  useEffect(() => {
    document.title = `${org.name} · Khiên`;
  }, [org.name]);
  const link = (o: Organisation) => (
    <button type="button" className="link" onClick={() => onSelect(o.id)}>
      {orgLabel(tree, o.id) || o.name}
    </button>
  );

  return (
    <section className="panel" data-testid="org-details">
      <div className="panel-head">
        <div>
          <h2>{org.name}</h2>
          <div className="muted">
            {t(`orgTypes.${org.type}`)} · {t('organisations.code')} <code>{org.code}</code>
          </div>
        </div>
        {can('organisation.write') && (
          <div className="actions">
            <button type="button" className="btn" onClick={onEdit} data-testid="org-edit">
              {t('common.edit')}
            </button>
            <button type="button" className="btn" onClick={onAddChild}>
              {t('organisations.newChild')}
            </button>
            <button type="button" className="btn btn-danger" onClick={onDelete} data-testid="org-delete">
              {t('common.delete')}
            </button>
          </div>
        )}
      </div>
      <dl className="facts">
        <dt>{t('organisations.parent')}</dt>
        <dd>{parent ? link(parent) : t('organisations.noParent')}</dd>
        <dt>{t('organisations.head')}</dt>
        <dd>{[org.headTitle, org.headName].filter(Boolean).join(' ') || '—'}</dd>
        <dt>{t('organisations.email')}</dt>
        <dd>{org.email ?? '—'}</dd>
        <dt>{t('organisations.phone')}</dt>
        <dd>{org.phone ?? '—'}</dd>
        <dt>{t('organisations.address')}</dt>
        <dd>{org.address ?? '—'}</dd>
        <dt>{t('organisations.validity')}</dt>
        <dd>{validity.some(Boolean) ? `${validity[0] || '…'} – ${validity[1] || '…'}` : t('organisations.always')}</dd>
        {successor && (
          <>
            <dt>{t('organisations.successor')}</dt>
            <dd>{link(successor)}</dd>
          </>
        )}
        <dt>{t('organisations.ipRanges')}</dt>
        <dd data-testid="org-ip-ranges">
          {org.ipRanges.length ? (
            <ul className="plain">
              {org.ipRanges.map((r) => (
                <li key={r}>
                  <code>{r}</code>
                </li>
              ))}
            </ul>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('organisations.children')}</dt>
        <dd>
          {children.length ? (
            <ul className="plain">
              {children.map((c) => (
                <li key={c.id}>{link(c)}</li>
              ))}
            </ul>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('common.updatedAt')}</dt>
        <dd>{formatDateTime(org.updatedAt)}</dd>
      </dl>
      {can('audit.read') && (
        <a href={`/audit?entityType=organisation&entityId=${org.id}`} onClick={followLink} data-testid="org-history">
          {t('organisations.history')}
        </a>
      )}
    </section>
  );
}

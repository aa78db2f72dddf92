import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { buildTree } from '../../lib/tree.ts';
import type { Organisation, User } from '../../lib/types.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { UserForm } from './UserForm.tsx';

export function UsersPage() {
  const { t } = useTranslation();
  const users = useLoad(() => api<User[]>('GET', '/api/users'), []);
  const orgs = useLoad(() => api<Organisation[]>('GET', '/api/organisations'), []);
  const tree = useMemo(() => buildTree(orgs.data ?? []), [orgs.data]);
  // null: no form; 'new': creating; otherwise the user being edited.
  const [editing, setEditing] = useState<User | 'new' | null>(null);

  const status = (u: User) =>
    [u.disabled && t('users.disabled'), u.locked && t('users.locked')].filter(Boolean).join(', ') || t('users.active');

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.users')}</h1>
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="user-new">
          {t('users.new')}
        </button>
      </div>
      <ErrorMessage error={users.error ?? orgs.error} />
      {editing && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? undefined : editing}
          tree={tree}
          onSaved={() => {
            setEditing(null);
            users.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <div className="panel panel-flush">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>{t('users.username')}</th>
              <th>{t('users.displayName')}</th>
              <th>{t('users.role')}</th>
              <th>{t('users.organisation')}</th>
              <th>{t('users.status')}</th>
              <th>{t('users.totp')}</th>
              <th>{t('users.lastLogin')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.id} className={u.disabled ? 'row-muted' : undefined}>
                <td>
                  <code>{u.username}</code>
                </td>
                <td>{u.displayName}</td>
                <td>{t(`roles.${u.role}`)}</td>
                <td>{(u.organisationId && tree.byId.get(u.organisationId)?.name) || '—'}</td>
                <td>
                  <span className={`badge ${u.disabled || u.locked ? 'badge-bad' : 'badge-good'}`}>{status(u)}</span>
                </td>
                <td>{u.totpEnabled ? t('common.yes') : t('common.no')}</td>
                <td>{u.lastLoginAt ? formatDateTime(u.lastLoginAt) : t('users.never')}</td>
                <td className="cell-actions">
                  <button type="button" className="btn btn-small" onClick={() => setEditing(u)}>
                    {t('common.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

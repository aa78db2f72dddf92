import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { Role, User, UserListItem } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { ROLES } from '../../lib/roles.ts';
import { useTableSearch } from '../../lib/tableSearch.ts';
import { type OrgTree, withParent } from '../../lib/tree.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { UserForm } from './UserForm.tsx';

/** An account's state in words: disabled, locked, waiting for its first own password, or active. */
export function userStatus(t: TFunction, u: User) {
  const states = [
    u.disabled && t('users.disabled'),
    u.locked && t('users.locked'),
    u.mustChangePassword && t('users.mustChangePassword'),
  ].filter(Boolean);
  return { text: states.join(', ') || t('users.active'), bad: u.disabled || u.locked, pending: u.mustChangePassword };
}

const columns = (t: TFunction, tree: OrgTree, edit: (u: UserListItem) => void): Column<UserListItem>[] => [
  {
    id: 'username',
    accessorFn: (u) => u.username,
    header: () => t('users.username'),
    enableSorting: true,
    cell: ({ row }) => <code>{row.original.username}</code>,
  },
  { id: 'displayName', accessorFn: (u) => u.displayName, header: () => t('users.displayName'), enableSorting: true },
  {
    id: 'role',
    accessorFn: (u) => u.role,
    header: () => t('users.role'),
    enableSorting: true,
    cell: ({ row }) => t(`roles.${row.original.role}`),
  },
  {
    id: 'organisation',
    header: () => t('users.organisation'),
    // Two communes of one name are told apart by their parent (a unit that has ended since is named with its own).
    cell: ({ row }) => {
      const o = row.original.organisation;
      return o ? (tree.labels.get(o.id) ?? withParent(o.name, o.parentName)) : '—';
    },
  },
  {
    id: 'status',
    header: () => t('users.status'),
    cell: ({ row }) => {
      const s = userStatus(t, row.original);
      return <span className={`badge ${s.bad ? 'badge-bad' : s.pending ? 'badge-warn' : 'badge-good'}`}>{s.text}</span>;
    },
  },
  {
    id: 'totp',
    header: () => t('users.totp'),
    cell: ({ row }) => (row.original.totpEnabled ? t('common.yes') : t('common.no')),
  },
  {
    id: 'lastLoginAt',
    accessorFn: (u) => u.lastLoginAt,
    header: () => t('users.lastLogin'),
    enableSorting: true,
    cell: ({ row }) => (row.original.lastLoginAt ? formatDateTime(row.original.lastLoginAt) : t('users.never')),
  },
  {
    id: 'actions',
    header: () => <span className="sr-only">{t('common.edit')}</span>,
    cell: ({ row }) => (
      <button type="button" className="btn btn-small" onClick={() => edit(row.original)}>
        {t('common.edit')}
      </button>
    ),
  },
];

/** Accounts: a page at a time from the server, searched by name or username, filtered by role and organisation. */
export function UsersPage() {
  const { t } = useTranslation();
  const search = useTableSearch({ size: 50, sort: 'username' });
  const role = ROLES.find((r) => r === search.filters.role);
  const organisationId = search.filters.organisation ?? '';
  const listQuery = {
    ...search.params,
    sort: search.params.sort as 'username' | undefined,
    role,
    organisationId: organisationId || undefined,
  };
  const users = $api.useQuery('get', '/api/users', { params: { query: listQuery } });
  const { tree, error: orgError } = useOrgTree();
  // null: no form; 'new': creating; otherwise the account being edited.
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [text, setText] = useState(search.q);
  // The search box asks the server once typing pauses.
  useEffect(() => {
    if (text.trim() === search.q) return;
    const timer = setTimeout(() => search.set({ q: text }), 300);
    return () => clearTimeout(timer);
  }, [text, search]);
  const filtered = !!(search.q || role || organisationId);

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.users')}</h1>
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="user-new">
          {t('users.new')}
        </button>
      </div>
      {editing && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? undefined : editing}
          tree={tree}
          onSaved={() => setEditing(null)}
          onCancel={() => setEditing(null)}
        />
      )}
      <div className="panel filters-panel" data-testid="users-filters">
        <Field label={t('users.search')}>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} data-testid="users-search" />
        </Field>
        <Field label={t('users.role')}>
          <select
            value={role ?? ''}
            onChange={(e) => search.set({ filters: { role: e.target.value || undefined } })}
            data-testid="users-role"
          >
            <option value="">{t('users.allRoles')}</option>
            {ROLES.map((r: Role) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('users.organisationFilter')}>
          <OrgSelect
            tree={tree}
            value={organisationId}
            onChange={(id) => search.set({ filters: { organisation: id || undefined } })}
            allLabel={t('users.allOrganisations')}
            data-testid="users-organisation"
          />
        </Field>
      </div>
      <ErrorMessage error={users.error ?? orgError} />
      <div className="panel panel-flush">
        <DataTable
          columns={columns(t, tree, setEditing)}
          rows={users.data?.items}
          total={users.data?.total}
          search={search}
          loading={users.isFetching}
          testId="users-table"
          rowKey={(u) => u.id}
          rowTestId={(u) => `user-${u.username}`}
          empty={
            filtered ? (
              <>
                {t('users.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setText('');
                    search.set({ q: '', filters: { role: undefined, organisation: undefined } });
                  }}
                >
                  {t('users.clearFilters')}
                </button>
              </>
            ) : (
              t('users.empty')
            )
          }
          exportTo={{ path: '/api/users/export', query: listQuery }}
        />
      </div>
    </>
  );
}

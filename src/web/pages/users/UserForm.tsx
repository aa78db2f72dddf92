import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { NewPasswordField } from '../../components/PasswordFields.tsx';
import { api } from '../../lib/api.ts';
import { ROLES, type Role } from '../../lib/roles.ts';
import type { OrgTree } from '../../lib/tree.ts';
import type { User } from '../../lib/types.ts';
import { useAction } from '../../lib/useAction.ts';

type Props = { user?: User; tree: OrgTree; onSaved: () => void; onCancel: () => void };

export function UserForm({ user, tree, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const [form, setForm] = useState({
    username: '',
    password: '',
    displayName: user?.displayName ?? '',
    email: user?.email ?? '',
    role: user?.role ?? ('agency' as Role),
    organisationId: user?.organisationId ?? '',
    scopeIncludesChildren: user?.scopeIncludesChildren ?? true,
    locale: user?.locale ?? 'vi',
    disabled: user?.disabled ?? false,
  });
  const { error, busy, run } = useAction();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  async function send(body: object) {
    await run(async () => {
      if (user) await api('PATCH', `/api/users/${user.id}`, body);
      else await api('POST', '/api/users', body);
      onSaved();
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const common = {
      displayName: form.displayName.trim(),
      email: form.email.trim() || null,
      role: form.role,
      organisationId: form.organisationId || null,
      scopeIncludesChildren: form.scopeIncludesChildren,
      locale: form.locale,
    };
    void send(
      user
        ? { ...common, disabled: form.disabled }
        : { ...common, username: form.username.trim(), password: form.password },
    );
  }

  return (
    <form className="panel" onSubmit={submit} data-testid="user-form">
      <h2>{user ? t('users.editTitle', { name: user.username }) : t('users.new')}</h2>
      <ErrorMessage error={error} />
      <div className="form-grid">
        {!user && (
          <>
            <Field label={t('users.username')} hint={t('users.usernameHint')}>
              <input
                name="username"
                required
                minLength={3}
                maxLength={64}
                pattern="[a-zA-Z0-9._\-]+"
                autoComplete="off"
                value={form.username}
                onChange={set('username')}
              />
            </Field>
            <NewPasswordField
              label={t('users.initialPassword')}
              name="password"
              value={form.password}
              onChange={set('password')}
            />
          </>
        )}
        <Field label={t('users.displayName')}>
          <input name="displayName" required minLength={2} value={form.displayName} onChange={set('displayName')} />
        </Field>
        <Field label={t('users.email')}>
          <input name="email" type="email" value={form.email} onChange={set('email')} />
        </Field>
        <Field label={t('users.role')}>
          <select name="role" value={form.role} onChange={set('role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('users.organisation')} hint={t('users.organisationHint')}>
          <OrgSelect
            name="organisationId"
            tree={tree}
            value={form.organisationId}
            onChange={(organisationId) => setForm((f) => ({ ...f, organisationId }))}
            allLabel={t('users.wholeProvince')}
          />
        </Field>
        <Field label={t('users.locale')}>
          <select name="locale" value={form.locale} onChange={set('locale')}>
            <option value="vi">Tiếng Việt</option>
            <option value="en">English</option>
          </select>
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={form.scopeIncludesChildren}
            onChange={(e) => setForm((f) => ({ ...f, scopeIncludesChildren: e.target.checked }))}
          />
          {t('users.scopeIncludesChildren')}
        </label>
        {user && (
          <label className="check">
            <input
              type="checkbox"
              checked={form.disabled}
              onChange={(e) => setForm((f) => ({ ...f, disabled: e.target.checked }))}
            />
            {t('users.disableAccount')}
          </label>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('common.save')}
        </button>
        {user?.locked && (
          <button type="button" className="btn" disabled={busy} onClick={() => void send({ unlock: true })}>
            {t('users.unlock')}
          </button>
        )}
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

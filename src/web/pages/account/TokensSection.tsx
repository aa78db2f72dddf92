import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { api } from '../../lib/api.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import type { Role } from '../../lib/roles.ts';
import { useSession } from '../../lib/session.ts';
import type { ApiToken } from '../../lib/types.ts';
import { useLoad } from '../../lib/useLoad.ts';

/** Personal API tokens for scripts: the secret is shown once, right after creation. */
export function TokensSection() {
  const { t } = useTranslation();
  const { me } = useSession();
  const tokens = useLoad(() => api<ApiToken[]>('GET', '/api/auth/tokens'), []);
  const [form, setForm] = useState({ name: '', role: me.role as Role, days: '' });
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // A token carries its owner's role or the read-only viewer role, never more.
  const roles: Role[] = me.role === 'viewer' ? ['viewer'] : [me.role, 'viewer'];

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const res = await api<ApiToken & { token: string }>('POST', '/api/auth/tokens', {
        name: form.name.trim(),
        role: form.role,
        ...(form.days ? { expiresInDays: Number(form.days) } : {}),
      });
      setCreated(res.token);
      setForm((f) => ({ ...f, name: '', days: '' }));
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function revoke(token: ApiToken) {
    if (!confirm(t('account.tokenConfirmRevoke', { name: token.name }))) return;
    setError(null);
    try {
      await api('DELETE', `/api/auth/tokens/${token.id}`);
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  }

  const state = (k: ApiToken) =>
    k.revokedAt
      ? t('account.tokenRevoked')
      : k.expiresAt && new Date(k.expiresAt) < new Date()
        ? t('account.tokenExpired')
        : t('users.active');

  return (
    <section className="panel" data-testid="tokens-section">
      <h2>{t('account.tokens')}</h2>
      <p className="muted">{t('account.tokensHint')}</p>
      <ErrorMessage error={error ?? tokens.error} />
      {created && (
        <div className="alert alert-warning" data-testid="token-created">
          <strong>{t('account.tokenShownOnce')}</strong>
          <code className="secret">{created}</code>
          <button type="button" className="btn btn-small" onClick={() => setCreated(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      <form className="form-row" onSubmit={create}>
        <Field label={t('account.tokenName')}>
          <input
            required
            maxLength={100}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </Field>
        <Field label={t('users.role')}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('account.tokenDays')} hint={t('account.tokenDaysHint')}>
          <input
            type="number"
            min={1}
            max={730}
            value={form.days}
            onChange={(e) => setForm({ ...form, days: e.target.value })}
          />
        </Field>
        <button type="submit" className="btn btn-primary">
          {t('account.tokenCreate')}
        </button>
      </form>
      {tokens.data && tokens.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('account.tokenName')}</th>
              <th>{t('account.tokenPrefix')}</th>
              <th>{t('users.role')}</th>
              <th>{t('common.createdAt')}</th>
              <th>{t('account.tokenExpires')}</th>
              <th>{t('account.tokenLastUsed')}</th>
              <th>{t('users.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'row-muted' : undefined}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{t(`roles.${k.role}`)}</td>
                <td>{formatDate(k.createdAt)}</td>
                <td>{k.expiresAt ? formatDate(k.expiresAt) : t('account.tokenNoExpiry')}</td>
                <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : '—'}</td>
                <td>{state(k)}</td>
                <td className="cell-actions">
                  {!k.revokedAt && (
                    <button type="button" className="btn btn-small btn-danger" onClick={() => void revoke(k)}>
                      {t('account.tokenRevoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

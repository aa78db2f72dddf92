import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZApiTokenBody } from '../../../modules/auth/auth.input.ts';
import { $api } from '../../api/client.ts';
import type { ApiToken } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import type { Role } from '../../lib/roles.ts';
import { useSession } from '../../lib/session.ts';

const TOKENS = ['get', '/api/auth/tokens'] as const;

/** Personal API tokens for scripts: the secret is shown once, right after creation. */
export function TokensSection() {
  const { t } = useTranslation();
  const { me } = useSession();
  const tokens = $api.useQuery('get', '/api/auth/tokens');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: TOKENS });
  const create = $api.useMutation('post', '/api/auth/tokens', { onSuccess });
  const revoke = $api.useMutation('delete', '/api/auth/tokens/{id}', { onSuccess });
  const form = useZodForm(ZApiTokenBody, { defaultValues: { name: '', role: me.role, expiresInDays: undefined } });
  const errors = form.formState.errors;
  // A token carries its owner's role or the read-only viewer role, never more.
  const roles: Role[] = me.role === 'viewer' ? ['viewer'] : [me.role, 'viewer'];

  const submit = form.handleSubmit(async (body) => {
    setError(null);
    try {
      const res = await create.mutateAsync({ body });
      setCreated(res.token);
      form.reset({ name: '', role: body.role, expiresInDays: undefined });
    } catch (err) {
      if (!applyServerErrors(form, err)) setError(err);
    }
  });

  async function remove(token: ApiToken) {
    if (!confirm(t('account.tokenConfirmRevoke', { name: token.name }))) return;
    setError(null);
    try {
      await revoke.mutateAsync({ params: { path: { id: token.id } } });
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
      <form className="form-row" onSubmit={submit} noValidate>
        <Field label={t('account.tokenName')} error={errors.name?.message}>
          <input maxLength={100} {...form.register('name')} />
        </Field>
        <Field label={t('users.role')} error={errors.role?.message}>
          <select {...form.register('role')}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('account.tokenDays')} hint={t('account.tokenDaysHint')} error={errors.expiresInDays?.message}>
          <input
            type="number"
            min={1}
            max={730}
            {...form.register('expiresInDays', { setValueAs: (v: string) => (v === '' ? undefined : Number(v)) })}
          />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
          {t('account.tokenCreate')}
        </button>
      </form>
      {tokens.data && tokens.data.length === 0 && <p className="muted">{t('account.tokensNone')}</p>}
      {tokens.data && tokens.data.length > 0 && (
        <div className="table-wrap">
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
                      <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(k)}>
                        {t('account.tokenRevoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

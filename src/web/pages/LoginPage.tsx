import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZLoginBody } from '../../modules/auth/auth.input.ts';
import { $api } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import { BrandMark } from '../components/BrandMark.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Field } from '../components/Field.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { applyServerErrors, useZodForm } from '../lib/forms.ts';

type Props = {
  notice: string | null;
  error?: unknown;
  /** The session is open (its cookie set); the gate then reads who signed in. */
  onSignedIn: (csrfToken: string) => Promise<void>;
};

export function LoginPage({ notice, error: initialError, onSignedIn }: Props) {
  const { t } = useTranslation();
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<unknown>(initialError);
  const setup = $api.useQuery('get', '/api/setup');
  const login = $api.useMutation('post', '/api/auth/login');
  const form = useZodForm(ZLoginBody, { defaultValues: { username: '', password: '', totp: '' } });
  const errors = form.formState.errors;
  useEffect(() => {
    document.title = `${t('login.title')} · Khiên`;
  }, [t]);

  const submit = form.handleSubmit(async ({ username, password, totp }) => {
    setError(null);
    if (needTotp && !totp?.trim()) {
      form.setError('totp', { type: 'required', message: 'totpCodeFormat' });
      return;
    }
    try {
      const res = await login.mutateAsync({
        body: { username, password, ...(needTotp ? { totp: totp?.trim() } : {}) },
      });
      await onSignedIn(res.csrfToken);
    } catch (err) {
      // The password was right; the server now wants the second factor.
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED' && !needTotp) setNeedTotp(true);
      else if (!applyServerErrors(form, err)) setError(err);
    }
  });

  return (
    <div className="auth-screen">
      <div className="auth-lang">
        <LanguageSwitch />
      </div>
      <form className="auth-card" onSubmit={submit} noValidate data-testid="login-form">
        <div className="auth-brand">
          <BrandMark size={40} />
          <div>
            <div className="brand-name">Khiên</div>
            <div className="auth-tagline">{t('app.tagline')}</div>
          </div>
        </div>
        <h1>{t('login.title')}</h1>
        {notice && <div className="alert alert-info">{t(notice)}</div>}
        {setup.data?.needed && <div className="alert alert-info">{t('login.setupNeeded')}</div>}
        <ErrorMessage error={error} />
        <Field label={t('login.username')} error={errors.username?.message}>
          <input autoComplete="username" {...form.register('username')} />
        </Field>
        <Field label={t('login.password')} error={errors.password?.message}>
          <input type="password" autoComplete="current-password" {...form.register('password')} />
        </Field>
        {needTotp && (
          <Field label={t('login.totp')} hint={t('login.totpHint')} error={errors.totp?.message}>
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              // biome-ignore lint/a11y/noAutofocus: the user was just asked for this code.
              autoFocus
              {...form.register('totp')}
            />
          </Field>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={form.formState.isSubmitting}
          data-testid="login-submit"
        >
          {t('login.submit')}
        </button>
      </form>
    </div>
  );
}

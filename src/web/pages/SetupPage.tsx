import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ZSetupBody } from '../../modules/auth/auth.input.ts';
import { $api } from '../api/client.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Field } from '../components/Field.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { ConfirmPasswordField, NewPasswordField } from '../components/PasswordFields.tsx';
import { applyServerErrors, useZodForm } from '../lib/forms.ts';
import { followLink } from '../lib/router.ts';

/** The server's body, plus the password typed twice (checked here only). */
const ZSetupForm = ZSetupBody.extend({ confirm: z.string() }).refine((v) => v.password === v.confirm, {
  message: 'passwordMismatch',
  path: ['confirm'],
});

/** First run: the console prints /setup#token=…; the token stays in the hash so it never reaches a server log. */
export function SetupPage() {
  const { t } = useTranslation();
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('token') ?? '');
  const status = $api.useQuery('get', '/api/setup');
  const create = $api.useMutation('post', '/api/setup');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const form = useZodForm(ZSetupForm, {
    defaultValues: { token, username: '', displayName: '', password: '', confirm: '' },
  });
  const errors = form.formState.errors;

  const submit = form.handleSubmit(async ({ confirm: _, ...body }) => {
    setError(null);
    try {
      await create.mutateAsync({ body });
      history.replaceState(null, '', '/setup');
      setDone(true);
    } catch (err) {
      if (!applyServerErrors(form, err)) setError(err);
    }
  });

  const body = done ? (
    <div className="alert alert-success">{t('setup.done')}</div>
  ) : status.data && !status.data.needed ? (
    <div className="alert alert-info">{t('setup.notNeeded')}</div>
  ) : !token ? (
    <div className="alert alert-error">{t('setup.noToken')}</div>
  ) : (
    <>
      <p className="muted">{t('setup.intro')}</p>
      <ErrorMessage error={error ?? status.error} />
      <Field label={t('users.username')} hint={t('users.usernameHint')} error={errors.username?.message}>
        <input autoComplete="username" {...form.register('username')} />
      </Field>
      <Field label={t('users.displayName')} error={errors.displayName?.message}>
        <input {...form.register('displayName')} />
      </Field>
      <NewPasswordField label={t('login.password')} error={errors.password?.message} {...form.register('password')} />
      <ConfirmPasswordField error={errors.confirm?.message} {...form.register('confirm')} />
      <button type="submit" className="btn btn-primary btn-block" disabled={form.formState.isSubmitting}>
        {t('setup.submit')}
      </button>
    </>
  );

  return (
    <div className="auth-screen">
      <div className="auth-lang">
        <LanguageSwitch />
      </div>
      <form className="auth-card" onSubmit={submit} noValidate>
        <h1>{t('setup.title')}</h1>
        {body}
        <p className="auth-foot">
          <a href="/" onClick={followLink}>
            {t('setup.toLogin')}
          </a>
        </p>
      </form>
    </div>
  );
}

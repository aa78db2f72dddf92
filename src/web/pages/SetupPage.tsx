import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Field } from '../components/Field.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { ConfirmPasswordField, NewPasswordField } from '../components/PasswordFields.tsx';
import { api } from '../lib/api.ts';
import { followLink } from '../lib/router.ts';
import { useLoad } from '../lib/useLoad.ts';

/** First run: the console prints /setup#token=…; the token stays in the hash so it never reaches a server log. */
export function SetupPage() {
  const { t } = useTranslation();
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const status = useLoad(() => api<{ needed: boolean }>('GET', '/api/setup'), []);
  const [form, setForm] = useState({ username: '', displayName: '', password: '', confirm: '' });
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMismatch(form.password !== form.confirm);
    if (form.password !== form.confirm) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/setup', {
        token,
        username: form.username,
        displayName: form.displayName,
        password: form.password,
      });
      history.replaceState(null, '', '/setup');
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

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
      <Field label={t('users.username')}>
        <input required minLength={3} autoComplete="username" value={form.username} onChange={set('username')} />
      </Field>
      <Field label={t('users.displayName')}>
        <input required minLength={2} value={form.displayName} onChange={set('displayName')} />
      </Field>
      <NewPasswordField label={t('login.password')} value={form.password} onChange={set('password')} />
      <ConfirmPasswordField value={form.confirm} onChange={set('confirm')} mismatch={mismatch} />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {t('setup.submit')}
      </button>
    </>
  );

  return (
    <div className="auth-screen">
      <div className="auth-lang">
        <LanguageSwitch />
      </div>
      <form className="auth-card" onSubmit={submit}>
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

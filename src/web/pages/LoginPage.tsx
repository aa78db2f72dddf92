import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrandMark } from '../components/BrandMark.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Field } from '../components/Field.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { ApiError, api } from '../lib/api.ts';
import type { Me, User } from '../lib/types.ts';
import { useLoad } from '../lib/useLoad.ts';

type Props = { notice: string | null; error?: unknown; onSignedIn: (me: Me) => void };

export function LoginPage({ notice, error: initialError, onSignedIn }: Props) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(initialError);
  const setup = useLoad(() => api<{ needed: boolean }>('GET', '/api/setup'), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ user: User; csrfToken: string }>('POST', '/api/auth/login', {
        username,
        password,
        ...(needTotp ? { totp } : {}),
      });
      onSignedIn({ user: res.user, role: res.user.role, csrfToken: res.csrfToken });
    } catch (err) {
      // The password was right; the server now wants the second factor.
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED' && !needTotp) setNeedTotp(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-screen">
      <div className="auth-lang">
        <LanguageSwitch />
      </div>
      <form className="auth-card" onSubmit={submit} data-testid="login-form">
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
        <Field label={t('login.username')}>
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label={t('login.password')}>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {needTotp && (
          <Field label={t('login.totp')} hint={t('login.totpHint')}>
            <input
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6,10}"
              required
              // biome-ignore lint/a11y/noAutofocus: the user was just asked for this code.
              autoFocus
              value={totp}
              onChange={(e) => setTotp(e.target.value.trim())}
            />
          </Field>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
          {t('login.submit')}
        </button>
      </form>
    </div>
  );
}

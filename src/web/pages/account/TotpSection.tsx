import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { api } from '../../lib/api.ts';
import { useSession } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';

/** Enrol (secret + otpauth URI, then confirm a code) or disable (with the password) the second factor. */
export function TotpSection() {
  const { t } = useTranslation();
  const { me, refresh } = useSession();
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, run } = useAction();

  const begin = () => run(async () => setEnrolment(await api('POST', '/api/auth/totp/setup')));
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', '/api/auth/totp/confirm', { code });
      setEnrolment(null);
      setCode('');
      await refresh();
    });
  };
  const disable = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', '/api/auth/totp/disable', { password });
      setPassword('');
      await refresh();
    });
  };

  return (
    <section className="panel" data-testid="totp-section">
      <h2>{t('account.totp')}</h2>
      <p>
        <span className={`badge ${me.user.totpEnabled ? 'badge-good' : 'badge-neutral'}`}>
          {me.user.totpEnabled ? t('account.totpOn') : t('account.totpOff')}
        </span>
      </p>
      <ErrorMessage error={error} />
      {me.user.totpEnabled ? (
        <form onSubmit={disable}>
          <Field label={t('account.totpDisablePassword')}>
            <input
              type="password"
              required
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <button type="submit" className="btn btn-danger" disabled={busy}>
            {t('account.totpDisable')}
          </button>
        </form>
      ) : enrolment ? (
        <form onSubmit={confirm}>
          <p className="muted">{t('account.totpInstructions')}</p>
          <dl className="facts">
            <dt>{t('account.totpSecret')}</dt>
            <dd>
              <code className="secret">{enrolment.secret}</code>
            </dd>
            <dt>{t('account.totpUri')}</dt>
            <dd>
              <code className="secret">{enrolment.uri}</code>
            </dd>
          </dl>
          <Field label={t('login.totp')}>
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              pattern="[0-9]{6,10}"
              value={code}
              onChange={(e) => setCode(e.target.value.trim())}
            />
          </Field>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('account.totpConfirm')}
          </button>
        </form>
      ) : (
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void begin()}>
          {t('account.totpEnable')}
        </button>
      )}
    </section>
  );
}

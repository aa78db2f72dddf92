import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ConfirmPasswordField, NewPasswordField } from '../../components/PasswordFields.tsx';
import { api } from '../../lib/api.ts';
import { useSession } from '../../lib/session.ts';

export function PasswordForm() {
  const { t } = useTranslation();
  const { ended } = useSession();
  const [form, setForm] = useState({ current: '', next: '', confirm: '' });
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMismatch(form.next !== form.confirm);
    if (form.next !== form.confirm) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/auth/password', { currentPassword: form.current, newPassword: form.next });
      // The server ended every session, this one included.
      ended('account.passwordChanged');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={submit}>
      <h2>{t('account.changePassword')}</h2>
      <p className="muted">{t('account.changePasswordHint')}</p>
      <ErrorMessage error={error} />
      <Field label={t('account.currentPassword')}>
        <input
          type="password"
          required
          autoComplete="current-password"
          value={form.current}
          onChange={set('current')}
        />
      </Field>
      <NewPasswordField label={t('account.newPassword')} value={form.next} onChange={set('next')} />
      <ConfirmPasswordField value={form.confirm} onChange={set('confirm')} mismatch={mismatch} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t('account.changePassword')}
      </button>
    </form>
  );
}

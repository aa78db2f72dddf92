import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD_LENGTH } from '../lib/roles.ts';
import { Field } from './Field.tsx';

type Input = { value: string; onChange: (e: { target: { value: string } }) => void };

/** A new password, with the length rule as its hint and as the browser's own check. */
export function NewPasswordField({ label, name, value, onChange }: Input & { label: string; name?: string }) {
  const { t } = useTranslation();
  return (
    <Field label={label} hint={t('account.passwordHint', { count: MIN_PASSWORD_LENGTH })}>
      <input
        name={name}
        type="password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        autoComplete="new-password"
        value={value}
        onChange={onChange}
      />
    </Field>
  );
}

/** The new password typed again, and the alert when the two differ (`mismatch`, set on submit). */
export function ConfirmPasswordField({ value, onChange, mismatch }: Input & { mismatch: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t('account.confirmPassword')}>
        <input type="password" required autoComplete="new-password" value={value} onChange={onChange} />
      </Field>
      {mismatch && <div className="alert alert-error">{t('account.mismatch')}</div>}
    </>
  );
}

import type { InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD_LENGTH } from '../lib/roles.ts';
import { Field } from './Field.tsx';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>;

/**
 * A new password, with the server's length rule (from its input schema) as the hint; the form's schema checks it.
 * Takes the input's props (a form library's `register(…)`, or value and onChange).
 */
export function NewPasswordField({ label, error, ...input }: InputProps & { label: string; error?: string }) {
  const { t } = useTranslation();
  return (
    <Field label={label} hint={t('account.passwordHint', { count: MIN_PASSWORD_LENGTH })} error={error}>
      <input type="password" autoComplete="new-password" {...input} />
    </Field>
  );
}

/** The new password typed again; `error` is the form's message when the two differ. */
export function ConfirmPasswordField({ error, ...input }: InputProps & { error?: string }) {
  const { t } = useTranslation();
  return (
    <Field label={t('account.confirmPassword')} error={error}>
      <input type="password" autoComplete="new-password" {...input} />
    </Field>
  );
}

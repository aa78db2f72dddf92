import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ZPasswordChangeBody } from '../../../modules/auth/auth.input.ts';
import { $api } from '../../api/client.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ConfirmPasswordField, NewPasswordField } from '../../components/PasswordFields.tsx';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { useSession } from '../../lib/session.ts';

/** The server's body, plus the new password typed twice (checked here only). */
const ZPasswordForm = ZPasswordChangeBody.extend({ confirm: z.string() }).refine((v) => v.newPassword === v.confirm, {
  message: 'passwordMismatch',
  path: ['confirm'],
});

/**
 * Changes one's own password. The server then ends every session, this one included: the user signs in again with
 * the new password. `temporary`: the first sign-in with a password an administrator set, which must be replaced.
 */
export function PasswordForm({ temporary = false }: { temporary?: boolean }) {
  const { t } = useTranslation();
  const { ended } = useSession();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(ZPasswordForm, { defaultValues: { currentPassword: '', newPassword: '', confirm: '' } });
  const errors = form.formState.errors;
  const change = $api.useMutation('post', '/api/auth/password');

  const submit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    setError(null);
    try {
      await change.mutateAsync({ body: { currentPassword, newPassword } });
      ended('account.passwordChanged');
    } catch (err) {
      if (!applyServerErrors(form, err)) setError(err);
    }
  });

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="password-form">
      <h2>{temporary ? t('account.temporaryTitle') : t('account.changePassword')}</h2>
      <p className="muted">{temporary ? t('account.temporaryHint') : t('account.changePasswordHint')}</p>
      <ErrorMessage error={error} />
      <Field
        label={temporary ? t('account.temporaryPassword') : t('account.currentPassword')}
        error={errors.currentPassword?.message}
      >
        <input type="password" autoComplete="current-password" {...form.register('currentPassword')} />
      </Field>
      <NewPasswordField
        label={t('account.newPassword')}
        error={errors.newPassword?.message}
        {...form.register('newPassword')}
      />
      <ConfirmPasswordField error={errors.confirm?.message} {...form.register('confirm')} />
      <button
        type="submit"
        className="btn btn-primary"
        disabled={form.formState.isSubmitting}
        data-testid="password-submit"
      >
        {t('account.changePassword')}
      </button>
    </form>
  );
}

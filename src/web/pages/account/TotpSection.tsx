import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZTotpConfirmBody, ZTotpDisableBody } from '../../../modules/auth/auth.input.ts';
import { $api } from '../../api/client.ts';
import type { TotpEnrolment } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { useSession } from '../../lib/session.ts';

/** Enrol (secret + otpauth URI, then confirm a code) or disable (with the password) the second factor. */
export function TotpSection() {
  const { t } = useTranslation();
  const { me, refresh } = useSession();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const begin = $api.useMutation('post', '/api/auth/totp/setup');
  const confirm = $api.useMutation('post', '/api/auth/totp/confirm');
  const disable = $api.useMutation('post', '/api/auth/totp/disable');
  const confirmForm = useZodForm(ZTotpConfirmBody, { defaultValues: { code: '' } });
  const disableForm = useZodForm(ZTotpDisableBody, { defaultValues: { password: '' } });

  const start = async () => {
    setError(null);
    try {
      setEnrolment(await begin.mutateAsync({}));
    } catch (err) {
      setError(err);
    }
  };
  const submitConfirm = confirmForm.handleSubmit(async ({ code }) => {
    setError(null);
    try {
      await confirm.mutateAsync({ body: { code: code.trim() } });
      setEnrolment(null);
      confirmForm.reset();
      await refresh();
    } catch (err) {
      if (!applyServerErrors(confirmForm, err)) setError(err);
    }
  });
  const submitDisable = disableForm.handleSubmit(async (body) => {
    setError(null);
    try {
      await disable.mutateAsync({ body });
      disableForm.reset();
      await refresh();
    } catch (err) {
      if (!applyServerErrors(disableForm, err)) setError(err);
    }
  });

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
        <form onSubmit={submitDisable} noValidate>
          <Field label={t('account.totpDisablePassword')} error={disableForm.formState.errors.password?.message}>
            <input type="password" autoComplete="current-password" {...disableForm.register('password')} />
          </Field>
          <button type="submit" className="btn btn-danger" disabled={disableForm.formState.isSubmitting}>
            {t('account.totpDisable')}
          </button>
        </form>
      ) : enrolment ? (
        <form onSubmit={submitConfirm} noValidate>
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
          <Field label={t('login.totp')} error={confirmForm.formState.errors.code?.message}>
            <input inputMode="numeric" autoComplete="one-time-code" {...confirmForm.register('code')} />
          </Field>
          <button type="submit" className="btn btn-primary" disabled={confirmForm.formState.isSubmitting}>
            {t('account.totpConfirm')}
          </button>
        </form>
      ) : (
        <button type="button" className="btn btn-primary" disabled={begin.isPending} onClick={() => void start()}>
          {t('account.totpEnable')}
        </button>
      )}
    </section>
  );
}

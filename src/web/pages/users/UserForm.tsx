import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZUserCreateBody, ZUserPatchBody } from '../../../modules/auth/auth.input.ts';
import { $api } from '../../api/client.ts';
import type { User } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { NewPasswordField } from '../../components/PasswordFields.tsx';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { ROLES } from '../../lib/roles.ts';
import type { OrgTree } from '../../lib/tree.ts';

type Props = { user?: User; tree: OrgTree; onSaved: () => void; onCancel: () => void };

/** Lists of accounts, and the signed-in user (whose own account may be the one edited), read again after a save. */
function useInvalidateAccounts() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['get', '/api/users'] }),
      queryClient.invalidateQueries({ queryKey: ['get', '/api/auth/me'] }),
    ]);
}

/** A new account (its password is temporary: the user replaces it at first sign-in) or a change to one. */
export function UserForm({ user, tree, onSaved, onCancel }: Props) {
  return user ? (
    <EditUser user={user} tree={tree} onSaved={onSaved} onCancel={onCancel} />
  ) : (
    <NewUser tree={tree} onSaved={onSaved} onCancel={onCancel} />
  );
}

function NewUser({ tree, onSaved, onCancel }: Omit<Props, 'user'>) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const create = $api.useMutation('post', '/api/users', { onSuccess: useInvalidateAccounts() });
  const form = useZodForm(ZUserCreateBody, {
    defaultValues: {
      username: '',
      password: '',
      displayName: '',
      email: '',
      role: 'agency',
      organisationId: '',
      scopeIncludesChildren: true,
      locale: 'vi',
    },
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit(async (body) => {
    setError(null);
    try {
      await create.mutateAsync({ body });
      onSaved();
    } catch (err) {
      if (!applyServerErrors(form, err)) setError(err);
    }
  });

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="user-form">
      <h2>{t('users.new')}</h2>
      <p className="muted">{t('users.temporaryHint')}</p>
      <ErrorMessage error={error} />
      <div className="form-grid">
        <Field label={t('users.username')} hint={t('users.usernameHint')} error={errors.username?.message}>
          <input autoComplete="off" {...form.register('username')} />
        </Field>
        <NewPasswordField
          label={t('users.initialPassword')}
          autoComplete="off"
          error={errors.password?.message}
          {...form.register('password')}
        />
        <CommonFields form={form} tree={tree} />
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
          {t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function EditUser({ user, tree, onSaved, onCancel }: Props & { user: User }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const update = $api.useMutation('patch', '/api/users/{id}', { onSuccess: useInvalidateAccounts() });
  const form = useZodForm(ZUserPatchBody, {
    defaultValues: {
      displayName: user.displayName,
      email: user.email ?? '',
      role: user.role,
      organisationId: user.organisationId ?? '',
      scopeIncludesChildren: user.scopeIncludesChildren,
      locale: user.locale === 'en' ? 'en' : 'vi',
      disabled: user.disabled,
      password: undefined,
    },
  });
  const errors = form.formState.errors;
  const send = async (body: Parameters<typeof update.mutateAsync>[0]['body']) => {
    setError(null);
    try {
      await update.mutateAsync({ params: { path: { id: user.id } }, body });
      onSaved();
    } catch (err) {
      if (!applyServerErrors(form, err)) setError(err);
    }
  };
  const submit = form.handleSubmit((body) => send(body));

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="user-form">
      <h2>{t('users.editTitle', { name: user.username })}</h2>
      <ErrorMessage error={error} />
      <div className="form-grid">
        <CommonFields form={form} tree={tree} />
        <NewPasswordField
          label={t('users.resetPassword')}
          autoComplete="new-password"
          error={errors.password?.message}
          {...form.register('password', { setValueAs: (v: string) => (v ? v : undefined) })}
        />
        <label className="check">
          <input type="checkbox" {...form.register('disabled')} />
          {t('users.disableAccount')}
        </label>
      </div>
      <p className="muted small">{t('users.resetHint')}</p>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
          {t('common.save')}
        </button>
        {user.locked && (
          <button
            type="button"
            className="btn"
            disabled={form.formState.isSubmitting || update.isPending}
            onClick={() => void send({ unlock: true })}
          >
            {t('users.unlock')}
          </button>
        )}
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The fields both forms have: name, e-mail, role, organisation, scope, language. */
function CommonFields({
  form,
  tree,
}: {
  // biome-ignore lint/suspicious/noExplicitAny: the two forms' values differ; these fields they share.
  form: UseFormReturn<any, unknown, any>;
  tree: OrgTree;
}) {
  const { t } = useTranslation();
  const errors = form.formState.errors as Record<string, { message?: string } | undefined>;
  return (
    <>
      <Field label={t('users.displayName')} error={errors.displayName?.message}>
        <input {...form.register('displayName')} />
      </Field>
      <Field label={t('users.email')} error={errors.email?.message}>
        <input type="email" {...form.register('email')} />
      </Field>
      <Field label={t('users.role')} error={errors.role?.message}>
        <select {...form.register('role')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('users.organisation')} hint={t('users.organisationHint')} error={errors.organisationId?.message}>
        <OrgSelect
          name="organisationId"
          tree={tree}
          value={(form.watch('organisationId') as string | null | undefined) ?? ''}
          onChange={(id) => form.setValue('organisationId', id, { shouldDirty: true, shouldValidate: true })}
          allLabel={t('users.wholeProvince')}
        />
      </Field>
      <Field label={t('users.locale')}>
        <select {...form.register('locale')}>
          <option value="vi">Tiếng Việt</option>
          <option value="en">English</option>
        </select>
      </Field>
      <label className="check">
        <input type="checkbox" {...form.register('scopeIncludesChildren')} />
        {t('users.scopeIncludesChildren')}
      </label>
    </>
  );
}

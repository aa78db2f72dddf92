import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withValidityInOrder, ZOrganisationFields } from '../../../modules/organisations/organisations.input.ts';
import { $api } from '../../api/client.ts';
import type { Organisation } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { ORGANISATION_TYPES } from '../../lib/roles.ts';
import { type OrgTree, subtreeIds } from '../../lib/tree.ts';

type Props = {
  /** The organisation being edited; absent when creating one. */
  org?: Organisation;
  parentId: string | null;
  tree: OrgTree;
  onSaved: (org: Organisation) => void;
  onCancel: () => void;
};

/** The server's fields and rules, with the IP ranges typed one a line (each checked by the server's own rule). */
const ZOrganisationForm = withValidityInOrder(
  ZOrganisationFields.extend({
    ipRanges: z
      .string()
      .transform((text) =>
        text
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      )
      .pipe(ZOrganisationFields.shape.ipRanges.unwrap()),
  }),
);

/** Every view of the organisations (trees of any day, pickers, the overview's counts) is read again after a change. */
export function useInvalidateOrganisations() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['get', '/api/organisations'] }),
      queryClient.invalidateQueries({ queryKey: ['get', '/api/getting-started'] }),
    ]);
}

export function OrgForm({ org, parentId, tree, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const onSuccess = useInvalidateOrganisations();
  const create = $api.useMutation('post', '/api/organisations', { onSuccess });
  const update = $api.useMutation('put', '/api/organisations/{id}', { onSuccess });
  const form = useZodForm(ZOrganisationForm, {
    defaultValues: {
      code: org?.code ?? '',
      name: org?.name ?? '',
      type: org?.type ?? 'department',
      parentId: org ? (org.parentId ?? '') : (parentId ?? ''),
      headName: org?.headName ?? '',
      headTitle: org?.headTitle ?? '',
      email: org?.email ?? '',
      phone: org?.phone ?? '',
      address: org?.address ?? '',
      successorId: org?.successorId ?? '',
      ownerBodyCode: org?.ownerBodyCode ?? '',
      validFrom: org?.validFrom ?? '',
      validTo: org?.validTo ?? '',
      ipRanges: org?.ipRanges.join('\n') ?? '',
    },
  });
  const errors = form.formState.errors;
  // An organisation cannot move under itself or its own descendants.
  const excluded = org ? subtreeIds(tree, org.id) : new Set<string>();
  const text = (name: 'headName' | 'headTitle' | 'phone' | 'address', label: string, type = 'text') => (
    <Field label={label} error={errors[name]?.message}>
      <input type={type} {...form.register(name)} />
    </Field>
  );

  const submit = form.handleSubmit(async (body) => {
    setError(null);
    try {
      onSaved(
        org ? await update.mutateAsync({ params: { path: { id: org.id } }, body }) : await create.mutateAsync({ body }),
      );
    } catch (err) {
      if (!applyServerErrors(form, err)) setError(err);
    }
  });

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="org-form">
      <h2>{org ? t('organisations.editTitle', { name: org.name }) : t('organisations.new')}</h2>
      <ErrorMessage error={error} />
      <div className="form-grid">
        <Field label={t('organisations.code')} error={errors.code?.message}>
          <input maxLength={50} {...form.register('code')} />
        </Field>
        <Field label={t('organisations.type')} error={errors.type?.message}>
          <select {...form.register('type')}>
            {ORGANISATION_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`orgTypes.${type}`)}
              </option>
            ))}
          </select>
        </Field>
        <div className="span-2">
          <Field label={t('organisations.name')} error={errors.name?.message}>
            <input maxLength={300} {...form.register('name')} />
          </Field>
        </div>
        <div className="span-2">
          <Field label={t('organisations.parent')} error={errors.parentId?.message}>
            <OrgSelect
              name="parentId"
              tree={tree}
              value={form.watch('parentId') ?? ''}
              onChange={(id) => form.setValue('parentId', id, { shouldDirty: true })}
              allLabel={t('organisations.noParent')}
              skip={(o) => excluded.has(o.id)}
            />
          </Field>
        </div>
        {text('headName', t('organisations.headName'))}
        {text('headTitle', t('organisations.headTitle'))}
        <Field label={t('organisations.email')} error={errors.email?.message}>
          <input type="email" {...form.register('email')} />
        </Field>
        {text('phone', t('organisations.phone'), 'tel')}
        <div className="span-2">{text('address', t('organisations.address'))}</div>
        <Field label={t('organisations.validFrom')} error={errors.validFrom?.message}>
          <DateInput
            name="validFrom"
            value={form.watch('validFrom') ?? ''}
            onChange={(v) => form.setValue('validFrom', v, { shouldDirty: true })}
          />
        </Field>
        <Field label={t('organisations.validTo')} error={errors.validTo?.message}>
          <DateInput
            name="validTo"
            value={form.watch('validTo') ?? ''}
            onChange={(v) => form.setValue('validTo', v, { shouldDirty: true })}
          />
        </Field>
        <div className="span-2">
          <Field
            label={t('organisations.ipRanges')}
            hint={t('organisations.ipRangesHint')}
            error={ipError(errors.ipRanges)}
          >
            <textarea rows={4} spellCheck={false} className="mono" {...form.register('ipRanges')} />
          </Field>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting} data-testid="org-save">
          {t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The ranges' message: the list's own, or the first bad line's (the schema checks each line). */
function ipError(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { message?: unknown } & Record<string, unknown>;
  if (typeof e.message === 'string' && e.message) return e.message;
  for (const v of Object.values(e))
    if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string')
      return (v as { message: string }).message;
  return 'ipRangeInvalid';
}

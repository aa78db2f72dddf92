import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Controller, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZSiteInput } from '../../../modules/sites/sites.input.ts';
import { $api } from '../../api/client.ts';
import { type SiteDetail, siteKindValues } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { useZodForm } from '../../lib/forms.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { useServerErrors } from '../systems/formParts.tsx';

/** A site's state-body flag as a select: '' (from the agency's type), 'yes', 'no'. */
const fromChoice = (v: string) => (v === 'yes' ? true : v === 'no' ? false : null);
const toChoice = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : '');

/** Register a site, or change one (`site`): the same schema the server checks the request with. */
export function SiteForm({ site, onDone }: { site?: SiteDetail; onDone: (saved: SiteDetail | null) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { tree, error: orgError } = useOrgTree();
  const form = useZodForm(ZSiteInput, {
    defaultValues: site
      ? {
          organisationId: site.organisationId,
          url: site.url,
          kind: site.kind,
          stateBody: site.stateBody,
          validFrom: site.validFrom,
          validTo: site.validTo,
          note: site.note,
        }
      : { organisationId: '', url: '', kind: 'website', stateBody: null, validFrom: null, validTo: null, note: '' },
  });
  const server = useServerErrors(form);
  const { errors, isSubmitting } = form.formState;
  const organisationId = useWatch({ control: form.control, name: 'organisationId' });
  const create = $api.useMutation('post', '/api/sites');
  const update = $api.useMutation('patch', '/api/sites/{id}');

  // An agency officer registers for their own organisation, the only one they have: preselect it.
  useEffect(() => {
    const only = tree.roots.length === 1 && tree.byId.size === 1 ? tree.roots[0] : undefined;
    if (!organisationId && only) form.setValue('organisationId', only.id);
  }, [tree, organisationId, form]);

  const submit = form.handleSubmit(async (v) => {
    server.clear();
    try {
      const saved = site
        ? await update.mutateAsync({
            params: { path: { id: site.id } },
            body: { ...v, stateBody: v.stateBody ?? undefined },
          })
        : await create.mutateAsync({ body: v });
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/sites'] });
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/sites/{id}'] });
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/sites/summary'] });
      onDone(saved);
    } catch (err) {
      server.take(err);
    }
  });

  return (
    <form className="panel site-form" onSubmit={submit} noValidate data-testid="site-form">
      <ErrorMessage error={orgError ?? server.error} />
      <div className="form-grid">
        <Controller
          control={form.control}
          name="organisationId"
          render={({ field }) => (
            <Field label={t('sites.organisation')} error={errors.organisationId}>
              <OrgSelect
                tree={tree}
                value={field.value}
                onChange={field.onChange}
                allLabel={t('sites.chooseOrganisation')}
                name="organisationId"
                data-testid="site-organisation"
              />
            </Field>
          )}
        />
        <Field label={t('sites.url')} hint={t('sites.urlHint')} error={errors.url}>
          <input {...form.register('url')} inputMode="url" autoComplete="off" data-testid="site-url" />
        </Field>
        <Field label={t('sites.kind')} error={errors.kind}>
          <select {...form.register('kind')} data-testid="site-kind">
            {siteKindValues.map((k) => (
              <option key={k} value={k}>
                {t(`sites.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Controller
          control={form.control}
          name="stateBody"
          render={({ field }) => (
            <Field label={t('sites.stateBody')} hint={t('sites.stateBodyHint')} error={errors.stateBody}>
              <select
                value={toChoice(field.value)}
                onChange={(e) => field.onChange(fromChoice(e.target.value))}
                data-testid="site-state-body"
              >
                {!site && <option value="">{t('sites.stateBodyDefault')}</option>}
                <option value="yes">{t('sites.yes')}</option>
                <option value="no">{t('sites.no')}</option>
              </select>
            </Field>
          )}
        />
        {(['validFrom', 'validTo'] as const).map((name) => (
          <Controller
            key={name}
            control={form.control}
            name={name}
            render={({ field }) => (
              <Field label={t(`sites.${name}`)} error={errors[name]}>
                <DateInput value={field.value ?? ''} onChange={(v) => field.onChange(v || null)} />
              </Field>
            )}
          />
        ))}
        <div className="span-2">
          <Field label={t('sites.note')} error={errors.note}>
            <input {...form.register('note')} data-testid="site-note" />
          </Field>
        </div>
      </div>
      <div className="site-actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="site-save">
          {t('sites.save')}
        </button>
        <button type="button" className="btn" onClick={() => onDone(null)}>
          {t('sites.cancel')}
        </button>
      </div>
    </form>
  );
}

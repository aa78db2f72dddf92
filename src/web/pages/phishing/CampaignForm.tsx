import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZPhishingCampaignInput } from '../../../modules/phishing/phishing.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import type { PhishingCampaign } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { todayYmd } from '../../lib/period.ts';
import { navigate } from '../../lib/router.ts';
import { flatten, orgLabel } from '../../lib/tree.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { phishingPath } from './ui.tsx';

/** Drafts a new exercise, or changes a draft: the mail, the lesson, the rate and whose officials receive it. */
export function CampaignForm({ campaign, onDone }: { campaign?: PhishingCampaign; onDone?: () => void }) {
  const { t } = useTranslation();
  const { tree, error: orgError } = useOrgTree();
  const form = useZodForm(ZPhishingCampaignInput, {
    defaultValues: campaign
      ? {
          title: campaign.title,
          subject: campaign.subject,
          senderName: campaign.senderName,
          senderAddress: campaign.senderAddress,
          body: campaign.body,
          lessonText: campaign.lessonText,
          ratePerMinute: campaign.ratePerMinute,
          organisationIds: campaign.organisationIds,
          recipientsOn: campaign.recipientsOn,
        }
      : {
          title: '',
          subject: t('phishing.defaults.subject'),
          senderName: t('phishing.defaults.senderName'),
          senderAddress: '',
          body: t('phishing.defaults.body'),
          lessonText: t('phishing.defaults.lessonText'),
          ratePerMinute: 30,
          organisationIds: [],
          recipientsOn: todayYmd(),
        },
  });
  const { errors, isSubmitting } = form.formState;
  const create = $api.useMutation('post', '/api/phishing/campaigns');
  const update = $api.useMutation('put', '/api/phishing/campaigns/{id}');
  const action = useAction();
  const submit = form.handleSubmit((values) =>
    action.run(async () => {
      try {
        const saved = campaign
          ? await update.mutateAsync({ params: { path: { id: campaign.id } }, body: values })
          : await create.mutateAsync({ body: values });
        await queryClient.invalidateQueries({ queryKey: ['get', '/api/phishing/campaigns'] });
        await queryClient.invalidateQueries({ queryKey: ['get', '/api/phishing/campaigns/{id}'] });
        onDone?.();
        if (!campaign) navigate(phishingPath(saved.id));
      } catch (err) {
        if (!applyServerErrors(form, err)) throw err;
      }
    }),
  );
  const line = (key: 'title' | 'subject' | 'senderName' | 'senderAddress') => (
    <Field label={t(`phishing.field.${key}`)} error={errors[key]}>
      <input {...form.register(key)} data-testid={`phishing-${key}`} />
    </Field>
  );
  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="phishing-form">
      <h2 className="panel-title">{campaign ? t('phishing.editTitle') : t('phishing.newTitle')}</h2>
      <ErrorMessage error={orgError ?? action.error} />
      <div className="form-grid">
        <div className="span-2">{line('title')}</div>
        {line('senderName')}
        {line('senderAddress')}
        <div className="span-2">{line('subject')}</div>
        <div className="span-2">
          <Field label={t('phishing.field.body')} hint={t('phishing.bodyHint')} error={errors.body}>
            <textarea rows={6} {...form.register('body')} data-testid="phishing-body" />
          </Field>
        </div>
        <div className="span-2">
          <Field label={t('phishing.field.lessonText')} hint={t('phishing.lessonHint')} error={errors.lessonText}>
            <textarea rows={5} {...form.register('lessonText')} data-testid="phishing-lessonText" />
          </Field>
        </div>
        <Controller
          control={form.control}
          name="organisationIds"
          render={({ field }) => (
            <Field
              label={t('phishing.field.organisationIds')}
              hint={t('phishing.organisationsHint')}
              error={errors.organisationIds}
            >
              <select
                multiple
                size={8}
                value={field.value}
                onChange={(e) => field.onChange([...e.target.selectedOptions].map((o) => o.value))}
                data-testid="phishing-organisations"
              >
                {flatten(tree).map(({ org, depth }) => (
                  <option key={org.id} value={org.id}>
                    {'\u00a0\u00a0'.repeat(depth)}
                    {orgLabel(tree, org.id)}
                  </option>
                ))}
              </select>
            </Field>
          )}
        />
        <div>
          <Controller
            control={form.control}
            name="recipientsOn"
            render={({ field }) => (
              <Field label={t('phishing.field.recipientsOn')} error={errors.recipientsOn}>
                <DateInput required value={field.value} onChange={field.onChange} />
              </Field>
            )}
          />
          <Field label={t('phishing.field.ratePerMinute')} hint={t('phishing.rateHint')} error={errors.ratePerMinute}>
            <input
              type="number"
              min={1}
              max={600}
              {...form.register('ratePerMinute', { valueAsNumber: true })}
              data-testid="phishing-rate"
            />
          </Field>
        </div>
      </div>
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={isSubmitting || action.busy}
          data-testid="phishing-save"
        >
          {t('phishing.saveDraft')}
        </button>
        {onDone && (
          <button type="button" className="btn" onClick={onDone}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

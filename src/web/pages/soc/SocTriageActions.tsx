import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TRIAGE_NOTE_MAX, ZSocTriageInput } from '../../../modules/soc/soc.input.ts';
import { $api } from '../../api/client.ts';
import type { SocFindingStatus } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { navigate } from '../../lib/router.ts';
import { incidentPath } from '../incidents/ui.ts';
import { useInvalidateSoc } from './socUi.ts';

// A false positive leaves the period figures, so it must say why (the server's rule, soc.input.ts).
const NEEDS_REASON: SocFindingStatus[] = ['false_positive'];

/**
 * The SOC's (and admins') decision on a finding: confirm, false positive with a reason, escalate (to a new incident,
 * or linked to an open one; the incident opens next), or back to new. The form validates with the server's own
 * schema; a refusal the server names a field for lands on that field.
 */
export function SocTriageActions({ finding }: { finding: { id: string; status: SocFindingStatus } }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateSoc();
  const [mode, setMode] = useState<SocFindingStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(ZSocTriageInput, { defaultValues: { status: 'confirmed', note: '' } });
  const triage = $api.useMutation('post', '/api/soc/findings/{id}/triage', {
    // The lists, the figures and this finding's panel all show its status.
    onSuccess: () => invalidate('/api/soc/findings', '/api/soc/findings/{id}', '/api/soc/summary'),
  });
  // The incidents still open, to link an escalation to one of them instead of opening another.
  const open = $api.useQuery(
    'get',
    '/api/incidents',
    { params: { query: { limit: 100, sort: 'detectedAt', dir: 'desc' } } },
    { enabled: mode === 'escalated' },
  );
  const choices: SocFindingStatus[] =
    finding.status === 'new'
      ? ['confirmed', 'false_positive', 'escalated']
      : ['new', 'confirmed', 'false_positive', 'escalated'];

  const choose = (status: SocFindingStatus | null) => {
    setError(null);
    form.reset({ status: status ?? 'confirmed', note: '' });
    setMode(status);
  };

  const submit = form.handleSubmit(async (values) => {
    setError(null);
    try {
      const result = await triage.mutateAsync({
        params: { path: { id: finding.id } },
        body: { status: values.status, note: values.note || undefined, incidentId: values.incidentId || undefined },
      });
      choose(null);
      if (result.incidentId) navigate(incidentPath(result.incidentId));
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(e);
    }
  });

  const needsReason = mode !== null && NEEDS_REASON.includes(mode);
  return (
    <section className="remediation" data-testid="soc-triage-actions">
      <h3>{t('soc.action.title')}</h3>
      <ErrorMessage error={error} />
      {!mode && (
        <div className="actions">
          {choices
            .filter((c) => c !== finding.status)
            .map((c) => (
              <button
                key={c}
                type="button"
                className={`btn btn-small${c === 'confirmed' ? ' btn-primary' : c === 'escalated' ? ' btn-danger' : ''}`}
                onClick={() => choose(c)}
                data-testid={`triage-${c}`}
              >
                {t(`soc.action.${c}`)}
              </button>
            ))}
        </div>
      )}
      {mode && (
        <form onSubmit={submit} className="remediation-form" data-testid="triage-form" noValidate>
          <strong>{t(`soc.action.${mode}`)}</strong>
          <Field
            label={t(needsReason ? 'soc.action.reason' : 'soc.action.note')}
            hint={t('soc.action.noteHint')}
            error={form.formState.errors.note?.message}
          >
            <textarea
              rows={3}
              maxLength={TRIAGE_NOTE_MAX}
              aria-required={needsReason || undefined}
              data-testid="triage-note"
              {...form.register('note')}
            />
          </Field>
          {mode === 'escalated' && (
            <Field label={t('incidents.escalate.existing')} error={form.formState.errors.incidentId?.message}>
              <select
                data-testid="triage-incident"
                {...form.register('incidentId', { setValueAs: (v: string) => v || undefined })}
              >
                <option value="">{t('incidents.escalate.newIncident')}</option>
                {(open.data?.items ?? [])
                  .filter((i) => i.state !== 'closed')
                  .map((i) => (
                    <option key={i.id} value={i.id}>
                      {i.code} — {i.title}
                    </option>
                  ))}
              </select>
            </Field>
          )}
          <div className="actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={form.formState.isSubmitting}
              data-testid="triage-submit"
            >
              {form.formState.isSubmitting ? t('common.working') : t('soc.action.save')}
            </button>
            <button type="button" className="btn" onClick={() => choose(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

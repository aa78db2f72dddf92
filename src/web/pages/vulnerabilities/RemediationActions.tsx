import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZStatusChange } from '../../../modules/vulnerabilities/vulnerabilities.input.ts';
import { $api } from '../../api/client.ts';
import type { VulnChangeStatus, VulnFindingDetail } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field, useFieldMessage } from '../../components/Field.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { useInvalidateVulnerabilities } from './vulnUi.ts';

/**
 * What the signed-in user may do with a finding, as the server says (`actions`): an agency marks it fixed or asks
 * for accepted risk / false positive; the Department (accepted risk) and the SOC (false positive) decide those
 * requests or set the status themselves; the SOC reopens.
 */
export function RemediationActions({ detail }: { detail: VulnFindingDetail }) {
  const { t } = useTranslation();
  const f = detail.finding;
  const [mode, setMode] = useState<VulnFindingDetail['actions']['changes'][number] | null>(null);
  const invalidate = useInvalidateVulnerabilities();
  const decision = $api.useMutation('post', '/api/vulnerabilities/findings/{id}/decision', {
    onSuccess: () => invalidate(),
  });
  const decide = (approve: boolean) => decision.mutate({ params: { path: { id: f.id } }, body: { approve } });
  const pending = f.requestedStatus;
  const label = (c: { status: VulnChangeStatus; direct: boolean }) =>
    c.status === 'fixed' || c.status === 'open'
      ? t(`vuln.action.${c.status}`)
      : t(c.direct ? `vuln.action.set.${c.status}` : `vuln.action.request.${c.status}`);

  return (
    <section className="remediation" data-testid="remediation">
      <h3>{t('vuln.remediation')}</h3>
      <ErrorMessage error={decision.error} />
      {pending && (
        <div className="alert alert-warning" data-testid="pending-request">
          {t('vuln.pendingRequest', { status: t(`vuln.status.${pending}`) })}
          {detail.requestedByName && (
            <div className="alert-detail">{t('vuln.requestedBy', { name: detail.requestedByName })}</div>
          )}
          {f.statusReason && <div className="alert-detail">“{f.statusReason}”</div>}
          {pending === 'accepted' && f.acceptedUntil && (
            <div className="alert-detail">
              {t('vuln.acceptedUntilValue', { date: formatCalendarDate(f.acceptedUntil) })}
            </div>
          )}
          {detail.actions.decide ? (
            <div className="actions actions-tight">
              <button
                type="button"
                className="btn btn-primary btn-small"
                disabled={decision.isPending}
                onClick={() => decide(true)}
                data-testid="decision-approve"
              >
                {t('vuln.approve')}
              </button>
              <button
                type="button"
                className="btn btn-danger btn-small"
                disabled={decision.isPending}
                onClick={() => decide(false)}
                data-testid="decision-reject"
              >
                {t('vuln.reject')}
              </button>
            </div>
          ) : (
            <div className="alert-detail">{t(`vuln.awaiting.${pending === 'accepted' ? 'department' : 'soc'}`)}</div>
          )}
        </div>
      )}
      {f.status === 'fixed' && <p className="muted small">{t('vuln.fixedHint')}</p>}
      {detail.actions.changes.length > 0 && !mode && (
        <div className="actions">
          {detail.actions.changes.map((c) => (
            <button
              key={c.status}
              type="button"
              className={`btn btn-small${c.status === 'fixed' ? ' btn-primary' : ''}`}
              onClick={() => setMode(c)}
              data-testid={`action-${c.status}`}
            >
              {label(c)}
            </button>
          ))}
        </div>
      )}
      {mode && (
        <StatusChangeForm
          findingId={f.id}
          status={mode.status}
          title={label(mode)}
          onDone={() => setMode(null)}
          onCancel={() => setMode(null)}
        />
      )}
    </section>
  );
}

type FieldName = 'reason' | 'acceptedUntil';

/**
 * The form of one status change, validated by the server's own body schema (ZStatusChange): accepted risk and false
 * positive need a reason, accepted risk an end date; what the server still refuses (an end date already past) lands
 * on its field.
 */
export function StatusChangeForm({
  findingId,
  status,
  title,
  onDone,
  onCancel,
}: {
  findingId: string;
  status: VulnChangeStatus;
  title: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const message = useFieldMessage();
  const invalidate = useInvalidateVulnerabilities();
  const justified = status === 'accepted' || status === 'false_positive';
  const form = useZodForm(ZStatusChange, {
    defaultValues:
      status === 'accepted' ? { status, reason: '', acceptedUntil: '' } : ({ status, reason: '' } as never),
  });
  const change = $api.useMutation('post', '/api/vulnerabilities/findings/{id}/status');
  const [failure, setFailure] = useState<unknown>(null);
  const errors = form.formState.errors as Partial<Record<FieldName, { message?: string }>>;
  const submit = form.handleSubmit(async (body) => {
    setFailure(null);
    try {
      await change.mutateAsync({ params: { path: { id: findingId } }, body });
      await invalidate();
      onDone();
    } catch (e) {
      if (!applyServerErrors(form, e)) setFailure(e);
    }
  });

  return (
    <form onSubmit={submit} noValidate className="remediation-form" data-testid="remediation-form">
      <strong>{title}</strong>
      <Field
        label={t(justified ? 'vuln.reason' : 'vuln.note')}
        error={message(errors.reason?.message)}
        testId="remediation-reason"
      >
        <textarea rows={3} maxLength={2000} {...form.register('reason')} />
      </Field>
      {status === 'accepted' && (
        <Field
          label={t('vuln.acceptedUntil')}
          hint={t('vuln.acceptedUntilHint')}
          error={message(errors.acceptedUntil?.message)}
          testId="remediation-until"
        >
          {(aria) => (
            <Controller
              control={form.control}
              name={'acceptedUntil' as never}
              render={({ field }) => (
                <DateInput
                  {...aria}
                  value={(field.value as string) ?? ''}
                  onChange={field.onChange}
                  name={field.name}
                />
              )}
            />
          )}
        </Field>
      )}
      <ErrorMessage error={failure} />
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={form.formState.isSubmitting}
          data-testid="remediation-submit"
        >
          {form.formState.isSubmitting ? t('common.working') : t('vuln.confirm')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

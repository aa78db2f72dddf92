import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZPlanUpdate } from '../../../modules/systems/systems.input.ts';
import { $api } from '../../api/client.ts';
import { planItemStatusValues, type SecurityPlan, type SystemDetail } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { firstMessage, useFieldMessage } from '../../components/Field.tsx';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { useZodForm } from '../../lib/forms.ts';
import { useCan } from '../../lib/session.ts';

import { refreshProgramme } from './refresh.ts';
import { PlanProgress } from './SystemBadges.tsx';
import { pick } from './ui.ts';

/** Phương án bảo đảm ATTT: the checklist of the approved level by TCVN 11930 group, with status and evidence. */
export function PlanTab({ system }: { system: SystemDetail }) {
  const { t } = useTranslation();
  const plan = $api.useQuery('get', '/api/systems/{id}/plan', { params: { path: { id: system.id } } });
  const p = plan.data;
  if (plan.error) return <ErrorMessage error={plan.error} />;
  if (!p) return <p className="muted">{t('common.loading')}</p>;
  if (p.level === null) return <div className="alert alert-info">{t('systems.plan.noLevel')}</div>;
  return <PlanForm system={system} plan={p} level={p.level} />;
}

type Item = SecurityPlan['groups'][number]['items'][number];
const valuesOf = (items: Item[]) =>
  items.map((i) => ({ code: i.code, status: i.status, evidence: i.evidence ?? '', reason: i.reason ?? '' }));

function PlanForm({ system, plan: p, level }: { system: SystemDetail; plan: SecurityPlan; level: number }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const message = useFieldMessage();
  const editable = can('system.write');
  const required = p.groups.flatMap((g) => g.items).filter((i) => i.required);
  const form = useZodForm(ZPlanUpdate, { defaultValues: { items: valuesOf(required) } });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = $api.useMutation('put', '/api/systems/{id}/plan', { onSuccess: refreshProgramme });
  const items = useWatch({ control: form.control, name: 'items' }) ?? [];
  const indexOf = new Map(required.map((i, k) => [i.code, k]));
  const changed = required.filter((i, k) => {
    const e = items[k];
    return e && (e.status !== i.status || e.evidence !== (i.evidence ?? '') || e.reason !== (i.reason ?? ''));
  });
  const missingReason = changed.filter((i) => {
    const e = items[indexOf.get(i.code) ?? -1];
    return e?.status === 'not_applicable' && !e.reason?.trim();
  });
  const itemErrors = form.formState.errors.items;

  const submit = form.handleSubmit(async (input) => {
    setSaved(false);
    setError(null);
    // Only what changed is sent: each item sent becomes a line of the plan's history.
    const codes = new Set(changed.map((i) => i.code));
    try {
      await save.mutateAsync({
        params: { path: { id: system.id } },
        body: { items: input.items.filter((i) => codes.has(i.code)) },
      });
      form.reset(form.getValues());
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  });

  return (
    <form data-testid="plan-tab" onSubmit={submit} noValidate>
      <section className="panel">
        <div className="panel-head">
          <h2 className="sys-panel-title">{t('systems.plan.title', { level })}</h2>
        </div>
        <PlanProgress plan={p.summary} />
        <p className="muted small">{t('systems.plan.hint')}</p>
        <p className="muted small">{t('systems.plan.on', { date: formatCalendarDate(p.on) })}</p>
      </section>
      {p.groups.map((g) => {
        const shown = g.items.filter((i) => i.required);
        if (!shown.length) return null;
        // The items of a group usually share one citation: said once under the title, per item only when they differ.
        const bases = [...new Set([g.legalBasis, ...shown.map((i) => i.legalBasis)].filter(Boolean))];
        const shared = new Set(shown.map((i) => i.legalBasis)).size === 1;
        return (
          <section key={g.code} className="panel panel-flush plan-group">
            <h3 className="plan-group-title">
              {g.code}. {pick(i18n.language, g.vi, g.en)}{' '}
              <span className="muted small">
                {t(`systems.plan.kind.${g.kind}`)}
                {!g.confirmed && ` · ${t('systems.plan.unconfirmed')}`}
              </span>
              <span className="muted small plan-basis" data-testid={`plan-basis-${g.code}`}>
                {t('systems.aid.legalBasis')}: {(shared ? bases : [g.legalBasis]).join('; ')}
              </span>
            </h3>
            <table className="table table-compact">
              <thead>
                <tr>
                  <th>{t('systems.plan.item')}</th>
                  <th>{t('systems.plan.status')}</th>
                  <th>{t('systems.plan.evidence')}</th>
                  <th>{t('systems.plan.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((i) => {
                  const k = indexOf.get(i.code) ?? 0;
                  const e = items[k];
                  const status = e?.status ?? i.status;
                  const na = status === 'not_applicable';
                  const reasonError = message(firstMessage(itemErrors?.[k]?.reason));
                  return (
                    <tr key={i.code} className={`plan-item plan-${status}`} data-testid={`plan-item-${i.code}`}>
                      <td>
                        <span className="mono small">{i.code}</span> {pick(i18n.language, i.vi, i.en)}
                        <div className="muted small">
                          {t('systems.plan.fromLevel', { level: i.minLevel })}
                          {!shared && i.legalBasis && ` · ${i.legalBasis}`}
                        </div>
                      </td>
                      <td>
                        <select
                          {...form.register(`items.${k}.status`)}
                          disabled={!editable}
                          aria-label={t('systems.plan.status')}
                        >
                          {planItemStatusValues.map((s) => (
                            <option key={s} value={s}>
                              {t(`systems.plan.statuses.${s}`)}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          {...form.register(`items.${k}.evidence`)}
                          disabled={!editable}
                          aria-label={t('systems.plan.evidence')}
                          placeholder={t('systems.plan.evidencePlaceholder')}
                        />
                      </td>
                      <td>
                        <input
                          {...form.register(`items.${k}.reason`)}
                          disabled={!editable}
                          required={na}
                          aria-invalid={(na && !e?.reason?.trim()) || !!reasonError || undefined}
                          aria-label={t('systems.plan.reason')}
                          placeholder={na ? t('systems.plan.reasonRequired') : ''}
                        />
                        {reasonError && (
                          <small className="field-error" role="alert">
                            {reasonError}
                          </small>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        );
      })}
      {editable && (
        <div className="actions sticky-actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={form.formState.isSubmitting || !changed.length || missingReason.length > 0}
            data-testid="plan-save"
          >
            {form.formState.isSubmitting
              ? t('common.working')
              : t('systems.plan.save', { n: formatNumber(changed.length, i18n.language) })}
          </button>
          {missingReason.length > 0 && (
            <span className="text-bad small">
              {t('systems.plan.missingReason', { codes: missingReason.map((i) => i.code).join(', ') })}
            </span>
          )}
          {saved && !changed.length && <span className="small">{t('systems.saved')}</span>}
        </div>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}

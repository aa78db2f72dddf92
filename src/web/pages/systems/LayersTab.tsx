import { useState } from 'react';
import { Controller, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZLayersUpdate } from '../../../modules/systems/systems.input.ts';
import { $api } from '../../api/client.ts';
import { layerStatusValues, type ProtectionLayer, type SystemDetail, type SystemLayers } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { useZodForm } from '../../lib/forms.ts';
import { useCan } from '../../lib/session.ts';
import { useServerErrors } from './formParts.tsx';
import { refreshProgramme } from './refresh.ts';
import { LAYER_BADGE, pick } from './ui.ts';

/**
 * Mô hình 4 lớp: each layer's status, provider, evidence and (layer 3) last inspection; the next one is due by the
 * rule for the approved level (NĐ 85 Điều 20 khoản 2 điểm c), shown with its basis. What is missing is highlighted.
 */
export function LayersTab({ system }: { system: SystemDetail }) {
  const { t } = useTranslation();
  const layers = $api.useQuery('get', '/api/systems/{id}/layers', { params: { path: { id: system.id } } });
  if (layers.error) return <ErrorMessage error={layers.error} />;
  if (!layers.data) return <p className="muted">{t('common.loading')}</p>;
  return <LayersForm system={system} data={layers.data} />;
}

function LayersForm({ system, data }: { system: SystemDetail; data: SystemLayers }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const editable = can('system.write');
  const form = useZodForm(ZLayersUpdate, {
    defaultValues: {
      layers: data.layers.map((l) => ({
        layer: l.layer,
        status: l.status,
        provider: l.provider ?? '',
        evidence: l.evidence ?? '',
        lastInspectionDate: l.lastInspectionDate,
      })),
    },
  });
  const server = useServerErrors(form);
  const [saved, setSaved] = useState(false);
  const save = $api.useMutation('put', '/api/systems/{id}/layers', { onSuccess: refreshProgramme });
  const edits = useWatch({ control: form.control, name: 'layers' }) ?? [];
  const errors = form.formState.errors.layers;
  const gaps = data.layers.filter((l) => l.gaps.length);

  const submit = form.handleSubmit(async (body) => {
    server.clear();
    setSaved(false);
    try {
      await save.mutateAsync({ params: { path: { id: system.id } }, body });
      form.reset(form.getValues());
      setSaved(true);
    } catch (err) {
      server.take(err);
    }
  });

  return (
    <form data-testid="layers-tab" onSubmit={submit} onChange={() => setSaved(false)} noValidate>
      <p className="muted small">
        {t('systems.layers.intro')}
        {data.legalBasis && ` (${data.legalBasis})`}
      </p>
      {gaps.length > 0 ? (
        <div className="alert alert-warning" data-testid="layer-gaps">
          <strong>{t('systems.layers.gapsTitle', { n: formatNumber(gaps.length, i18n.language) })}</strong>
          <ul>
            {gaps.map((l) => (
              <li key={l.layer}>
                {t('systems.layers.layerN', { layer: l.layer })} — {pick(i18n.language, l.vi, l.en)}:{' '}
                {l.gaps
                  .map((g) => t(`systems.layers.gap.${g}`, { date: formatCalendarDate(l.nextInspectionDate) }))
                  .join('; ')}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <div className="alert alert-success">{t('systems.layers.noGaps')}</div>
      )}
      <div className="layers">
        {data.layers.map((l, k) => (
          <section
            key={l.layer}
            className={`panel layer${l.gaps.length ? ' layer-gap' : ''}`}
            data-testid={`layer-${l.layer}`}
          >
            <div className="panel-head">
              <h3 className="sys-panel-title">
                {t('systems.layers.layerN', { layer: l.layer })}. {pick(i18n.language, l.vi, l.en)}
              </h3>
              <span className={`badge ${LAYER_BADGE[l.status]}`}>{t(`systems.layers.status.${l.status}`)}</span>
            </div>
            {l.legalBasis && l.legalBasis !== data.legalBasis && (
              <p className="muted small">
                {t('systems.aid.legalBasis')}: {l.legalBasis}
              </p>
            )}
            <div className="form-grid">
              <Field label={t('systems.layers.statusLabel')} error={errors?.[k]?.status}>
                <select {...form.register(`layers.${k}.status`)} disabled={!editable}>
                  {layerStatusValues.map((s) => (
                    <option key={s} value={s}>
                      {t(`systems.layers.status.${s}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('systems.layers.provider')} error={errors?.[k]?.provider}>
                <input {...form.register(`layers.${k}.provider`)} disabled={!editable} />
              </Field>
              <div className="span-2">
                <Field label={t('systems.layers.evidence')} error={errors?.[k]?.evidence}>
                  <input {...form.register(`layers.${k}.evidence`)} disabled={!editable} />
                </Field>
              </div>
              {l.layer === 3 && (
                <>
                  <Controller
                    control={form.control}
                    name={`layers.${k}.lastInspectionDate`}
                    render={({ field }) => (
                      <Field label={t('systems.layers.lastInspection')} error={errors?.[k]?.lastInspectionDate}>
                        <DateInput
                          value={field.value ?? ''}
                          onChange={(v) => field.onChange(v || null)}
                          onInvalid={field.onChange}
                          onBlur={field.onBlur}
                          data-testid="layer-last-inspection"
                        />
                      </Field>
                    )}
                  />
                  <NextInspection
                    layer={l}
                    level={system.status.approvedLevel}
                    edited={(edits[k]?.lastInspectionDate ?? null) !== l.lastInspectionDate}
                  />
                </>
              )}
            </div>
          </section>
        ))}
      </div>
      <ErrorMessage error={server.error} />
      {editable && (
        <div className="actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={form.formState.isSubmitting}
            data-testid="layers-save"
          >
            {form.formState.isSubmitting ? t('common.working') : t('common.save')}
          </button>
          {saved && <span className="small">{t('systems.saved')}</span>}
        </div>
      )}
    </form>
  );
}

/** Layer 3's next inspection as the server computed it: the date, the period for the level and its legal basis. */
function NextInspection({
  layer: l,
  level,
  edited,
}: {
  layer: ProtectionLayer;
  level: number | null;
  /** The last inspection was changed and not saved yet: the date shown is the one before the change. */
  edited: boolean;
}) {
  const { t, i18n } = useTranslation();
  const overdue = l.gaps.includes('inspection_overdue');
  return (
    <div className="field" data-testid="layer-next-inspection">
      <span className="field-label">{t('systems.layers.nextInspection')}</span>
      {l.nextInspectionDate ? (
        <div>
          <strong className={overdue ? 'text-bad' : undefined}>{formatCalendarDate(l.nextInspectionDate)}</strong>
          {overdue && (
            <>
              {' '}
              <span className="badge badge-bad">{t('systems.layers.overdue')}</span>
            </>
          )}
          <div className="muted small" data-testid="layer-inspection-basis">
            {t('systems.layers.period', {
              months: formatNumber(l.inspectionPeriodMonths ?? 0, i18n.language),
              level,
            })}
            {l.inspectionBasis && ` — ${t('systems.aid.legalBasis')}: ${l.inspectionBasis}`}
          </div>
        </div>
      ) : (
        <div className="muted small">
          {level === null ? t('systems.layers.nextNeedsLevel') : t('systems.layers.nextNeedsLast')}
        </div>
      )}
      {edited && <div className="small text-warn">{t('systems.layers.recomputed')}</div>}
    </div>
  );
}

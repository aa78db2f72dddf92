import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { api } from '../../lib/api.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { LAYER_STATUSES, type LayerStatus, type Layers, pick, type SystemView } from './systems.ts';

type Edit = {
  layer: number;
  status: LayerStatus;
  provider: string;
  evidence: string;
  lastInspectionDate: string;
  nextInspectionDate: string;
};

const LAYER_BADGE: Record<LayerStatus, string> = {
  missing: 'badge-bad',
  partial: 'badge-warn',
  in_place: 'badge-good',
};

/** Mô hình 4 lớp: each layer's status, provider, evidence and inspection dates; what is missing is highlighted. */
export function LayersTab({ system }: { system: SystemView }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const layers = useLoad(() => api<Layers>('GET', `/api/systems/${system.id}/layers`), [system.id]);
  const [edits, setEdits] = useState<Edit[]>([]);
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (layers.data)
      setEdits(
        layers.data.layers.map((l) => ({
          layer: l.layer,
          status: l.status,
          provider: l.provider ?? '',
          evidence: l.evidence ?? '',
          lastInspectionDate: l.lastInspectionDate ?? '',
          nextInspectionDate: l.nextInspectionDate ?? '',
        })),
      );
  }, [layers.data]);
  const editable = can('system.write');
  const set = (layer: number, patch: Partial<Edit>) => {
    setSaved(false);
    setEdits((all) => all.map((e) => (e.layer === layer ? { ...e, ...patch } : e)));
  };

  async function save() {
    await run(async () => {
      await api('PUT', `/api/systems/${system.id}/layers`, {
        layers: edits.map((e) => ({
          ...e,
          provider: e.provider || null,
          evidence: e.evidence || null,
          lastInspectionDate: e.lastInspectionDate || null,
          nextInspectionDate: e.nextInspectionDate || null,
        })),
      });
      setSaved(true);
      layers.reload();
    });
  }

  if (layers.error) return <ErrorMessage error={layers.error} />;
  const data = layers.data;
  if (!data) return <p className="muted">{t('common.loading')}</p>;
  const gaps = data.layers.filter((l) => l.gaps.length);

  return (
    <div data-testid="layers-tab">
      <p className="muted small">
        {t('systems.layers.intro')} ({data.legalBasis})
      </p>
      {gaps.length > 0 ? (
        <div className="alert alert-warning" data-testid="layer-gaps">
          <strong>{t('systems.layers.gapsTitle', { n: gaps.length })}</strong>
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
        {data.layers.map((l) => {
          const e = edits.find((x) => x.layer === l.layer);
          if (!e) return null;
          return (
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
              <div className="form-grid">
                <Field label={t('systems.layers.statusLabel')}>
                  <select
                    value={e.status}
                    disabled={!editable}
                    onChange={(ev) => set(l.layer, { status: ev.target.value as LayerStatus })}
                  >
                    {LAYER_STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {t(`systems.layers.status.${s}`)}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label={t('systems.layers.provider')}>
                  <input
                    value={e.provider}
                    disabled={!editable}
                    onChange={(ev) => set(l.layer, { provider: ev.target.value })}
                  />
                </Field>
                <div className="span-2">
                  <Field label={t('systems.layers.evidence')}>
                    <input
                      value={e.evidence}
                      disabled={!editable}
                      onChange={(ev) => set(l.layer, { evidence: ev.target.value })}
                    />
                  </Field>
                </div>
                {l.layer === 3 && (
                  <>
                    <Field label={t('systems.layers.lastInspection')}>
                      <DateInput
                        value={e.lastInspectionDate}
                        onChange={(v) => set(l.layer, { lastInspectionDate: v })}
                      />
                    </Field>
                    <Field label={t('systems.layers.nextInspection')}>
                      <DateInput
                        value={e.nextInspectionDate}
                        onChange={(v) => set(l.layer, { nextInspectionDate: v })}
                      />
                    </Field>
                  </>
                )}
              </div>
            </section>
          );
        })}
      </div>
      <ErrorMessage error={error} />
      {editable && (
        <div className="actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void save()}
            data-testid="layers-save"
          >
            {busy ? t('common.working') : t('common.save')}
          </button>
          {saved && <span className="small">{t('systems.saved')}</span>}
        </div>
      )}
    </div>
  );
}

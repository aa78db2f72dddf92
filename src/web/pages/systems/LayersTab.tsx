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

/** What the user edits; the next inspection is computed by the server from the last one and the level's period. */
type Edit = {
  layer: number;
  status: LayerStatus;
  provider: string;
  evidence: string;
  lastInspectionDate: string;
};

const LAYER_BADGE: Record<LayerStatus, string> = {
  missing: 'badge-bad',
  partial: 'badge-warn',
  in_place: 'badge-good',
};

/**
 * Mô hình 4 lớp: each layer's status, provider, evidence and (layer 3) last inspection; the next one is due by the
 * rule for the approved level (NĐ 85 Điều 20 khoản 2 điểm c), shown with its basis. What is missing is highlighted.
 */
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
        {t('systems.layers.intro')}
        {data.legalBasis && ` (${data.legalBasis})`}
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
              {l.legalBasis && l.legalBasis !== data.legalBasis && (
                <p className="muted small">
                  {t('systems.aid.legalBasis')}: {l.legalBasis}
                </p>
              )}
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
                        data-testid="layer-last-inspection"
                      />
                    </Field>
                    <NextInspection
                      layer={l}
                      level={system.status.approvedLevel}
                      edited={e.lastInspectionDate !== (l.lastInspectionDate ?? '')}
                    />
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

/** Layer 3's next inspection as the server computed it: the date, the period for the level and its legal basis. */
function NextInspection({
  layer: l,
  level,
  edited,
}: {
  layer: Layers['layers'][number];
  level: number | null;
  /** The last inspection was changed and not saved yet: the date shown is the one before the change. */
  edited: boolean;
}) {
  const { t } = useTranslation();
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
            {t('systems.layers.period', { months: l.inspectionPeriodMonths, level })}
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

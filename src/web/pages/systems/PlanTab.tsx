import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { PlanProgress } from './SystemBadges.tsx';
import { PLAN_ITEM_STATUSES, type Plan, type PlanItemStatus, pick, type SystemView } from './systems.ts';

type Edit = { status: PlanItemStatus; evidence: string; reason: string };

/** Phương án bảo đảm ATTT: the checklist of the approved level by TCVN 11930 group, with status and evidence. */
export function PlanTab({ system, onChanged }: { system: SystemView; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const plan = useLoad(() => api<Plan>('GET', `/api/systems/${system.id}/plan`), [system.id]);
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!plan.data) return;
    setEdits(
      Object.fromEntries(
        plan.data.groups.flatMap((g) =>
          g.items.map((i) => [i.code, { status: i.status, evidence: i.evidence ?? '', reason: i.reason ?? '' }]),
        ),
      ),
    );
  }, [plan.data]);
  const p = plan.data;
  const editable = can('system.write');

  if (plan.error) return <ErrorMessage error={plan.error} />;
  if (!p) return <p className="muted">{t('common.loading')}</p>;
  if (p.level === null) return <div className="alert alert-info">{t('systems.plan.noLevel')}</div>;

  const changed = p.groups
    .flatMap((g) => g.items)
    .filter((i) => i.required)
    .filter((i) => {
      const e = edits[i.code];
      return e && (e.status !== i.status || e.evidence !== (i.evidence ?? '') || e.reason !== (i.reason ?? ''));
    });
  const missingReason = changed.filter(
    (i) => edits[i.code]?.status === 'not_applicable' && !edits[i.code]?.reason.trim(),
  );

  async function save() {
    setSaved(false);
    await run(async () => {
      await api('PUT', `/api/systems/${system.id}/plan`, {
        items: changed.map((i) => {
          const e = edits[i.code] as Edit;
          return { code: i.code, status: e.status, evidence: e.evidence || null, reason: e.reason || null };
        }),
      });
      setSaved(true);
      plan.reload();
      onChanged();
    });
  }
  const set = (code: string, patch: Partial<Edit>) =>
    setEdits((all) => ({ ...all, [code]: { ...(all[code] as Edit), ...patch } }));

  return (
    <div data-testid="plan-tab">
      <section className="panel">
        <div className="panel-head">
          <h2 className="sys-panel-title">{t('systems.plan.title', { level: p.level })}</h2>
        </div>
        <PlanProgress plan={p.summary} />
        <p className="muted small">{t('systems.plan.hint')}</p>
        <p className="muted small">{t('systems.plan.on', { date: formatCalendarDate(p.on) })}</p>
      </section>
      {p.groups.map((g) => {
        const items = g.items.filter((i) => i.required);
        if (!items.length) return null;
        // The items of a group usually share one citation: said once under the title, per item only when they differ.
        const bases = [...new Set([g.legalBasis, ...items.map((i) => i.legalBasis)].filter(Boolean))];
        const shared = new Set(items.map((i) => i.legalBasis)).size === 1;
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
                {items.map((i) => {
                  const e = edits[i.code] ?? { status: i.status, evidence: '', reason: '' };
                  const na = e.status === 'not_applicable';
                  return (
                    <tr key={i.code} className={`plan-item plan-${e.status}`} data-testid={`plan-item-${i.code}`}>
                      <td>
                        <span className="mono small">{i.code}</span> {pick(i18n.language, i.vi, i.en)}
                        <div className="muted small">
                          {t('systems.plan.fromLevel', { level: i.minLevel })}
                          {!shared && i.legalBasis && ` · ${i.legalBasis}`}
                        </div>
                      </td>
                      <td>
                        <select
                          value={e.status}
                          disabled={!editable}
                          aria-label={t('systems.plan.status')}
                          onChange={(ev) => set(i.code, { status: ev.target.value as PlanItemStatus })}
                        >
                          {PLAN_ITEM_STATUSES.map((s) => (
                            <option key={s} value={s}>
                              {t(`systems.plan.statuses.${s}`)}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          value={e.evidence}
                          disabled={!editable}
                          aria-label={t('systems.plan.evidence')}
                          placeholder={t('systems.plan.evidencePlaceholder')}
                          onChange={(ev) => set(i.code, { evidence: ev.target.value })}
                        />
                      </td>
                      <td>
                        <input
                          value={e.reason}
                          disabled={!editable}
                          required={na}
                          aria-invalid={(na && !e.reason.trim()) || undefined}
                          aria-label={t('systems.plan.reason')}
                          placeholder={na ? t('systems.plan.reasonRequired') : ''}
                          onChange={(ev) => set(i.code, { reason: ev.target.value })}
                        />
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
            type="button"
            className="btn btn-primary"
            disabled={busy || !changed.length || missingReason.length > 0}
            onClick={() => void save()}
            data-testid="plan-save"
          >
            {busy ? t('common.working') : t('systems.plan.save', { n: changed.length })}
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
    </div>
  );
}

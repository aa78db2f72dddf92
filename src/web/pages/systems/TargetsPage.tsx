import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { api, query } from '../../lib/api.ts';
import { useAsOf } from '../../lib/asOf.ts';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { followLink, navigate, useSearch } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { DossierStateBadge, LevelBadge } from './SystemBadges.tsx';
import {
  formatPercent,
  type LayerGap,
  pick,
  systemPath,
  TARGET_KINDS,
  type TargetKind,
  type TargetProgress,
  type TargetSummary,
} from './systems.ts';
import './systems.css';
import { EmptyRow } from '../../components/EmptyRow.tsx';

export const TARGETS_PATH = '/systems/targets';
const targetPath = (id: string | null, organisationId: string, asOf: string) =>
  `${TARGETS_PATH}${query({ id, org: organisationId, asOf })}`;

/**
 * Chỉ tiêu: each target's share met by its deadline (and, apart, met late), as it stood on a day (?asOf=, today by
 * default), and for one target the organisations (the tree of that day) and systems behind it.
 */
export function TargetsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const search = useSearch();
  const id = search.get('id');
  const organisationId = search.get('org') ?? '';
  const { asOf, today, setAsOf } = useAsOf();
  const setOrg = (org: string) => navigate(targetPath(id, org, asOf), { replace: true });
  const { tree, error: orgError } = useOrgTree(asOf);
  const targets = useLoad(
    () => api<TargetSummary[]>('GET', `/api/targets${query({ organisationId, asOf })}`),
    [organisationId, asOf],
  );
  const [editing, setEditing] = useState<TargetSummary | 'new' | null>(null);

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.systemTargets')}</h1>
        {can('target.write') && !editing && (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="target-new">
            {t('systems.targets.new')}
          </button>
        )}
      </div>
      <p className="muted">{t('systems.targets.intro')}</p>
      <div className="panel filters-panel">
        <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
        <Field label={t('systems.organisation')}>
          <OrgSelect tree={tree} value={organisationId} onChange={setOrg} />
        </Field>
      </div>
      <ErrorMessage error={targets.error ?? orgError} />
      {editing && (
        <TargetForm
          key={editing === 'new' ? 'new' : editing.id}
          target={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            targets.reload();
          }}
        />
      )}
      {targets.data?.length === 0 && <p className="muted">{t('systems.targets.empty')}</p>}
      <div className={`target-cards${targets.loading ? ' stale' : ''}`}>
        {targets.data?.map((tg) => (
          <TargetCard
            key={tg.id}
            target={tg}
            selected={tg.id === id}
            href={targetPath(tg.id, organisationId, asOf)}
            onEdit={can('target.write') ? () => setEditing(tg) : undefined}
          />
        ))}
      </div>
      {id && <TargetDetail id={id} organisationId={organisationId} asOf={asOf} />}
      <LayerGaps organisationId={organisationId} current={asOf === today} />
    </>
  );
}

/**
 * A target's figure as it stood on its `asOf`: the share met by the deadline in large type, a bar (met on time, then
 * met late in another colour), the on-time count, the late count apart (late is not done), and the deadline.
 */
export function TargetFigure({ target: tg }: { target: TargetSummary }) {
  const { t, i18n } = useTranslation();
  const n = (x: number) => formatNumber(x, i18n.language);
  const share = (x: number) => (tg.total ? (x / tg.total) * 100 : 0);
  return (
    <>
      <div className={`target-percent${tg.overdue ? ' text-bad' : ''}`} data-testid="target-percent">
        {formatPercent(tg.percent, i18n.language)}
      </div>
      <div
        className="progress progress-stacked"
        role="img"
        aria-label={t('systems.targets.barLabel', { met: n(tg.met), late: n(tg.late), total: n(tg.total) })}
      >
        <div className="progress-fill" style={{ width: `${share(tg.met)}%` }} />
        <div className="progress-fill progress-late" style={{ width: `${share(tg.late)}%` }} />
      </div>
      <div className="small" data-testid="target-counts">
        {t('systems.targets.onTime', { met: n(tg.met), total: n(tg.total) })}
      </div>
      {tg.deadlinePassed && (
        <div className={`small${tg.late ? ' text-warn' : ''}`} data-testid="target-late">
          {t('systems.targets.lateCount', { late: n(tg.late) })}
          {tg.late > 0 && (
            <span className="muted">
              {' '}
              ({t('systems.targets.withLate', { percent: formatPercent(tg.percentWithLate, i18n.language) })})
            </span>
          )}
        </div>
      )}
      <div className="small">
        {t('systems.targets.deadline')}: <strong>{formatCalendarDate(tg.deadline)}</strong>{' '}
        {tg.overdue ? (
          <span className="badge badge-bad">{t('systems.targets.overdue')}</span>
        ) : tg.deadlinePassed ? (
          <span className="badge badge-neutral">{t('systems.targets.passed')}</span>
        ) : (
          <span className="badge badge-good">{t('systems.targets.open')}</span>
        )}
      </div>
    </>
  );
}

function TargetCard({
  target: tg,
  selected,
  href,
  onEdit,
}: {
  target: TargetSummary;
  selected: boolean;
  href: string;
  onEdit?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <section className={`card target-card${selected ? ' target-selected' : ''}`} data-testid="target-card">
      <h2>{tg.title}</h2>
      <div className="muted small">
        {t(`systems.targets.kind.${tg.kind}`)}
        {tg.legalBasis && ` · ${tg.legalBasis}`}
      </div>
      <TargetFigure target={tg} />
      <div className="actions">
        <a className="btn btn-small" href={href} onClick={followLink} data-testid="target-open">
          {t('systems.targets.drill')}
        </a>
        {onEdit && (
          <button type="button" className="btn btn-small btn-quiet" onClick={onEdit}>
            {t('common.edit')}
          </button>
        )}
      </div>
    </section>
  );
}

function TargetDetail({ id, organisationId, asOf }: { id: string; organisationId: string; asOf: string }) {
  const { t, i18n } = useTranslation();
  const p = useLoad(
    () => api<TargetProgress>('GET', `/api/targets/${id}${query({ organisationId, asOf })}`),
    [id, organisationId, asOf],
  );
  if (p.error) return <ErrorMessage error={p.error} />;
  const d = p.data;
  if (!d) return <p className="muted">{t('common.loading')}</p>;
  const parentOf = new Map(d.byOrganisation.map((o) => [o.organisationId, o.parentId]));
  const depth = (orgId: string) => {
    let n = 0;
    for (let p2 = parentOf.get(orgId); p2 && parentOf.has(p2); p2 = parentOf.get(p2)) n++;
    return n;
  };
  return (
    <div data-testid="target-detail" className={p.loading ? 'stale' : undefined}>
      <h2>{d.title}</h2>
      <p className="muted small">{t('systems.targets.detailAsOf', { date: formatCalendarDate(d.asOf) })}</p>
      <div className="two-col">
        <section className="panel panel-flush">
          <h3 className="plan-group-title">{t('systems.targets.byOrganisation')}</h3>
          <table className="table table-compact" data-testid="target-by-org">
            <thead>
              <tr>
                <th>{t('systems.organisation')}</th>
                <th className="num">{t('systems.targets.met')}</th>
                <th className="num">{t('systems.targets.late')}</th>
                <th className="num">{t('systems.targets.total')}</th>
                <th>{t('systems.targets.percent')}</th>
              </tr>
            </thead>
            <tbody>
              <EmptyRow show={d.byOrganisation.length === 0} colSpan={5}>
                {t('systems.targets.noSystems')}
              </EmptyRow>
              {d.byOrganisation.map((o) => (
                <tr key={o.organisationId}>
                  <td style={{ paddingLeft: `${0.75 + depth(o.organisationId) * 1.25}rem` }}>{o.name}</td>
                  <td className="num">{formatNumber(o.met, i18n.language)}</td>
                  <td className="num">{o.late ? formatNumber(o.late, i18n.language) : '—'}</td>
                  <td className="num">{formatNumber(o.total, i18n.language)}</td>
                  <td>
                    <div className="org-percent">
                      <ProgressBar value={(o.percent ?? 0) / 100} label={o.name} />
                      <span className="small nowrap">{formatPercent(o.percent, i18n.language)}</span>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel panel-flush">
          <h3 className="plan-group-title">{t('systems.targets.holdingBack', { n: d.holdingBack.length })}</h3>
          {d.holdingBack.length === 0 ? (
            <p className="muted padded">{t('systems.targets.allMet')}</p>
          ) : (
            <table className="table table-compact" data-testid="target-holding-back">
              <thead>
                <tr>
                  <th>{t('systems.name')}</th>
                  <th>{t('systems.dossierState')}</th>
                  <th>{t('systems.targets.accountableHead')}</th>
                </tr>
              </thead>
              <tbody>
                {d.holdingBack.map((h) => (
                  <tr key={h.systemId}>
                    <td>
                      <a
                        href={systemPath(h.systemId, d.kind === 'plan_implemented' ? 'plan' : 'dossier')}
                        onClick={followLink}
                      >
                        {h.systemName}
                      </a>
                      <div className="muted small">{h.organisationName}</div>
                    </td>
                    <td>
                      <DossierStateBadge state={h.dossierState} />
                      {h.late && (
                        <div className="small text-warn" data-testid="holding-back-late">
                          {d.kind === 'dossier_approved' && h.approvedOn
                            ? t('systems.targets.lateOn', { date: formatCalendarDate(h.approvedOn) })
                            : t('systems.targets.lateMet')}
                        </div>
                      )}
                      {d.kind === 'plan_implemented' && (
                        <div className="small">
                          <LevelBadge level={h.approvedLevel} /> · {t('systems.planPercent')}:{' '}
                          {formatPercent(h.planPercent, i18n.language)}
                        </div>
                      )}
                    </td>
                    <td>
                      {h.accountableHead.name ? (
                        <>
                          {h.accountableHead.name}
                          {h.accountableHead.title && <div className="muted small">{h.accountableHead.title}</div>}
                          {h.accountableHead.email && (
                            <div className="small">
                              <a href={`mailto:${h.accountableHead.email}`}>{h.accountableHead.email}</a>
                            </div>
                          )}
                        </>
                      ) : (
                        <span className="muted">{t('systems.targets.noHead')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </div>
  );
}

type LayerGapRow = {
  systemId: string;
  systemName: string;
  organisationName: string;
  layer: number;
  layerVi: string;
  layerEn: string;
  nextInspectionDate: string | null;
  gaps: LayerGap[];
};

/** Mô hình 4 lớp across the systems in view: every layer not in place, so the model keeps working everywhere. */
function LayerGaps({ organisationId, current }: { organisationId: string; current: boolean }) {
  const { t, i18n } = useTranslation();
  const gaps = useLoad(
    () => api<LayerGapRow[]>('GET', `/api/layers/gaps${query({ organisationId })}`),
    [organisationId],
  );
  if (gaps.error) return <ErrorMessage error={gaps.error} />;
  if (!gaps.data) return null;
  const systems = new Set(gaps.data.map((g) => g.systemId)).size;
  return (
    <section className="panel panel-flush" data-testid="layer-gaps-all">
      <h3 className="plan-group-title">
        {t('systems.layers.allGaps')}{' '}
        <span className="muted small">{t('systems.layers.allGapsCount', { n: gaps.data.length, systems })}</span>
        {/* The 4-layer status is today's, whatever day the targets above stand on. */}
        {!current && <span className="muted small"> · {t('systems.layers.today')}</span>}
      </h3>
      {gaps.data.length === 0 ? (
        <p className="muted padded">{t('systems.layers.noGapsAll')}</p>
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              <th>{t('systems.name')}</th>
              <th>{t('systems.organisation')}</th>
              <th>{t('systems.layers.layer')}</th>
              <th>{t('systems.layers.gapLabel')}</th>
            </tr>
          </thead>
          <tbody>
            {gaps.data.map((g) => (
              <tr key={`${g.systemId}-${g.layer}`}>
                <td>
                  <a href={systemPath(g.systemId, 'layers')} onClick={followLink}>
                    {g.systemName}
                  </a>
                </td>
                <td>{g.organisationName}</td>
                <td>
                  {t('systems.layers.layerN', { layer: g.layer })}. {pick(i18n.language, g.layerVi, g.layerEn)}
                </td>
                <td className="text-bad">
                  {g.gaps
                    .map((k) => t(`systems.layers.gap.${k}`, { date: formatCalendarDate(g.nextInspectionDate) }))
                    .join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function TargetForm({ target, onDone }: { target: TargetSummary | null; onDone: () => void }) {
  const { t } = useTranslation();
  const { tree } = useOrgTree();
  const [form, setForm] = useState({
    title: target?.title ?? '',
    kind: (target?.kind ?? 'dossier_approved') as TargetKind,
    deadline: target?.deadline ?? '',
    organisationId: target?.organisationId ?? '',
    legalBasis: target?.legalBasis ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { ...form, organisationId: form.organisationId || null, legalBasis: form.legalBasis || null };
      if (target) await api('PUT', `/api/targets/${target.id}`, body);
      else await api('POST', '/api/targets', body);
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  async function remove() {
    if (!target || !window.confirm(t('systems.targets.confirmDelete', { title: target.title }))) return;
    try {
      await api('DELETE', `/api/targets/${target.id}`);
      onDone();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="panel" onSubmit={submit} data-testid="target-form">
      <h2 className="sys-panel-title">{target ? t('systems.targets.edit') : t('systems.targets.new')}</h2>
      <div className="form-grid">
        <div className="span-2">
          <Field label={t('systems.targets.title')}>
            <input required minLength={3} value={form.title} onChange={(e) => set('title', e.target.value)} />
          </Field>
        </div>
        <Field label={t('systems.targets.kindLabel')}>
          <select value={form.kind} onChange={(e) => set('kind', e.target.value as TargetKind)}>
            {TARGET_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`systems.targets.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('systems.targets.deadline')}>
          <DateInput required value={form.deadline} onChange={(v) => set('deadline', v)} />
        </Field>
        <Field label={t('systems.targets.scope')}>
          <OrgSelect
            tree={tree}
            value={form.organisationId}
            onChange={(v) => set('organisationId', v)}
            allLabel={t('systems.targets.allOrganisations')}
          />
        </Field>
        <Field label={t('systems.aid.legalBasis')}>
          <input value={form.legalBasis} onChange={(e) => set('legalBasis', e.target.value)} />
        </Field>
      </div>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('common.working') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
        {target && (
          <button type="button" className="btn btn-danger" onClick={() => void remove()}>
            {t('common.delete')}
          </button>
        )}
      </div>
    </form>
  );
}

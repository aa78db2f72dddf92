import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZTargetInput } from '../../../modules/systems/systems.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import { type TargetSummary, targetKindValues } from '../../api/schema.gen.ts';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { useAsOf } from '../../lib/asOf.ts';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { useZodForm } from '../../lib/forms.ts';
import { followLink, navigate, query, useSearch } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { useServerErrors } from './formParts.tsx';
import { DossierStateBadge, LevelBadge } from './SystemBadges.tsx';
import { TargetFigure } from './TargetFigure.tsx';
import { FIGURES, formatPercent, freshData, numbers, pick, SYSTEMS_PATH, systemPath, TARGETS_PATH } from './ui.ts';
import './systems.css';
import { EmptyRow } from '../../components/EmptyRow.tsx';

const targetPath = (id: string | null, organisationId: string, asOf: string) =>
  `${TARGETS_PATH}${query({ id, org: organisationId, asOf })}`;

/** After a target changes, every list and progress of targets is read again. */
const targetsChanged = () =>
  Promise.all([
    queryClient.invalidateQueries({ queryKey: ['get', '/api/targets'] }),
    queryClient.invalidateQueries({ queryKey: ['get', '/api/targets/{id}'] }),
  ]);

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
  const targets = $api.useQuery(
    'get',
    '/api/targets',
    { params: { query: { organisationId: organisationId || undefined, asOf } } },
    { ...FIGURES, placeholderData: keepPreviousData },
  );
  const [editing, setEditing] = useState<TargetSummary | 'new' | null>(null);
  const list = freshData(targets);

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
          onDone={() => setEditing(null)}
        />
      )}
      {!list && !targets.error && <p className="muted">{t('common.loading')}</p>}
      {list?.length === 0 && (
        <p className="muted" data-testid="targets-empty">
          <strong>{t('systems.targets.empty')}</strong>{' '}
          {can('target.write') ? t('systems.targets.emptyWrite') : t('systems.targets.emptyRead')}
        </p>
      )}
      <div className={`target-cards${targets.isPlaceholderData ? ' stale' : ''}`}>
        {list?.map((tg) => (
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
  const p = $api.useQuery(
    'get',
    '/api/targets/{id}',
    { params: { path: { id }, query: { organisationId: organisationId || undefined, asOf } } },
    { ...FIGURES, placeholderData: keepPreviousData },
  );
  if (p.error) return <ErrorMessage error={p.error} />;
  const d = freshData(p);
  if (!d) return <p className="muted">{t('common.loading')}</p>;
  const n = (x: number) => formatNumber(x, i18n.language);
  const parentOf = new Map(d.byOrganisation.map((o) => [o.organisationId, o.parentId]));
  const depth = (orgId: string) => {
    let k = 0;
    for (let p2 = parentOf.get(orgId); p2 && parentOf.has(p2); p2 = parentOf.get(p2)) k++;
    return k;
  };
  return (
    <div data-testid="target-detail" className={p.isPlaceholderData ? 'stale' : undefined}>
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
                {t('systems.targets.noSystemsYet')}{' '}
                <a href={SYSTEMS_PATH} onClick={followLink}>
                  {t('systems.targets.registerSystems')}
                </a>
              </EmptyRow>
              {d.byOrganisation.map((o) => (
                <tr key={o.organisationId}>
                  <td style={{ paddingLeft: `${0.75 + depth(o.organisationId) * 1.25}rem` }}>{o.name}</td>
                  <td className="num">{n(o.met)}</td>
                  <td className="num">{o.late ? n(o.late) : '—'}</td>
                  <td className="num">{n(o.total)}</td>
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
          <h3 className="plan-group-title">{t('systems.targets.holdingBack', { n: n(d.holdingBack.length) })}</h3>
          {d.holdingBack.length === 0 ? (
            <p className="muted padded">
              {d.total === 0 ? t('systems.targets.noSystemsYet') : t('systems.targets.allMet')}
            </p>
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

/**
 * Mô hình 4 lớp across the systems in view: every layer not in place, so the model keeps working everywhere. With
 * no system in view it says so (and where to register them), never that every system has its 4 layers.
 */
function LayerGaps({ organisationId, current }: { organisationId: string; current: boolean }) {
  const { t, i18n } = useTranslation();
  const org = organisationId || undefined;
  const gaps = $api.useQuery('get', '/api/layers/gaps', { params: { query: { organisationId: org } } }, FIGURES);
  const systems = $api.useQuery(
    'get',
    '/api/systems',
    { params: { query: { organisationId: org, limit: 1 } } },
    FIGURES,
  );
  if (gaps.error || systems.error) return <ErrorMessage error={gaps.error ?? systems.error} />;
  const rows = freshData(gaps);
  const inScope = freshData(systems)?.total;
  if (!rows || inScope === undefined) return null;
  const affected = new Set(rows.map((g) => g.systemId)).size;
  return (
    <section className="panel panel-flush" data-testid="layer-gaps-all">
      <h3 className="plan-group-title">
        {t('systems.layers.allGaps')}{' '}
        {inScope > 0 && (
          <span className="muted small">
            {t('systems.layers.allGapsCount', numbers({ n: rows.length, systems: affected }, i18n.language))}
          </span>
        )}
        {/* The 4-layer status is today's, whatever day the targets above stand on. */}
        {!current && <span className="muted small"> · {t('systems.layers.today')}</span>}
      </h3>
      {inScope === 0 ? (
        <p className="muted padded" data-testid="layer-gaps-no-systems">
          {t('systems.layers.noSystems')}{' '}
          <a href={SYSTEMS_PATH} onClick={followLink}>
            {t('systems.targets.registerSystems')}
          </a>
        </p>
      ) : rows.length === 0 ? (
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
            {rows.map((g) => (
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

/** Thêm / sửa chỉ tiêu: the server's own schema checks the form; its refusals land on the fields. */
function TargetForm({ target, onDone }: { target: TargetSummary | null; onDone: () => void }) {
  const { t } = useTranslation();
  const { tree } = useOrgTree();
  const form = useZodForm(ZTargetInput, {
    defaultValues: {
      title: target?.title ?? '',
      kind: target?.kind ?? 'dossier_approved',
      deadline: target?.deadline ?? '',
      organisationId: target?.organisationId ?? null,
      legalBasis: target?.legalBasis ?? '',
    },
  });
  const server = useServerErrors(form);
  const create = $api.useMutation('post', '/api/targets', { onSuccess: targetsChanged });
  const update = $api.useMutation('put', '/api/targets/{id}', { onSuccess: targetsChanged });
  const remove = $api.useMutation('delete', '/api/targets/{id}', { onSuccess: targetsChanged });
  const errors = form.formState.errors;

  const submit = form.handleSubmit(async (body) => {
    server.clear();
    try {
      if (target) await update.mutateAsync({ params: { path: { id: target.id } }, body });
      else await create.mutateAsync({ body });
      onDone();
    } catch (err) {
      server.take(err);
    }
  });
  async function del() {
    if (!target || !window.confirm(t('systems.targets.confirmDelete', { title: target.title }))) return;
    try {
      await remove.mutateAsync({ params: { path: { id: target.id } } });
      onDone();
    } catch (err) {
      server.take(err);
    }
  }

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="target-form">
      <h2 className="sys-panel-title">{target ? t('systems.targets.edit') : t('systems.targets.new')}</h2>
      <div className="form-grid">
        <div className="span-2">
          <Field label={t('systems.targets.title')} error={errors.title}>
            <input {...form.register('title')} data-testid="target-title" />
          </Field>
        </div>
        <Field label={t('systems.targets.kindLabel')} error={errors.kind}>
          <select {...form.register('kind')}>
            {targetKindValues.map((k) => (
              <option key={k} value={k}>
                {t(`systems.targets.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Controller
          control={form.control}
          name="deadline"
          render={({ field }) => (
            <Field label={t('systems.targets.deadline')} error={errors.deadline}>
              <DateInput
                value={field.value ?? ''}
                onChange={field.onChange}
                onInvalid={field.onChange}
                onBlur={field.onBlur}
                data-testid="target-deadline"
              />
            </Field>
          )}
        />
        <Controller
          control={form.control}
          name="organisationId"
          render={({ field }) => (
            <Field label={t('systems.targets.scope')} error={errors.organisationId}>
              <OrgSelect
                tree={tree}
                value={field.value ?? ''}
                onChange={(v) => field.onChange(v || null)}
                allLabel={t('systems.targets.allOrganisations')}
              />
            </Field>
          )}
        />
        <Field label={t('systems.aid.legalBasis')} error={errors.legalBasis}>
          <input {...form.register('legalBasis')} />
        </Field>
      </div>
      <ErrorMessage error={server.error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? t('common.working') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
        {target && (
          <button type="button" className="btn btn-danger" onClick={() => void del()}>
            {t('common.delete')}
          </button>
        )}
      </div>
    </form>
  );
}

import { type ChangeEvent, useMemo, useRef, useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZDossierInput, ZTransitionInput } from '../../../modules/systems/systems.input.ts';
import { $api } from '../../api/client.ts';
import { ApiError } from '../../api/errors.ts';
import {
  type DossierAction,
  type DossierAttachment,
  type DossierComponent,
  type DossierDetail,
  type DossierEvent,
  type DossierRules,
  type DossierTransition,
  type LevelAuthority,
  type SystemDetail,
  securityLevelValues,
} from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { uploadFile } from '../../lib/api.ts';
import { formatCalendarDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { useZodForm } from '../../lib/forms.ts';
import { todayYmd } from '../../lib/period.ts';
import { useCan } from '../../lib/session.ts';
import { useServerErrors } from './formParts.tsx';
import { refreshProgramme } from './refresh.ts';
import { DossierStateBadge, LevelBadge } from './SystemBadges.tsx';
import { numbers, pick } from './ui.ts';

type Party = LevelAuthority['approver'];

/**
 * Hồ sơ đề xuất cấp độ of one system: state; who appraises and who approves under the rule of the dossier's day,
 * with the legal basis; the documents the rules require (each attached or missing, uploaded in place); the steps the
 * user may take; history and documents. Every change marks the programme's figures stale (no reload chains).
 */
export function DossierTab({ system }: { system: SystemDetail }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const dossierId = system.status.dossier?.id ?? null;
  const dossier = $api.useQuery(
    'get',
    '/api/dossiers/{id}',
    { params: { path: { id: dossierId ?? '' } } },
    { enabled: !!dossierId },
  );
  const rules = $api.useQuery('get', '/api/dossiers/rules', {}, { staleTime: 3_600_000 });
  const earlier = $api.useQuery('get', '/api/dossiers', {
    params: { query: { systemId: system.id, limit: 100, sort: 'updated', dir: 'desc' } },
  });
  const d = dossierId ? dossier.data : undefined;
  const canStartNew = can('dossier.prepare') && (!dossierId || d?.state === 'approved');

  return (
    <div data-testid="dossier-tab">
      <ErrorMessage error={dossier.error ?? rules.error} />
      {!dossierId && <p className="muted">{t('systems.dossier.none')}</p>}
      {d && (
        <>
          {d.state === 'returned' && d.returnComment && (
            <div className="alert alert-warning return-comment" role="alert" data-testid="return-comment">
              <strong>{t('systems.dossier.returnedTitle')}</strong>
              <p className="prose">{d.returnComment}</p>
              {can('dossier.prepare') && <div className="small">{t('systems.dossier.returnedHint')}</div>}
            </div>
          )}
          <div className="two-col">
            <DossierFacts d={d} />
            <Authority d={d} />
          </div>
          <Components d={d} />
          {(d.state === 'draft' || d.state === 'returned') && can('dossier.prepare') && (
            <LevelForm key={`${d.id}-${d.updatedAt}`} system={system} dossier={d} />
          )}
          {rules.data && <Actions d={d} transitions={rules.data.transitions} />}
          <div className="two-col">
            <History events={d.history} components={d.components} />
            <Attachments d={d} />
          </div>
        </>
      )}
      {canStartNew && <LevelForm system={system} dossier={null} />}
      {earlier.data && earlier.data.total > 1 && (
        <section className="panel">
          <h2 className="sys-panel-title">
            {t('systems.dossier.all')}{' '}
            <span className="muted small">({formatNumber(earlier.data.total, i18n.language)})</span>
          </h2>
          <table className="table table-compact">
            <thead>
              <tr>
                <th>{t('systems.proposedLevel')}</th>
                <th>{t('systems.dossierState')}</th>
                <th>{t('systems.dossier.decision')}</th>
                <th>{t('common.updatedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {earlier.data.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <LevelBadge level={e.level} />
                  </td>
                  <td>
                    <DossierStateBadge state={e.state} />
                  </td>
                  <td>{e.decisionNumber ? `${e.decisionNumber} — ${formatCalendarDate(e.decisionDate)}` : '—'}</td>
                  <td>{formatDateTime(e.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function DossierFacts({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  return (
    <section className="panel">
      <h2 className="sys-panel-title">{t('systems.dossier.title')}</h2>
      <dl className="facts">
        <dt>{t('systems.dossierState')}</dt>
        <dd>
          <DossierStateBadge state={d.state} />
          {d.overdue && <span className="badge badge-bad">{t('systems.dossier.overdue')}</span>}
        </dd>
        <dt>{t('systems.proposedLevel')}</dt>
        <dd>
          <LevelBadge level={d.level} />
        </dd>
        <dt>{t('systems.suggestedLevel')}</dt>
        <dd>
          <LevelBadge level={d.suggestedLevel} />
        </dd>
        {d.reason && (
          <>
            <dt>{t('systems.dossier.reason')}</dt>
            <dd className="prose">{d.reason}</dd>
          </>
        )}
        <dt>{t('systems.dossier.submittedAt')}</dt>
        <dd>{formatDateTime(d.submittedAt) || '—'}</dd>
        <dt>{t('systems.dossier.acceptedAt')}</dt>
        <dd>{formatDateTime(d.acceptedAt) || '—'}</dd>
        {d.appraisalRef && (
          <>
            <dt>{t('systems.dossier.appraisalRef')}</dt>
            <dd data-testid="dossier-appraisal">
              {d.appraisalRef} — {formatDateTime(d.appraisedAt)}
            </dd>
          </>
        )}
        {d.decisionNumber && (
          <>
            <dt>{t('systems.dossier.decision')}</dt>
            <dd data-testid="dossier-decision">
              {t('systems.dossier.decisionText', {
                number: d.decisionNumber,
                date: formatCalendarDate(d.decisionDate),
              })}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The names of the parties, as the reader's language has them, for a sentence. */
const partyNames = (parties: Party[], lang: string) => parties.map((p) => pick(lang, p.vi, p.en)).join(', ');

/** A role resolved to the body holding it on the dossier's day: its name, and the body's own basis or the role alone. */
function PartyView({ party, testId }: { party: Party; testId: string }) {
  const { t, i18n } = useTranslation();
  const b = party.body;
  return (
    <div className="party" data-testid={testId}>
      <strong data-testid="party-name">{pick(i18n.language, party.vi, party.en)}</strong>
      {b ? (
        <div className="muted small">
          {b.legalBasis}
          {!b.confirmed && (
            <>
              {' '}
              <span className="badge badge-warn" title={b.note ?? undefined}>
                {t('systems.dossier.unconfirmed')}
              </span>
            </>
          )}
        </div>
      ) : (
        <div className="muted small">{t('systems.dossier.noBody')}</div>
      )}
    </div>
  );
}

function Authority({ d }: { d: DossierDetail }) {
  const { t, i18n } = useTranslation();
  const a = d.authority;
  if (!a) return null;
  return (
    <section className="panel" data-testid="dossier-authority">
      <h2 className="sys-panel-title">{t('systems.dossier.authority')}</h2>
      <p className="small authority-rule">
        <span className="muted">{t('systems.aid.legalBasis')}: </span>
        <strong data-testid="authority-basis">{a.rule.legalBasis}</strong>
        {!a.rule.confirmed && <span className="badge badge-warn">{t('systems.dossier.unconfirmed')}</span>}
        <span className="muted"> — {pick(i18n.language, a.rule.vi, a.rule.en)}</span>
      </p>
      <dl className="facts">
        <dt>{t('systems.dossier.appraiser')}</dt>
        <dd>
          {a.appraisers.map((p) => (
            <PartyView key={p.role} party={p} testId="authority-appraiser" />
          ))}
        </dd>
        <dt>{t('systems.dossier.approver')}</dt>
        <dd>
          <PartyView party={a.approver} testId="authority-approver" />
        </dd>
        {a.listApprover && (
          <>
            <dt>{t('systems.dossier.listApprover')}</dt>
            <dd>
              <PartyView party={a.listApprover} testId="authority-list-approver" />
            </dd>
          </>
        )}
        <dt>{t('systems.dossier.limits')}</dt>
        <dd>
          {a.appraisalDays !== null &&
            `${t('systems.dossier.appraisalDays', { days: formatNumber(a.appraisalDays, i18n.language) })}; `}
          {t('systems.dossier.approvalDays', { days: formatNumber(a.approvalWorkingDays, i18n.language) })}
          {a.appraisalRequired && (
            <div className="small">
              {t('systems.dossier.appraisalRequired', { appraisers: partyNames(a.appraisers, i18n.language) })}
            </div>
          )}
        </dd>
        <dt>{t('systems.dossier.appraisalDue')}</dt>
        <dd>
          {formatCalendarDate(d.appraisalDue) || <span className="muted">{t('systems.dossier.dueFromAccept')}</span>}
        </dd>
        <dt>{t('systems.dossier.approvalDue')}</dt>
        <dd className={d.overdue ? 'text-bad' : undefined}>
          {formatCalendarDate(d.approvalDue) || <span className="muted">{t('systems.dossier.dueFromAccept')}</span>}
        </dd>
      </dl>
      <p className="muted small">{t('systems.dossier.rulesOn', { date: formatCalendarDate(a.on) })}</p>
    </section>
  );
}

/** The agency while it holds the dossier (draft, returned), the appraising side while it is with them (the server's rule). */
function useMayAttach(d: DossierDetail) {
  const can = useCan();
  return (
    (can('dossier.prepare') && (d.state === 'draft' || d.state === 'returned')) ||
    (can('dossier.appraise') && (d.state === 'submitted' || d.state === 'under_appraisal'))
  );
}

/** Thành phần hồ sơ: each document the rules require for the level, attached (✓) or missing, with an upload in place. */
function Components({ d }: { d: DossierDetail }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const mayAttach = useMayAttach(d);
  // The documents due before approval (the appraisal opinion) come from the appraising side, not from the agency.
  const mayUpload = (c: DossierComponent) => mayAttach && (c.requiredAt === 'submission' || can('dossier.appraise'));
  if (!d.components.length) return null;
  const missing = d.components.filter((c) => !c.attached);
  return (
    <section className="panel" data-testid="dossier-components">
      <div className="panel-head">
        <h2 className="sys-panel-title">{t('systems.dossier.components')}</h2>
        <span className={`badge ${missing.length ? 'badge-warn' : 'badge-good'}`} data-testid="components-summary">
          {missing.length
            ? t(
                'systems.dossier.componentsMissing',
                numbers({ n: missing.length, total: d.components.length }, i18n.language),
              )
            : t('systems.dossier.componentsComplete')}
        </span>
      </div>
      <ul className="components">
        {d.components.map((c) => {
          const files = d.attachments.filter((a) => a.component === c.component);
          return (
            <li
              key={c.component}
              className={c.attached ? 'component component-ok' : 'component component-missing'}
              data-testid={`component-${c.component}`}
            >
              <span className="component-mark" aria-hidden="true">
                {c.attached ? '✓' : '✗'}
              </span>
              <div className="component-body">
                <div>
                  {pick(i18n.language, c.vi, c.en)}{' '}
                  <span className="badge badge-neutral">{t(`systems.dossier.requiredAt.${c.requiredAt}`)}</span>
                </div>
                <div className="muted small">
                  {c.legalBasis}
                  {!c.confirmed && ` · ${t('systems.dossier.unconfirmed')}`}
                </div>
                <div className="small" data-testid="component-status">
                  {c.attached ? (
                    <span className="text-good">{t('systems.dossier.attached')}</span>
                  ) : c.requiredAt === 'submission' ? (
                    <span className="text-bad">{t('systems.dossier.missingComponent')}</span>
                  ) : (
                    <span className="text-warn">{t('systems.dossier.notYet')}</span>
                  )}
                  {files.map((f) => (
                    <span key={f.id}>
                      {' · '}
                      <a href={`/api/attachments/${f.id}`} download={f.filename}>
                        {f.filename}
                      </a>
                    </span>
                  ))}
                </div>
              </div>
              {mayUpload(c) && (
                <UploadControl
                  dossierId={d.id}
                  component={c.component}
                  label={c.attached ? t('systems.dossier.uploadAnother') : t('systems.dossier.uploadComponent')}
                  quiet={c.attached}
                />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A button that picks one document and uploads it as the raw body, for a component or (null) as another document. */
function UploadControl({
  dossierId,
  component,
  label,
  quiet = false,
}: {
  dossierId: string;
  component: string | null;
  label: string;
  quiet?: boolean;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);

  async function upload(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(null);
    setProgress(0);
    const q = new URLSearchParams({ filename: file.name });
    if (component) q.set('component', component);
    try {
      await uploadFile<DossierAttachment>(`/api/dossiers/${dossierId}/attachments?${q}`, file, {
        onProgress: setProgress,
        onUploaded: () => setProgress(null),
      });
      await refreshProgramme();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(undefined);
    }
  }

  const testId = component ? `component-file-${component}` : 'dossier-attachment-file';
  return (
    <div className="upload-control">
      <button
        type="button"
        className={`btn btn-small${quiet ? ' btn-quiet' : ''}`}
        disabled={progress !== undefined}
        onClick={() => input.current?.click()}
        data-testid={component ? `component-upload-${component}` : 'dossier-upload'}
      >
        {progress !== undefined ? t('common.working') : label}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept=".pdf,.docx,.png,.jpg,.jpeg,.tif,.tiff"
        onChange={upload}
        data-testid={testId}
      />
      {progress !== undefined && <ProgressBar value={progress} label={label} />}
      <ErrorMessage error={error} />
    </div>
  );
}

/** The proposed level and, when it differs from the aid's suggestion, the written reason (create or edit). */
function LevelForm({ system, dossier }: { system: SystemDetail; dossier: DossierDetail | null }) {
  const { t } = useTranslation();
  const suggested = system.suggestion.level;
  // The server's schema, and its rule that a level other than the suggested one needs a written reason.
  const schema = useMemo(
    () =>
      ZDossierInput.superRefine((v, ctx) => {
        const chosen = v.level ?? suggested;
        if (!chosen) ctx.addIssue({ code: 'custom', path: ['level'], message: 'systems.noCriterion' });
        else if (chosen !== suggested && !v.reason)
          ctx.addIssue({ code: 'custom', path: ['reason'], message: 'systems.reasonRequired' });
      }),
    [suggested],
  );
  const form = useZodForm(schema, {
    defaultValues: { level: dossier?.level ?? suggested ?? undefined, reason: dossier?.reason ?? '' },
  });
  const server = useServerErrors(form);
  const create = $api.useMutation('post', '/api/systems/{id}/dossiers', { onSuccess: refreshProgramme });
  const update = $api.useMutation('put', '/api/dossiers/{id}', { onSuccess: refreshProgramme });
  const { errors, isSubmitting, isDirty } = form.formState;
  const level = form.watch('level');
  const needsReason = level !== undefined && level !== suggested;

  const submit = form.handleSubmit(async (body) => {
    server.clear();
    try {
      if (dossier) await update.mutateAsync({ params: { path: { id: dossier.id } }, body });
      else await create.mutateAsync({ params: { path: { id: system.id } }, body });
    } catch (err) {
      server.take(err);
    }
  });

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid={dossier ? 'dossier-edit' : 'dossier-create'}>
      <h2 className="sys-panel-title">
        {dossier
          ? t('systems.dossier.editLevel')
          : system.status.approvedLevel !== null
            ? t('systems.dossier.createAgain')
            : t('systems.dossier.create')}
      </h2>
      {suggested !== null && (
        <p className="small">
          {t('systems.dossier.suggestion', { level: suggested })}{' '}
          <span className="muted">({system.suggestion.legalBasis})</span>
        </p>
      )}
      <div className="form-grid">
        <Field label={t('systems.proposedLevel')} error={errors.level}>
          <select
            {...form.register('level', { setValueAs: (v: unknown) => (v === '' || v == null ? undefined : Number(v)) })}
            data-testid="dossier-level"
          >
            <option value="">—</option>
            {securityLevelValues.map((l) => (
              <option key={l} value={l}>
                {t('systems.levelN', { level: l })}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('systems.dossier.reason')}
          hint={needsReason ? t('systems.dossier.reasonRequired') : undefined}
          error={errors.reason}
        >
          <textarea rows={2} {...form.register('reason')} data-testid="dossier-reason" />
        </Field>
      </div>
      <ErrorMessage error={server.error} />
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={isSubmitting || (!!dossier && !isDirty)}
          data-testid="dossier-save"
        >
          {isSubmitting ? t('common.working') : dossier ? t('common.save') : t('systems.dossier.createButton')}
        </button>
      </div>
    </form>
  );
}

/** The lifecycle steps this user may take on the dossier now, each with the inputs it requires. */
function Actions({ d, transitions }: { d: DossierDetail; transitions: DossierRules['transitions'] }) {
  const { t } = useTranslation();
  const can = useCan();
  const available = (Object.entries(transitions) as [DossierAction, DossierTransition][]).filter(
    ([action, tr]) =>
      tr.from.includes(d.state) &&
      can(tr.permission) &&
      // A level whose rule has no separate appraisal step (NĐ 85 Điều 12 khoản 1: levels 1–2) has no such action.
      !(action === 'record_appraisal' && !d.authority?.appraisalDays),
  );
  if (!available.length) return null;
  return (
    <section className="panel" data-testid="dossier-actions">
      <h2 className="sys-panel-title">{t('systems.dossier.actions')}</h2>
      <div className="action-blocks">
        {available.map(([action, tr]) => (
          <ActionBlock key={`${action}-${d.updatedAt}`} d={d} action={action} requires={tr.requires} />
        ))}
      </div>
    </section>
  );
}

/** The documents a step still lacks: for submitting those due at submission, for approving every one. */
const lackingFor = (d: DossierDetail, action: DossierAction) =>
  action === 'submit' || action === 'resubmit'
    ? d.components.filter((c) => !c.attached && c.requiredAt === 'submission')
    : action === 'approve'
      ? d.components.filter((c) => !c.attached)
      : [];

/** The server's refusal for missing documents: its component keys (details.components), or null for another error. */
function missingComponents(err: unknown): string[] | null {
  if (!(err instanceof ApiError) || err.code !== 'VALIDATION') return null;
  const keys = (err.details as { components?: unknown } | undefined)?.components;
  return Array.isArray(keys) && keys.length ? keys.map(String) : null;
}

/** The day (in the province) of a timestamp. */
const dayOf = (iso: string) => todayYmd(new Date(iso));

type StepField = 'comment' | 'decisionNumber' | 'decisionDate' | 'appraisalRef';
const STEP_FIELDS: StepField[] = ['comment', 'decisionNumber', 'decisionDate', 'appraisalRef'];

function ActionBlock({ d, action, requires }: { d: DossierDetail; action: DossierAction; requires: string[] }) {
  const { t, i18n } = useTranslation();
  const a = d.authority;
  const names = {
    appraisers: a ? partyNames(a.appraisers, i18n.language) : '—',
    approver: a ? pick(i18n.language, a.approver.vi, a.approver.en) : '—',
    basis: a?.rule.legalBasis ?? '—',
  };
  // The server's schema; the fields the step requires (the rules say which); and for an approval, a decision dated
  // neither after today nor before the appraisal opinion it rests on (or, without one, the acceptance).
  const schema = useMemo(() => {
    const earliest = d.appraisedAt ?? d.acceptedAt ?? d.submittedAt ?? d.createdAt;
    return ZTransitionInput.superRefine((v, ctx) => {
      for (const f of requires)
        if (!String(v[f as StepField] ?? '').trim())
          ctx.addIssue({ code: 'custom', path: [f], message: 'systems.required' });
      if (action !== 'approve' || !v.decisionDate) return;
      const date = v.decisionDate;
      if (date > todayYmd())
        ctx.addIssue({
          code: 'custom',
          path: ['decisionDate'],
          message: t('errors.systems.decisionInFuture', { date: formatCalendarDate(date) }),
        });
      else if (date < dayOf(earliest))
        ctx.addIssue({
          code: 'custom',
          path: ['decisionDate'],
          message: t(
            d.appraisedAt ? 'errors.systems.decisionBeforeAppraisal' : 'errors.systems.decisionBeforeAcceptance',
            {
              date: formatCalendarDate(dayOf(earliest)),
            },
          ),
        });
    });
  }, [d, action, requires, t]);
  const form = useZodForm(schema, { defaultValues: { action, comment: '', decisionNumber: '', appraisalRef: '' } });
  const server = useServerErrors(form);
  const [refusal, setRefusal] = useState<unknown>(null);
  const step = $api.useMutation('post', '/api/dossiers/{id}/transitions', { onSuccess: refreshProgramme });
  const { errors, isSubmitting } = form.formState;
  // The rule may require the appraisal opinion on record before the decision (NĐ 85 Điều 17 khoản 1 điểm b).
  const blocked = action === 'approve' && !!a?.appraisalRequired && !d.appraisalRef;
  const lacking = lackingFor(d, action);
  // A refusal for missing documents names them; those uploaded since are no longer listed.
  const refusedKeys = missingComponents(refusal);
  const refused = refusedKeys?.filter((k) => !d.components.find((c) => c.component === k)?.attached) ?? null;

  const submit = form.handleSubmit(async (input) => {
    server.clear();
    setRefusal(null);
    // Only what this step records is sent (trimmed, empty fields left out).
    const body: typeof input = { action };
    for (const f of STEP_FIELDS) if (input[f]) Object.assign(body, { [f]: input[f] });
    try {
      await step.mutateAsync({ params: { path: { id: d.id } }, body });
    } catch (err) {
      if (missingComponents(err)) setRefusal(err);
      else server.take(err);
    }
  });

  return (
    <form
      className={`action-block action-${action}`}
      onSubmit={submit}
      noValidate
      data-testid={`dossier-block-${action}`}
    >
      <h3>{t(`systems.action.${action}`)}</h3>
      <p className="muted small">{t(`systems.actionHint.${action}`, names)}</p>
      {action === 'approve' && (
        <div className="form-grid">
          <Field label={t('systems.dossier.decisionNumber')} error={errors.decisionNumber}>
            <input {...form.register('decisionNumber')} data-testid="dossier-decision-number" />
          </Field>
          <Controller
            control={form.control}
            name="decisionDate"
            render={({ field }) => (
              <Field label={t('systems.dossier.decisionDate')} error={errors.decisionDate}>
                <DateInput
                  value={field.value ?? ''}
                  onChange={(v) => field.onChange(v || undefined)}
                  onInvalid={field.onChange}
                  onBlur={field.onBlur}
                  data-testid="dossier-decision-date"
                />
              </Field>
            )}
          />
        </div>
      )}
      {action === 'record_appraisal' && (
        <Field label={t('systems.dossier.appraisalRef')} error={errors.appraisalRef}>
          <input {...form.register('appraisalRef')} data-testid="dossier-appraisal-ref" />
        </Field>
      )}
      <Field
        label={requires.includes('comment') ? t('systems.dossier.returnComment') : t('systems.dossier.comment')}
        error={errors.comment}
      >
        <textarea
          rows={requires.includes('comment') ? 3 : 2}
          {...form.register('comment')}
          data-testid={`dossier-comment-${action}`}
        />
      </Field>
      {blocked && (
        <div className="alert alert-warning small" data-testid="dossier-needs-appraisal">
          {t('systems.dossier.needsAppraisal', names)}
        </div>
      )}
      {refused
        ? refused.length > 0 && <MissingDocuments d={d} keys={refused} action={action} />
        : lacking.length > 0 && (
            <div className="alert alert-warning small" data-testid="dossier-lacking">
              {t('systems.dossier.lacking', {
                n: formatNumber(lacking.length, i18n.language),
                names: lacking.map((c) => pick(i18n.language, c.vi, c.en)).join('; '),
              })}
            </div>
          )}
      <ErrorMessage error={server.error} />
      <button
        type="submit"
        className={`btn ${action === 'return' ? 'btn-danger' : 'btn-primary'}`}
        disabled={isSubmitting || blocked}
        data-testid={`dossier-action-${action}`}
      >
        {isSubmitting ? t('common.working') : t(`systems.action.${action}`)}
      </button>
    </form>
  );
}

/** The refusal for missing documents, in words: which documents, under which provision, and where to add them. */
function MissingDocuments({ d, keys, action }: { d: DossierDetail; keys: string[]; action: DossierAction }) {
  const { t, i18n } = useTranslation();
  const byKey = new Map<string, DossierComponent>(d.components.map((c) => [c.component, c]));
  return (
    <div className="alert alert-error" role="alert" data-testid="dossier-missing-documents">
      <strong>{t(action === 'approve' ? 'systems.dossier.refusedApprove' : 'systems.dossier.refusedSubmit')}</strong>
      <ul>
        {keys.map((k) => {
          const c = byKey.get(k);
          return (
            <li key={k}>
              {c ? pick(i18n.language, c.vi, c.en) : k}
              {c && <span className="muted small"> ({c.legalBasis})</span>}
            </li>
          );
        })}
      </ul>
      <div className="small">{t('systems.dossier.refusedHint')}</div>
    </div>
  );
}

function History({ events, components }: { events: DossierEvent[]; components: DossierComponent[] }) {
  const { t, i18n } = useTranslation();
  const componentName = (key: unknown) => {
    const c = components.find((x) => x.component === key);
    return c ? pick(i18n.language, c.vi, c.en) : null;
  };
  const detail = (e: DossierEvent) => {
    const x = e.details ?? {};
    if (e.action === 'approve' && x.decisionNumber)
      return t('systems.dossier.decisionText', {
        number: String(x.decisionNumber),
        date: formatCalendarDate(String(x.decisionDate ?? '')),
      });
    if (e.action === 'record_appraisal' && x.appraisalRef) return String(x.appraisalRef);
    if ((e.action === 'create' || e.action === 'update') && x.level) return t('systems.levelN', { level: x.level });
    if (e.action === 'attach' && x.filename) {
      const name = componentName(x.component);
      return name ? `${name}: ${String(x.filename)}` : String(x.filename);
    }
    return null;
  };
  return (
    <section className="panel" data-testid="dossier-history">
      <h2 className="sys-panel-title">{t('systems.dossier.history')}</h2>
      <ol className="timeline dossier-timeline">
        {events.map((e) => (
          <li key={e.id} className={`event-${e.action}`}>
            <div>
              <span className="muted small nowrap">{formatDateTime(e.at)}</span>{' '}
              <strong>{t(`systems.event.${e.action}`, { defaultValue: e.action })}</strong>
              {e.fromState && e.fromState !== e.toState && (
                <span className="small">
                  {' '}
                  ({t(`systems.state.${e.fromState}`)} → {t(`systems.state.${e.toState}`)})
                </span>
              )}{' '}
              <span className="small">— {e.actorName}</span>
            </div>
            {detail(e) && <div className="small">{detail(e)}</div>}
            {e.comment && <blockquote className="event-comment">{e.comment}</blockquote>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Every document of the dossier (with the component it is) and the upload of a document outside the list. */
function Attachments({ d }: { d: DossierDetail }) {
  const { t, i18n } = useTranslation();
  const mayAttach = useMayAttach(d);
  const componentName = (key: string | null) => {
    const c = key ? d.components.find((x) => x.component === key) : undefined;
    return c ? pick(i18n.language, c.vi, c.en) : t('systems.dossier.otherDocument');
  };

  return (
    <section className="panel" data-testid="dossier-attachments">
      <h2 className="sys-panel-title">{t('systems.dossier.attachments')}</h2>
      {d.attachments.length === 0 ? (
        <p className="muted">{t('systems.dossier.noAttachments')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table table-compact">
            <tbody>
              {d.attachments.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={`/api/attachments/${a.id}`} download={a.filename}>
                      {a.filename}
                    </a>
                    <div className="small">{componentName(a.component)}</div>
                    <div className="muted small mono" title={a.sha256}>
                      SHA-256 {a.sha256.slice(0, 16)}…
                    </div>
                  </td>
                  <td className="num nowrap">
                    {formatNumber(Math.max(1, Math.round(a.size / 1024)), i18n.language)} KB
                  </td>
                  <td className="nowrap small">{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayAttach && (
        <div className="actions">
          <UploadControl dossierId={d.id} component={null} label={t('systems.dossier.uploadOther')} />
          <span className="muted small">{t('systems.dossier.uploadHint')}</span>
        </div>
      )}
    </section>
  );
}

import { type ChangeEvent, type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { ApiError, api, uploadFile } from '../../lib/api.ts';
import { formatCalendarDate, formatDateTime } from '../../lib/format.ts';
import { todayYmd } from '../../lib/period.ts';
import type { Permission } from '../../lib/roles.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { DossierStateBadge, LevelBadge } from './SystemBadges.tsx';
import {
  type DossierAction,
  type DossierComponent,
  type DossierDetail,
  type DossierEvent,
  type DossierState,
  type DossierSummary,
  type Party,
  pick,
  type SystemView,
} from './systems.ts';

type Transition = { from: DossierState[]; to: DossierState; permission: Permission; requires: string[] };
type Rules = { transitions: Record<DossierAction, Transition> };

/**
 * Hồ sơ đề xuất cấp độ of one system: state; who appraises and who approves under the rule of the dossier's day,
 * with the legal basis; the documents the rules require (each attached or missing, uploaded in place); the steps the
 * user may take; history and documents.
 */
export function DossierTab({ system, onChanged }: { system: SystemView; onChanged: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const dossierId = system.status.dossier?.id ?? null;
  const dossier = useLoad(
    () => (dossierId ? api<DossierDetail>('GET', `/api/dossiers/${dossierId}`) : Promise.resolve(null)),
    [dossierId],
  );
  const rules = useLoad(() => api<Rules>('GET', '/api/dossiers/rules'), []);
  const earlier = useLoad(() => api<DossierSummary[]>('GET', `/api/dossiers?systemId=${system.id}`), [dossierId]);
  const d = dossier.data;
  const changed = () => {
    dossier.reload();
    earlier.reload();
    onChanged();
  };
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
          <Components d={d} onUploaded={dossier.reload} />
          {(d.state === 'draft' || d.state === 'returned') && can('dossier.prepare') && (
            <LevelForm key={`${d.id}-${d.updatedAt}`} system={system} dossier={d} onSaved={changed} />
          )}
          {rules.data && <Actions d={d} transitions={rules.data.transitions} onDone={changed} />}
          <div className="two-col">
            <History events={d.history} components={d.components} />
            <Attachments d={d} onUploaded={dossier.reload} />
          </div>
        </>
      )}
      {canStartNew && <LevelForm system={system} dossier={null} onSaved={changed} />}
      {earlier.data && earlier.data.length > 1 && (
        <section className="panel">
          <h2 className="sys-panel-title">{t('systems.dossier.all')}</h2>
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
              {earlier.data.map((e) => (
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
          {a.appraisalDays !== null && `${t('systems.dossier.appraisalDays', { days: a.appraisalDays })}; `}
          {t('systems.dossier.approvalDays', { days: a.approvalWorkingDays })}
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
function Components({ d, onUploaded }: { d: DossierDetail; onUploaded: () => void }) {
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
            ? t('systems.dossier.componentsMissing', { n: missing.length, total: d.components.length })
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
                  onUploaded={onUploaded}
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
  onUploaded,
}: {
  dossierId: string;
  component: string | null;
  label: string;
  quiet?: boolean;
  onUploaded: () => void;
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
      await uploadFile(`/api/dossiers/${dossierId}/attachments?${q}`, file, {
        onProgress: setProgress,
        onUploaded: () => setProgress(null),
      });
      onUploaded();
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
function LevelForm({
  system,
  dossier,
  onSaved,
}: {
  system: SystemView;
  dossier: DossierDetail | null;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const suggested = system.suggestion.level;
  const [level, setLevel] = useState<number | ''>(dossier?.level ?? suggested ?? '');
  const [reason, setReason] = useState(dossier?.reason ?? '');
  const { error, busy, run } = useAction();
  const needsReason = level !== '' && level !== suggested;
  const unchanged = dossier && level === dossier.level && reason === (dossier.reason ?? '');

  async function save(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const body = { level: level === '' ? undefined : level, reason: reason || null };
      if (dossier) await api('PUT', `/api/dossiers/${dossier.id}`, body);
      else await api('POST', `/api/systems/${system.id}/dossiers`, body);
      onSaved();
    });
  }

  return (
    <form className="panel" onSubmit={save} data-testid={dossier ? 'dossier-edit' : 'dossier-create'}>
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
        <Field label={t('systems.proposedLevel')}>
          <select
            value={level}
            required
            onChange={(e) => setLevel(e.target.value ? Number(e.target.value) : '')}
            data-testid="dossier-level"
          >
            <option value="">—</option>
            {[1, 2, 3, 4, 5].map((l) => (
              <option key={l} value={l}>
                {t('systems.levelN', { level: l })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('systems.dossier.reason')} hint={needsReason ? t('systems.dossier.reasonRequired') : undefined}>
          <textarea
            rows={2}
            required={needsReason}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="dossier-reason"
          />
        </Field>
      </div>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !!unchanged} data-testid="dossier-save">
          {busy ? t('common.working') : dossier ? t('common.save') : t('systems.dossier.createButton')}
        </button>
      </div>
    </form>
  );
}

const FIELD_OF: Record<string, string> = {
  comment: 'systems.dossier.comment',
  decisionNumber: 'systems.dossier.decisionNumber',
  decisionDate: 'systems.dossier.decisionDate',
  appraisalRef: 'systems.dossier.appraisalRef',
};

/** The lifecycle steps this user may take on the dossier now, each with the inputs it requires. */
function Actions({
  d,
  transitions,
  onDone,
}: {
  d: DossierDetail;
  transitions: Record<DossierAction, Transition>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const can = useCan();
  const available = (Object.entries(transitions) as [DossierAction, Transition][]).filter(
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
          <ActionBlock key={`${action}-${d.updatedAt}`} d={d} action={action} requires={tr.requires} onDone={onDone} />
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

function ActionBlock({
  d,
  action,
  requires,
  onDone,
}: {
  d: DossierDetail;
  action: DossierAction;
  requires: string[];
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [dateProblem, setDateProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: string, v: string) => setValues((x) => ({ ...x, [k]: v }));
  const a = d.authority;
  const names = {
    appraisers: a ? partyNames(a.appraisers, i18n.language) : '—',
    approver: a ? pick(i18n.language, a.approver.vi, a.approver.en) : '—',
    basis: a?.rule.legalBasis ?? '—',
  };
  // The rule may require the appraisal opinion on record before the decision (NĐ 85 Điều 17 khoản 1 điểm b).
  const blocked = action === 'approve' && !!a?.appraisalRequired && !d.appraisalRef;
  const lacking = lackingFor(d, action);
  // A refusal for missing documents names them; those uploaded since are no longer listed.
  const refusedKeys = missingComponents(error);
  const refused = refusedKeys?.filter((k) => !d.components.find((c) => c.component === k)?.attached) ?? null;

  /** The decision may be neither in the future nor before the appraisal (or acceptance) day. */
  function checkDecisionDate(date: string): string | null {
    const today = todayYmd();
    const from = d.appraisedAt ?? d.acceptedAt ?? d.submittedAt ?? d.createdAt;
    const earliest = dayOf(from);
    if (date > today) return t('systems.dossier.decisionFuture');
    if (date < earliest) return t('systems.dossier.decisionTooEarly', { date: formatCalendarDate(earliest) });
    return null;
  }

  async function run(e: FormEvent) {
    e.preventDefault();
    const lackingFields = requires.filter((f) => !values[f]?.trim());
    setMissing(lackingFields);
    const problem = action === 'approve' && values.decisionDate ? checkDecisionDate(values.decisionDate) : null;
    setDateProblem(problem);
    if (lackingFields.length || problem) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = { action };
      for (const [k, v] of Object.entries(values)) if (v.trim()) body[k] = v.trim();
      await api('POST', `/api/dossiers/${d.id}/transitions`, body);
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className={`action-block action-${action}`} onSubmit={run} data-testid={`dossier-block-${action}`}>
      <h3>{t(`systems.action.${action}`)}</h3>
      <p className="muted small">{t(`systems.actionHint.${action}`, names)}</p>
      {action === 'approve' && (
        <div className="form-grid">
          <Field label={t('systems.dossier.decisionNumber')}>
            <input
              value={values.decisionNumber ?? ''}
              onChange={(e) => set('decisionNumber', e.target.value)}
              data-testid="dossier-decision-number"
            />
          </Field>
          <Field label={t('systems.dossier.decisionDate')}>
            <DateInput
              value={values.decisionDate ?? ''}
              onChange={(v) => set('decisionDate', v)}
              data-testid="dossier-decision-date"
            />
          </Field>
        </div>
      )}
      {action === 'record_appraisal' && (
        <Field label={t('systems.dossier.appraisalRef')}>
          <input
            value={values.appraisalRef ?? ''}
            onChange={(e) => set('appraisalRef', e.target.value)}
            data-testid="dossier-appraisal-ref"
          />
        </Field>
      )}
      <Field label={requires.includes('comment') ? t('systems.dossier.returnComment') : t('systems.dossier.comment')}>
        <textarea
          rows={requires.includes('comment') ? 3 : 2}
          value={values.comment ?? ''}
          onChange={(e) => set('comment', e.target.value)}
          data-testid={`dossier-comment-${action}`}
        />
      </Field>
      {missing.length > 0 && (
        <div className="alert alert-error" role="alert">
          {t('systems.dossier.missing', { fields: missing.map((f) => t(FIELD_OF[f] ?? f)).join(', ') })}
        </div>
      )}
      {dateProblem && (
        <div className="alert alert-error" role="alert" data-testid="dossier-date-problem">
          {dateProblem}
        </div>
      )}
      {blocked && (
        <div className="alert alert-warning small" data-testid="dossier-needs-appraisal">
          {t('systems.dossier.needsAppraisal', names)}
        </div>
      )}
      {refused ? (
        refused.length > 0 && <MissingDocuments d={d} keys={refused} action={action} />
      ) : (
        <>
          {lacking.length > 0 && (
            <div className="alert alert-warning small" data-testid="dossier-lacking">
              {t('systems.dossier.lacking', {
                n: lacking.length,
                names: lacking.map((c) => pick(i18n.language, c.vi, c.en)).join('; '),
              })}
            </div>
          )}
          <ErrorMessage error={error} />
        </>
      )}
      <button
        type="submit"
        className={`btn ${action === 'return' ? 'btn-danger' : 'btn-primary'}`}
        disabled={busy || blocked}
        data-testid={`dossier-action-${action}`}
      >
        {busy ? t('common.working') : t(`systems.action.${action}`)}
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
function Attachments({ d, onUploaded }: { d: DossierDetail; onUploaded: () => void }) {
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
                  <td className="num nowrap">{Math.max(1, Math.round(a.size / 1024))} KB</td>
                  <td className="nowrap small">{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayAttach && (
        <div className="actions">
          <UploadControl
            dossierId={d.id}
            component={null}
            label={t('systems.dossier.uploadOther')}
            onUploaded={onUploaded}
          />
          <span className="muted small">{t('systems.dossier.uploadHint')}</span>
        </div>
      )}
    </section>
  );
}

import { type ChangeEvent, type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { api, uploadFile } from '../../lib/api.ts';
import { formatCalendarDate, formatDateTime } from '../../lib/format.ts';
import type { Permission } from '../../lib/roles.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { DossierStateBadge, LevelBadge } from './SystemBadges.tsx';
import {
  type DossierAction,
  type DossierDetail,
  type DossierEvent,
  type DossierState,
  type DossierSummary,
  pick,
  type SystemView,
} from './systems.ts';

type Transition = { from: DossierState[]; to: DossierState; permission: Permission; requires: string[] };
type Rules = { transitions: Record<DossierAction, Transition> };

/** Hồ sơ đề xuất cấp độ of one system: state, authority and due dates, the steps the user may take, history, documents. */
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
          {(d.state === 'draft' || d.state === 'returned') && can('dossier.prepare') && (
            <LevelForm key={`${d.id}-${d.updatedAt}`} system={system} dossier={d} onSaved={changed} />
          )}
          {rules.data && <Actions d={d} transitions={rules.data.transitions} onDone={changed} />}
          <div className="two-col">
            <History events={d.history} />
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

function Authority({ d }: { d: DossierDetail }) {
  const { t, i18n } = useTranslation();
  const a = d.authority;
  if (!a) return null;
  return (
    <section className="panel" data-testid="dossier-authority">
      <h2 className="sys-panel-title">{t('systems.dossier.authority')}</h2>
      <dl className="facts">
        <dt>{t('systems.dossier.appraiser')}</dt>
        <dd>{pick(i18n.language, a.appraiserVi, a.appraiserEn)}</dd>
        <dt>{t('systems.dossier.approver')}</dt>
        <dd>{pick(i18n.language, a.approverVi, a.approverEn)}</dd>
        <dt>{t('systems.dossier.limits')}</dt>
        <dd>
          {a.appraisalDays !== null && `${t('systems.dossier.appraisalDays', { days: a.appraisalDays })}; `}
          {t('systems.dossier.approvalDays', { days: a.approvalWorkingDays })}
          {a.externalAppraisalRequired && <div className="small">{t('systems.dossier.externalRequired')}</div>}
        </dd>
        <dt>{t('systems.dossier.appraisalDue')}</dt>
        <dd>
          {formatCalendarDate(d.appraisalDue) || <span className="muted">{t('systems.dossier.dueFromAccept')}</span>}
        </dd>
        <dt>{t('systems.dossier.approvalDue')}</dt>
        <dd className={d.overdue ? 'text-bad' : undefined}>
          {formatCalendarDate(d.approvalDue) || <span className="muted">{t('systems.dossier.dueFromAccept')}</span>}
        </dd>
        <dt>{t('systems.aid.legalBasis')}</dt>
        <dd className="small">{a.legalBasis}</dd>
      </dl>
    </section>
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
      // Levels 1–2 have no separate appraisal step (NĐ 85 Điều 12 khoản 1).
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
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const set = (k: string, v: string) => setValues((x) => ({ ...x, [k]: v }));
  const blocked = action === 'approve' && !!d.authority?.externalAppraisalRequired && !d.appraisalRef;

  async function run(e: FormEvent) {
    e.preventDefault();
    const lacking = requires.filter((f) => !values[f]?.trim());
    setMissing(lacking);
    if (lacking.length) return;
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
      <p className="muted small">{t(`systems.actionHint.${action}`)}</p>
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
      {blocked && <div className="alert alert-warning small">{t('systems.dossier.needsAppraisal')}</div>}
      <ErrorMessage error={error} />
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

function History({ events }: { events: DossierEvent[] }) {
  const { t } = useTranslation();
  const detail = (e: DossierEvent) => {
    const x = e.details ?? {};
    if (e.action === 'approve' && x.decisionNumber)
      return t('systems.dossier.decisionText', {
        number: String(x.decisionNumber),
        date: formatCalendarDate(String(x.decisionDate ?? '')),
      });
    if (e.action === 'record_appraisal' && x.appraisalRef) return String(x.appraisalRef);
    if ((e.action === 'create' || e.action === 'update') && x.level) return t('systems.levelN', { level: x.level });
    if (e.action === 'attach' && x.filename) return String(x.filename);
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

function Attachments({ d, onUploaded }: { d: DossierDetail; onUploaded: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  // The server decides who may attach when (the agency while preparing, the Department while appraising).
  const mayAttach =
    (can('dossier.prepare') && (d.state === 'draft' || d.state === 'returned')) ||
    (can('dossier.appraise') && (d.state === 'submitted' || d.state === 'under_appraisal'));

  async function upload(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      await uploadFile(`/api/dossiers/${d.id}/attachments?filename=${encodeURIComponent(file.name)}`, file, {
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

  return (
    <section className="panel" data-testid="dossier-attachments">
      <h2 className="sys-panel-title">{t('systems.dossier.attachments')}</h2>
      {d.attachments.length === 0 ? (
        <p className="muted">{t('systems.dossier.noAttachments')}</p>
      ) : (
        <table className="table table-compact">
          <tbody>
            {d.attachments.map((a) => (
              <tr key={a.id}>
                <td>
                  <a href={`/api/attachments/${a.id}`} download={a.filename}>
                    {a.filename}
                  </a>
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
      )}
      {mayAttach && (
        <div className="actions">
          <button
            type="button"
            className="btn btn-small"
            disabled={progress !== undefined}
            onClick={() => input.current?.click()}
          >
            {t('systems.dossier.upload')}
          </button>
          <span className="muted small">{t('systems.dossier.uploadHint')}</span>
          <input
            ref={input}
            type="file"
            hidden
            accept=".pdf,.docx,.png,.jpg,.jpeg,.tif,.tiff"
            onChange={upload}
            data-testid="dossier-attachment-file"
          />
        </div>
      )}
      {progress !== undefined && <ProgressBar value={progress} label={t('systems.dossier.upload')} />}
      <ErrorMessage error={error} />
    </section>
  );
}

import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZIncidentStepInput, ZIncidentTaskInput } from '../../../modules/incidents/incidents.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import {
  type IncidentClock,
  type IncidentDetail,
  type IncidentEvidence,
  type IncidentTransitionTo,
  responseStepValues,
} from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { uploadFile } from '../../lib/api.ts';
import { formatCalendarDate, formatDateTime, formatSize } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { localInputToIso, nowLocalInput } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { isUuid } from '../../lib/tableSearch.ts';
import { useAction } from '../../lib/useAction.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';
import { ClockBadge, SeverityBadge, StateBadge } from './IncidentBadges.tsx';
import { zLocalTime } from './localTime.ts';
import { INCIDENTS_PATH, incidentEditPath } from './ui.ts';
import './incidents.css';

const view = getRouteApi('/app/incidents/view');

/** Re-reads what an incident's change touches: its page and the lists. */
const refresh = () =>
  Promise.all([
    queryClient.invalidateQueries({ queryKey: ['get', '/api/incidents/{id}'] }),
    queryClient.invalidateQueries({ queryKey: ['get', '/api/incidents'] }),
  ]);

/** One incident: its report, severity and why, clocks, response timeline, tasks, evidence and reports. */
export function IncidentDetailPage() {
  const { t } = useTranslation();
  const { id } = view.useSearch();
  const incident = $api.useQuery('get', '/api/incidents/{id}', { params: { path: { id } } }, { enabled: isUuid(id) });
  const d = incident.data;
  useEffect(() => {
    if (d) document.title = `${d.code} · Khiên`;
  }, [d]);
  return (
    <>
      <p className="small">
        <a href={INCIDENTS_PATH} onClick={followLink}>
          ← {t('nav.incidents')}
        </a>
      </p>
      <ErrorMessage error={incident.error} />
      {!isUuid(id) && <div className="alert alert-error">{t('errors.incidents.notFound')}</div>}
      {d && <Incident incident={d} />}
    </>
  );
}

function Incident({ incident: d }: { incident: IncidentDetail }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="page-head inc-head">
        <div>
          <h1 data-testid="incident-title">
            {d.code} · {d.title}
          </h1>
          <div className="muted">
            {d.organisationName}
            {d.systemName && ` · ${d.systemName}`}
          </div>
        </div>
        <div className="badges">
          <SeverityBadge severity={d.severity} />
          <StateBadge state={d.state} />
        </div>
      </div>
      <Actions incident={d} />
      <div className="two-col">
        <Clocks incident={d} />
        <Severity incident={d} />
      </div>
      <Report incident={d} />
      <Timeline incident={d} />
      <div className="two-col">
        <Tasks incident={d} />
        <Evidence incident={d} />
      </div>
      {d.reports.length > 0 && (
        <section className="panel" data-testid="incident-reports">
          <h2 className="inc-panel-title">{t('incidents.reports')}</h2>
          <ul className="plain">
            {d.reports.map((r) => (
              <li key={r.id}>
                {t(`incidents.forms.${r.form}`)} — {formatDateTime(r.issuedAt)}
                {r.recipients.length > 0 && <span className="muted small"> · {r.recipients.join('; ')}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** Edit, notify, move the incident on; closing is refused (with the reason) until form 04 is issued. */
function Actions({ incident: d }: { incident: IncidentDetail }) {
  const { t } = useTranslation();
  const action = useAction();
  const [endAt, setEndAt] = useState(() => nowLocalInput());
  const move = $api.useMutation('post', '/api/incidents/{id}/transitions');
  const patch = $api.useMutation('patch', '/api/incidents/{id}');
  const go = (to: IncidentTransitionTo) =>
    action.run(async () => {
      await move.mutateAsync({
        params: { path: { id: d.id } },
        body: to === 'responded' ? { to, at: localInputToIso(endAt) } : { to },
      });
      await refresh();
    });
  const notified = () =>
    action.run(async () => {
      await patch.mutateAsync({ params: { path: { id: d.id } }, body: { notifiedAt: new Date().toISOString() } });
      await refresh();
    });
  if (!d.access.edit && d.access.transitions.length === 0) return null;
  return (
    <section className="panel" data-testid="incident-actions">
      <ErrorMessage error={action.error} />
      <div className="actions">
        {d.access.edit && (
          <a className="btn" href={incidentEditPath(d.id)} onClick={followLink} data-testid="incident-edit">
            {t('incidents.edit')}
          </a>
        )}
        {d.access.edit && !d.notifiedAt && (
          <button
            type="button"
            className="btn"
            disabled={action.busy}
            onClick={notified}
            data-testid="incident-notified"
          >
            {t('incidents.markNotified')}
          </button>
        )}
        {d.access.transitions.map((to) => (
          <button
            key={to}
            type="button"
            className={`btn${to === 'closed' ? ' btn-primary' : ''}`}
            disabled={action.busy}
            onClick={() => go(to)}
            data-testid={`incident-to-${to}`}
          >
            {t(`incidents.transition.${to}`)}
          </button>
        ))}
      </div>
      {d.access.transitions.includes('responded') && (
        <div className="inc-narrow-field">
          <Field label={t('incidents.responseEndedAt')} hint={t('incidents.responseEndedHint')}>
            <DateInput withTime value={endAt} onChange={setEndAt} data-testid="incident-response-end" />
          </Field>
        </div>
      )}
      {d.notifiedAt && <p className="muted small">{t('incidents.notifiedAt', { at: formatDateTime(d.notifiedAt) })}</p>}
    </section>
  );
}

function ClockItem({ clock: c }: { clock: IncidentClock }) {
  const { t, i18n } = useTranslation();
  return (
    <li data-testid="incident-clock">
      <strong>{t(`incidents.clocks.${c.clock}`)}</strong> <ClockBadge clock={c} />
      <div className="small">
        {i18n.language === 'en' ? c.rule.en : c.rule.vi} <span className="muted">({c.rule.legalBasis})</span>
      </div>
      {c.doneAt && <div className="small">{t('incidents.doneAt', { at: formatDateTime(c.doneAt) })}</div>}
      {c.daysOff.length > 0 && (
        <div className="muted small" data-testid="clock-days-off">
          {t('incidents.daysOff', {
            days: c.daysOff.map((x) => `${formatCalendarDate(x.date)} (${x.name})`).join(', '),
          })}
        </div>
      )}
      {c.recipients.length > 0 && (
        <div className="muted small">
          {t('incidents.recipients', { list: c.recipients.map((r) => t(`incidents.roles.${r}`)).join(', ') })}
        </div>
      )}
      {!c.calendarCovered && <div className="text-warn small">{t('incidents.calendarUncovered')}</div>}
      {!c.rule.confirmed && c.rule.note && <div className="muted small">{c.rule.note}</div>}
    </li>
  );
}

/** The statutory clocks: due when, by which rule, and whether met. */
function Clocks({ incident: d }: { incident: IncidentDetail }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="incident-clocks">
      <h2 className="inc-panel-title">{t('incidents.clocksTitle')}</h2>
      {d.clocks.length === 0 ? (
        <p className="muted">{t('incidents.noClocks')}</p>
      ) : (
        <ul className="clock-list">
          {d.clocks.map((c) => (
            <ClockItem key={c.clock} clock={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Why the incident is serious or normal: the rule of the detection day and the facts it was applied to. */
function Severity({ incident: d }: { incident: IncidentDetail }) {
  const { t, i18n } = useTranslation();
  const b = d.severityBasis;
  return (
    <section className="panel inc-basis" data-testid="incident-severity-basis">
      <h2 className="inc-panel-title">
        {t('incidents.severity')}: <SeverityBadge severity={d.severity} />
      </h2>
      {d.severityRule && (
        <p className="small">
          {i18n.language === 'en' ? d.severityRule.en : d.severityRule.vi}{' '}
          <span className="muted">({d.severityRule.legalBasis})</span>
        </p>
      )}
      {b && (
        <dl className="facts">
          <dt>{t('incidents.basis.systems')}</dt>
          <dd>
            {b.systems.length === 0
              ? t('incidents.basis.noSystem')
              : b.systems
                  .map((s) =>
                    t(s.qualifies ? 'incidents.basis.systemQualifies' : 'incidents.basis.system', {
                      name: s.name,
                      level: s.level ?? t('incidents.basis.noLevel'),
                      critical: s.critical ? t('incidents.basis.critical') : '',
                    }),
                  )
                  .join('; ')}
          </dd>
          <dt>{t('incidents.basis.factors')}</dt>
          <dd>
            {b.factors.length
              ? b.factors.map((f) => t(`incidents.factors.${f}`)).join('; ')
              : t('incidents.basis.none')}
          </dd>
          <dt>{t('incidents.field.beyondCapability')}</dt>
          <dd>{b.beyondCapability ? t('common.yes') : t('common.no')}</dd>
          <dt>{t('incidents.basis.day')}</dt>
          <dd>{formatCalendarDate(b.day)}</dd>
        </dl>
      )}
    </section>
  );
}

/** The fields of the initial report (QĐ 05/2017 Art. 11.4) and who else is affected. */
function Report({ incident: d }: { incident: IncidentDetail }) {
  const { t } = useTranslation();
  const row = (key: string, value: string | null | undefined) => (
    <>
      <dt>{t(`incidents.field.${key}`)}</dt>
      <dd className="prose" data-testid={`incident-field-${key}`}>
        {value || '—'}
      </dd>
    </>
  );
  const contact = [d.contactName, d.contactPosition, d.contactPhone, d.contactEmail].filter(Boolean).join(' · ');
  return (
    <section className="panel" data-testid="incident-report">
      <h2 className="inc-panel-title">{t('incidents.section.report')}</h2>
      <dl className="facts">
        {row('organisationId', d.organisationName)}
        {row('ownerName', d.ownerName)}
        {row('systemId', d.systemName)}
        {row('detectedAt', formatDateTime(d.detectedAt))}
        {row('contactName', contact)}
        {row('type', t(`incidents.types.${d.type}`))}
        {row('description', d.description)}
        {row('damage', d.damage)}
        {row('spread', d.spread)}
        {row('provider', d.provider)}
        {row('actionsTaken', d.actionsTaken)}
        {row('helpers', d.helpers)}
        {row('results', d.results)}
        {row('proposals', d.proposals)}
        {row('affectedOrganisationIds', d.affectedOrganisations.map((o) => o.name).join('; '))}
        {row('affectedSystemIds', d.affectedSystems.map((s) => `${s.name} (${s.organisationName})`).join('; '))}
        <dt>{t('incidents.source')}</dt>
        <dd className="prose" data-testid="incident-source">
          {t(`incidents.sources.${d.source}`)}
          {d.socFindingIds.map((f) => (
            <span key={f}>
              {' · '}
              <a href={`/soc/scanners?finding=${f}`} onClick={followLink} data-testid="incident-soc-finding">
                {t('incidents.socFinding')}
              </a>
            </span>
          ))}
        </dd>
      </dl>
    </section>
  );
}

/** The response steps of TT 20/2017 Art. 11 in their order, each with what was recorded for it. */
function Timeline({ incident: d }: { incident: IncidentDetail }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(ZIncidentStepInput.extend({ at: zLocalTime }), {
    defaultValues: { step: 'receive_verify', at: nowLocalInput(), note: '' },
  });
  const add = $api.useMutation('post', '/api/incidents/{id}/steps');
  const submit = form.handleSubmit(async (v) => {
    setError(null);
    try {
      await add.mutateAsync({ params: { path: { id: d.id } }, body: v });
      form.reset({ step: v.step, at: nowLocalInput(), note: '' });
      await refresh();
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(e);
    }
  });
  return (
    <section className="panel" data-testid="incident-timeline">
      <h2 className="inc-panel-title">{t('incidents.timeline')}</h2>
      <ol className="inc-timeline">
        {responseStepValues.map((s) => {
          const entries = d.steps.filter((x) => x.step === s);
          return (
            <li key={s} className={entries.length ? 'timeline-done' : undefined} data-testid={`step-${s}`}>
              <strong>{t(`incidents.steps.${s}`)}</strong>
              {entries.map((e) => (
                <p key={e.id} className="timeline-entry small">
                  <span className="muted">
                    {formatDateTime(e.at)}
                    {e.actorName && ` · ${e.actorName}`}:
                  </span>{' '}
                  {e.note}
                </p>
              ))}
            </li>
          );
        })}
      </ol>
      {d.access.edit && (
        <form onSubmit={submit} noValidate data-testid="step-form" className="form-grid inc-add-form">
          <Field label={t('incidents.step')} error={form.formState.errors.step}>
            <select {...form.register('step')} data-testid="step-select">
              {responseStepValues.map((s) => (
                <option key={s} value={s}>
                  {t(`incidents.steps.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('incidents.stepAt')} error={form.formState.errors.at}>
            <DateInput
              withTime
              value={form.watch('at')}
              onChange={(v) => form.setValue('at', v)}
              data-testid="step-at"
            />
          </Field>
          <div className="span-2">
            <Field label={t('incidents.stepNote')} error={form.formState.errors.note}>
              <textarea rows={2} {...form.register('note')} data-testid="step-note" />
            </Field>
          </div>
          <ErrorMessage error={error} />
          <div className="actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={form.formState.isSubmitting}
              data-testid="step-add"
            >
              {t('incidents.addStep')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Tasks with their owners (team members first) and due days; done ones ticked. */
function Tasks({ incident: d }: { incident: IncidentDetail }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const assignees = $api.useQuery(
    'get',
    '/api/incidents/{id}/assignees',
    { params: { path: { id: d.id } } },
    { enabled: d.access.edit },
  );
  const form = useZodForm(ZIncidentTaskInput, {
    defaultValues: { title: '', memberId: null, assigneeId: null, dueOn: null },
  });
  const [owner, setOwner] = useState('');
  const add = $api.useMutation('post', '/api/incidents/{id}/tasks');
  const change = $api.useMutation('patch', '/api/incidents/{id}/tasks/{taskId}');
  const action = useAction();
  const submit = form.handleSubmit(async (v) => {
    setError(null);
    const [kind, ownerId] = owner.split(':');
    try {
      await add.mutateAsync({
        params: { path: { id: d.id } },
        body: {
          ...v,
          memberId: kind === 'm' ? (ownerId ?? null) : null,
          assigneeId: kind === 'u' ? (ownerId ?? null) : null,
        },
      });
      form.reset({ title: '', memberId: null, assigneeId: null, dueOn: null });
      setOwner('');
      await refresh();
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(e);
    }
  });
  return (
    <section className="panel" data-testid="incident-tasks">
      <h2 className="inc-panel-title">{t('incidents.tasks')}</h2>
      <ErrorMessage error={action.error} />
      {d.tasks.length === 0 ? (
        <p className="muted">{t('incidents.noTasks')}</p>
      ) : (
        <ul className="task-list">
          {d.tasks.map((task) => (
            <li key={task.id} data-testid="incident-task">
              <label className="check">
                <input
                  type="checkbox"
                  checked={!!task.doneAt}
                  disabled={!d.access.edit || action.busy}
                  onChange={(e) =>
                    action.run(async () => {
                      await change.mutateAsync({
                        params: { path: { id: d.id, taskId: task.id } },
                        body: { done: e.target.checked },
                      });
                      await refresh();
                    })
                  }
                />
                <span>{task.title}</span>
              </label>
              <div className="muted small">
                {task.memberName ?? task.assigneeName ?? t('incidents.noOwner')}
                {task.dueOn && ` · ${t('incidents.dueOn', { day: formatCalendarDate(task.dueOn) })}`}
                {task.overdue && <span className="badge badge-bad"> {t('incidents.clockStates.overdue')}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {d.access.edit && (
        <form onSubmit={submit} noValidate data-testid="task-form" className="inc-add-form">
          <Field label={t('incidents.taskTitle')} error={form.formState.errors.title}>
            <input {...form.register('title')} data-testid="task-title" />
          </Field>
          <Field label={t('incidents.taskOwner')} hint={t('incidents.taskOwnerHint')}>
            <select value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="task-owner">
              <option value="">{t('incidents.noOwner')}</option>
              {assignees.data && assignees.data.members.length > 0 && (
                <optgroup label={t('incidents.teamMembers')}>
                  {assignees.data.members.map((m) => (
                    <option key={m.id} value={`m:${m.id}`}>
                      {m.fullName} — {m.organisationName}
                      {m.onCall ? ` (${t('incidents.onCall')})` : ''}
                    </option>
                  ))}
                </optgroup>
              )}
              {assignees.data && assignees.data.users.length > 0 && (
                <optgroup label={t('incidents.users')}>
                  {assignees.data.users.map((u) => (
                    <option key={u.id} value={`u:${u.id}`}>
                      {u.displayName}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          </Field>
          <Field label={t('incidents.taskDue')} error={form.formState.errors.dueOn}>
            <DateInput
              value={form.watch('dueOn') ?? ''}
              onChange={(v) => form.setValue('dueOn', v || null)}
              data-testid="task-due"
            />
          </Field>
          <ErrorMessage error={error ?? assignees.error} />
          <div className="actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={form.formState.isSubmitting}
              data-testid="task-add"
            >
              {t('incidents.addTask')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Evidence files with their SHA-256; uploaded as they are, downloaded as bytes. */
function Evidence({ incident: d }: { incident: IncidentDetail }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const upload = useFileUpload(
    (file) => {
      const q = new URLSearchParams({ fileName: file.name, ...(note.trim() ? { note: note.trim() } : {}) });
      return uploadFile<IncidentEvidence>(`/api/incidents/${d.id}/evidence?${q}`, file);
    },
    async () => {
      setNote('');
      await refresh();
    },
  );
  return (
    <section className="panel" data-testid="incident-evidence">
      <h2 className="inc-panel-title">{t('incidents.evidence')}</h2>
      {d.evidence.length === 0 ? (
        <p className="muted">{t('incidents.noEvidence')}</p>
      ) : (
        <ul className="evidence-list">
          {d.evidence.map((e) => (
            <li key={e.id} data-testid="incident-evidence-item">
              <a href={`/api/incidents/${d.id}/evidence/${e.id}`} download={e.fileName}>
                {e.fileName}
              </a>{' '}
              <span className="muted small">
                {formatSize(e.size)} · {formatDateTime(e.uploadedAt)}
                {e.uploadedByName && ` · ${e.uploadedByName}`}
              </span>
              {e.note && <div className="small">{e.note}</div>}
              <div className="mono small overflow-break" title="SHA-256">
                SHA-256 {e.sha256}
              </div>
            </li>
          ))}
        </ul>
      )}
      {d.access.edit && (
        <div className="inc-add-form">
          <Field label={t('incidents.evidenceNote')}>
            <input
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={1000}
              data-testid="evidence-note"
            />
          </Field>
          <Field label={t('incidents.evidenceFile')} hint={t('incidents.evidenceHint')}>
            <input type="file" onChange={upload.choose} disabled={upload.busy} data-testid="evidence-file" />
          </Field>
          <ErrorMessage error={upload.error} />
        </div>
      )}
    </section>
  );
}

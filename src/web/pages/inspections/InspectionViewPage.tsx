import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, queryClient } from '../../api/client.ts';
import {
  type InspectionCheck,
  type InspectionDetail,
  type InspectionFinding,
  inspectionCheckResultValues,
  inspectionContentValues,
  inspectionFindingSeverityValues,
} from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { todayYmd } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { ClockBadge, InspectionStateBadge } from './Badges.tsx';
import { inspectionPlanPath } from './searchParams.ts';
import './inspections.css';

const route = getRouteApi('/app/inspections/view');
type Part = { d: InspectionDetail; refresh: () => Promise<unknown> };

/** One inspection: its clocks and steps, the checklist of its start day, the findings followed until closed. */
export function InspectionViewPage() {
  const { t } = useTranslation();
  const { id } = route.useSearch();
  const inspection = $api.useQuery('get', '/api/inspections/{id}', { params: { path: { id } } }, { enabled: !!id });
  const d = inspection.data;
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['get', '/api/inspections/{id}'] }),
      queryClient.invalidateQueries({ queryKey: ['get', '/api/inspections'] }),
    ]);
  if (!id) return <p className="muted">{t('inspections.notFound')}</p>;
  return (
    <>
      <ErrorMessage error={inspection.error} />
      {d && (
        <>
          <div className="page-head">
            <h1 data-testid="inspection-heading">{d.title}</h1>
            <InspectionStateBadge state={d.state} />
          </div>
          <Facts d={d} refresh={refresh} />
          <Clocks d={d} refresh={refresh} />
          {d.checklist.length > 0 && <Checklist d={d} refresh={refresh} />}
          <Findings d={d} refresh={refresh} />
        </>
      )}
    </>
  );
}

function Facts({ d }: Part) {
  const { t } = useTranslation();
  const started = d.state !== 'planned' && d.state !== 'notified';
  return (
    <section className="panel">
      <dl className="facts">
        <dt>{t('inspections.agency')}</dt>
        <dd data-testid="inspection-agency-name">{d.organisationName}</dd>
        <dt>{t('inspections.inspector')}</dt>
        <dd>{d.inspectorName}</dd>
        <dt>{t('inspections.kind')}</dt>
        <dd>{t(`inspections.kinds.${d.kind}`)}</dd>
        {d.planId && (
          <>
            <dt>{t('inspections.plan')}</dt>
            <dd>
              <a href={inspectionPlanPath(d.planId)} onClick={followLink}>
                {d.planTitle}
              </a>
            </dd>
          </>
        )}
        <dt>{t('inspections.plannedDates')}</dt>
        <dd>
          {formatCalendarDate(d.plannedStart)} – {formatCalendarDate(d.plannedEnd)}
        </dd>
        <dt>{t('inspections.team')}</dt>
        <dd>
          {d.team.length
            ? d.team.map((m) => (m.role === 'lead' ? `${m.name} (${t('inspections.lead')})` : m.name)).join('; ')
            : '—'}
        </dd>
        <dt>{t('inspections.systems')}</dt>
        <dd data-testid="inspection-system-list">
          {d.systemList.length
            ? d.systemList
                .map(
                  (s) =>
                    `${s.name} (${s.level ? t('inspections.level', { level: s.level }) : t('inspections.noLevel')})`,
                )
                .join('; ')
            : '—'}
        </dd>
        {d.summary && (
          <>
            <dt>{t('inspections.summary')}</dt>
            <dd>{d.summary}</dd>
          </>
        )}
      </dl>
      {started && (
        <div className="actions">
          {(['pdf', 'docx'] as const).map((format) => (
            <a
              key={format}
              className="btn"
              href={`/api/inspections/${d.id}/conclusion?format=${format}`}
              data-testid={`inspection-conclusion-${format}`}
            >
              {t(`inspections.conclusion.${format}`)}
            </a>
          ))}
        </div>
      )}
    </section>
  );
}

/** The statutory clocks, and the next steps with the day each happened. */
function Clocks({ d, refresh }: Part) {
  const { t } = useTranslation();
  const write = useCan()('inspection.write');
  const transition = $api.useMutation('post', '/api/inspections/{id}/transitions');
  const action = useAction();
  const [on, setOn] = useState(todayYmd());
  const [endedOn, setEndedOn] = useState('');
  const [summary, setSummary] = useState('');
  return (
    <section className="panel" data-testid="inspection-clocks">
      <h2 className="panel-title">{t('inspections.clocksTitle')}</h2>
      <ErrorMessage error={action.error} />
      <TableScroll label={t('inspections.clocksTitle')}>
        <table className="table">
          <thead>
            <tr>
              <th>{t('inspections.clock')}</th>
              <th>{t('inspections.dueOn')}</th>
              <th>{t('inspections.doneOn')}</th>
              <th>{t('inspections.state')}</th>
              <th>{t('inspections.basis')}</th>
            </tr>
          </thead>
          <tbody>
            {d.clocks.map((c) => (
              <tr key={c.clock} data-testid={`inspection-clock-${c.clock}`}>
                <td>{t(`inspections.clocks.${c.clock}`, { days: c.days ?? '—' })}</td>
                <td>{formatCalendarDate(c.dueOn) || '—'}</td>
                <td>{formatCalendarDate(c.doneOn) || '—'}</td>
                <td>
                  <ClockBadge state={c.state} />
                </td>
                <td className="small">
                  {c.legalBasis ?? '—'}
                  {!c.confirmed && <span className="muted"> ({t('inspections.unconfirmed')})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {write && d.transitions.length > 0 && (
        <div className="inspection-row">
          <Field label={t('inspections.stepDay')}>
            <DateInput value={on} onChange={setOn} data-testid="inspection-step-day" />
          </Field>
          {d.transitions.includes('concluded') && (
            <>
              <Field label={t('inspections.endedOn')}>
                <DateInput value={endedOn} onChange={setEndedOn} data-testid="inspection-ended-on" />
              </Field>
              <Field label={t('inspections.summary')}>
                <textarea
                  rows={2}
                  value={summary}
                  onChange={(e) => setSummary(e.target.value)}
                  data-testid="inspection-summary"
                />
              </Field>
            </>
          )}
          {d.transitions.map((to) => (
            <button
              key={to}
              type="button"
              className="btn btn-primary"
              data-testid={`inspection-to-${to}`}
              onClick={() =>
                action.run(async () => {
                  await transition.mutateAsync({
                    params: { path: { id: d.id } },
                    body: {
                      to,
                      on: on || undefined,
                      ...(to === 'concluded' ? { endedOn: endedOn || undefined, summary: summary || null } : {}),
                    },
                  });
                  await refresh();
                })
              }
            >
              {t(`inspections.to.${to}`)}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}

function Checklist({ d, refresh }: Part) {
  const { t } = useTranslation();
  const editable = useCan()('inspection.write') && d.state === 'in_progress';
  // With one system (or none) every row would name the same one.
  const perSystem = d.systemList.length > 1;
  return (
    <section className="panel" data-testid="inspection-checklist">
      <h2 className="panel-title">
        {t('inspections.checklist')}{' '}
        <span className="muted small" data-testid="inspection-checklist-progress">
          {t('inspections.answeredOf', { answered: d.checklistAnswered, total: d.checklist.length })}
        </span>
      </h2>
      {inspectionContentValues.map((content) => {
        const rows = d.checklist.filter((c) => c.content === content);
        if (!rows.length) return null;
        return (
          <div key={content}>
            <h3>{t(`inspections.contents.${content}`)}</h3>
            <TableScroll label={t(`inspections.contents.${content}`)}>
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('inspections.item')}</th>
                    {perSystem && <th>{t('inspections.system')}</th>}
                    <th>{t('inspections.result')}</th>
                    <th>{t('inspections.note')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((c) => (
                    <CheckRow key={c.id} d={d} c={c} editable={editable} perSystem={perSystem} refresh={refresh} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </div>
        );
      })}
    </section>
  );
}

function CheckRow({
  d,
  c,
  editable,
  perSystem,
  refresh,
}: Part & { c: InspectionCheck; editable: boolean; perSystem: boolean }) {
  const { t, i18n } = useTranslation();
  const save = $api.useMutation('patch', '/api/inspections/{id}/checks/{checkId}');
  const action = useAction();
  const [note, setNote] = useState(c.note ?? '');
  const patch = (body: { result?: InspectionCheck['result']; note?: string | null }) =>
    action.run(async () => {
      await save.mutateAsync({ params: { path: { id: d.id, checkId: c.id } }, body });
      await refresh();
    });
  return (
    <tr data-testid="inspection-check">
      <td>
        <span className="muted small">{c.itemCode} </span>
        {i18n.language === 'en' ? c.textEn : c.textVi}
        <div className="muted small">{c.legalBasis}</div>
        {c.evidence && (
          <div className="small" data-testid="inspection-check-evidence">
            {c.evidence}
          </div>
        )}
        <ErrorMessage error={action.error} />
      </td>
      {perSystem && <td>{c.systemName ?? '—'}</td>}
      <td>
        {editable ? (
          <select
            value={c.result ?? ''}
            aria-label={t('inspections.result')}
            data-testid="inspection-check-result"
            onChange={(e) => patch({ result: (e.target.value || null) as InspectionCheck['result'] })}
          >
            <option value="">—</option>
            {inspectionCheckResultValues.map((r) => (
              <option key={r} value={r}>
                {t(`inspections.results.${r}`)}
              </option>
            ))}
          </select>
        ) : c.result ? (
          t(`inspections.results.${c.result}`)
        ) : (
          '—'
        )}
      </td>
      <td>
        {editable ? (
          <input
            className="inspection-check-note"
            value={note}
            aria-label={t('inspections.note')}
            onChange={(e) => setNote(e.target.value)}
            onBlur={() => note !== (c.note ?? '') && patch({ note: note || null })}
          />
        ) : (
          (c.note ?? '')
        )}
      </td>
    </tr>
  );
}

function Findings({ d, refresh }: Part) {
  const { t } = useTranslation();
  const write = useCan()('inspection.write');
  return (
    <section className="panel" data-testid="inspection-findings">
      <h2 className="panel-title">{t('inspections.findings')}</h2>
      {d.findingList.length === 0 && <p className="muted">{t('inspections.noFindings')}</p>}
      <ul className="plain-list">
        {d.findingList.map((f) => (
          <FindingItem key={f.id} d={d} f={f} refresh={refresh} />
        ))}
      </ul>
      {write && (d.state === 'in_progress' || d.state === 'concluded') && <FindingForm d={d} refresh={refresh} />}
    </section>
  );
}

function FindingItem({ d, f, refresh }: Part & { f: InspectionFinding }) {
  const { t } = useTranslation();
  const can = useCan();
  const answer = $api.useMutation('post', '/api/inspections/{id}/findings/{findingId}/answer');
  const decide = $api.useMutation('post', '/api/inspections/{id}/findings/{findingId}/decision');
  const action = useAction();
  const [text, setText] = useState('');
  const [evidence, setEvidence] = useState('');
  const [note, setNote] = useState('');
  const open = d.state !== 'closed';
  const path = { path: { id: d.id, findingId: f.id } };
  return (
    <li data-testid="inspection-finding">
      <span className={`badge badge-${f.severity === 'critical' || f.severity === 'high' ? 'bad' : 'warn'}`}>
        {t(`inspections.severities.${f.severity}`)}
      </span>{' '}
      <strong>{f.title}</strong>
      {f.systemName && <span className="muted"> — {f.systemName}</span>}
      <div className="small">
        {t('inspections.findingLine', { organisation: f.organisationName, due: formatCalendarDate(f.dueOn) })}{' '}
        <span
          className={`badge badge-${f.state === 'closed' ? 'good' : f.state === 'answered' ? 'warn' : 'neutral'}`}
          data-testid="inspection-finding-state"
        >
          {t(`inspections.findingStates.${f.state}`)}
        </span>
        {f.overdue && <span className="badge badge-bad">{t('inspections.overdue')}</span>}
      </div>
      {f.description && <div className="small">{f.description}</div>}
      {f.events.length > 0 && (
        <ul className="plain-list small inspection-events">
          {f.events.map((e) => (
            <li key={`${e.kind}-${e.at}`}>
              {formatCalendarDate(e.on)} · {t(`inspections.events.${e.kind}`)} · {e.userName}
              {e.text && `: ${e.text}`}
              {e.evidence && <span className="muted"> ({e.evidence})</span>}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={action.error} />
      {open && f.ownFinding && can('inspection.respond') && f.state !== 'closed' && (
        <div className="inspection-row">
          <Field label={t('inspections.answer')}>
            <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} data-testid="finding-answer" />
          </Field>
          <Field label={t('inspections.evidence')}>
            <input value={evidence} onChange={(e) => setEvidence(e.target.value)} data-testid="finding-evidence" />
          </Field>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="finding-answer-send"
            onClick={() =>
              action.run(async () => {
                await answer.mutateAsync({ params: path, body: { text, evidence: evidence || null } });
                setText('');
                setEvidence('');
                await refresh();
              })
            }
          >
            {t('inspections.sendAnswer')}
          </button>
        </div>
      )}
      {open && can('inspection.write') && (
        <div className="inspection-row">
          {f.state !== 'closed' && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="finding-accept"
              onClick={() =>
                action.run(async () => {
                  await decide.mutateAsync({ params: path, body: { accept: true } });
                  await refresh();
                })
              }
            >
              {t('inspections.accept')}
            </button>
          )}
          {f.state !== 'open' && (
            <>
              <Field label={t('inspections.returnNote')}>
                <input value={note} onChange={(e) => setNote(e.target.value)} data-testid="finding-return-note" />
              </Field>
              <button
                type="button"
                className="btn"
                data-testid="finding-return"
                onClick={() =>
                  action.run(async () => {
                    await decide.mutateAsync({ params: path, body: { accept: false, note: note || null } });
                    setNote('');
                    await refresh();
                  })
                }
              >
                {f.state === 'closed' ? t('inspections.reopen') : t('inspections.return')}
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

function FindingForm({ d, refresh }: Part) {
  const { t } = useTranslation();
  const { tree } = useOrgTree();
  const add = $api.useMutation('post', '/api/inspections/{id}/findings');
  const action = useAction();
  const [severity, setSeverity] = useState<(typeof inspectionFindingSeverityValues)[number]>('high');
  const [organisationId, setOrganisationId] = useState(d.organisationId);
  const [systemId, setSystemId] = useState('');
  const [title, setTitle] = useState('');
  const [dueOn, setDueOn] = useState('');
  const [foundOn, setFoundOn] = useState(todayYmd());
  return (
    <form
      className="inspection-row"
      data-testid="finding-form"
      onSubmit={(e) => {
        e.preventDefault();
        action.run(async () => {
          await add.mutateAsync({
            params: { path: { id: d.id } },
            body: { severity, organisationId, systemId: systemId || null, title, dueOn, foundOn: foundOn || undefined },
          });
          setTitle('');
          await refresh();
        });
      }}
    >
      <ErrorMessage error={action.error} />
      <Field label={t('inspections.severity')}>
        <select value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
          {inspectionFindingSeverityValues.map((s) => (
            <option key={s} value={s}>
              {t(`inspections.severities.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('inspections.findingTitle')}>
        <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="finding-title" />
      </Field>
      <Field label={t('inspections.owner')}>
        <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} data-testid="finding-owner" />
      </Field>
      <Field label={t('inspections.system')}>
        <select value={systemId} onChange={(e) => setSystemId(e.target.value)}>
          <option value="">—</option>
          {d.systemList.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('inspections.foundOn')}>
        <DateInput value={foundOn} onChange={setFoundOn} data-testid="finding-found" />
      </Field>
      <Field label={t('inspections.dueOn')}>
        <DateInput value={dueOn} onChange={setDueOn} data-testid="finding-due" />
      </Field>
      <button type="submit" className="btn" data-testid="finding-add">
        {t('inspections.addFinding')}
      </button>
    </form>
  );
}

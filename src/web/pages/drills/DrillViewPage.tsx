import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, queryClient } from '../../api/client.ts';
import { type DrillDetail, drillFindingSeverityValues, drillTeamSideValues } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate, formatDateTime } from '../../lib/format.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { StateBadge } from './DrillsPage.tsx';
import './drills.css';

const route = getRouteApi('/app/drills/view');

/** One drill: plan, targets (level on the drill's day), teams and scores, participants and attendance, findings. */
export function DrillViewPage() {
  const { t } = useTranslation();
  const { id } = route.useSearch();
  const can = useCan();
  const drill = $api.useQuery('get', '/api/drills/{id}', { params: { path: { id } } }, { enabled: !!id });
  const d = drill.data;
  const write = can('drill.write');
  const action = useAction();
  const transition = $api.useMutation('post', '/api/drills/{id}/transitions');
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['get', '/api/drills/{id}'] }),
      queryClient.invalidateQueries({ queryKey: ['get', '/api/drills'] }),
    ]);
  if (!id) return <p className="muted">{t('drills.notFound')}</p>;
  return (
    <>
      <ErrorMessage error={drill.error ?? action.error} />
      {d && (
        <>
          <div className="page-head">
            <h1 data-testid="drill-heading">{d.title}</h1>
            <StateBadge state={d.state} />
          </div>
          <section className="panel">
            <dl className="facts">
              <dt>{t('drills.kind')}</dt>
              <dd>{t(`drills.kinds.${d.kind}`)}</dd>
              <dt>{t('drills.organiser')}</dt>
              <dd>{d.organiserName}</dd>
              <dt>{t('drills.when')}</dt>
              <dd>
                {formatDateTime(d.startsAt)} – {formatDateTime(d.endsAt)}
              </dd>
              {d.exploitationDepth && (
                <>
                  <dt>{t('drills.depth')}</dt>
                  <dd>{t(`drills.depths.${d.exploitationDepth}`)}</dd>
                </>
              )}
              {d.tools && (
                <>
                  <dt>{t('drills.tools')}</dt>
                  <dd>{d.tools}</dd>
                </>
              )}
              {d.windowStartsAt && d.windowEndsAt && (
                <>
                  <dt>{t('drills.window')}</dt>
                  <dd>
                    {formatDateTime(d.windowStartsAt)} – {formatDateTime(d.windowEndsAt)}
                  </dd>
                </>
              )}
              <dt>{t('drills.targets')}</dt>
              <dd data-testid="drill-systems">
                {d.systems.length
                  ? d.systems
                      .map(
                        (s) =>
                          `${s.name} (${s.organisationName}; ${s.level ? t('drills.level', { level: s.level }) : t('drills.noLevel')})`,
                      )
                      .join('; ')
                  : '—'}
              </dd>
            </dl>
            {write && d.transitions.length > 0 && (
              <div className="actions">
                {d.transitions.map((to) => (
                  <button
                    key={to}
                    type="button"
                    className={`btn${to === 'cancelled' ? '' : ' btn-primary'}`}
                    data-testid={`drill-to-${to}`}
                    onClick={() =>
                      action.run(async () => {
                        await transition.mutateAsync({ params: { path: { id } }, body: { to } });
                        await refresh();
                      })
                    }
                  >
                    {t(`drills.to.${to}`)}
                  </button>
                ))}
              </div>
            )}
          </section>
          <Teams drill={d} write={write} refresh={refresh} />
          <Participants drill={d} write={write} refresh={refresh} />
          <Findings drill={d} write={write} refresh={refresh} />
          <Lessons drill={d} write={write} refresh={refresh} />
        </>
      )}
    </>
  );
}

type Part = { drill: DrillDetail; write: boolean; refresh: () => Promise<unknown> };
const held = (d: DrillDetail) => d.state === 'running' || d.state === 'completed';

function Teams({ drill: d, write, refresh }: Part) {
  const { t } = useTranslation();
  const add = $api.useMutation('post', '/api/drills/{id}/teams');
  const score = $api.useMutation('patch', '/api/drills/{id}/teams/{teamId}');
  const action = useAction();
  const [name, setName] = useState('');
  const [side, setSide] = useState<(typeof drillTeamSideValues)[number]>('defence');
  const points = ['attackPoints', 'defencePoints', 'availabilityPoints'] as const;
  return (
    <section className="panel" data-testid="drill-teams">
      <h2 className="panel-title">{t('drills.teams')}</h2>
      <ErrorMessage error={action.error} />
      <TableScroll label={t('drills.teams')}>
        <table className="table">
          <thead>
            <tr>
              <th>{t('drills.team')}</th>
              {points.map((p) => (
                <th key={p}>{t(`drills.${p}`)}</th>
              ))}
              <th>{t('drills.totalPoints')}</th>
            </tr>
          </thead>
          <tbody>
            {d.teams.map((team) => (
              <tr key={team.id}>
                <td>
                  {team.name}
                  <div className="muted small">{t(`drills.sides.${team.side}`)}</div>
                </td>
                {points.map((p) => (
                  <td key={p}>
                    {write && held(d) ? (
                      <input
                        type="number"
                        min={0}
                        className="input-narrow"
                        defaultValue={team[p] ?? ''}
                        aria-label={`${team.name} – ${t(`drills.${p}`)}`}
                        data-testid={`drill-score-${p}`}
                        onBlur={(e) =>
                          action.run(async () => {
                            const v = e.target.value === '' ? null : Number(e.target.value);
                            if (v === team[p]) return;
                            await score.mutateAsync({
                              params: { path: { id: d.id, teamId: team.id } },
                              body: { [p]: v },
                            });
                            await refresh();
                          })
                        }
                      />
                    ) : (
                      (team[p] ?? '—')
                    )}
                  </td>
                ))}
                <td data-testid="drill-team-total">{team.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {write && d.state !== 'cancelled' && (
        <form
          className="drill-row"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              await add.mutateAsync({ params: { path: { id: d.id } }, body: { name, side } });
              setName('');
              await refresh();
            });
          }}
        >
          <Field label={t('drills.team')}>
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="drill-team-name" />
          </Field>
          <Field label={t('drills.side')}>
            <select value={side} onChange={(e) => setSide(e.target.value as typeof side)}>
              {drillTeamSideValues.map((s) => (
                <option key={s} value={s}>
                  {t(`drills.sides.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className="btn" data-testid="drill-team-add">
            {t('drills.addTeam')}
          </button>
        </form>
      )}
    </section>
  );
}

function Participants({ drill: d, write, refresh }: Part) {
  const { t } = useTranslation();
  const [staffId, setStaffId] = useState('');
  const register = $api.useQuery(
    'get',
    '/api/staff',
    { params: { query: { on: d.drillDay, limit: 500 } } },
    { enabled: write && d.state !== 'cancelled' },
  );
  const add = $api.useMutation('post', '/api/drills/{id}/participants');
  const update = $api.useMutation('patch', '/api/drills/{id}/participants/{participantId}');
  const action = useAction();
  const taken = new Set(d.participantList.map((p) => p.email));
  return (
    <section className="panel" data-testid="drill-participants">
      <h2 className="panel-title">
        {t('drills.participants')} ({d.attended}/{d.participants})
      </h2>
      <ErrorMessage error={action.error} />
      <TableScroll label={t('drills.participants')}>
        <table className="table">
          <thead>
            <tr>
              <th>{t('drills.person')}</th>
              <th>{t('drills.team')}</th>
              <th>{t('drills.attendedCol')}</th>
            </tr>
          </thead>
          <tbody>
            {d.participantList.map((p) => (
              <tr key={p.id} data-testid="drill-participant">
                <td>
                  {p.fullName}
                  <div className="muted small">{p.organisationName}</div>
                </td>
                <td>
                  {write && d.state !== 'cancelled' ? (
                    <select
                      aria-label={`${p.fullName} – ${t('drills.team')}`}
                      value={p.teamId ?? ''}
                      onChange={(e) =>
                        action.run(async () => {
                          await update.mutateAsync({
                            params: { path: { id: d.id, participantId: p.id } },
                            body: { teamId: e.target.value || null },
                          });
                          await refresh();
                        })
                      }
                    >
                      <option value="">—</option>
                      {d.teams.map((team) => (
                        <option key={team.id} value={team.id}>
                          {team.name}
                        </option>
                      ))}
                    </select>
                  ) : (
                    (d.teams.find((team) => team.id === p.teamId)?.name ?? '—')
                  )}
                </td>
                <td>
                  <input
                    type="checkbox"
                    checked={p.attended}
                    disabled={!write || !held(d)}
                    aria-label={`${p.fullName} – ${t('drills.attendedCol')}`}
                    data-testid="drill-attended"
                    onChange={(e) =>
                      action.run(async () => {
                        await update.mutateAsync({
                          params: { path: { id: d.id, participantId: p.id } },
                          body: { attended: e.target.checked },
                        });
                        await refresh();
                      })
                    }
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {write && d.state !== 'cancelled' && (
        <div className="drill-row">
          <Field label={t('drills.fromRegister')}>
            <select value={staffId} onChange={(e) => setStaffId(e.target.value)} data-testid="drill-add-staff">
              <option value="">{t('drills.choosePerson')}</option>
              {(register.data?.items ?? [])
                .filter((s) => !taken.has(s.email))
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {`${s.fullName} — ${s.organisationName}`}
                  </option>
                ))}
            </select>
          </Field>
          <button
            type="button"
            className="btn"
            disabled={!staffId}
            data-testid="drill-add-participant"
            onClick={() =>
              action.run(async () => {
                await add.mutateAsync({ params: { path: { id: d.id } }, body: { staffMemberId: staffId } });
                setStaffId('');
                await refresh();
              })
            }
          >
            {t('drills.addParticipant')}
          </button>
        </div>
      )}
    </section>
  );
}

function Findings({ drill: d, write, refresh }: Part) {
  const { t } = useTranslation();
  const remediate = useCan()('drill.remediate');
  const { tree } = useOrgTree();
  const add = $api.useMutation('post', '/api/drills/{id}/findings');
  const task = $api.useMutation('post', '/api/drills/{id}/findings/{findingId}/task');
  const moveTask = $api.useMutation('patch', '/api/drills/{id}/findings/{findingId}/task');
  const action = useAction();
  const [severity, setSeverity] = useState<(typeof drillFindingSeverityValues)[number]>('high');
  const [systemId, setSystemId] = useState('');
  const [description, setDescription] = useState('');
  const [taskFor, setTaskFor] = useState<Record<string, { org: string; due: string }>>({});
  return (
    <section className="panel" data-testid="drill-findings">
      <h2 className="panel-title">{t('drills.findings')}</h2>
      <ErrorMessage error={action.error} />
      {d.findingList.length === 0 && <p className="muted">{t('drills.noFindings')}</p>}
      <ul className="plain-list">
        {d.findingList.map((f) => {
          const draft = taskFor[f.id] ?? { org: '', due: '' };
          return (
            <li key={f.id} data-testid="drill-finding">
              <span className={`badge badge-${f.severity === 'critical' || f.severity === 'high' ? 'bad' : 'warn'}`}>
                {t(`drills.severities.${f.severity}`)}
              </span>{' '}
              {f.description}
              {f.systemName && <span className="muted"> — {f.systemName}</span>}
              {f.task ? (
                <div className="small" data-testid="drill-task">
                  {t('drills.taskLine', {
                    organisation: f.task.organisationName,
                    due: formatCalendarDate(f.task.dueOn),
                    state: t(`drills.taskStates.${f.task.state}`),
                  })}
                  {f.task.overdue && <span className="badge badge-bad">{t('drills.overdue')}</span>}
                  {(write || (remediate && f.task.ownTask)) && f.task.state !== 'done' && (
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() =>
                        action.run(async () => {
                          await moveTask.mutateAsync({
                            params: { path: { id: d.id, findingId: f.id } },
                            body: { state: 'done' },
                          });
                          await refresh();
                        })
                      }
                    >
                      {t('drills.markDone')}
                    </button>
                  )}
                </div>
              ) : (
                write &&
                held(d) && (
                  <div className="drill-row">
                    <Field label={t('drills.taskOrganisation')}>
                      <OrgSelect
                        tree={tree}
                        value={draft.org}
                        allLabel={t('drills.chooseOrganisation')}
                        onChange={(org) => setTaskFor({ ...taskFor, [f.id]: { ...draft, org } })}
                      />
                    </Field>
                    <Field label={t('drills.dueOn')}>
                      <DateInput
                        value={draft.due}
                        onChange={(due) => setTaskFor({ ...taskFor, [f.id]: { ...draft, due } })}
                      />
                    </Field>
                    <button
                      type="button"
                      className="btn"
                      disabled={!draft.org || !draft.due}
                      data-testid="drill-make-task"
                      onClick={() =>
                        action.run(async () => {
                          await task.mutateAsync({
                            params: { path: { id: d.id, findingId: f.id } },
                            body: { organisationId: draft.org, dueOn: draft.due },
                          });
                          await refresh();
                        })
                      }
                    >
                      {t('drills.makeTask')}
                    </button>
                  </div>
                )
              )}
            </li>
          );
        })}
      </ul>
      {write && held(d) && (
        <form
          className="drill-row"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              await add.mutateAsync({
                params: { path: { id: d.id } },
                body: { severity, systemId: systemId || null, description },
              });
              setDescription('');
              await refresh();
            });
          }}
        >
          <Field label={t('drills.severity')}>
            <select value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
              {drillFindingSeverityValues.map((s) => (
                <option key={s} value={s}>
                  {t(`drills.severities.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('drills.system')}>
            <select value={systemId} onChange={(e) => setSystemId(e.target.value)}>
              <option value="">—</option>
              {d.systems.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('drills.description')}>
            <input
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              data-testid="drill-finding-text"
            />
          </Field>
          <button type="submit" className="btn" data-testid="drill-finding-add">
            {t('drills.addFinding')}
          </button>
        </form>
      )}
    </section>
  );
}

function Lessons({ drill: d, write, refresh }: Part) {
  const { t } = useTranslation();
  const [text, setText] = useState(d.lessons ?? '');
  const save = $api.useMutation('patch', '/api/drills/{id}');
  const action = useAction();
  return (
    <section className="panel" data-testid="drill-lessons">
      <h2 className="panel-title">{t('drills.lessons')}</h2>
      <ErrorMessage error={action.error} />
      {write && d.state !== 'cancelled' ? (
        <>
          <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} aria-label={t('drills.lessons')} />
          <div className="actions">
            <button
              type="button"
              className="btn"
              data-testid="drill-lessons-save"
              onClick={() =>
                action.run(async () => {
                  await save.mutateAsync({ params: { path: { id: d.id } }, body: { lessons: text } });
                  await refresh();
                })
              }
            >
              {t('drills.save')}
            </button>
          </div>
        </>
      ) : (
        <p>{d.lessons ?? '—'}</p>
      )}
    </section>
  );
}

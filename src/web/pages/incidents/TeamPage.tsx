import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ZShiftInput, ZTeamMemberInput } from '../../../modules/incidents/incidents.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import { type TeamMember, type TeamOverview, teamRoleValues } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate, formatDateTime } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { nowLocalInput } from '../../lib/period.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { ClockBadge } from './IncidentBadges.tsx';
import { zLocalTime } from './localTime.ts';
import './incidents.css';

const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/team'] });

/**
 * Đội ứng cứu sự cố: the roster with 24/7 contacts, who is on call now, the rota ahead, the next periodic report and
 * each changed contact's 24-hour clock (TT 20/2017 Art. 6). The Department keeps it; everyone with incidents reads it.
 */
export function TeamPage() {
  const { t } = useTranslation();
  const can = useCan();
  const team = $api.useQuery('get', '/api/team', { params: { query: {} } }, { staleTime: 0 });
  const [editing, setEditing] = useState<TeamMember | 'new' | null>(null);
  const d = team.data;
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.incidentTeam')}</h1>
        {can('team.write') && !editing && (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="member-new">
            {t('incidents.team.add')}
          </button>
        )}
      </div>
      <p className="muted">{t('incidents.team.intro')}</p>
      <ErrorMessage error={team.error} />
      {editing && (
        <MemberForm
          key={editing === 'new' ? 'new' : editing.id}
          member={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {d && (
        <>
          <div className="two-col">
            <OnCall team={d} />
            <section className="panel" data-testid="team-reporting">
              <h2 className="inc-panel-title">{t('incidents.team.reporting')}</h2>
              <p className="small" data-testid="team-coordinator">
                {t('incidents.team.coordinator')}:{' '}
                {d.coordinator ? <strong>{d.coordinator.name}</strong> : <em>{t('incidents.team.noCoordinator')}</em>}
                {d.coordinator && !d.coordinator.confirmed && (
                  <span className="muted"> ({t('incidents.team.unconfirmed')})</span>
                )}
              </p>
              {d.periodicReport && (
                <p className="small" data-testid="team-periodic">
                  {t('incidents.clocks.periodic_report')}: <ClockBadge clock={d.periodicReport} />
                  <br />
                  <span className="muted">({d.periodicReport.rule.legalBasis})</span>
                </p>
              )}
            </section>
          </div>
          <Roster team={d} onEdit={setEditing} />
          <Rota team={d} />
        </>
      )}
    </>
  );
}

function OnCall({ team }: { team: TeamOverview }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="team-on-call">
      <h2 className="inc-panel-title">{t('incidents.team.onCallNow')}</h2>
      {team.onCallNow.length === 0 ? (
        <p className="text-warn">{t('incidents.team.nobodyOnCall')}</p>
      ) : (
        <ul className="plain">
          {team.onCallNow.map((s) => (
            <li key={s.id}>
              <strong>{s.memberName}</strong> — <a href={`tel:${s.phone.replace(/[\s.]/g, '')}`}>{s.phone}</a> ·{' '}
              <a href={`mailto:${s.email}`}>{s.email}</a>
              <div className="muted small">{t('incidents.team.until', { at: formatDateTime(s.endsAt) })}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Roster({ team, onEdit }: { team: TeamOverview; onEdit: (m: TeamMember) => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const action = useAction();
  const reported = $api.useMutation('post', '/api/team/members/{id}/contact-reported');
  const remove = $api.useMutation('delete', '/api/team/members/{id}');
  return (
    <section className="panel panel-flush" data-testid="team-roster">
      <h2 className="inc-panel-title" style={{ padding: '1rem 1.25rem 0' }}>
        {t('incidents.team.roster')}
      </h2>
      <ErrorMessage error={action.error} />
      {team.members.length === 0 ? (
        <p className="muted" style={{ padding: '0 1.25rem 1rem' }} data-testid="team-empty">
          {t('incidents.team.empty')}
        </p>
      ) : (
        <TableScroll label={t('incidents.team.roster')}>
          <table className="table roster-table">
            <thead>
              <tr>
                <th>{t('incidents.team.fullName')}</th>
                <th>{t('incidents.team.contact')}</th>
                <th>{t('incidents.team.validity')}</th>
                {can('team.write') && <th />}
              </tr>
            </thead>
            <tbody>
              {team.members.map((m) => (
                <tr key={m.id} data-testid="team-member" className={m.active ? undefined : 'muted'}>
                  <td>
                    <strong>{m.fullName}</strong>
                    {m.onCall && (
                      <>
                        {' '}
                        <span className="badge badge-good">{t('incidents.onCall')}</span>
                      </>
                    )}
                    <div className="small">
                      {t(`incidents.teamRoles.${m.teamRole}`)}
                      {m.position && ` · ${m.position}`} · {m.organisationName}
                    </div>
                    {m.expertise && <div className="muted small">{m.expertise}</div>}
                  </td>
                  <td>
                    {m.phone && <a href={`tel:${m.phone.replace(/[\s.]/g, '')}`}>{m.phone}</a>}
                    {m.email && (
                      <div className="small">
                        <a href={`mailto:${m.email}`}>{m.email}</a>
                      </div>
                    )}
                    {m.contactClock && m.contactClock.state !== 'done' && (
                      <div className="small" data-testid="member-contact-clock">
                        {t('incidents.team.contactChanged')} <ClockBadge clock={m.contactClock} />
                      </div>
                    )}
                  </td>
                  <td className="nowrap small">
                    {formatCalendarDate(m.validFrom)} – {m.validTo ? formatCalendarDate(m.validTo) : '…'}
                  </td>
                  {can('team.write') && (
                    <td className="cell-actions">
                      {m.contactClock && !m.contactClock.doneAt && (
                        <button
                          type="button"
                          className="btn btn-small btn-primary"
                          disabled={action.busy}
                          data-testid="member-reported"
                          onClick={() =>
                            action.run(async () => {
                              await reported.mutateAsync({ params: { path: { id: m.id } }, body: {} });
                              await refresh();
                            })
                          }
                        >
                          {t('incidents.team.markReported')}
                        </button>
                      )}
                      <button type="button" className="btn btn-small" onClick={() => onEdit(m)}>
                        {t('common.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        disabled={action.busy}
                        onClick={() =>
                          window.confirm(t('incidents.team.confirmDelete', { name: m.fullName })) &&
                          action.run(async () => {
                            await remove.mutateAsync({ params: { path: { id: m.id } } });
                            await refresh();
                          })
                        }
                      >
                        {t('common.delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

const ZMemberForm = ZTeamMemberInput;
type MemberValues = z.input<typeof ZMemberForm>;

function MemberForm({ member, onDone }: { member: TeamMember | null; onDone: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const { tree, error: orgError } = useOrgTree();
  const [error, setError] = useState<unknown>(null);
  const people = $api.useQuery(
    'get',
    '/api/users',
    { params: { query: { limit: 500 } } },
    { enabled: can('user.read') },
  );
  const form = useZodForm(ZMemberForm, {
    defaultValues: member
      ? {
          userId: member.userId,
          fullName: member.fullName,
          organisationId: member.organisationId,
          teamRole: member.teamRole,
          position: member.position ?? '',
          expertise: member.expertise ?? '',
          phone: member.phone ?? '',
          email: member.email ?? '',
          validFrom: member.validFrom,
          validTo: member.validTo,
        }
      : ({
          userId: null,
          fullName: '',
          organisationId: '',
          teamRole: 'member',
          position: '',
          expertise: '',
          phone: '',
          email: '',
          validFrom: nowLocalInput().slice(0, 10),
          validTo: null,
        } satisfies MemberValues),
  });
  const create = $api.useMutation('post', '/api/team/members');
  const update = $api.useMutation('put', '/api/team/members/{id}');
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (v) => {
    setError(null);
    try {
      if (member) await update.mutateAsync({ params: { path: { id: member.id } }, body: v });
      else await create.mutateAsync({ body: v });
      await refresh();
      onDone();
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(e);
    }
  });
  const line = (key: 'fullName' | 'position' | 'expertise' | 'phone' | 'email') => (
    <Field label={t(`incidents.team.${key}`)} error={errors[key]}>
      <input {...form.register(key)} data-testid={`member-${key}`} />
    </Field>
  );
  return (
    <section className="panel" data-testid="member-form">
      <h2 className="inc-panel-title">{member ? t('incidents.team.edit') : t('incidents.team.add')}</h2>
      <ErrorMessage error={orgError} />
      <form onSubmit={submit} noValidate className="form-grid">
        {line('fullName')}
        <Controller
          control={form.control}
          name="organisationId"
          render={({ field }) => (
            <Field label={t('incidents.organisation')} error={errors.organisationId}>
              <OrgSelect
                tree={tree}
                value={field.value}
                onChange={field.onChange}
                allLabel={t('incidents.chooseOrganisation')}
                data-testid="member-organisation"
              />
            </Field>
          )}
        />
        <Field label={t('incidents.team.teamRole')}>
          <select {...form.register('teamRole')} data-testid="member-teamRole">
            {teamRoleValues.map((r) => (
              <option key={r} value={r}>
                {t(`incidents.teamRoles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {line('position')}
        {line('expertise')}
        {line('phone')}
        {line('email')}
        <Controller
          control={form.control}
          name="validFrom"
          render={({ field }) => (
            <Field label={t('incidents.team.validFrom')} error={errors.validFrom}>
              <DateInput value={field.value} onChange={field.onChange} onInvalid={field.onChange} />
            </Field>
          )}
        />
        <Controller
          control={form.control}
          name="validTo"
          render={({ field }) => (
            <Field label={t('incidents.team.validTo')} error={errors.validTo}>
              <DateInput
                value={field.value ?? ''}
                onChange={(v) => field.onChange(v || null)}
                onInvalid={field.onChange}
              />
            </Field>
          )}
        />
        {can('user.read') && (
          <Controller
            control={form.control}
            name="userId"
            render={({ field }) => (
              <Field label={t('incidents.team.user')} hint={t('incidents.team.userHint')}>
                <select value={field.value ?? ''} onChange={(e) => field.onChange(e.target.value || null)}>
                  <option value="">—</option>
                  {(people.data?.items ?? []).map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.displayName} ({u.username})
                    </option>
                  ))}
                </select>
              </Field>
            )}
          />
        )}
        <div className="span-2">
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="member-save">
              {isSubmitting ? t('common.working') : t('common.save')}
            </button>
            <button type="button" className="btn" onClick={onDone}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}

/** The rota ahead (two weeks), with a form to add a shift. */
function Rota({ team }: { team: TeamOverview }) {
  const { t } = useTranslation();
  const can = useCan();
  const action = useAction();
  const [error, setError] = useState<unknown>(null);
  const remove = $api.useMutation('delete', '/api/team/shifts/{id}');
  const add = $api.useMutation('post', '/api/team/shifts');
  const form = useZodForm(ZShiftInput.safeExtend({ startsAt: zLocalTime, endsAt: zLocalTime }), {
    defaultValues: { memberId: '', startsAt: nowLocalInput(), endsAt: nowLocalInput() },
  });
  const submit = form.handleSubmit(async (v) => {
    setError(null);
    try {
      await add.mutateAsync({ body: v });
      await refresh();
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(e);
    }
  });
  const active = team.members.filter((m) => m.active);
  return (
    <section className="panel" data-testid="team-rota">
      <h2 className="inc-panel-title">{t('incidents.team.rota')}</h2>
      <ErrorMessage error={action.error} />
      {team.shifts.length === 0 ? (
        <p className="muted">{t('incidents.team.noShifts')}</p>
      ) : (
        <ul className="plain">
          {team.shifts.map((s) => (
            <li key={s.id} data-testid="team-shift">
              {formatDateTime(s.startsAt)} – {formatDateTime(s.endsAt)}: <strong>{s.memberName}</strong>{' '}
              {can('team.write') && (
                <button
                  type="button"
                  className="link small"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await remove.mutateAsync({ params: { path: { id: s.id } } });
                      await refresh();
                    })
                  }
                >
                  {t('common.delete')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {can('team.write') && active.length > 0 && (
        <form onSubmit={submit} noValidate className="form-grid inc-add-form" data-testid="shift-form">
          <Field label={t('incidents.team.member')} error={form.formState.errors.memberId}>
            <select {...form.register('memberId')} data-testid="shift-member">
              <option value="">—</option>
              {active.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.fullName}
                </option>
              ))}
            </select>
          </Field>
          <Controller
            control={form.control}
            name="startsAt"
            render={({ field }) => (
              <Field label={t('incidents.team.startsAt')} error={form.formState.errors.startsAt}>
                <DateInput withTime value={field.value} onChange={field.onChange} onInvalid={field.onChange} />
              </Field>
            )}
          />
          <Controller
            control={form.control}
            name="endsAt"
            render={({ field }) => (
              <Field label={t('incidents.team.endsAt')} error={form.formState.errors.endsAt}>
                <DateInput withTime value={field.value} onChange={field.onChange} onInvalid={field.onChange} />
              </Field>
            )}
          />
          <div className="span-2">
            <ErrorMessage error={error} />
            <button
              type="submit"
              className="btn btn-primary"
              disabled={form.formState.isSubmitting}
              data-testid="shift-add"
            >
              {t('incidents.team.addShift')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

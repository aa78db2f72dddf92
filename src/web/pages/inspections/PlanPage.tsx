import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, queryClient } from '../../api/client.ts';
import { type InspectionPlanDetail, inspectionKindValues } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { ClockBadge, InspectionStateBadge } from './Badges.tsx';
import { inspectionPath } from './searchParams.ts';
import './inspections.css';

const route = getRouteApi('/app/inspections/plan');

/** A year's plan: its decision, team and the inspections it schedules (agencies, systems, dates). */
export function PlanPage() {
  const { t } = useTranslation();
  const { id } = route.useSearch();
  const can = useCan();
  const plan = $api.useQuery('get', '/api/inspection-plans/{id}', { params: { path: { id } } }, { enabled: !!id });
  const p = plan.data;
  if (!id) return <p className="muted">{t('inspections.planNotFound')}</p>;
  return (
    <>
      <ErrorMessage error={plan.error} />
      {p && (
        <>
          <div className="page-head">
            <h1 data-testid="plan-heading">{p.title}</h1>
          </div>
          <section className="panel">
            <dl className="facts">
              <dt>{t('inspections.year')}</dt>
              <dd>{p.year}</dd>
              <dt>{t('inspections.issuer')}</dt>
              <dd>{p.organisationName}</dd>
              <dt>{t('inspections.decisionRef')}</dt>
              <dd>
                {p.decisionRef ?? '—'}
                {p.decisionDate && ` · ${formatCalendarDate(p.decisionDate)}`}
              </dd>
              <dt>{t('inspections.team')}</dt>
              <dd data-testid="plan-team-list">
                {p.team.length
                  ? p.team.map((m) => (m.role === 'lead' ? `${m.name} (${t('inspections.lead')})` : m.name)).join('; ')
                  : '—'}
              </dd>
            </dl>
          </section>
          <h2>{t('inspections.list')}</h2>
          <div className="panel panel-flush">
            <TableScroll label={t('inspections.list')}>
              <table className="table" data-testid="plan-inspections">
                <thead>
                  <tr>
                    <th>{t('inspections.agency')}</th>
                    <th>{t('inspections.state')}</th>
                    <th>{t('inspections.plannedDates')}</th>
                    <th>{t('inspections.clocks.notice')}</th>
                    <th>{t('inspections.clocks.conclusion')}</th>
                    <th>{t('inspections.findingsOpenOf')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.inspectionList.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <a href={inspectionPath(i.id)} onClick={followLink} data-testid="inspection-link">
                          {i.organisationName}
                        </a>
                        <div className="muted small">{t(`inspections.kinds.${i.kind}`)}</div>
                      </td>
                      <td>
                        <InspectionStateBadge state={i.state} />
                      </td>
                      <td className="nowrap">
                        {formatCalendarDate(i.plannedStart)} – {formatCalendarDate(i.plannedEnd)}
                      </td>
                      <td>
                        <ClockBadge state={i.noticeClock} />
                      </td>
                      <td>
                        <ClockBadge state={i.conclusionClock} />
                      </td>
                      <td>
                        {i.findingsOpen}/{i.findings}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {p.inspectionList.length === 0 && <p className="muted">{t('inspections.empty')}</p>}
          </div>
          {can('inspection.write') && <InspectionForm plan={p} />}
        </>
      )}
    </>
  );
}

function InspectionForm({ plan }: { plan: InspectionPlanDetail }) {
  const { t } = useTranslation();
  const { tree } = useOrgTree();
  const create = $api.useMutation('post', '/api/inspections');
  const action = useAction();
  const [organisationId, setOrganisationId] = useState('');
  const [kind, setKind] = useState<(typeof inspectionKindValues)[number]>('periodic');
  const [plannedStart, setStart] = useState('');
  const [plannedEnd, setEnd] = useState('');
  const [systemIds, setSystemIds] = useState<string[]>([]);
  const systems = $api.useQuery(
    'get',
    '/api/systems',
    { params: { query: { organisationId, limit: 200 } } },
    { enabled: !!organisationId },
  );
  const agencyName = tree.byId.get(organisationId)?.name ?? '';
  return (
    <form
      className="panel"
      noValidate
      data-testid="inspection-form"
      onSubmit={(e) => {
        e.preventDefault();
        action.run(async () => {
          await create.mutateAsync({
            body: {
              planId: plan.id,
              kind,
              organisationId,
              title: t('inspections.defaultTitle', { agency: agencyName }),
              plannedStart,
              plannedEnd,
              systemIds,
            },
          });
          setOrganisationId('');
          setSystemIds([]);
          await queryClient.invalidateQueries({ queryKey: ['get', '/api/inspection-plans/{id}'] });
        });
      }}
    >
      <h2 className="panel-title">{t('inspections.addInspection')}</h2>
      <ErrorMessage error={action.error} />
      <div className="form-grid">
        <Field label={t('inspections.agency')}>
          <OrgSelect
            tree={tree}
            value={organisationId}
            allLabel={t('inspections.chooseOrganisation')}
            onChange={(v) => {
              setOrganisationId(v);
              setSystemIds([]);
            }}
            data-testid="inspection-agency"
          />
        </Field>
        <Field label={t('inspections.kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="inspection-kind">
            {inspectionKindValues.map((k) => (
              <option key={k} value={k}>
                {t(`inspections.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inspections.plannedStart')}>
          <DateInput value={plannedStart} onChange={setStart} data-testid="inspection-start" />
        </Field>
        <Field label={t('inspections.plannedEnd')}>
          <DateInput value={plannedEnd} onChange={setEnd} data-testid="inspection-end" />
        </Field>
        {!!systems.data?.items.length && (
          <fieldset className="span-2" data-testid="inspection-systems">
            <legend>{t('inspections.systems')}</legend>
            {systems.data.items.map((s) => (
              <label key={s.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={systemIds.includes(s.id)}
                  onChange={(e) =>
                    setSystemIds(e.target.checked ? [...systemIds, s.id] : systemIds.filter((x) => x !== s.id))
                  }
                />{' '}
                {s.name}
              </label>
            ))}
          </fieldset>
        )}
      </div>
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!organisationId || !plannedStart || !plannedEnd}
          data-testid="inspection-save"
        >
          {t('inspections.addInspection')}
        </button>
      </div>
    </form>
  );
}

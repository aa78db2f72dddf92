import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { type InspectionRow, inspectionStateValues } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { followLink, navigate } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useTableSearch } from '../../lib/tableSearch.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { ClockBadge, InspectionStateBadge } from './Badges.tsx';
import { inspectionPath, inspectionPlanPath } from './searchParams.ts';
import './inspections.css';

type T = (key: string, options?: Record<string, unknown>) => string;

export const inspectionColumns = (t: T): Column<InspectionRow>[] => [
  {
    id: 'title',
    header: () => t('inspections.agency'),
    cell: ({ row }) => (
      <div className="cell-name">
        <a href={inspectionPath(row.original.id)} onClick={followLink} data-testid="inspection-link">
          {row.original.organisationName}
        </a>
        <div className="muted small">
          {t(`inspections.kinds.${row.original.kind}`)} · {row.original.inspectorName}
        </div>
      </div>
    ),
  },
  {
    id: 'state',
    header: () => t('inspections.state'),
    cell: ({ row }) => <InspectionStateBadge state={row.original.state} />,
  },
  {
    id: 'dates',
    header: () => t('inspections.plannedDates'),
    cell: ({ row }) => (
      <span className="nowrap">
        {formatCalendarDate(row.original.plannedStart)} – {formatCalendarDate(row.original.plannedEnd)}
      </span>
    ),
  },
  {
    id: 'notice',
    header: () => t('inspections.clocks.notice'),
    cell: ({ row }) => <ClockBadge state={row.original.noticeClock} />,
  },
  {
    id: 'conclusion',
    header: () => t('inspections.clocks.conclusion'),
    cell: ({ row }) => <ClockBadge state={row.original.conclusionClock} />,
  },
  {
    id: 'findings',
    header: () => t('inspections.findingsOpenOf'),
    cell: ({ row }) => (
      <span data-testid="inspection-findings">
        {row.original.findingsOpen}/{row.original.findings}
        {row.original.findingsOverdue > 0 && (
          <span className="badge badge-bad">
            {t('inspections.overdueCount', { count: row.original.findingsOverdue })}
          </span>
        )}
      </span>
    ),
  },
];

/** Kiểm tra, đánh giá: the years' plans and every inspection that concerns the user. */
export function InspectionsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const search = useTableSearch({});
  const f = search.filters;
  const state = inspectionStateValues.find((s) => s === f.state);
  const year = f.year && /^\d{4}$/.test(f.year) ? Number(f.year) : undefined;
  const [creating, setCreating] = useState(false);
  const plans = $api.useQuery('get', '/api/inspection-plans', { params: { query: { limit: 50 } } });
  const listQuery = { q: search.params.q, state, year, limit: search.params.limit, offset: search.params.offset };
  const list = $api.useQuery(
    'get',
    '/api/inspections',
    { params: { query: listQuery } },
    { placeholderData: keepPreviousData, staleTime: 0 },
  );
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.inspections')}</h1>
        {can('inspection.write') && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="plan-new">
            {t('inspections.newPlan')}
          </button>
        )}
      </div>
      <p className="muted">{t('inspections.intro')}</p>
      {creating && <PlanForm onDone={() => setCreating(false)} />}
      <section className="panel" data-testid="plan-list">
        <h2 className="panel-title">{t('inspections.plans')}</h2>
        <ErrorMessage error={plans.error} />
        {plans.data?.items.length === 0 && <p className="muted">{t('inspections.noPlans')}</p>}
        {!!plans.data?.items.length && (
          <TableScroll label={t('inspections.plans')}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('inspections.year')}</th>
                  <th>{t('inspections.planTitle')}</th>
                  <th>{t('inspections.issuer')}</th>
                  <th>{t('inspections.concludedOf')}</th>
                </tr>
              </thead>
              <tbody>
                {plans.data.items.map((p) => (
                  <tr key={p.id}>
                    <td>{p.year}</td>
                    <td>
                      <a href={inspectionPlanPath(p.id)} onClick={followLink} data-testid="plan-link">
                        {p.title}
                      </a>
                      {p.decisionRef && (
                        <div className="muted small">
                          {p.decisionRef}
                          {p.decisionDate && ` · ${formatCalendarDate(p.decisionDate)}`}
                        </div>
                      )}
                    </td>
                    <td>{p.organisationName}</td>
                    <td>
                      {p.concluded}/{p.inspections}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <h2>{t('inspections.list')}</h2>
      <div className="filters">
        <SearchBox
          label={t('inspections.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="inspection-search"
        />
        <Field label={t('inspections.state')}>
          <select value={state ?? ''} onChange={(e) => search.set({ filters: { state: e.target.value || undefined } })}>
            <option value="">{t('inspections.anyState')}</option>
            {inspectionStateValues.map((s) => (
              <option key={s} value={s}>
                {t(`inspections.states.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inspections.year')}>
          <input
            inputMode="numeric"
            size={6}
            defaultValue={year ?? ''}
            onBlur={(e) => search.set({ filters: { year: e.target.value.trim() || undefined } })}
            data-testid="inspection-year"
          />
        </Field>
      </div>
      <ErrorMessage error={list.error} />
      <div className="panel panel-flush">
        <DataTable
          columns={inspectionColumns(t)}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId="inspection-table"
          rowKey={(i) => i.id}
          empty={<span data-testid="inspection-empty">{t('inspections.empty')}</span>}
          exportTo={{ path: '/api/inspections/export', query: listQuery }}
        />
      </div>
    </>
  );
}

/** Team members typed one per line; the first leads the team. */
export const teamOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((name, n) => ({ name, role: n === 0 ? ('lead' as const) : ('member' as const) }));

function PlanForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { tree } = useOrgTree();
  const create = $api.useMutation('post', '/api/inspection-plans');
  const action = useAction();
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [organisationId, setOrganisationId] = useState('');
  const [title, setTitle] = useState('');
  const [decisionRef, setDecisionRef] = useState('');
  const [decisionDate, setDecisionDate] = useState('');
  const [team, setTeam] = useState('');
  return (
    <form
      className="panel"
      noValidate
      data-testid="plan-form"
      onSubmit={(e) => {
        e.preventDefault();
        action.run(async () => {
          const saved = await create.mutateAsync({
            body: {
              year: Number(year),
              organisationId,
              title,
              decisionRef: decisionRef || null,
              decisionDate: decisionDate || null,
              team: teamOf(team),
            },
          });
          onDone();
          navigate(inspectionPlanPath(saved.id));
        });
      }}
    >
      <h2 className="panel-title">{t('inspections.newPlan')}</h2>
      <ErrorMessage error={action.error} />
      <div className="form-grid">
        <Field label={t('inspections.year')}>
          <input inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value)} data-testid="plan-year" />
        </Field>
        <Field label={t('inspections.issuer')}>
          <OrgSelect
            tree={tree}
            value={organisationId}
            allLabel={t('inspections.chooseOrganisation')}
            onChange={setOrganisationId}
            data-testid="plan-issuer"
          />
        </Field>
        <div className="span-2">
          <Field label={t('inspections.planTitle')}>
            <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="plan-title" />
          </Field>
        </div>
        <Field label={t('inspections.decisionRef')}>
          <input value={decisionRef} onChange={(e) => setDecisionRef(e.target.value)} data-testid="plan-ref" />
        </Field>
        <Field label={t('inspections.decisionDate')}>
          <DateInput value={decisionDate} onChange={setDecisionDate} />
        </Field>
        <div className="span-2">
          <Field label={t('inspections.teamLines')}>
            <textarea rows={3} value={team} onChange={(e) => setTeam(e.target.value)} data-testid="plan-team" />
          </Field>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" data-testid="plan-save">
          {t('inspections.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('inspections.cancel')}
        </button>
      </div>
    </form>
  );
}

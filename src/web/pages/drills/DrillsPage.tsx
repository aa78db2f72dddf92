import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZDrillInput } from '../../../modules/drills/drills.input.ts';
import { $api } from '../../api/client.ts';
import { type DrillSummary, type DrillTargets, drillKindValues, drillStateValues } from '../../api/schema.gen.ts';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useAsOf } from '../../lib/asOf.ts';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { localInputToIso } from '../../lib/period.ts';
import { followLink, navigate } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { drillPath } from './searchParams.ts';
import './drills.css';

type T = (key: string, options?: Record<string, unknown>) => string;
type Rate = DrillTargets['staff']['total'];

export function StateBadge({ state }: { state: DrillSummary['state'] }) {
  const { t } = useTranslation();
  const tone =
    state === 'running' ? 'warn' : state === 'completed' ? 'good' : state === 'cancelled' ? 'bad' : 'neutral';
  return (
    <span className={`badge badge-${tone}`} data-testid="drill-state">
      {t(`drills.states.${state}`)}
    </span>
  );
}

const columns = (t: T): Column<DrillSummary>[] => [
  {
    id: 'title',
    header: () => t('drills.title'),
    cell: ({ row }) => (
      <div className="cell-name">
        <a href={drillPath(row.original.id)} onClick={followLink} data-testid="drill-link">
          {row.original.title}
        </a>
        <div className="muted small">{t(`drills.kinds.${row.original.kind}`)}</div>
      </div>
    ),
  },
  { id: 'state', header: () => t('drills.state'), cell: ({ row }) => <StateBadge state={row.original.state} /> },
  {
    id: 'day',
    header: () => t('drills.day'),
    cell: ({ row }) => <span className="nowrap">{formatCalendarDate(row.original.drillDay)}</span>,
  },
  { id: 'organiser', header: () => t('drills.organiser'), cell: ({ row }) => row.original.organiserName },
  {
    id: 'attended',
    header: () => t('drills.attendedOf'),
    cell: ({ row }) => `${row.original.attended}/${row.original.participants}`,
  },
  { id: 'findings', header: () => t('drills.findings'), cell: ({ row }) => row.original.findings },
];

/** Diễn tập: the targets as of a day (officials, response team) and the drills, planned here. */
export function DrillsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const { asOf, today, setAsOf } = useAsOf();
  const search = useTableSearch({});
  const f = search.filters;
  const { tree, error: orgError } = useOrgTree();
  const organisationId = isUuid(f.org) ? f.org : undefined;
  const state = drillStateValues.find((s) => s === f.state);
  const [creating, setCreating] = useState(false);
  const targets = $api.useQuery(
    'get',
    '/api/drills/targets',
    { params: { query: { on: asOf, organisationId } } },
    { placeholderData: keepPreviousData },
  );
  const listQuery = { q: search.params.q, state, limit: search.params.limit, offset: search.params.offset };
  const list = $api.useQuery(
    'get',
    '/api/drills',
    { params: { query: listQuery } },
    { placeholderData: keepPreviousData, staleTime: 0 },
  );
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.drills')}</h1>
        {can('drill.write') && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="drill-new">
            {t('drills.new')}
          </button>
        )}
      </div>
      <p className="muted">{t('drills.intro')}</p>
      {creating && <DrillForm tree={tree} onDone={() => setCreating(false)} />}
      <section className="panel" data-testid="drill-targets">
        <h2 className="panel-title">{t('drills.targetsTitle')}</h2>
        <div className="filters">
          <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
          <Field label={t('drills.organisation')}>
            <OrgSelect
              tree={tree}
              value={organisationId ?? ''}
              onChange={(org) => search.set({ filters: { org: org || undefined } })}
            />
          </Field>
        </div>
        <ErrorMessage error={targets.error ?? orgError} />
        {targets.data && <Targets data={targets.data} />}
      </section>
      <h2>{t('drills.list')}</h2>
      <div className="filters">
        <SearchBox
          label={t('drills.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="drill-search"
        />
        <Field label={t('drills.state')}>
          <select value={state ?? ''} onChange={(e) => search.set({ filters: { state: e.target.value || undefined } })}>
            <option value="">{t('drills.anyState')}</option>
            {drillStateValues.map((s) => (
              <option key={s} value={s}>
                {t(`drills.states.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={list.error} />
      <div className="panel panel-flush">
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId="drill-table"
          rowKey={(d) => d.id}
          empty={<span data-testid="drill-empty">{t('drills.empty')}</span>}
          exportTo={{ path: '/api/drills/export', query: listQuery }}
        />
      </div>
    </>
  );
}

function RateText({ rate }: { rate: Rate }) {
  const { t, i18n } = useTranslation();
  if (rate.percent === null) return <span className="muted">{t('drills.nobodyRegistered')}</span>;
  return (
    <span className={rate.met ? 'rate-met' : 'rate-short'}>
      {`${formatNumber(rate.attended, i18n.language)}/${formatNumber(rate.registered, i18n.language)} · ${formatNumber(rate.percent, i18n.language)}%`}
    </span>
  );
}

function Targets({ data }: { data: DrillTargets }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const figure = (key: string, rate: Rate, testId: string) => (
    <div className="figure" data-testid={testId}>
      <div className="muted small">{t(key)}</div>
      <div className="figure-value">
        <RateText rate={rate} />
      </div>
      {rate.percent !== null && <ProgressBar value={rate.percent / 100} label={t(key)} />}
    </div>
  );
  return (
    <>
      {data.staffRule ? (
        <p className="small" data-testid="drill-staff-rule">
          {data.staffRule[lang]} <span className="muted">({data.staffRule.legalBasis})</span>
        </p>
      ) : (
        <p className="muted">{t('drills.noRule')}</p>
      )}
      <p className="muted small">
        {t('drills.yearToDate', { from: formatCalendarDate(data.yearStart), to: formatCalendarDate(data.on) })}
      </p>
      <div className="drill-figures">
        {figure('drills.total', data.staff.total, 'drill-rate-total')}
        {figure('drills.provinceLevel', data.staff.provinceLevel, 'drill-rate-province')}
        {figure('drills.communeLevel', data.staff.communeLevel, 'drill-rate-commune')}
      </div>
      <TableScroll label={t('drills.byOrganisation')}>
        <table className="table" data-testid="drill-org-table">
          <thead>
            <tr>
              <th>{t('drills.organisation')}</th>
              <th>{t('drills.own')}</th>
              <th>{t('drills.subtree')}</th>
            </tr>
          </thead>
          <tbody>
            {data.staff.organisations
              .filter((o) => o.subtree.registered > 0)
              .map((o) => (
                <tr key={o.organisationId}>
                  <td style={{ paddingLeft: `${0.5 + o.depth}rem` }}>{o.name}</td>
                  <td>
                    <RateText rate={o.own} />
                  </td>
                  <td>
                    <RateText rate={o.subtree} />
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </TableScroll>
      <h3>{t('drills.teamTitle')}</h3>
      {data.teamRule && (
        <p className="small" data-testid="drill-team-rule">
          {data.teamRule[lang]} <span className="muted">({data.teamRule.legalBasis})</span>
        </p>
      )}
      <p data-testid="drill-team-met">{t('drills.teamMet', { met: data.team.met, members: data.team.members })}</p>
      <TableScroll label={t('drills.teamTitle')}>
        <table className="table" data-testid="drill-team-table">
          <thead>
            <tr>
              <th>{t('drills.member')}</th>
              <th>{t('drills.qualifying')}</th>
              <th>{t('drills.met')}</th>
            </tr>
          </thead>
          <tbody>
            {data.team.list.map((m) => (
              <tr key={m.memberId}>
                <td>
                  {m.fullName}
                  <div className="muted small">{m.organisationName}</div>
                </td>
                <td>
                  {m.qualifying.length
                    ? m.qualifying
                        .map(
                          (q) =>
                            `${q.title} (${formatCalendarDate(q.drillDay)}, ${t('drills.level', { level: q.level })})`,
                        )
                        .join('; ')
                    : '—'}
                </td>
                <td>
                  <span className={`badge badge-${m.met ? 'good' : 'bad'}`}>
                    {m.met ? t('drills.yes') : t('drills.no')}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

function DrillForm({ tree, onDone }: { tree: ReturnType<typeof useOrgTree>['tree']; onDone: () => void }) {
  const { t } = useTranslation();
  const form = useZodForm(ZDrillInput, {
    defaultValues: { title: '', kind: 'live', organiserId: '', startsAt: '', endsAt: '', systemIds: [] },
  });
  const { errors, isSubmitting } = form.formState;
  const create = $api.useMutation('post', '/api/drills');
  const action = useAction();
  const submit = form.handleSubmit((values) =>
    action.run(async () => {
      try {
        const saved = await create.mutateAsync({ body: values });
        onDone();
        navigate(drillPath(saved.id));
      } catch (err) {
        if (!applyServerErrors(form, err)) throw err;
      }
    }),
  );
  const when = (key: 'startsAt' | 'endsAt') => (
    <Field label={t(`drills.${key}`)} error={errors[key]}>
      <DateInput
        withTime
        value={(form.watch(key) ?? '').slice(0, 16)}
        onChange={(v) => form.setValue(key, v ? localInputToIso(v) : '', { shouldValidate: true })}
      />
    </Field>
  );
  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="drill-form">
      <h2 className="panel-title">{t('drills.newTitle')}</h2>
      <ErrorMessage error={action.error} />
      <div className="form-grid">
        <div className="span-2">
          <Field label={t('drills.title')} error={errors.title}>
            <input {...form.register('title')} data-testid="drill-title" />
          </Field>
        </div>
        <Field label={t('drills.kind')} error={errors.kind}>
          <select {...form.register('kind')} data-testid="drill-kind">
            {drillKindValues.map((k) => (
              <option key={k} value={k}>
                {t(`drills.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('drills.organiser')} error={errors.organiserId}>
          <OrgSelect
            tree={tree}
            value={form.watch('organiserId') ?? ''}
            allLabel={t('drills.chooseOrganisation')}
            onChange={(v) => form.setValue('organiserId', v, { shouldValidate: true })}
            data-testid="drill-organiser"
          />
        </Field>
        {when('startsAt')}
        {when('endsAt')}
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="drill-save">
          {t('drills.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('drills.cancel')}
        </button>
      </div>
    </form>
  );
}

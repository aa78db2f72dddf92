import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZGuidanceInput, ZReportTriage, ZWarningInput } from '../../../modules/residents/residents.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import {
  type ResidentGuidance,
  type ResidentWarning,
  type ScamReport,
  type ScamReportState,
  scamCategoryValues,
  scamReportStateValues,
  type WarningState,
} from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatCalendarDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { type TableSearch, useTableSearch } from '../../lib/tableSearch.ts';
import { useAction } from '../../lib/useAction.ts';
import './residents.css';

type T = (key: string, options?: Record<string, unknown>) => string;
const TABS = ['warnings', 'guidance', 'reports'] as const;
type Tab = (typeof TABS)[number];
const PUBLIC_PAGE = '/nguoi-dan';

const WARNING_BADGE: Record<WarningState, string> = {
  draft: 'badge-neutral',
  published: 'badge-good',
  withdrawn: 'badge-warn',
};
const REPORT_BADGE: Record<ScamReportState, string> = {
  new: 'badge-bad',
  reviewing: 'badge-warn',
  closed: 'badge-neutral',
  forwarded: 'badge-good',
};
/** The moves the server allows (residents.input.ts), offered as buttons. */
const WARNING_MOVES: Record<WarningState, WarningState[]> = {
  draft: ['published', 'withdrawn'],
  published: ['withdrawn'],
  withdrawn: ['draft'],
};
const REPORT_MOVES: Record<ScamReportState, ScamReportState[]> = {
  new: ['reviewing', 'closed', 'forwarded'],
  reviewing: ['closed', 'forwarded'],
  closed: ['reviewing'],
  forwarded: [],
};

const refresh = (path: string) => queryClient.invalidateQueries({ queryKey: ['get', path] });

/**
 * Trang người dân, the Department's side: fraud warnings (draft → published → withdrawn), guidance entries, and the
 * queue of scam reports residents send from the public page.
 */
export function ResidentsPage() {
  const { t } = useTranslation();
  const search = useTableSearch({});
  const tab: Tab = TABS.find((x) => x === search.filters.tab) ?? 'warnings';
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.residents')}</h1>
        <div className="actions">
          <a className="btn" href={PUBLIC_PAGE} target="_blank" rel="noopener" data-testid="residents-public-link">
            {t('residents.openPublic')}
          </a>
        </div>
      </div>
      <p className="muted">{t('residents.intro')}</p>
      <div className="res-tabs" role="tablist" aria-label={t('nav.residents')}>
        {TABS.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            aria-selected={tab === x}
            className={`btn${tab === x ? ' btn-primary' : ''}`}
            onClick={() => search.set({ q: '', filters: { tab: x, state: undefined } })}
            data-testid={`residents-tab-${x}`}
          >
            {t(`residents.tabs.${x}`)}
          </button>
        ))}
      </div>
      {tab === 'warnings' && <WarningsTab search={search} />}
      {tab === 'guidance' && <GuidanceTab />}
      {tab === 'reports' && <ReportsTab search={search} />}
    </>
  );
}

// ---- Warnings ------------------------------------------------------------------------------------------------------

function WarningsTab({ search }: { search: TableSearch }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<ResidentWarning | 'new' | null>(null);
  const move = $api.useMutation('post', '/api/residents/warnings/{id}/transitions');
  const action = useAction();
  const listQuery = { limit: search.params.limit, offset: search.params.offset, q: search.params.q };
  const list = $api.useQuery(
    'get',
    '/api/residents/warnings',
    { params: { query: listQuery } },
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const transition = (w: ResidentWarning, to: WarningState) =>
    action.run(async () => {
      await move.mutateAsync({ params: { path: { id: w.id } }, body: { to } });
      await refresh('/api/residents/warnings');
    });
  const columns: Column<ResidentWarning>[] = [
    {
      id: 'title',
      header: () => t('residents.warning.title'),
      cell: ({ row }) => (
        <div className="cell-name">
          <button type="button" className="link" onClick={() => setEditing(row.original)} data-testid="warning-edit">
            {row.original.title}
          </button>
          <div className="muted small">{t(`residents.categories.${row.original.category}`)}</div>
        </div>
      ),
    },
    {
      id: 'state',
      header: () => t('residents.warning.state'),
      cell: ({ row }) => (
        <span className={`badge ${WARNING_BADGE[row.original.state]}`} data-testid="warning-state">
          {t(`residents.warningStates.${row.original.state}`)}
        </span>
      ),
    },
    {
      id: 'publishedOn',
      header: () => t('residents.warning.publishedOn'),
      cell: ({ row }) => <span className="nowrap">{formatCalendarDate(row.original.publishedOn) || '—'}</span>,
    },
    {
      id: 'actions',
      header: () => '',
      cell: ({ row }) => (
        <div className="res-actions">
          {WARNING_MOVES[row.original.state].map((to) => (
            <button
              key={to}
              type="button"
              className="btn btn-small"
              disabled={action.busy}
              onClick={() => transition(row.original, to)}
              data-testid={`warning-${to}`}
            >
              {t(`residents.actions.${to}`)}
            </button>
          ))}
          {row.original.state === 'published' && (
            <a
              className="btn btn-small btn-quiet"
              href={`${PUBLIC_PAGE}/canh-bao/${row.original.id}`}
              target="_blank"
              rel="noopener"
            >
              {t('residents.warning.view')}
            </a>
          )}
        </div>
      ),
    },
  ];
  return (
    <>
      <div className="panel filters-panel res-toolbar">
        <SearchBox
          label={t('residents.warning.title')}
          placeholder={t('residents.warning.title')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="warnings-search"
        />
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="warning-new">
          {t('residents.warning.new')}
        </button>
      </div>
      {editing && (
        <WarningForm
          key={editing === 'new' ? 'new' : editing.id}
          warning={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <ErrorMessage error={list.error ?? action.error} />
      <div className="panel panel-flush">
        <DataTable
          columns={columns}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId="warnings-table"
          rowKey={(w) => w.id}
          rowTestId={() => 'warning-row'}
          empty={<span>{search.q ? t('residents.warning.noMatch') : t('residents.warning.empty')}</span>}
          exportTo={{ path: '/api/residents/warnings/export', query: listQuery }}
        />
      </div>
    </>
  );
}

function WarningForm({ warning, onDone }: { warning: ResidentWarning | null; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(ZWarningInput, {
    defaultValues: {
      title: warning?.title ?? '',
      summary: warning?.summary ?? '',
      body: warning?.body ?? '',
      category: warning?.category ?? 'impersonation',
      publishedOn: warning?.publishedOn ?? null,
    },
  });
  const create = $api.useMutation('post', '/api/residents/warnings');
  const update = $api.useMutation('put', '/api/residents/warnings/{id}');
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (body) => {
    setError(null);
    try {
      if (warning) await update.mutateAsync({ params: { path: { id: warning.id } }, body });
      else await create.mutateAsync({ body });
      await refresh('/api/residents/warnings');
      onDone();
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(e);
    }
  });
  return (
    <section className="panel" data-testid="warning-form">
      <h2>{warning ? t('residents.warning.edit') : t('residents.warning.new')}</h2>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label={t('residents.warning.title')} error={errors.title}>
          <input {...form.register('title')} data-testid="warning-title" />
        </Field>
        <Field label={t('residents.warning.category')}>
          <select {...form.register('category')} data-testid="warning-category">
            {scamCategoryValues.map((c) => (
              <option key={c} value={c}>
                {t(`residents.categories.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('residents.warning.summary')} error={errors.summary}>
          <textarea rows={2} {...form.register('summary')} data-testid="warning-summary" />
        </Field>
        <Field label={t('residents.warning.body')} hint={t('residents.warning.bodyHint')} error={errors.body}>
          <textarea rows={8} {...form.register('body')} data-testid="warning-body" />
        </Field>
        <Controller
          control={form.control}
          name="publishedOn"
          render={({ field }) => (
            <Field
              label={t('residents.warning.publishedOn')}
              hint={t('residents.warning.publishedOnHint')}
              error={errors.publishedOn}
            >
              <DateInput
                value={field.value ?? ''}
                onChange={(v) => field.onChange(v || null)}
                onInvalid={field.onChange}
              />
            </Field>
          )}
        />
        <ErrorMessage error={error} />
        <div className="form-actions res-buttons">
          <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="warning-save">
            {t('residents.save')}
          </button>
          <button type="button" className="btn" onClick={onDone}>
            {t('residents.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

// ---- Guidance ------------------------------------------------------------------------------------------------------

function GuidanceTab() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<ResidentGuidance | 'new' | null>(null);
  const list = $api.useQuery('get', '/api/residents/guidance');
  const remove = $api.useMutation('delete', '/api/residents/guidance/{id}');
  const action = useAction();
  return (
    <>
      <div className="res-toolbar">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="guidance-new">
          {t('residents.guidance.new')}
        </button>
      </div>
      {editing && (
        <GuidanceForm
          key={editing === 'new' ? 'new' : editing.id}
          entry={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <ErrorMessage error={list.error ?? action.error} />
      {list.data && list.data.items.length === 0 && <p className="muted">{t('residents.guidance.empty')}</p>}
      <ol className="res-guidance" data-testid="guidance-list">
        {list.data?.items.map((g) => (
          <li key={g.id} className="panel" data-testid="guidance-row">
            <div className="res-guidance-head">
              <strong>{g.title}</strong>
              {!g.published && <span className="badge badge-neutral">{t('residents.guidance.hidden')}</span>}
              <span className="muted small">
                {t('residents.guidance.position')}: {g.position}
              </span>
            </div>
            <p className="res-pre">{g.body}</p>
            <div className="res-actions">
              <button type="button" className="btn btn-small" onClick={() => setEditing(g)}>
                {t('residents.guidance.edit')}
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger"
                disabled={action.busy}
                onClick={() =>
                  window.confirm(t('residents.guidance.confirmDelete')) &&
                  action.run(async () => {
                    await remove.mutateAsync({ params: { path: { id: g.id } } });
                    await refresh('/api/residents/guidance');
                  })
                }
              >
                {t('residents.guidance.delete')}
              </button>
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}

function GuidanceForm({ entry, onDone }: { entry: ResidentGuidance | null; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(ZGuidanceInput, {
    defaultValues: {
      title: entry?.title ?? '',
      body: entry?.body ?? '',
      position: entry?.position ?? 100,
      published: entry?.published ?? true,
    },
  });
  const create = $api.useMutation('post', '/api/residents/guidance');
  const update = $api.useMutation('put', '/api/residents/guidance/{id}');
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (body) => {
    setError(null);
    try {
      if (entry) await update.mutateAsync({ params: { path: { id: entry.id } }, body });
      else await create.mutateAsync({ body });
      await refresh('/api/residents/guidance');
      onDone();
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(e);
    }
  });
  return (
    <section className="panel" data-testid="guidance-form">
      <h2>{entry ? t('residents.guidance.edit') : t('residents.guidance.new')}</h2>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label={t('residents.guidance.title')} error={errors.title}>
          <input {...form.register('title')} data-testid="guidance-title" />
        </Field>
        <Field label={t('residents.guidance.body')} error={errors.body}>
          <textarea rows={6} {...form.register('body')} data-testid="guidance-body" />
        </Field>
        <Field label={t('residents.guidance.position')} error={errors.position}>
          <input type="number" min={0} {...form.register('position')} />
        </Field>
        <label className="check">
          <input type="checkbox" {...form.register('published')} />
          {t('residents.guidance.published')}
        </label>
        <ErrorMessage error={error} />
        <div className="form-actions res-buttons">
          <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="guidance-save">
            {t('residents.save')}
          </button>
          <button type="button" className="btn" onClick={onDone}>
            {t('residents.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

// ---- Reports -------------------------------------------------------------------------------------------------------

const reportColumns = (t: T, select: (r: ScamReport) => void): Column<ScamReport>[] => [
  {
    id: 'code',
    header: () => t('residents.report.code'),
    cell: ({ row }) => (
      <div className="cell-name">
        <button type="button" className="link mono" onClick={() => select(row.original)} data-testid="report-open">
          {row.original.code}
        </button>
        <div className="muted small nowrap">{formatDateTime(row.original.createdAt).slice(0, -3)}</div>
      </div>
    ),
  },
  {
    id: 'description',
    header: () => t('residents.report.description'),
    cell: ({ row }) => (
      <div>
        <div className="small">{t(`residents.categories.${row.original.category}`)}</div>
        <div className="res-clip">{row.original.description}</div>
        {row.original.duplicates > 0 && (
          <div className="muted small">{t('residents.report.duplicates', { n: row.original.duplicates })}</div>
        )}
      </div>
    ),
  },
  {
    id: 'state',
    header: () => t('residents.report.state'),
    cell: ({ row }) => (
      <span className={`badge ${REPORT_BADGE[row.original.state]}`} data-testid="report-state">
        {t(`residents.reportStates.${row.original.state}`)}
      </span>
    ),
  },
];

function ReportsTab({ search }: { search: TableSearch }) {
  const { t, i18n } = useTranslation();
  const [selected, setSelected] = useState<string | null>(null);
  const state = scamReportStateValues.find((s) => s === search.filters.state);
  const listQuery = { limit: search.params.limit, offset: search.params.offset, q: search.params.q, state };
  const list = $api.useQuery(
    'get',
    '/api/residents/reports',
    { params: { query: listQuery } },
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const current = list.data?.items.find((r) => r.id === selected) ?? null;
  return (
    <>
      <div className="panel filters-panel res-toolbar">
        <SearchBox
          label={t('residents.report.searchLabel')}
          placeholder={t('residents.report.searchPlaceholder')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="reports-search"
        />
        <Field label={t('residents.report.state')}>
          <select
            value={state ?? ''}
            onChange={(e) => search.set({ filters: { state: e.target.value || undefined } })}
            data-testid="reports-filter-state"
          >
            <option value="">{t('residents.report.anyState')}</option>
            {scamReportStateValues.map((s) => (
              <option key={s} value={s}>
                {t(`residents.reportStates.${s}`)} ({formatNumber(list.data?.counts[s] ?? 0, i18n.language)})
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={list.error} />
      {list.data && (
        <p className="muted small" data-testid="reports-count">
          {t('residents.report.count', { n: formatNumber(list.data.total, i18n.language) })}
        </p>
      )}
      <div className="split res-split">
        <div className="panel panel-flush">
          <DataTable
            columns={reportColumns(t, (r) => setSelected(r.id))}
            rows={list.data?.items}
            total={list.data?.total}
            search={search}
            loading={list.isFetching}
            testId="reports-table"
            rowKey={(r) => r.id}
            rowTestId={() => 'report-row'}
            selectedKey={selected}
            empty={<span>{search.q || state ? t('residents.report.noMatch') : t('residents.report.empty')}</span>}
            exportTo={{ path: '/api/residents/reports/export', query: listQuery }}
          />
        </div>
        {current ? (
          <ReportDetail key={`${current.id}-${current.state}`} report={current} />
        ) : (
          <p className="muted panel">{t('residents.report.select')}</p>
        )}
      </div>
    </>
  );
}

function ReportDetail({ report }: { report: ScamReport }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const triage = $api.useMutation('post', '/api/residents/reports/{id}/triage');
  const form = useZodForm(ZReportTriage, {
    defaultValues: {
      to: REPORT_MOVES[report.state][0] ?? report.state,
      note: report.triageNote ?? '',
      forwardedTo: '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const act = (to: ScamReportState) => {
    form.setValue('to', to);
    return form.handleSubmit(async (body) => {
      setError(null);
      try {
        await triage.mutateAsync({ params: { path: { id: report.id } }, body });
        await refresh('/api/residents/reports');
      } catch (e) {
        if (!applyServerErrors(form, e)) setError(e);
      }
    })();
  };
  const moves = REPORT_MOVES[report.state];
  return (
    <section className="panel" data-testid="report-detail">
      <h2 className="mono">{report.code}</h2>
      <dl className="res-dl">
        <dt>{t('residents.report.received')}</dt>
        <dd>{formatDateTime(report.createdAt).slice(0, -3)}</dd>
        <dt>{t('residents.report.category')}</dt>
        <dd>{t(`residents.categories.${report.category}`)}</dd>
        <dt>{t('residents.report.description')}</dt>
        <dd className="res-pre" data-testid="report-description">
          {report.description}
        </dd>
        <dt>{t('residents.report.suspect')}</dt>
        <dd className="mono">{report.suspect ?? '—'}</dd>
        <dt>{t('residents.report.reporter')}</dt>
        <dd>
          {report.reporterName || report.reporterContact
            ? [report.reporterName, report.reporterContact].filter(Boolean).join(' · ')
            : t('residents.report.anonymous')}
        </dd>
        <dt>{t('residents.report.state')}</dt>
        <dd>
          <span className={`badge ${REPORT_BADGE[report.state]}`}>{t(`residents.reportStates.${report.state}`)}</span>
          {report.forwardedTo && ` → ${report.forwardedTo}`}
        </dd>
        {report.handledByName && (
          <>
            <dt>{t('residents.report.handledBy')}</dt>
            <dd>{report.handledByName}</dd>
          </>
        )}
      </dl>
      {moves.length > 0 && (
        <form onSubmit={(e) => e.preventDefault()} noValidate className="form-grid">
          <Field label={t('residents.report.note')} error={errors.note}>
            <textarea rows={3} {...form.register('note')} data-testid="report-note" />
          </Field>
          {moves.includes('forwarded') && (
            <Field
              label={t('residents.report.forwardedTo')}
              hint={t('residents.report.forwardedToHint')}
              error={errors.forwardedTo}
            >
              <input {...form.register('forwardedTo')} data-testid="report-forwardedTo" />
            </Field>
          )}
          <ErrorMessage error={error} />
          <div className="form-actions res-buttons">
            {moves.map((to) => (
              <button
                key={to}
                type="button"
                className={`btn${to === moves[0] ? ' btn-primary' : ''}`}
                disabled={isSubmitting}
                onClick={() => act(to)}
                data-testid={`report-${to}`}
              >
                {t(`residents.actions.${to}`)}
              </button>
            ))}
          </div>
        </form>
      )}
    </section>
  );
}

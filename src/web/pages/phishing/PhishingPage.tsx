import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { type PhishingCampaignItem, phishingStateValues } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { PeriodPicker } from '../../components/PeriodPicker.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { TrendChart } from '../../components/TrendChart.tsx';
import { formatDate, formatNumber } from '../../lib/format.ts';
import { isYmd, wholeYear } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { CampaignForm } from './CampaignForm.tsx';
import { ResultFigures, ResultsByOrganisation } from './Results.tsx';
import { phishingPath, StateBadge, usePercent } from './ui.tsx';
import './phishing.css';

type T = (key: string, options?: Record<string, unknown>) => string;
const oneOf = <V extends string>(values: readonly V[], value: string | undefined): V | undefined =>
  values.find((v) => v === value);

const columns = (t: T, pct: (v: number | null) => string, n: (v: number) => string): Column<PhishingCampaignItem>[] => [
  {
    id: 'title',
    header: () => t('phishing.campaign'),
    cell: ({ row }) => (
      <div className="cell-name">
        <a href={phishingPath(row.original.id)} onClick={followLink} data-testid="phishing-link">
          {row.original.title}
        </a>
        <div className="muted small">{row.original.subject}</div>
      </div>
    ),
  },
  { id: 'state', header: () => t('phishing.state'), cell: ({ row }) => <StateBadge state={row.original.state} /> },
  {
    id: 'launchedAt',
    header: () => t('phishing.launchedAt'),
    cell: ({ row }) => <span className="nowrap">{formatDate(row.original.launchedAt) || '—'}</span>,
  },
  { id: 'sent', header: () => t('phishing.result.sent'), cell: ({ row }) => n(row.original.counts.sent) },
  {
    id: 'clicked',
    header: () => t('phishing.result.clicked'),
    cell: ({ row }) => pct(row.original.counts.clickRate),
  },
  {
    id: 'submitted',
    header: () => t('phishing.result.submitted'),
    cell: ({ row }) => pct(row.original.counts.submitRate),
  },
  {
    id: 'reported',
    header: () => t('phishing.result.reported'),
    cell: ({ row }) => pct(row.original.counts.reportRate),
  },
];

/** Diễn tập phishing: results per organisation and over time, and the exercises (new ones drafted here). */
export function PhishingPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const pct = usePercent();
  const n = (v: number) => formatNumber(v, i18n.language);
  const [creating, setCreating] = useState(false);
  const search = useTableSearch({});
  const f = search.filters;
  const { tree, error: orgError } = useOrgTree();
  const year = new Date().getFullYear();
  const period = {
    from: isYmd(f.from) ? f.from : wholeYear(year).from,
    to: isYmd(f.to) ? f.to : wholeYear(year).to,
  };
  const organisationId = isUuid(f.org) ? f.org : undefined;
  const state = oneOf(phishingStateValues, f.state);
  const summary = $api.useQuery(
    'get',
    '/api/phishing/summary',
    { params: { query: { ...period, organisationId } } },
    { placeholderData: keepPreviousData },
  );
  const listQuery = { limit: search.params.limit, offset: search.params.offset, q: search.params.q, state };
  const list = $api.useQuery(
    'get',
    '/api/phishing/campaigns',
    { params: { query: listQuery } },
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const s = summary.data;
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.phishing')}</h1>
        {can('phishing.write') && !creating && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setCreating(true)}
            data-testid="phishing-new"
          >
            {t('phishing.new')}
          </button>
        )}
      </div>
      <p className="muted">{t('phishing.intro')}</p>
      {creating && <CampaignForm onDone={() => setCreating(false)} />}
      <section className="panel" data-testid="phishing-summary">
        <h2 className="panel-title">{t('phishing.summaryTitle')}</h2>
        <div className="filters">
          <PeriodPicker value={period} onChange={(p) => search.set({ filters: { from: p.from, to: p.to } })} />
          <Field label={t('phishing.organisation')}>
            <OrgSelect
              tree={tree}
              value={organisationId ?? ''}
              onChange={(org) => search.set({ filters: { org: org || undefined } })}
            />
          </Field>
        </div>
        <ErrorMessage error={summary.error ?? orgError} />
        {s && <ResultFigures counts={s.totals} />}
        {s && s.byMonth.length > 0 && (
          <>
            <TrendChart
              label={t('phishing.trendLabel')}
              labels={s.byMonth.map((m) => `${m.month.slice(5)}/${m.month.slice(0, 4)}`)}
              series={[
                {
                  name: t('phishing.result.clicked'),
                  values: s.byMonth.map((m) => pct100(m.clickRate)),
                  colour: '#d97706',
                },
                {
                  name: t('phishing.result.submitted'),
                  values: s.byMonth.map((m) => pct100(m.submitRate)),
                  colour: '#b91c1c',
                },
                {
                  name: t('phishing.result.reported'),
                  values: s.byMonth.map((m) => pct100(m.reportRate)),
                  colour: '#15803d',
                },
              ]}
            />
            <p className="muted small" data-testid="phishing-trend-text">
              {s.byMonth
                .map(
                  (m) =>
                    `${m.month.slice(5)}/${m.month.slice(0, 4)}: ${t('phishing.result.clicked')} ${pct(m.clickRate)}, ${t('phishing.result.submitted')} ${pct(m.submitRate)}, ${t('phishing.result.reported')} ${pct(m.reportRate)}`,
                )
                .join(' · ')}
            </p>
          </>
        )}
      </section>
      {s && <ResultsByOrganisation rows={s.byOrganisation} />}
      <h2>{t('phishing.campaigns')}</h2>
      <div className="filters">
        <SearchBox
          label={t('phishing.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="phishing-search"
        />
        <Field label={t('phishing.state')}>
          <select value={state ?? ''} onChange={(e) => search.set({ filters: { state: e.target.value || undefined } })}>
            <option value="">{t('phishing.anyState')}</option>
            {phishingStateValues.map((v) => (
              <option key={v} value={v}>
                {t(`phishing.states.${v}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={list.error} />
      <div className="panel panel-flush">
        <DataTable
          columns={columns(t, pct, n)}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId="phishing-table"
          rowKey={(c) => c.id}
          empty={<span data-testid="phishing-empty">{t('phishing.empty')}</span>}
          exportTo={{ path: '/api/phishing/campaigns/export', query: listQuery }}
        />
      </div>
    </>
  );
}

/** A rate as a percentage number for the chart (0 when nothing was sent that month). */
const pct100 = (v: number | null) => Math.round((v ?? 0) * 1000) / 10;

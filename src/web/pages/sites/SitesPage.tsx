import { keepPreviousData, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SITE_VERDICT_FILTERS } from '../../../modules/sites/sites.input.ts';
import { $api } from '../../api/client.ts';
import { type Site, type SiteSummary, siteKindValues } from '../../api/schema.gen.ts';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { Figures } from '../../components/Figures.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { todayYmd } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { SiteForm } from './SiteForm.tsx';
import { SiteImport } from './SiteImport.tsx';
import { sitePath } from './searchParams.ts';
import { VerdictBadge } from './ui.tsx';
import './sites.css';

type T = (key: string, options?: Record<string, unknown>) => string;
const oneOf = <V extends string>(values: readonly V[], value: string | undefined): V | undefined =>
  values.find((v) => v === value);
const SORTS = ['host', 'organisation', 'verdict', 'checkedAt'] as const;

const columns = (t: T): Column<Site>[] => [
  {
    id: 'host',
    header: () => t('sites.host'),
    enableSorting: true,
    cell: ({ row }) => (
      <div className="cell-name">
        <a href={sitePath(row.original.id)} onClick={followLink} className="site-host" data-testid="site-link">
          {row.original.host}
        </a>
        <div className="muted small">{t(`sites.kinds.${row.original.kind}`)}</div>
      </div>
    ),
  },
  {
    id: 'organisation',
    header: () => t('sites.organisation'),
    enableSorting: true,
    cell: ({ row }) => row.original.organisationName,
  },
  {
    id: 'verdict',
    header: () => t('sites.verdict'),
    enableSorting: true,
    cell: ({ row }) => <VerdictBadge verdict={row.original.latest?.verdict ?? 'unchecked'} testId="site-verdict" />,
  },
  {
    id: 'checkedAt',
    header: () => t('sites.lastChecked'),
    enableSorting: true,
    cell: ({ row }) =>
      row.original.latest ? (
        <span className="nowrap">{formatDateTime(row.original.latest.checkedAt)}</span>
      ) : (
        <span className="muted">{t('sites.never')}</span>
      ),
  },
];

/** The dashboard as of a day: big numbers, per agency, expiring certificates, criteria failing. */
function Dashboard({ summary, onPick }: { summary: SiteSummary; onPick: (org: string) => void }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const tot = summary.totals;
  const failing = summary.criteria.filter((c) => c.fail || c.warn);
  return (
    <>
      <Figures
        testIdPrefix="sites-figure-"
        figures={[
          { key: 'sites', label: t('sites.figure.sites'), value: tot.sites },
          { key: 'pass', label: t('sites.figure.pass'), value: tot.pass },
          { key: 'warn', label: t('sites.figure.warn'), value: tot.warn, tone: tot.warn ? 'warn' : undefined },
          { key: 'fail', label: t('sites.figure.fail'), value: tot.fail, tone: tot.fail ? 'bad' : undefined },
          { key: 'unchecked', label: t('sites.figure.unchecked'), value: tot.unchecked },
        ]}
      />
      <section className="panel panel-flush" data-testid="sites-by-organisation">
        <h2 className="panel-title">{t('sites.byOrganisation')}</h2>
        <TableScroll label={t('sites.byOrganisation')}>
          <table className="table">
            <thead>
              <tr>
                <th>{t('sites.organisation')}</th>
                {(['sites', 'pass', 'warn', 'fail', 'unchecked'] as const).map((k) => (
                  <th key={k} className="num">
                    {t(`sites.figure.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <EmptyRow show={summary.organisations.length === 0} colSpan={6}>
                {t('sites.noOrganisations')}
              </EmptyRow>
              {summary.organisations.map((o) => (
                <tr key={o.organisationId}>
                  <td>
                    <button type="button" className="link" onClick={() => onPick(o.organisationId)}>
                      {o.name}
                    </button>
                  </td>
                  {(['sites', 'pass', 'warn', 'fail', 'unchecked'] as const).map((k) => (
                    <td key={k} className={`num${k === 'fail' && o.fail ? ' text-bad' : ''}`}>
                      {n(o[k])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
      <div className="sites-grid">
        <section className="panel panel-flush" data-testid="sites-expiring">
          <h2 className="panel-title">{t('sites.expiring', { days: n(summary.expiryWarnDays) })}</h2>
          <TableScroll label={t('sites.expiring', { days: n(summary.expiryWarnDays) })}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('sites.host')}</th>
                  <th>{t('sites.expiresOn')}</th>
                  <th className="num">{t('sites.daysLeft')}</th>
                </tr>
              </thead>
              <tbody>
                <EmptyRow show={summary.expiring.length === 0} colSpan={3}>
                  {t('sites.noExpiring')}
                </EmptyRow>
                {summary.expiring.map((e) => (
                  <tr key={e.siteId}>
                    <td>
                      <a href={sitePath(e.siteId)} onClick={followLink} className="site-host">
                        {e.host}
                      </a>
                      <div className="muted small">{e.organisationName}</div>
                    </td>
                    <td className="nowrap">{formatDate(e.validTo)}</td>
                    <td className={`num ${e.daysLeft < 0 ? 'text-bad' : 'text-warn'}`}>
                      {e.daysLeft < 0 ? t('sites.expired') : t('sites.daysLeftValue', { n: n(e.daysLeft) })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
        <section className="panel panel-flush" data-testid="sites-criteria">
          <h2 className="panel-title">{t('sites.criteria')}</h2>
          <TableScroll label={t('sites.criteria')}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('sites.criterion')}</th>
                  <th className="num">{t('sites.failing')}</th>
                  <th className="num">{t('sites.warning')}</th>
                </tr>
              </thead>
              <tbody>
                <EmptyRow show={failing.length === 0} colSpan={3}>
                  {t('sites.none')}
                </EmptyRow>
                {failing.map((c) => (
                  <tr key={c.check}>
                    <td>{t(`sites.checks.${c.check}`)}</td>
                    <td className="num">{n(c.fail)}</td>
                    <td className="num">{n(c.warn)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      </div>
    </>
  );
}

/** Trang web, tên miền: the register with its trust dashboard, checks on demand, import. */
export function SitesPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const queryClient = useQueryClient();
  const today = todayYmd();
  const search = useTableSearch({ sort: 'host', dir: 'asc' });
  const { tree, error: orgError } = useOrgTree();
  const [adding, setAdding] = useState(false);
  const f = search.filters;
  const on = f.on && f.on <= today ? f.on : today;
  const organisationId = isUuid(f.org) ? f.org : undefined;
  const verdict = oneOf(SITE_VERDICT_FILTERS, f.verdict);
  const kind = oneOf(siteKindValues, f.kind);
  const summary = $api.useQuery('get', '/api/sites/summary', { params: { query: { on } } }, { staleTime: 0 });
  const listQuery = {
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(SORTS, search.sort) ?? 'host',
    dir: search.dir,
    q: search.params.q,
    organisationId,
    verdict,
    kind,
    on,
  };
  const list = $api.useQuery(
    'get',
    '/api/sites',
    {
      params: {
        query: listQuery,
      },
    },
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const checkAll = $api.useMutation('post', '/api/sites/check');
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['get', '/api/sites'] });
    void queryClient.invalidateQueries({ queryKey: ['get', '/api/sites/summary'] });
  };
  const run = checkAll.data;
  const filtered = !!(search.q || organisationId || verdict || kind);
  const total = list.data?.total;
  const num = (v: number) => formatNumber(v, i18n.language);

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.sites')}</h1>
        <div className="site-actions">
          {can('site.check') && (
            <button
              type="button"
              className="btn"
              disabled={checkAll.isPending}
              onClick={() =>
                checkAll.mutate({ body: organisationId ? { organisationId } : {} }, { onSuccess: refresh })
              }
              data-testid="sites-check-all"
            >
              {checkAll.isPending ? t('sites.checking') : t('sites.checkAll')}
            </button>
          )}
          {can('site.write') && !adding && (
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="site-add">
              {t('sites.add')}
            </button>
          )}
        </div>
      </div>
      <p className="muted">{t('sites.intro')}</p>
      <ErrorMessage error={checkAll.error ?? summary.error ?? orgError} />
      {run && (
        <div className="alert alert-success" data-testid="sites-check-result">
          {t('sites.checked', {
            n: num(run.checked),
            pass: num(run.pass),
            warn: num(run.warn),
            fail: num(run.fail),
            alerts: num(run.alerts),
          })}
        </div>
      )}
      {adding && (
        <SiteForm
          onDone={(saved) => {
            setAdding(false);
            if (saved) refresh();
          }}
        />
      )}
      <h2>{t('sites.dashboard')}</h2>
      <AsOfPicker
        value={on}
        today={today}
        onChange={(day) => search.set({ filters: { on: day === today ? undefined : day } })}
      />
      {summary.data?.criteriaRuleText && (
        <p className="muted small" data-testid="sites-criteria-rule">
          {t('sites.criteriaRule', {
            rule: i18n.language === 'en' ? summary.data.criteriaRuleText.en : summary.data.criteriaRuleText.vi,
            basis: summary.data.criteriaRuleText.legalBasis,
          })}
        </p>
      )}
      {summary.data && <Dashboard summary={summary.data} onPick={(org) => search.set({ filters: { org } })} />}
      <h2>{t('sites.register')}</h2>
      <div className="filters">
        <SearchBox
          label={t('sites.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="sites-search"
        />
        <Field label={t('sites.organisation')}>
          <OrgSelect
            tree={tree}
            value={organisationId ?? ''}
            allLabel={t('sites.allOrganisations')}
            onChange={(org) => search.set({ filters: { org: org || undefined } })}
          />
        </Field>
        <Field label={t('sites.verdict')}>
          <select
            value={verdict ?? ''}
            onChange={(e) => search.set({ filters: { verdict: e.target.value || undefined } })}
            data-testid="sites-filter-verdict"
          >
            <option value="">{t('sites.anyVerdict')}</option>
            {SITE_VERDICT_FILTERS.map((v) => (
              <option key={v} value={v}>
                {t(`sites.verdicts.${v}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('sites.kind')}>
          <select value={kind ?? ''} onChange={(e) => search.set({ filters: { kind: e.target.value || undefined } })}>
            <option value="">—</option>
            {siteKindValues.map((k) => (
              <option key={k} value={k}>
                {t(`sites.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={list.error} />
      {total !== undefined && (
        <p className="muted small" data-testid="sites-count">
          {t('sites.count', { n: num(total) })}
        </p>
      )}
      <div className="panel panel-flush">
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={total}
          search={search}
          loading={list.isFetching}
          testId="sites-table"
          rowKey={(s) => s.id}
          empty={
            filtered ? (
              <>
                {t('sites.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    search.set({ q: '', filters: { org: undefined, verdict: undefined, kind: undefined } })
                  }
                >
                  {t('sites.clearFilters')}
                </button>
              </>
            ) : (
              <span data-testid="sites-empty">{t('sites.empty')}</span>
            )
          }
          exportTo={{ path: '/api/sites/export', query: listQuery }}
        />
      </div>
      {can('site.write') && (
        <SiteImport path="/api/sites/import" hint={t('sites.importHint')} testId="sites-import" onImported={refresh} />
      )}
    </>
  );
}

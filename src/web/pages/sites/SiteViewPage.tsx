import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { SiteCheck, SiteCheckResult } from '../../api/schema.gen.ts';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate, formatDate, formatDateTime } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { SiteForm } from './SiteForm.tsx';
import { SITES_PATH } from './searchParams.ts';
import { VerdictBadge } from './ui.tsx';
import './sites.css';

const view = getRouteApi('/app/sites/view');

/** The detail people read: the certificate's end as a date, the TLS version, else the checker's own line. */
function ResultDetail({ r }: { r: SiteCheckResult }) {
  const { t } = useTranslation();
  const validTo = r.data?.validTo;
  if (r.check === 'tls_expiry' && typeof validTo === 'string')
    return <>{t('sites.certificateUntil', { day: formatDate(validTo) })}</>;
  if (r.check === 'tls_version' && typeof r.data?.version === 'string') return <>{r.data.version}</>;
  return <>{r.detail}</>;
}

function Results({ check }: { check: SiteCheck }) {
  const { t } = useTranslation();
  return (
    <TableScroll label={t('sites.latestResults')}>
      <table className="table site-results" data-testid="site-results">
        <thead>
          <tr>
            <th>{t('sites.criterion')}</th>
            <th>{t('sites.verdict')}</th>
            <th>{t('sites.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {check.results.map((r) => (
            <tr key={r.check} data-testid={`site-result-${r.check}`}>
              <td>{t(`sites.checks.${r.check}`)}</td>
              <td>
                <VerdictBadge verdict={r.verdict} />
              </td>
              <td className="site-detail-text">
                <ResultDetail r={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** A site: its latest check criterion by criterion, the history of runs, check now, change or remove it. */
export function SiteViewPage() {
  const { t } = useTranslation();
  const can = useCan();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { id } = view.useSearch();
  const [editing, setEditing] = useState(false);
  const site = $api.useQuery('get', '/api/sites/{id}', { params: { path: { id } } }, { enabled: !!id, staleTime: 0 });
  const check = $api.useMutation('post', '/api/sites/{id}/check');
  const remove = $api.useMutation('delete', '/api/sites/{id}');
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['get', '/api/sites/{id}'] });
    void queryClient.invalidateQueries({ queryKey: ['get', '/api/sites'] });
    void queryClient.invalidateQueries({ queryKey: ['get', '/api/sites/summary'] });
  };
  const d = site.data;
  const latest = d?.history[0];

  return (
    <>
      <p className="small">
        <a href={SITES_PATH} onClick={followLink}>
          ← {t('sites.back')}
        </a>
      </p>
      <ErrorMessage error={site.error ?? check.error ?? remove.error} />
      {d && (
        <>
          <div className="page-head site-view-head">
            <h1 className="site-host" data-testid="site-title">
              {d.host}
            </h1>
            <div className="site-actions">
              {can('site.check') && (
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={check.isPending}
                  onClick={() => check.mutate({ params: { path: { id: d.id } } }, { onSuccess: refresh })}
                  data-testid="site-check"
                >
                  {check.isPending ? t('sites.checking') : t('sites.checkNow')}
                </button>
              )}
              {can('site.write') && !editing && (
                <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="site-edit">
                  {t('sites.edit')}
                </button>
              )}
              {can('site.write') && (
                <button
                  type="button"
                  className="btn btn-danger"
                  disabled={remove.isPending}
                  onClick={() => {
                    if (!window.confirm(t('sites.confirmDelete', { host: d.host }))) return;
                    remove.mutate(
                      { params: { path: { id: d.id } } },
                      {
                        onSuccess: () => {
                          refresh();
                          void router.navigate({ href: SITES_PATH });
                        },
                      },
                    );
                  }}
                >
                  {t('sites.delete')}
                </button>
              )}
            </div>
          </div>
          {editing ? (
            <SiteForm site={d} onDone={() => setEditing(false)} />
          ) : (
            <section className="panel">
              <dl className="facts">
                <dt>{t('sites.url')}</dt>
                <dd className="site-detail-text">{d.url}</dd>
                <dt>{t('sites.organisation')}</dt>
                <dd>{d.organisationName}</dd>
                <dt>{t('sites.kind')}</dt>
                <dd>{t(`sites.kinds.${d.kind}`)}</dd>
                <dt>{t('sites.stateBody')}</dt>
                <dd>{d.stateBody ? t('sites.yes') : t('sites.no')}</dd>
                {(d.validFrom || d.validTo) && (
                  <>
                    <dt>{t('sites.validFrom')}</dt>
                    <dd>
                      {formatCalendarDate(d.validFrom) || '—'} – {formatCalendarDate(d.validTo) || '—'}
                    </dd>
                  </>
                )}
                {d.note && (
                  <>
                    <dt>{t('sites.note')}</dt>
                    <dd>{d.note}</dd>
                  </>
                )}
                <dt>{t('sites.verdict')}</dt>
                <dd>
                  <VerdictBadge verdict={d.latest?.verdict ?? 'unchecked'} testId="site-latest-verdict" />{' '}
                  {d.latest && <span className="muted small">{formatDateTime(d.latest.checkedAt)}</span>}
                </dd>
              </dl>
            </section>
          )}
          <h2>{t('sites.latestResults')}</h2>
          {latest ? (
            <section className="panel panel-flush">
              <Results check={latest} />
            </section>
          ) : (
            <p className="muted">{t('sites.noHistory')}</p>
          )}
          <h2>{t('sites.history')}</h2>
          <section className="panel panel-flush">
            <TableScroll label={t('sites.history')}>
              <table className="table" data-testid="site-history">
                <thead>
                  <tr>
                    <th>{t('sites.checkedAt')}</th>
                    <th>{t('sites.verdict')}</th>
                    <th>{t('sites.trigger')}</th>
                    <th>{t('sites.problems')}</th>
                  </tr>
                </thead>
                <tbody>
                  <EmptyRow show={d.history.length === 0} colSpan={4}>
                    {t('sites.noHistory')}
                  </EmptyRow>
                  {d.history.map((h) => {
                    const bad = h.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn');
                    return (
                      <tr key={h.id}>
                        <td className="nowrap">{formatDateTime(h.checkedAt)}</td>
                        <td>
                          <VerdictBadge verdict={h.verdict} />
                        </td>
                        <td>{t(`sites.triggers.${h.trigger}`)}</td>
                        <td className="small">
                          {bad.length ? bad.map((r) => t(`sites.checks.${r.check}`)).join('; ') : t('sites.none')}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          </section>
        </>
      )}
    </>
  );
}

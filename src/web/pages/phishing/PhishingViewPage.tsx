import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, queryClient } from '../../api/client.ts';
import type { PhishingCampaignDetail } from '../../api/schema.gen.ts';
import { BarChart } from '../../components/BarChart.tsx';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { isUuid } from '../../lib/tableSearch.ts';
import { useAction } from '../../lib/useAction.ts';
import { CampaignForm } from './CampaignForm.tsx';
import { ResultFigures, ResultsByOrganisation } from './Results.tsx';
import { PHISHING_PATH, StateBadge } from './ui.tsx';
import './phishing.css';

const view = getRouteApi('/app/phishing/view');

const refresh = () =>
  Promise.all([
    queryClient.invalidateQueries({ queryKey: ['get', '/api/phishing/campaigns/{id}'] }),
    queryClient.invalidateQueries({ queryKey: ['get', '/api/phishing/campaigns'] }),
    queryClient.invalidateQueries({ queryKey: ['get', '/api/phishing/summary'] }),
  ]);

/** One exercise: its mail and lesson, approval, sending, and results (per person for those who run exercises). */
export function PhishingViewPage() {
  const { t } = useTranslation();
  const { id } = view.useSearch();
  const detail = $api.useQuery(
    'get',
    '/api/phishing/campaigns/{id}',
    { params: { path: { id } } },
    // While mails go out, the figures move: re-read now and then.
    { enabled: isUuid(id), refetchInterval: (q) => (q.state.data?.campaign.state === 'sending' ? 10_000 : false) },
  );
  const d = detail.data;
  useEffect(() => {
    if (d) document.title = `${d.campaign.title} · Khiên`;
  }, [d]);
  return (
    <>
      <p className="small">
        <a href={PHISHING_PATH} onClick={followLink}>
          ← {t('nav.phishing')}
        </a>
      </p>
      <ErrorMessage error={detail.error} />
      {!isUuid(id) && <div className="alert alert-error">{t('errors.phishing.notFound')}</div>}
      {d && <Campaign detail={d} />}
    </>
  );
}

function Campaign({ detail }: { detail: PhishingCampaignDetail }) {
  const { t, i18n } = useTranslation();
  const { campaign: c, actions } = detail;
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const approve = $api.useMutation('post', '/api/phishing/campaigns/{id}/approve');
  const launch = $api.useMutation('post', '/api/phishing/campaigns/{id}/launch');
  const cancel = $api.useMutation('post', '/api/phishing/campaigns/{id}/cancel');
  const act = (m: typeof launch) => () =>
    action.run(async () => {
      await m.mutateAsync({ params: { path: { id: c.id } } });
      await refresh();
    });
  // The approver approves the version on screen: a draft changed meanwhile is refused (reload to see it).
  const approveShown = () =>
    action.run(async () => {
      await approve.mutateAsync({ params: { path: { id: c.id } }, body: { updatedAt: c.updatedAt } });
      await refresh();
    });
  if (editing) return <CampaignForm campaign={c} onDone={() => setEditing(false)} />;
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <>
      <div className="page-head">
        <h1>{c.title}</h1>
        <StateBadge state={c.state} />
      </div>
      <ErrorMessage error={action.error} />
      <div className="actions" data-testid="phishing-actions">
        {actions.edit && (
          <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="phishing-edit">
            {t('common.edit')}
          </button>
        )}
        {actions.approve && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={action.busy}
            onClick={approveShown}
            data-testid="phishing-approve"
          >
            {t('phishing.approve')}
          </button>
        )}
        {actions.launch && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={action.busy}
            onClick={act(launch)}
            data-testid="phishing-launch"
          >
            {t('phishing.launch')}
          </button>
        )}
        {actions.cancel && (
          <button
            type="button"
            className="btn"
            disabled={action.busy}
            onClick={act(cancel)}
            data-testid="phishing-cancel"
          >
            {t('phishing.cancel')}
          </button>
        )}
      </div>
      {detail.approveBlocked === 'own_draft' && (
        <p className="muted small" data-testid="phishing-own-draft">
          {t('phishing.ownDraftNote')}
        </p>
      )}
      <section className="panel">
        <h2 className="panel-title">{t('phishing.mail')}</h2>
        <dl className="facts">
          <dt>{t('phishing.field.senderName')}</dt>
          <dd>
            {c.senderName} &lt;{c.senderAddress}&gt;
          </dd>
          <dt>{t('phishing.field.subject')}</dt>
          <dd>{c.subject}</dd>
          <dt>{t('phishing.field.recipientsOn')}</dt>
          <dd>{formatCalendarDate(c.recipientsOn)}</dd>
          <dt>{t('phishing.field.ratePerMinute')}</dt>
          <dd>{n(c.ratePerMinute)}</dd>
          <dt>{t('phishing.createdBy')}</dt>
          <dd>
            {c.createdByName ?? '—'} · {formatDateTime(c.createdAt)}
          </dd>
          <dt>{t('phishing.approvedBy')}</dt>
          <dd>{c.approvedByName ? `${c.approvedByName} · ${formatDateTime(c.approvedAt)}` : '—'}</dd>
          {c.launchedAt && (
            <>
              <dt>{t('phishing.launchedAt')}</dt>
              <dd>{formatDateTime(c.launchedAt)}</dd>
            </>
          )}
        </dl>
        <pre className="phishing-text" data-testid="phishing-body-text">
          {c.body}
        </pre>
        <h3>{t('phishing.field.lessonText')}</h3>
        <pre className="phishing-text">{c.lessonText}</pre>
      </section>
      <section className="panel">
        <h2 className="panel-title">{t('phishing.results')}</h2>
        <ResultFigures counts={detail.totals} />
        {detail.byDay.length > 0 && (
          <BarChart
            label={t('phishing.byDayLabel')}
            labels={detail.byDay.map((d) => formatCalendarDate(d.day))}
            values={detail.byDay.map((d) => d.clicked + d.submitted + d.reported + d.opened)}
          />
        )}
        <TableScroll label={t('phishing.byDay')}>
          <table className="table" data-testid="phishing-by-day">
            <thead>
              <tr>
                <th>{t('phishing.day')}</th>
                {(['opened', 'clicked', 'submitted', 'reported'] as const).map((k) => (
                  <th key={k} className="num">
                    {t(`phishing.result.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <EmptyRow show={detail.byDay.length === 0} colSpan={5}>
                {t('phishing.noEvents')}
              </EmptyRow>
              {detail.byDay.map((d) => (
                <tr key={d.day}>
                  <td>{formatCalendarDate(d.day)}</td>
                  <td className="num">{n(d.opened)}</td>
                  <td className="num">{n(d.clicked)}</td>
                  <td className="num">{n(d.submitted)}</td>
                  <td className="num">{n(d.reported)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
      <ResultsByOrganisation rows={detail.byOrganisation} />
      {detail.recipients && (
        <section className="panel panel-flush" data-testid="phishing-recipients">
          <h2 className="panel-title">{t('phishing.recipients', { n: n(detail.recipients.length) })}</h2>
          <TableScroll label={t('phishing.recipientsLabel')}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('phishing.person')}</th>
                  <th>{t('phishing.result.sent')}</th>
                  {(['opened', 'clicked', 'submitted', 'reported'] as const).map((k) => (
                    <th key={k}>{t(`phishing.result.${k}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {detail.recipients.map((r) => (
                  <tr key={r.id} data-testid="phishing-recipient-row">
                    <td>
                      <div>{r.fullName}</div>
                      <div className="muted small">
                        {r.email} · {r.organisationName}
                      </div>
                    </td>
                    <td className="nowrap">
                      {r.sentAt ? (
                        formatDateTime(r.sentAt)
                      ) : r.sendError ? (
                        <span title={r.sendError}>{t('phishing.sendFailed', { n: r.sendAttempts })}</span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="nowrap">{formatDateTime(r.openedAt) || '—'}</td>
                    <td className="nowrap">{formatDateTime(r.clickedAt) || '—'}</td>
                    <td className="nowrap">{formatDateTime(r.submittedAt) || '—'}</td>
                    <td className="nowrap">{formatDateTime(r.reportedAt) || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      )}
    </>
  );
}

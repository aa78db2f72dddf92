import { useTranslation } from 'react-i18next';
import { $api } from '../api/client.ts';
import type { GettingStarted as Start } from '../api/schema.gen.ts';
import { AsOfPicker } from '../components/AsOfPicker.tsx';
import { BarChart } from '../components/BarChart.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useAsOf } from '../lib/asOf.ts';
import { formatCalendarDate, formatNumber } from '../lib/format.ts';
import { ORGANISATION_TYPES, type Permission } from '../lib/roles.ts';
import { followLink } from '../lib/router.ts';
import { useCan } from '../lib/session.ts';
import { SocCard } from './soc/SocCard.tsx';
import { SystemsCard } from './systems/SystemsCard.tsx';
import { VulnCard } from './vulnerabilities/VulnCard.tsx';

/**
 * Tổng quan: a frame of cards; each capability adds its own. Only real figures, never placeholders. Every figure
 * stands on one day (?asOf=, today by default): the organisations in force then, the six months ending then, the
 * targets as they stood then. A fresh install first says what to do, in order, instead of showing zeros.
 */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const { asOf, today, setAsOf } = useAsOf();
  const orgs = $api.useQuery('get', '/api/organisations', { params: { query: { asOf } } });
  const start = $api.useQuery('get', '/api/getting-started');
  const health = $api.useQuery('get', '/api/health');
  const n = (v: number) => formatNumber(v, i18n.language);
  const counts = ORGANISATION_TYPES.map((type) => ({
    type,
    count: orgs.data?.filter((o) => o.type === type).length ?? 0,
  })).filter((c) => c.count > 0);
  // No unit at all (a fresh install) is not the same as none in force on the day asked for.
  const noneYet = start.data?.organisations === 0;
  const orgLink = can('organisation.write') ? (
    <a href="/organisations" onClick={followLink} data-testid="start-organisations-link">
      {t('dashboard.start.organisationsDo')}
    </a>
  ) : (
    <span>{t('dashboard.start.organisationsWho')}</span>
  );

  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <div className="panel filters-panel">
        <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
      </div>
      <ErrorMessage error={orgs.error ?? start.error ?? health.error} />
      {start.data && <GettingStarted start={start.data} />}
      <div className="cards">
        {can('soc.read') && <SocCard asOf={asOf} />}
        {can('vuln.read') && <VulnCard asOf={asOf} />}
        {can('vuln.read') && <VulnCard asOf={asOf} subject="websites" />}
        {can('system.read') && <SystemsCard asOf={asOf} />}
        <section className={`card${orgs.isFetching ? ' stale' : ''}`} data-testid="card-organisations">
          <h2>{t('dashboard.organisations')}</h2>
          {orgs.data && orgs.data.length === 0 ? (
            <p className="muted" data-testid="organisations-none">
              {noneYet
                ? t('dashboard.start.organisationsNone')
                : t('dashboard.organisationsNoneOn', { date: formatCalendarDate(asOf) })}{' '}
              {noneYet && orgLink}
            </p>
          ) : (
            <>
              <div className="metric" data-testid="organisations-count">
                {orgs.data ? n(orgs.data.length) : '…'}
              </div>
              <div className="muted">{t('dashboard.organisationsVisible')}</div>
            </>
          )}
        </section>
        <section className="card" data-testid="card-system">
          <h2>{t('dashboard.system')}</h2>
          <dl className="facts">
            <dt>{t('dashboard.database')}</dt>
            <dd>{health.data ? t(`dashboard.databaseKind.${health.data.database}`) : '…'}</dd>
            <dt>{t('dashboard.status')}</dt>
            <dd>{health.data?.status === 'ok' ? t('dashboard.ok') : '…'}</dd>
          </dl>
        </section>
        <section className={`card card-wide${orgs.isFetching ? ' stale' : ''}`} data-testid="card-by-type">
          <h2>{t('dashboard.byType')}</h2>
          {orgs.data && counts.length === 0 && (
            <p className="muted">
              {noneYet
                ? t('dashboard.start.organisationsNone')
                : t('dashboard.organisationsNoneOn', { date: formatCalendarDate(asOf) })}
            </p>
          )}
          {counts.length > 0 && (
            <div className="split">
              <table className="table table-compact">
                <tbody>
                  {counts.map((c) => (
                    <tr key={c.type}>
                      <td>{t(`orgTypes.${c.type}`)}</td>
                      <td className="num">{n(c.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <BarChart
                label={t('dashboard.byType')}
                labels={counts.map((c) => t(`orgTypes.${c.type}`))}
                values={counts.map((c) => c.count)}
              />
            </div>
          )}
        </section>
      </div>
    </>
  );
}

type Step = {
  key: 'organisations' | 'systems' | 'scans' | 'logs';
  done: boolean;
  count: number;
  href: string;
  /** Who can take the step; others are told who will. */
  permission: Permission;
  /** Shown only to whoever may take it or see its results. */
  shown: boolean;
};

/**
 * What a fresh part of the province still lacks, in the order it is done: the organisations (everything is counted
 * per unit), the information systems, then a vulnerability scan and network logs. Gone once every step is done.
 */
function GettingStarted({ start }: { start: Start }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const steps: Step[] = [
    {
      key: 'organisations',
      done: start.organisations > 0,
      count: start.organisations,
      href: '/organisations',
      permission: 'organisation.write',
      shown: true,
    },
    {
      key: 'systems',
      done: start.systems > 0,
      count: start.systems,
      href: '/systems',
      permission: 'system.write',
      shown: can('system.read'),
    },
    {
      key: 'scans',
      done: start.scanImports > 0,
      count: start.scanImports,
      href: '/vulnerabilities/import',
      permission: 'vuln.import',
      shown: can('vuln.read'),
    },
    {
      key: 'logs',
      done: start.socIngests > 0,
      count: start.socIngests,
      href: '/soc/ingest',
      permission: 'soc.ingest',
      shown: can('soc.read'),
    },
  ];
  const visible = steps.filter((s) => s.shown);
  if (visible.every((s) => s.done)) return null;
  return (
    <section className="panel getting-started" data-testid="getting-started">
      <h2>{t('dashboard.start.title')}</h2>
      <p className="muted">{t('dashboard.start.intro')}</p>
      <ol className="steps">
        {visible.map((s) => (
          <li key={s.key} className={s.done ? 'step-done' : 'step-todo'} data-testid={`start-${s.key}`}>
            <span className="step-mark" aria-hidden="true">
              {s.done ? '✓' : '○'}
            </span>
            <div>
              <strong>{t(`dashboard.start.${s.key}`)}</strong>
              <div className="muted small">
                {s.done ? (
                  t(`dashboard.start.${s.key}Done`, { count: s.count, n: formatNumber(s.count, i18n.language) })
                ) : (
                  <>
                    {t(`dashboard.start.${s.key}None`)}{' '}
                    {can(s.permission) ? (
                      <a href={s.href} onClick={followLink}>
                        {t(`dashboard.start.${s.key}Do`)}
                      </a>
                    ) : (
                      t(`dashboard.start.${s.key}Who`)
                    )}
                  </>
                )}
              </div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

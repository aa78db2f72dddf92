import { useTranslation } from 'react-i18next';
import { AsOfPicker } from '../components/AsOfPicker.tsx';
import { BarChart } from '../components/BarChart.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { api, query } from '../lib/api.ts';
import { useAsOf } from '../lib/asOf.ts';
import { formatNumber } from '../lib/format.ts';
import { ORGANISATION_TYPES } from '../lib/roles.ts';
import { useCan } from '../lib/session.ts';
import type { Organisation } from '../lib/types.ts';
import { useLoad } from '../lib/useLoad.ts';
import { SocCard } from './soc/SocCard.tsx';
import { SystemsCard } from './systems/SystemsCard.tsx';
import { VulnCard } from './vulnerabilities/VulnCard.tsx';

/**
 * Tổng quan: a frame of cards; each capability adds its own. Only real figures, never placeholders. Every figure
 * stands on one day (?asOf=, today by default): the organisations in force then, the six months ending then, the
 * targets as they stood then.
 */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const { asOf, today, setAsOf } = useAsOf();
  const orgs = useLoad(() => api<Organisation[]>('GET', `/api/organisations${query({ asOf })}`), [asOf]);
  const health = useLoad(() => api<{ status: string; database: string }>('GET', '/api/health'), []);
  const counts = ORGANISATION_TYPES.map((type) => ({
    type,
    count: orgs.data?.filter((o) => o.type === type).length ?? 0,
  })).filter((c) => c.count > 0);

  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <div className="panel filters-panel">
        <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
      </div>
      <ErrorMessage error={orgs.error ?? health.error} />
      <div className="cards">
        {can('soc.read') && <SocCard asOf={asOf} />}
        {can('vuln.read') && <VulnCard asOf={asOf} />}
        {can('system.read') && <SystemsCard asOf={asOf} />}
        <section className={`card${orgs.loading ? ' stale' : ''}`} data-testid="card-organisations">
          <h2>{t('dashboard.organisations')}</h2>
          <div className="metric" data-testid="organisations-count">
            {orgs.data ? formatNumber(orgs.data.length, i18n.language) : '…'}
          </div>
          <div className="muted">{t('dashboard.organisationsVisible')}</div>
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
        <section className={`card card-wide${orgs.loading ? ' stale' : ''}`} data-testid="card-by-type">
          <h2>{t('dashboard.byType')}</h2>
          {orgs.data && counts.length === 0 && <p className="muted">{t('organisations.empty')}</p>}
          {counts.length > 0 && (
            <div className="split">
              <table className="table table-compact">
                <tbody>
                  {counts.map((c) => (
                    <tr key={c.type}>
                      <td>{t(`orgTypes.${c.type}`)}</td>
                      <td className="num">{formatNumber(c.count, i18n.language)}</td>
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

import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { lastSixMonths } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { loadSummary } from './VulnDashboardPage.tsx';
import { VulnFigures, VulnStatement } from './VulnFigures.tsx';

/** The vulnerability figures of the last six months on the Overview (Tổng quan), linking to the full dashboard. */
export function VulnCard() {
  const { t } = useTranslation();
  const summary = useLoad(() => loadSummary(lastSixMonths()), []);
  return (
    <section className="card card-wide" data-testid="card-vulnerabilities">
      <div className="card-head">
        <h2>{t('vuln.cardTitle')}</h2>
        <a href="/vulnerabilities" onClick={followLink} className="small">
          {t('vuln.details')} →
        </a>
      </div>
      <ErrorMessage error={summary.error} />
      {summary.data ? (
        <>
          <VulnStatement summary={summary.data} />
          <VulnFigures summary={summary.data} compact />
        </>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { lastSixMonths } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { SocFigures, SocStatement } from './SocFigures.tsx';
import { loadSocSummary } from './soc.ts';

/** The SOC statement of the last six months on the Overview (Tổng quan), linking to the SOC dashboard. */
export function SocCard() {
  const { t } = useTranslation();
  const summary = useLoad(() => loadSocSummary(lastSixMonths()), []);
  return (
    <section className="card card-wide" data-testid="card-soc">
      <div className="card-head">
        <h2>{t('soc.cardTitle')}</h2>
        <a href="/soc" onClick={followLink} className="small">
          {t('soc.details')} →
        </a>
      </div>
      <ErrorMessage error={summary.error} />
      {summary.data ? (
        <>
          <SocStatement summary={summary.data} />
          <SocFigures summary={summary.data} compact />
        </>
      ) : (
        !summary.error && <div className="metric">…</div>
      )}
    </section>
  );
}

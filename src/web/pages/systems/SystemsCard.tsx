import { useTranslation } from 'react-i18next';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { api, query } from '../../lib/api.ts';
import { useLoad } from '../../lib/useLoad.ts';
import type { TargetSummary } from './systems.ts';
import { TARGETS_PATH, TargetFigure } from './TargetsPage.tsx';
import './systems.css';

/** On the Overview (Tổng quan): every programme target as it stood on `asOf`, linking to the targets page. */
export function SystemsCard({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const targets = useLoad(() => api<TargetSummary[]>('GET', `/api/targets${query({ asOf })}`), [asOf]);
  return (
    <OverviewCard
      testId="card-systems"
      title={t('systems.card.title')}
      href={`${TARGETS_PATH}${query({ asOf })}`}
      detailsLabel={t('systems.card.details')}
      error={targets.error}
    >
      {targets.data?.length === 0 && <p className="muted">{t('systems.targets.empty')}</p>}
      <div className={`card-targets${targets.loading ? ' stale' : ''}`}>
        {targets.data?.map((tg) => (
          <div key={tg.id} className="card-target" data-testid="card-target">
            <h3>{tg.title}</h3>
            <TargetFigure target={tg} />
          </div>
        ))}
      </div>
    </OverviewCard>
  );
}

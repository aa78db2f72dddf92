import { useTranslation } from 'react-i18next';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { api } from '../../lib/api.ts';
import { useLoad } from '../../lib/useLoad.ts';
import type { TargetSummary } from './systems.ts';
import { TargetFigure } from './TargetsPage.tsx';
import './systems.css';

/** On the Overview (Tổng quan): every programme target's percentage reached, linking to the targets page. */
export function SystemsCard() {
  const { t } = useTranslation();
  const targets = useLoad(() => api<TargetSummary[]>('GET', '/api/targets'), []);
  return (
    <OverviewCard
      testId="card-systems"
      title={t('systems.card.title')}
      href="/systems/targets"
      detailsLabel={t('systems.card.details')}
      error={targets.error}
    >
      {targets.data?.length === 0 && <p className="muted">{t('systems.targets.empty')}</p>}
      <div className="card-targets">
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

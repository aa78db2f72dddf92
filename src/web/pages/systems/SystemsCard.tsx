import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { OverviewCard } from '../../components/OverviewCard.tsx';
import { query } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { TargetFigure } from './TargetFigure.tsx';
import { FIGURES, freshData, TARGETS_PATH } from './ui.ts';
import './systems.css';

/** On the Overview (Tổng quan): every programme target as it stood on `asOf`, linking to the targets page. */
export function SystemsCard({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const targets = $api.useQuery(
    'get',
    '/api/targets',
    { params: { query: { asOf } } },
    { ...FIGURES, placeholderData: keepPreviousData },
  );
  const data = freshData(targets);
  return (
    <OverviewCard
      testId="card-systems"
      title={t('systems.card.title')}
      href={`${TARGETS_PATH}${query({ asOf })}`}
      detailsLabel={t('systems.card.details')}
      error={targets.error}
    >
      {data?.length === 0 && (
        <p className="muted" data-testid="card-no-targets">
          {t('systems.targets.empty')}{' '}
          {can('target.write') ? t('systems.targets.emptyWrite') : t('systems.targets.emptyRead')}
        </p>
      )}
      {!data && !targets.error && <p className="muted">{t('common.loading')}</p>}
      <div className={`card-targets${targets.isPlaceholderData ? ' stale' : ''}`}>
        {data?.map((tg) => (
          <div key={tg.id} className="card-target" data-testid="card-target">
            <h3>{tg.title}</h3>
            <TargetFigure target={tg} />
          </div>
        ))}
      </div>
    </OverviewCard>
  );
}

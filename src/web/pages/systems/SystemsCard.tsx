import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { followLink } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import type { TargetSummary } from './systems.ts';
import { TargetFigure } from './TargetsPage.tsx';
import './systems.css';

/** On the Overview (Tổng quan): every programme target's percentage reached, linking to the targets page. */
export function SystemsCard() {
  const { t } = useTranslation();
  const targets = useLoad(() => api<TargetSummary[]>('GET', '/api/targets'), []);
  return (
    <section className="card card-wide" data-testid="card-systems">
      <div className="card-head">
        <h2>{t('systems.card.title')}</h2>
        <a href="/systems/targets" onClick={followLink} className="small">
          {t('systems.card.details')} →
        </a>
      </div>
      <ErrorMessage error={targets.error} />
      {targets.data?.length === 0 && <p className="muted">{t('systems.targets.empty')}</p>}
      <div className="card-targets">
        {targets.data?.map((tg) => (
          <div key={tg.id} className="card-target" data-testid="card-target">
            <h3>{tg.title}</h3>
            <TargetFigure target={tg} />
          </div>
        ))}
      </div>
    </section>
  );
}

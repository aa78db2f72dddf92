import { useTranslation } from 'react-i18next';
import type { DossierState, PlanSummary } from '../../api/schema.gen.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { formatPercent, numbers, STATE_BADGE } from './ui.ts';

export function DossierStateBadge({ state }: { state: DossierState | null }) {
  const { t } = useTranslation();
  if (!state) return <span className="badge badge-neutral">{t('systems.noDossier')}</span>;
  return (
    <span className={`badge ${STATE_BADGE[state]}`} data-testid="dossier-state">
      {t(`systems.state.${state}`)}
    </span>
  );
}

export function LevelBadge({ level }: { level: number | null }) {
  const { t } = useTranslation();
  if (level === null) return <span className="muted">—</span>;
  return <span className={`level-badge level-${level}`}>{t('systems.levelN', { level })}</span>;
}

/** A plan's progress: bar, "done / applicable" and the fully-implemented mark. */
export function PlanProgress({ plan, compact = false }: { plan: PlanSummary; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  if (!plan.applicable && !plan.fullyImplemented) return <span className="muted">—</span>;
  return (
    <div className={compact ? 'plan-progress plan-progress-compact' : 'plan-progress'}>
      <ProgressBar value={plan.percent / 100} label={t('systems.plan.progress')} />
      <span className="small nowrap">
        {formatPercent(plan.percent, i18n.language)}
        {!compact &&
          ` (${t('systems.plan.doneOf', numbers({ done: plan.done, total: plan.applicable }, i18n.language))})`}
      </span>
      {plan.fullyImplemented && <span className="badge badge-good">{t('systems.plan.fullyImplemented')}</span>}
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import type { TargetSummary } from '../../api/schema.gen.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { formatPercent, numbers, SYSTEMS_PATH } from './ui.ts';

/**
 * A target's figure as it stood on its `asOf`: the share met by the deadline in large type, a bar (met on time, then
 * met late in another colour), the on-time count, the late count apart (late is not done), and the deadline. A
 * target that covers no system yet says so and where to register them, rather than showing 0/0.
 */
export function TargetFigure({ target: tg }: { target: TargetSummary }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const n = numbers({ met: tg.met, late: tg.late, total: tg.total }, i18n.language);
  const share = (x: number) => (tg.total ? (x / tg.total) * 100 : 0);
  const deadline = (
    <div className="small">
      {t('systems.targets.deadline')}: <strong>{formatCalendarDate(tg.deadline)}</strong>{' '}
      {tg.overdue ? (
        <span className="badge badge-bad">{t('systems.targets.overdue')}</span>
      ) : tg.deadlinePassed ? (
        <span className="badge badge-neutral">{t('systems.targets.passed')}</span>
      ) : (
        <span className="badge badge-good">{t('systems.targets.open')}</span>
      )}
    </div>
  );
  if (tg.total === 0)
    return (
      <>
        <p className="muted small" data-testid="target-no-systems">
          {t('systems.targets.noSystemsYet')}{' '}
          {can('system.write') && (
            <a href={SYSTEMS_PATH} onClick={followLink}>
              {t('systems.targets.registerSystems')}
            </a>
          )}
        </p>
        {deadline}
      </>
    );
  return (
    <>
      <div className={`target-percent${tg.overdue ? ' text-bad' : ''}`} data-testid="target-percent">
        {formatPercent(tg.percent, i18n.language)}
      </div>
      <div className="progress progress-stacked" role="img" aria-label={t('systems.targets.barLabel', n)}>
        <div className="progress-fill" style={{ width: `${share(tg.met)}%` }} />
        <div className="progress-fill progress-late" style={{ width: `${share(tg.late)}%` }} />
      </div>
      <div className="small" data-testid="target-counts">
        {t('systems.targets.onTime', n)}
      </div>
      {tg.deadlinePassed && (
        <div className={`small${tg.late ? ' text-warn' : ''}`} data-testid="target-late">
          {t('systems.targets.lateCount', n)}
          {tg.late > 0 && (
            <span className="muted">
              {' '}
              ({t('systems.targets.withLate', { percent: formatPercent(tg.percentWithLate, i18n.language) })})
            </span>
          )}
        </div>
      )}
      {deadline}
    </>
  );
}

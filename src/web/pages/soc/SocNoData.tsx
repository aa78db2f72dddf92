import { useTranslation } from 'react-i18next';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';

/**
 * What a SOC page shows on a fresh install, instead of zeros that would read "all quiet": no log was ingested yet,
 * and where to ingest one (or who must).
 */
export function SocNoData({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  return (
    <div className={compact ? 'muted' : 'alert alert-info'} data-testid="soc-no-data">
      {compact ? <p>{t('soc.cardNoData')}</p> : <strong>{t('soc.noData.title')}</strong>}
      {!compact && <p>{t('soc.noData.text')}</p>}
      {can('soc.ingest') ? (
        <a
          href="/soc/ingest"
          onClick={followLink}
          className={compact ? undefined : 'btn btn-primary btn-small'}
          data-testid="soc-no-data-ingest"
        >
          {t('soc.noData.action')}
        </a>
      ) : (
        <p className="small">{t('soc.noData.askSoc')}</p>
      )}
    </div>
  );
}

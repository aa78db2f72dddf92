import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';

/**
 * What an empty list says when no filter narrows it: on a fresh install (no report imported yet) that a report must
 * be imported, with the link for those who import; otherwise `what` (nothing to show), and for the others that the
 * SOC's imports fill it.
 */
export function NoScans({ what }: { what: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const importer = can('vuln.import');
  const scans = $api.useQuery('get', '/api/vulnerabilities/scans', {}, { enabled: importer });
  if (importer && scans.data?.length === 0)
    return (
      <span data-testid="no-scans">
        {t('vuln.empty.noScans')}{' '}
        <a href="/vulnerabilities/import" onClick={followLink}>
          {t('vuln.empty.importLink')}
        </a>
      </span>
    );
  return (
    <div data-testid="no-data">
      <div>{what}</div>
      {!importer && <div className="muted small">{t('vuln.empty.waitForSoc')}</div>}
    </div>
  );
}

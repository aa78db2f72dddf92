import { useTranslation } from 'react-i18next';
import { type FindingStatus, SEVERITY_COLOURS, type Severity } from '../lib/vuln.ts';

/** Severity as a coloured label; colour from SEVERITY_COLOURS, wording from i18n (severity.*). */
export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return (
    <span className="badge badge-solid" style={{ background: SEVERITY_COLOURS[severity] }} data-severity={severity}>
      {t(`vuln.severity.${severity}`)}
    </span>
  );
}

const STATUS_CLASS: Record<FindingStatus, string> = {
  open: 'badge-bad',
  fixed: 'badge-warn',
  resolved: 'badge-good',
  accepted: 'badge-neutral',
  false_positive: 'badge-neutral',
};

export function StatusBadge({ status, requested }: { status: FindingStatus; requested?: FindingStatus | null }) {
  const { t } = useTranslation();
  return (
    <span className="badge-group">
      <span className={`badge ${STATUS_CLASS[status]}`}>{t(`vuln.status.${status}`)}</span>
      {requested && (
        <span className="badge badge-warn" title={t('vuln.pendingTitle')}>
          {t('vuln.requested', { status: t(`vuln.status.${requested}`) })}
        </span>
      )}
    </span>
  );
}

/** In the CISA catalogue of vulnerabilities known to be exploited: fix first. */
export function KevBadge() {
  const { t } = useTranslation();
  return (
    <span className="badge badge-solid badge-kev" title={t('vuln.kevTitle')}>
      KEV
    </span>
  );
}

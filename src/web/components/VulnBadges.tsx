import { useTranslation } from 'react-i18next';
import type { VulnFindingStatus, VulnSeverity } from '../api/schema.gen.ts';

/** The one place severities get their colour: badges, charts and figures all read it. */
export const SEVERITY_COLOURS: Record<VulnSeverity, string> = {
  critical: '#9f1c1c',
  high: '#b03a0c',
  medium: '#8a5a12',
  low: '#2b6cb0',
  info: '#6b7683',
};

/** Severity as a coloured label; colour from SEVERITY_COLOURS, wording from i18n (severity.*). */
export function SeverityBadge({ severity }: { severity: VulnSeverity }) {
  const { t } = useTranslation();
  return (
    <span className="badge badge-solid" style={{ background: SEVERITY_COLOURS[severity] }} data-severity={severity}>
      {t(`vuln.severity.${severity}`)}
    </span>
  );
}

const STATUS_CLASS: Record<VulnFindingStatus, string> = {
  open: 'badge-bad',
  fixed: 'badge-warn',
  resolved: 'badge-good',
  accepted: 'badge-neutral',
  false_positive: 'badge-neutral',
};

export function StatusBadge({
  status,
  requested,
}: {
  status: VulnFindingStatus;
  requested?: VulnFindingStatus | null;
}) {
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

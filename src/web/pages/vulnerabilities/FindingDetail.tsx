import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { KevBadge, SeverityBadge, StatusBadge } from '../../components/VulnBadges.tsx';
import { formatCalendarDate, formatDate, formatDateTime } from '../../lib/format.ts';
import { useCan } from '../../lib/session.ts';
import { type FindingRow, isOverdue } from '../../lib/vuln.ts';
import { RemediationActions } from './RemediationActions.tsx';

/** The side panel of one finding: what it is, how to fix it, its evidence and its life so far. */
export function FindingDetail({
  row,
  onClose,
  onChanged,
}: {
  row: FindingRow;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const can = useCan();
  const f = row.finding;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // The API keeps the current state only (no per-finding history endpoint): the milestones it records, oldest first.
  const dated = [
    { at: f.firstSeen, text: t('vuln.history.firstSeen') },
    f.statusChangedAt && {
      at: f.statusChangedAt,
      text: `${t('vuln.history.status', { status: t(`vuln.status.${f.status}`) })}${f.statusReason ? ` — “${f.statusReason}”` : ''}`,
    },
    f.resolvedAt && { at: f.resolvedAt, text: t('vuln.history.resolved') },
    { at: f.lastSeen, text: t('vuln.history.lastSeen') },
  ]
    .filter((h): h is { at: string; text: string } => Boolean(h))
    .sort((a, b) => a.at.localeCompare(b.at));
  // Reopenings are counted, not dated: listed right after the first sighting.
  const history: { at: string | null; text: string }[] = f.reopenedCount
    ? [
        ...dated.slice(0, 1),
        { at: null, text: t('vuln.history.reopened', { count: f.reopenedCount }) },
        ...dated.slice(1),
      ]
    : dated;

  return (
    <aside className="drawer" aria-label={f.name} data-testid="finding-detail">
      <div className="drawer-head">
        <h2>{f.name}</h2>
        <button type="button" className="btn btn-quiet btn-small" onClick={onClose} aria-label={t('common.close')}>
          ✕
        </button>
      </div>
      <div className="badges">
        <SeverityBadge severity={f.severity} />
        {f.knownExploited && <KevBadge />}
        <StatusBadge status={f.status} requested={f.requestedStatus} />
      </div>
      <dl className="facts">
        <dt>{t('vuln.computer')}</dt>
        <dd>
          <span className="mono">{row.ip}</span>
          {row.hostname ? ` (${row.hostname})` : ''}
        </dd>
        <dt>{t('vuln.organisation')}</dt>
        <dd>{row.organisationName ?? t('vuln.unattributed')}</dd>
        <dt>{t('vuln.port')}</dt>
        <dd>
          {f.port}/{f.protocol}
          {f.service ? ` (${f.service})` : ''}
        </dd>
        <dt>{t('vuln.scanner')}</dt>
        <dd>
          {f.scanner} #{f.scannerId}
        </dd>
        {(f.cvss3Score ?? f.cvss2Score) !== null && (
          <>
            <dt>CVSS</dt>
            <dd>
              {f.cvss3Score !== null ? `v3 ${f.cvss3Score}` : `v2 ${f.cvss2Score}`}
              {f.cvss3Vector && <div className="mono small">{f.cvss3Vector}</div>}
            </dd>
          </>
        )}
        <dt>{t('vuln.dueAt')}</dt>
        <dd className={isOverdue(row) ? 'text-bad' : undefined}>
          {formatDate(row.dueAt)}
          {isOverdue(row) && ` — ${t('vuln.overdue')}`}
        </dd>
        {f.acceptedUntil && (
          <>
            <dt>{t('vuln.acceptedUntil')}</dt>
            <dd>{formatCalendarDate(f.acceptedUntil)}</dd>
          </>
        )}
        <dt>CVE</dt>
        <dd className="cves">{f.cves.length ? f.cves.join(', ') : '—'}</dd>
      </dl>
      {f.synopsis && <Section title={t('vuln.synopsis')} text={f.synopsis} />}
      {f.solution && <Section title={t('vuln.solution')} text={f.solution} />}
      {f.output && (
        <section>
          <h3>{t('vuln.output')}</h3>
          <pre className="output">{f.output}</pre>
        </section>
      )}
      <section>
        <h3>{t('vuln.historyTitle')}</h3>
        <ol className="timeline">
          {history.map((h) => (
            <li key={`${h.at}-${h.text}`}>
              {h.at && <span className="muted small nowrap">{formatDateTime(h.at)}</span>} {h.text}
            </li>
          ))}
        </ol>
      </section>
      {can('vuln.remediate') && (
        <RemediationActions key={`${f.id}-${f.status}-${f.requestedStatus}`} row={row} onChanged={onChanged} />
      )}
    </aside>
  );
}

function Section({ title, text }: { title: string; text: string }) {
  return (
    <section>
      <h3>{title}</h3>
      <p className="prose">{text}</p>
    </section>
  );
}

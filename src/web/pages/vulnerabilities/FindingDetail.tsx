import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { VulnFindingDetail, VulnFindingEvent } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { KevBadge, SeverityBadge, StatusBadge } from '../../components/VulnBadges.tsx';
import { formatCalendarDate, formatDate, formatDateTime, useFormatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { incidentFromFindingPath } from '../incidents/ui.ts';
import { RemediationActions } from './RemediationActions.tsx';
import { scannerLabel } from './vulnUi.ts';
import { CweLinks, siteOrigin, websiteFindingsPath } from './websiteUi.tsx';

/** The side panel of one finding: what it is, how to fix it, its evidence, its life so far and who acted. */
export function FindingDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = $api.useQuery('get', '/api/vulnerabilities/findings/{id}', { params: { path: { id } } });
  const d = detail.data;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // The page's title names what it shows while the panel is open.
  const name = d?.finding.name;
  useEffect(() => {
    if (!name) return;
    const before = document.title;
    document.title = `${name} · Khiên`;
    return () => {
      document.title = before;
    };
  }, [name]);

  return (
    <aside className="drawer" aria-label={name ?? t('common.loading')} data-testid="finding-detail">
      <div className="drawer-head">
        <h2>{name ?? '…'}</h2>
        <button type="button" className="btn btn-quiet btn-small" onClick={onClose} aria-label={t('common.close')}>
          ✕
        </button>
      </div>
      <ErrorMessage error={detail.error} />
      {d && <Body detail={d} />}
    </aside>
  );
}

function Body({ detail: d }: { detail: VulnFindingDetail }) {
  const { t } = useTranslation();
  const can = useCan();
  const format = useFormatNumber();
  const f = d.finding;
  const canAct = d.actions.changes.length > 0 || d.actions.decide || f.requestedStatus !== null || f.status === 'fixed';
  return (
    <>
      <div className="badges">
        <SeverityBadge severity={f.severity} />
        {f.knownExploited && <KevBadge />}
        <StatusBadge status={f.status} requested={f.requestedStatus} />
      </div>
      <dl className="facts">
        {d.website ? (
          <WebsiteFacts detail={d} />
        ) : (
          <>
            <dt>{t('vuln.computer')}</dt>
            <dd>
              <span className="mono">{d.ip}</span>
              {d.hostname ? ` (${d.hostname})` : ''}
            </dd>
          </>
        )}
        <dt>{t('vuln.organisation')}</dt>
        <dd>{d.organisationName ?? t('vuln.unattributed')}</dd>
        {!d.website && (
          <>
            <dt>{t('vuln.port')}</dt>
            <dd>
              {f.port}/{f.protocol}
              {f.service ? ` (${f.service})` : ''}
            </dd>
          </>
        )}
        <dt>{t('vuln.scanner')}</dt>
        <dd>
          {scannerLabel(f.scanner)} #{f.scannerId}
        </dd>
        {(f.cvss3Score ?? f.cvss2Score) !== null && (
          <>
            <dt>CVSS</dt>
            <dd>
              {f.cvss3Score !== null ? `v3 ${format(f.cvss3Score)}` : `v2 ${format(f.cvss2Score ?? 0)}`}
              {f.cvss3Vector && <div className="mono small">{f.cvss3Vector}</div>}
            </dd>
          </>
        )}
        <dt>{t('vuln.dueAt')}</dt>
        <dd className={d.overdue ? 'text-bad' : undefined} data-testid="finding-due">
          {d.overdue ? t('vuln.dueAtOverdue', { date: formatDate(d.dueAt) }) : formatDate(d.dueAt)}
        </dd>
        {f.acceptedUntil && (
          <>
            <dt>{t('vuln.acceptedUntil')}</dt>
            <dd>{formatCalendarDate(f.acceptedUntil)}</dd>
          </>
        )}
        {(!d.website || f.cves.length > 0) && (
          <>
            <dt>CVE</dt>
            <dd className="cves">{f.cves.length ? f.cves.join(', ') : '—'}</dd>
          </>
        )}
        {(d.website || f.cwes.length > 0) && (
          <>
            <dt>CWE</dt>
            <dd data-testid="finding-cwes">{f.cwes.length ? <CweLinks cwes={f.cwes} /> : '—'}</dd>
          </>
        )}
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
        <ol className="timeline" data-testid="finding-history">
          {d.history.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; their order is their identity.
            <li key={i}>
              <HistoryLine event={h} />
            </li>
          ))}
        </ol>
      </section>
      {canAct && <RemediationActions key={`${f.id}-${f.status}-${f.requestedStatus}`} detail={d} />}
      {can('incident.report') && (
        <p>
          <a href={incidentFromFindingPath(f.id)} onClick={followLink} data-testid="finding-report-incident">
            {t('vuln.reportIncident')}
          </a>
        </p>
      )}
    </>
  );
}

/** "dd/mm/yyyy hh:mm:ss Phạm Thị Hương — Chuyển trạng thái: Đã khắc phục — “Đã cập nhật bản vá”". */
function HistoryLine({ event: h }: { event: VulnFindingEvent }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const status = h.status ? t(`vuln.status.${h.status}`) : '';
  // A scan event names its file and who imported it; a person's step starts with their name.
  const scan = h.kind === 'firstSeen' || h.kind === 'lastSeen' || h.kind === 'resolved' || h.kind === 'reopened';
  const text =
    h.kind === 'lastSeen' && h.fileName
      ? h.actor
        ? t('vuln.historyEvent.lastSeenImported', { file: h.fileName, actor: h.actor })
        : t('vuln.historyEvent.lastSeenFile', { file: h.fileName })
      : h.kind === 'reopened'
        ? t('vuln.historyEvent.reopened', { count: h.count ?? 0, n: format(h.count ?? 0) })
        : t(`vuln.historyEvent.${h.kind}`, { status });
  return (
    <>
      {h.at && <span className="muted small nowrap">{formatDateTime(h.at)}</span>}{' '}
      {h.actor && !scan && (
        <>
          <strong data-testid="history-actor">{h.actor}</strong>:{' '}
        </>
      )}
      {text}
      {h.acceptedUntil && h.status === 'accepted' && (
        <> ({t('vuln.historyEvent.until', { date: formatCalendarDate(h.acceptedUntil) })})</>
      )}
      {h.reason && <> — “{h.reason}”</>}
    </>
  );
}

/**
 * Where a web finding is: the website (and the address the scanner reached), the page it was found on and the place
 * there (path and parameter). The page is a link only when it is an http(s) address.
 */
function WebsiteFacts({ detail: d }: { detail: VulnFindingDetail }) {
  const { t } = useTranslation();
  const f = d.finding;
  const site = d.website ?? '';
  return (
    <>
      <dt>{t('vuln.subject.websites')}</dt>
      <dd data-testid="finding-website">
        {f.websiteId ? (
          <a href={websiteFindingsPath(f.websiteId, site)} onClick={followLink} className="mono break">
            {siteOrigin(site)}
          </a>
        ) : (
          <span className="mono break">{siteOrigin(site)}</span>
        )}
        {d.ip && <span className="muted small"> ({d.ip})</span>}
      </dd>
      {f.url && (
        <>
          <dt>{t('vuln.url')}</dt>
          <dd className="mono small break" data-testid="finding-url">
            {/^https?:\/\//i.test(f.url) ? (
              <a href={f.url} target="_blank" rel="noopener noreferrer nofollow">
                {f.url}
              </a>
            ) : (
              f.url
            )}
          </dd>
        </>
      )}
      {f.location && (
        <>
          <dt>{t('vuln.location')}</dt>
          <dd className="mono small break" data-testid="finding-location">
            {f.location}
          </dd>
        </>
      )}
    </>
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

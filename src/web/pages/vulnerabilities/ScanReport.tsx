import { useTranslation } from 'react-i18next';
import type { ScanImportReport, ScanIssue, ScanIssueGroup, ScanTimes } from '../../api/schema.gen.ts';
import { formatDateTime, useFormatNumber } from '../../lib/format.ts';

/** How an import's result reads: a success only when everything the file reports was kept. */
export const outcomeTone = (outcome: ScanImportReport['outcome']) =>
  outcome === 'imported' ? 'alert-success' : 'alert-warning';

/**
 * Why an import kept less than the file has: when nothing could be kept, the reason first (findings refused, or no
 * host at all); then every kind of problem once, translated, with how often it occurred and the findings it cost.
 */
export function ImportWarnings({
  report,
}: {
  report: Pick<ScanImportReport, 'outcome' | 'issueGroups' | 'issues' | 'informational' | 'hosts' | 'websites'>;
}) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const refused = report.issueGroups.reduce((n, g) => n + g.findings, 0);
  return (
    <div data-testid="import-warnings">
      {report.outcome === 'nothing' && (
        <p data-testid="import-nothing">
          <strong>
            {refused > 0 ? t('vuln.import.nothingRefused', { n: format(refused) }) : null}
            {refused === 0 && report.hosts + report.websites === 0 ? t('vuln.import.nothingNoHost') : null}
          </strong>
        </p>
      )}
      {report.issueGroups.length > 0 && (
        <>
          {report.outcome !== 'nothing' && <p>{t('vuln.import.issueKinds')}</p>}
          <IssueGroups groups={report.issueGroups} />
          {report.issues.length > 0 && (
            <details>
              <summary>{t('vuln.import.details', { n: format(report.issues.length) })}</summary>
              <IssuesTable issues={report.issues} />
            </details>
          )}
        </>
      )}
      {report.informational > 0 && (
        <p className="muted small">{t('vuln.import.informational', { n: format(report.informational) })}</p>
      )}
    </div>
  );
}

function IssueGroups({ groups }: { groups: ScanIssueGroup[] }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
    <table className="table table-compact" data-testid="issue-groups">
      <thead>
        <tr>
          <th>{t('vuln.import.kind')}</th>
          <th className="num">{t('vuln.import.occurrences')}</th>
          <th className="num">{t('vuln.import.refusedFindings')}</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.code} data-code={g.code}>
            <td>{t(`vuln.import.issueKind.${g.code}`)}</td>
            <td className="num">{format(g.issues)}</td>
            <td className="num">{format(g.findings)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each problem where it is (line:column, element path or CSV row), in the parser's own words. */
export function IssuesTable({ issues }: { issues: ScanIssue[] }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  return (
    <table className="table table-compact">
      <thead>
        <tr>
          <th>{t('vuln.import.line')}</th>
          <th>{t('vuln.import.where')}</th>
          <th>{t('vuln.import.kind')}</th>
          <th>{t('vuln.import.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {issues.map((i, k) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: issues have no id and may repeat.
          <tr key={k}>
            <td className="num nowrap">
              {format(i.line)}
              {i.column ? `:${format(i.column)}` : ''}
            </td>
            <td className="mono small">{i.path}</td>
            <td className="small">{t(`vuln.import.issueKind.${i.code}`)}</td>
            <td className="small">{i.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Which time the import dated the computers and findings with, and what it assumed. */
export function ScanTimesNote({ times }: { times: ScanTimes | null }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  if (!times) return null;
  const from = formatDateTime(times.from);
  const to = formatDateTime(times.to);
  return (
    <div className="small" data-testid="scan-times" data-source={times.source}>
      {times.source === 'file' && (
        <div>
          {from === to ? t('vuln.import.times.file', { from }) : t('vuln.import.times.fileRange', { from, to })}
        </div>
      )}
      {times.source === 'given' && <div>{t('vuln.import.times.given', { at: from })}</div>}
      {times.source === 'upload' && (
        <div className="text-warn" data-testid="scan-times-upload">
          {t('vuln.import.times.upload', { at: from })}
        </div>
      )}
      {times.zoneAssumed && <div className="muted">{t('vuln.import.times.zoneAssumed')}</div>}
      {times.hostsWithoutTime > 0 && (
        <div className="text-warn">
          {t('vuln.import.times.hostsWithoutTime', { n: format(times.hostsWithoutTime) })}
        </div>
      )}
    </div>
  );
}

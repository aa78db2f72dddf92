import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../components/DateInput.tsx';
import { Field } from '../../components/Field.tsx';
import { UploadJobView } from '../../components/UploadJobView.tsx';
import { query } from '../../lib/api.ts';
import { localInputToIso, nowLocalInput } from '../../lib/period.ts';
import { type UploadJob, useUploadQueue } from '../../lib/useUploadQueue.ts';
import type { ScanImportResult } from '../../lib/vuln.ts';

/**
 * Scanner reports, several at once, sent one after another (each import is one transaction on the server, and one
 * at a time keeps a slow link from splitting its bandwidth). Each file gets its own progress and report.
 */
export function ScanUpload({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [scannedAt, setScannedAt] = useState(nowLocalInput);
  const {
    jobs,
    busy,
    start: send,
  } = useUploadQueue<ScanImportResult>(
    (file) => `/api/vulnerabilities/scans${query({ fileName: file.name, scannedAt: localInputToIso(scannedAt) })}`,
  );

  async function start(e: FormEvent) {
    e.preventDefault();
    await send(files);
    onImported();
  }

  return (
    <section className="panel" data-testid="scan-upload">
      <h2>{t('vuln.import.scanTitle')}</h2>
      <p className="muted small">{t('vuln.import.scanHint')}</p>
      <form onSubmit={start} className="form-row">
        <Field label={t('vuln.import.files')}>
          <input
            type="file"
            multiple
            required
            accept=".nessus,.xml,.csv"
            data-testid="scan-files"
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </Field>
        <Field label={t('vuln.import.scannedAt')} hint={t('vuln.import.scannedAtHint')}>
          <DateInput withTime required value={scannedAt} onChange={setScannedAt} data-testid="scan-scanned-at" />
        </Field>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || files.length === 0}
          data-testid="scan-submit"
        >
          {busy ? t('common.working') : t('vuln.import.start')}
        </button>
      </form>
      {jobs.map((job, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the same file may be picked twice; the position is its identity.
        <JobReport key={i} job={job} />
      ))}
    </section>
  );
}

function JobReport({ job }: { job: UploadJob<ScanImportResult> }) {
  const { t } = useTranslation();
  const r = job.result;
  return (
    <UploadJobView job={job} stateLabel={(state) => t(`vuln.import.state.${state}`)} testId="scan-job">
      {r && (
        <div
          className={`alert ${r.duplicate ? 'alert-info' : r.issues.length ? 'alert-warning' : 'alert-success'}`}
          data-testid="scan-result"
        >
          {r.duplicate ? (
            <strong>{t('vuln.import.duplicate')}</strong>
          ) : (
            <dl className="result-figures">
              {(['hosts', 'findings', 'opened', 'reopened', 'resolved', 'unattributedHosts'] as const).map((k) => (
                <div key={k} data-testid={`result-${k}`}>
                  <dt>{t(`vuln.import.result.${k}`)}</dt>
                  <dd>{r[k]}</dd>
                </div>
              ))}
              <div>
                <dt>{t('vuln.import.format')}</dt>
                <dd className="mono small">{r.format}</dd>
              </div>
            </dl>
          )}
          {r.issues.length > 0 && <IssuesTable issues={r.issues} />}
        </div>
      )}
    </UploadJobView>
  );
}

export function IssuesTable({ issues }: { issues: ScanImportResult['issues'] }) {
  const { t } = useTranslation();
  return (
    <table className="table table-compact">
      <thead>
        <tr>
          <th>{t('vuln.import.line')}</th>
          <th>{t('vuln.import.where')}</th>
          <th>{t('vuln.import.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {issues.map((i, k) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: issues have no id and may repeat.
          <tr key={k}>
            <td className="num">
              {i.line ?? '—'}
              {i.column ? `:${i.column}` : ''}
            </td>
            <td className="mono small">{i.path ?? i.code ?? ''}</td>
            <td>{i.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

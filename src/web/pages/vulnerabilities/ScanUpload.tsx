import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { query, uploadFile } from '../../lib/api.ts';
import { localInputToIso, nowLocalInput } from '../../lib/period.ts';
import type { ScanImportResult } from '../../lib/vuln.ts';

type Job = {
  file: File;
  state: 'waiting' | 'uploading' | 'processing' | 'done' | 'failed';
  progress: number;
  result?: ScanImportResult;
  error?: unknown;
};

const MB = 1024 * 1024;
const size = (bytes: number) => (bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`);

/**
 * Scanner reports, several at once, sent one after another (each import is one transaction on the server, and one
 * at a time keeps a slow link from splitting its bandwidth). Each file gets its own progress and report.
 */
export function ScanUpload({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [scannedAt, setScannedAt] = useState(nowLocalInput);
  const [jobs, setJobs] = useState<Job[]>([]);
  const busy = jobs.some((j) => j.state === 'waiting' || j.state === 'uploading' || j.state === 'processing');

  async function start(e: FormEvent) {
    e.preventDefault();
    const queue: Job[] = files.map((file) => ({ file, state: 'waiting', progress: 0 }));
    setJobs(queue);
    const update = (i: number, patch: Partial<Job>) =>
      setJobs((js) => js.map((j, k) => (k === i ? { ...j, ...patch } : j)));
    for (const [i, job] of queue.entries()) {
      update(i, { state: 'uploading' });
      try {
        const result = await uploadFile<ScanImportResult>(
          `/api/vulnerabilities/scans${query({ fileName: job.file.name, scannedAt: localInputToIso(scannedAt) })}`,
          job.file,
          {
            onProgress: (progress) => update(i, { progress }),
            onUploaded: () => update(i, { state: 'processing', progress: 1 }),
          },
        );
        update(i, { state: 'done', result });
      } catch (error) {
        update(i, { state: 'failed', error });
      }
    }
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

function JobReport({ job }: { job: Job }) {
  const { t } = useTranslation();
  const r = job.result;
  return (
    <div className={`job job-${job.state}`} data-testid="scan-job">
      <div className="job-head">
        <strong>{job.file.name}</strong> <span className="muted small">{size(job.file.size)}</span>
        <span className="job-state">{t(`vuln.import.state.${job.state}`)}</span>
      </div>
      {job.state === 'uploading' && <ProgressBar value={job.progress} label={t('vuln.import.state.uploading')} />}
      {job.state === 'processing' && <ProgressBar value={null} label={t('vuln.import.state.processing')} />}
      {job.state === 'failed' && <ErrorMessage error={job.error} />}
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
    </div>
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

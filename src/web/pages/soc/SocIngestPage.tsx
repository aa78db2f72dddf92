import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { UploadJobView } from '../../components/UploadJobView.tsx';
import { api, query, uploadFile } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { type UploadJob, useUploadQueue } from '../../lib/useUploadQueue.ts';
import { type Ingest, type IntelImportResult, type IntelSource, LOG_FORMATS, type LogIngestResult } from './soc.ts';

/** Nạp dữ liệu: network logs through the detection engine, threat-intelligence feeds, and what was ingested lately. */
export function SocIngestPage() {
  const { t } = useTranslation();
  const ingests = useLoad(() => api<Ingest[]>('GET', '/api/soc/ingests'), []);
  return (
    <>
      <h1>{t('soc.ingest.title')}</h1>
      <IntelFeeds />
      <LogUpload onIngested={ingests.reload} />
      <section className="panel panel-flush" data-testid="soc-ingests">
        <h2 className="panel-title">{t('soc.ingest.recent')}</h2>
        <ErrorMessage error={ingests.error} />
        <table className="table">
          <thead>
            <tr>
              <th>{t('soc.detail.source')}</th>
              <th>{t('soc.ingest.format')}</th>
              <th>{t('soc.ingest.startedAt')}</th>
              <th>{t('soc.ingest.finishedAt')}</th>
              <th className="num">{t('soc.ingest.result.events')}</th>
              <th className="num">{t('soc.ingest.result.rejected')}</th>
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={ingests.data?.length === 0} colSpan={6}>
              {t('soc.ingest.noIngests')}
            </EmptyRow>
            {ingests.data?.map((i) => (
              <tr key={i.id}>
                <td className="break">{i.source}</td>
                <td className="mono small">{i.format ?? '—'}</td>
                <td className="nowrap">{formatDateTime(i.startedAt)}</td>
                <td className="nowrap">
                  {i.finishedAt ? (
                    formatDateTime(i.finishedAt)
                  ) : (
                    <span className="badge badge-good">{t('soc.ingest.running')}</span>
                  )}
                </td>
                <td className="num">{i.events}</td>
                <td
                  className={`num${i.rejected ? ' text-bad' : ''}`}
                  title={i.errors
                    .slice(0, 5)
                    .map((e) => `${e.line}: ${e.reason}`)
                    .join('\n')}
                >
                  {i.rejected}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/**
 * Log files, several at once, sent one after another (each is analysed in one transaction on the server). Each file
 * gets its own progress bar and its result: what was read, what was found, the rejected lines by number.
 */
function LogUpload({ onIngested }: { onIngested: () => void }) {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [format, setFormat] = useState<string>('auto');
  const {
    jobs,
    busy,
    start: send,
  } = useUploadQueue<LogIngestResult>((file) => `/api/soc/logs${query({ fileName: file.name, format })}`);

  async function start(e: FormEvent) {
    e.preventDefault();
    await send(files);
    onIngested();
  }

  return (
    <section className="panel" data-testid="soc-log-upload">
      <h2>{t('soc.ingest.logTitle')}</h2>
      <p className="muted small">{t('soc.ingest.logHint')}</p>
      <form onSubmit={start} className="form-row">
        <Field label={t('soc.ingest.files')}>
          <input
            type="file"
            multiple
            required
            data-testid="soc-log-files"
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </Field>
        <Field label={t('soc.ingest.format')}>
          <select value={format} onChange={(e) => setFormat(e.target.value)} data-testid="soc-log-format">
            {LOG_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f === 'auto' ? t('soc.ingest.formatAuto') : f}
              </option>
            ))}
          </select>
        </Field>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || files.length === 0}
          data-testid="soc-log-submit"
        >
          {busy ? t('common.working') : t('soc.ingest.start')}
        </button>
      </form>
      {jobs.map((job, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the same file may be picked twice; the position is its identity.
        <LogJob key={i} job={job} />
      ))}
    </section>
  );
}

function LogJob({ job }: { job: UploadJob<LogIngestResult> }) {
  const { t } = useTranslation();
  const r = job.result;
  return (
    <UploadJobView job={job} stateLabel={(state) => t(`soc.ingest.state.${state}`)} testId="soc-log-job">
      {r && (
        <div
          className={`alert ${r.duplicate ? 'alert-info' : r.rejected ? 'alert-warning' : 'alert-success'}`}
          data-testid="soc-log-result"
        >
          {r.duplicate ? (
            <strong>{t('soc.ingest.duplicate', { events: r.events })}</strong>
          ) : (
            <dl className="result-figures">
              {(['events', 'rejected', 'scanners', 'maliciousContacts'] as const).map((k) => (
                <div key={k} data-testid={`soc-result-${k}`}>
                  <dt>{t(`soc.ingest.result.${k}`)}</dt>
                  <dd>{r[k]}</dd>
                </div>
              ))}
              <div>
                <dt>{t('soc.ingest.format')}</dt>
                <dd className="mono small">{r.format ?? '—'}</dd>
              </div>
            </dl>
          )}
          {r.errors.length > 0 && (
            <>
              <LineErrors errors={r.errors} testId="soc-log-errors" />
              {r.rejected > r.errors.length && (
                <p className="muted small">
                  {t('soc.ingest.moreErrors', { shown: r.errors.length, total: r.rejected })}
                </p>
              )}
            </>
          )}
        </div>
      )}
    </UploadJobView>
  );
}

function LineErrors({ errors, testId }: { errors: { line: number; reason: string }[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <table className="table table-compact" data-testid={testId}>
      <thead>
        <tr>
          <th className="num">{t('soc.ingest.line')}</th>
          <th>{t('soc.ingest.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e) => (
          <tr key={`${e.line}:${e.reason}`}>
            <td className="num">{e.line}</td>
            <td>{e.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Threat-intelligence feeds: load one under a source name (re-loading updates it), list them, delete one. */
function IntelFeeds() {
  const { t } = useTranslation();
  const sources = useLoad(() => api<IntelSource[]>('GET', '/api/soc/intel'), []);
  const [source, setSource] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<(IntelImportResult & { source: string }) | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    setProgress(0);
    try {
      const name = source.trim();
      const r = await uploadFile<IntelImportResult>(`/api/soc/intel${query({ source: name })}`, file, {
        onProgress: setProgress,
        onUploaded: () => setProgress(null),
      });
      setResult({ ...r, source: name });
      sources.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove(name: string) {
    if (!window.confirm(t('soc.ingest.deleteConfirm', { source: name }))) return;
    setError(null);
    try {
      await api('DELETE', `/api/soc/intel/${encodeURIComponent(name)}`);
      sources.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="panel" data-testid="soc-intel">
      <h2>{t('soc.ingest.intelTitle')}</h2>
      <p className="muted small">{t('soc.ingest.intelHint')}</p>
      <form onSubmit={upload} className="form-row">
        <Field label={t('soc.ingest.source')}>
          <input
            required
            maxLength={200}
            value={source}
            onChange={(e) => setSource(e.target.value)}
            data-testid="soc-intel-source"
          />
        </Field>
        <Field label={t('soc.ingest.intelFile')}>
          <input
            type="file"
            required
            accept=".txt,.csv,.json,.list,text/plain,application/json"
            data-testid="soc-intel-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || !file} data-testid="soc-intel-submit">
          {busy ? t('common.working') : t('soc.ingest.intelUpload')}
        </button>
      </form>
      {busy && (
        <ProgressBar value={progress} label={t(`soc.ingest.state.${progress === null ? 'processing' : 'uploading'}`)} />
      )}
      <ErrorMessage error={error ?? sources.error} />
      {result && (
        <div
          className={`alert ${result.rejected.length ? 'alert-warning' : 'alert-success'}`}
          data-testid="soc-intel-result"
        >
          {t('soc.ingest.intelDone', result)}
          {result.rejected.length > 0 && (
            <>
              <div className="alert-detail">{t('soc.ingest.intelRejected', { count: result.rejected.length })}</div>
              <LineErrors errors={result.rejected} testId="soc-intel-errors" />
            </>
          )}
        </div>
      )}
      <h3>{t('soc.ingest.sources')}</h3>
      <table className="table table-compact" data-testid="soc-intel-sources">
        <thead>
          <tr>
            <th>{t('soc.ingest.source')}</th>
            <th className="num">{t('soc.ingest.indicators')}</th>
            <th className="num">{t('soc.ingest.ips')}</th>
            <th className="num">{t('soc.ingest.domains')}</th>
            <th className="num">{t('soc.ingest.urls')}</th>
            <th>{t('soc.ingest.updatedAt')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <EmptyRow show={sources.data?.length === 0} colSpan={7}>
            {t('soc.ingest.noSources')}
          </EmptyRow>
          {sources.data?.map((s) => (
            <tr key={s.source}>
              <td className="break">{s.source}</td>
              <td className="num">{s.indicators}</td>
              <td className="num">{s.ips}</td>
              <td className="num">{s.domains}</td>
              <td className="num">{s.urls}</td>
              <td className="nowrap">{formatDateTime(s.updatedAt)}</td>
              <td className="cell-actions">
                <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(s.source)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZSocIntelImportQuery, ZSocLogUploadQuery } from '../../../modules/soc/soc.input.ts';
import { $api } from '../../api/client.ts';
import {
  type SocIngestReport,
  type SocIntelImportReport,
  type SocLineError,
  type SocLogFormat,
  socLogFormatValues,
} from '../../api/schema.gen.ts';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { UploadJobView } from '../../components/UploadJobView.tsx';
import { uploadFile } from '../../lib/api.ts';
import { formatDateTime, useFormatNumber } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { type UploadJob, useUploadQueue } from '../../lib/useUploadQueue.ts';
import { groupLineErrors, useInvalidateSoc } from './socUi.ts';

/** Nạp dữ liệu: network logs through the detection engine, threat-intelligence feeds, and what was ingested lately. */
export function SocIngestPage() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('soc.ingest.title')}</h1>
      <IntelFeeds />
      <LogUpload />
      <RecentIngests />
    </>
  );
}

function RecentIngests() {
  const { t } = useTranslation();
  const fmt = useFormatNumber();
  const ingests = $api.useQuery('get', '/api/soc/ingests');
  return (
    <section className="panel panel-flush" data-testid="soc-ingests">
      <h2 className="panel-title">{t('soc.ingest.recent')}</h2>
      <ErrorMessage error={ingests.error} />
      <TableScroll label={t('soc.ingest.recent')}>
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
                <td className="num">{fmt(i.events)}</td>
                <td
                  className={`num${i.rejected ? ' text-bad' : ''}`}
                  title={groupLineErrors(i.errors)
                    .map((g) => `${t(`soc.ingest.lineKind.${g.kind}`)}: ${g.lines.map((e) => fmt(e.line)).join(', ')}`)
                    .join('\n')}
                >
                  {fmt(i.rejected)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

const LogOptions = ZSocLogUploadQuery.pick({ format: true });

/**
 * Log files, several at once, sent one after another (each is analysed in one transaction on the server). Each file
 * gets its own progress bar and its result: what was read, what was found, the rejected lines grouped by problem.
 */
function LogUpload() {
  const { t } = useTranslation();
  const invalidate = useInvalidateSoc();
  const [files, setFiles] = useState<File[]>([]);
  const form = useZodForm(LogOptions, { defaultValues: { format: 'auto' } });
  const format: SocLogFormat = form.watch('format') ?? 'auto';
  const {
    jobs,
    busy,
    start: send,
  } = useUploadQueue<SocIngestReport>(
    (file) => `/api/soc/logs?${new URLSearchParams({ fileName: file.name, format }).toString()}`,
  );

  const start = form.handleSubmit(async () => {
    await send(files);
    // New findings change the lists, the figures and the ingest history.
    await invalidate('/api/soc/ingests', '/api/soc/findings', '/api/soc/findings/{id}', '/api/soc/summary');
  });

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
          <select data-testid="soc-log-format" {...form.register('format')}>
            {socLogFormatValues.map((f) => (
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

function LogJob({ job }: { job: UploadJob<SocIngestReport> }) {
  const { t } = useTranslation();
  const fmt = useFormatNumber();
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
                  <dd>{fmt(r[k])}</dd>
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

const LINES_SHOWN = 10;

/**
 * Rejected lines grouped by the kind of problem, translated; each group lists its line numbers (the parser's own
 * words, which name the field, on hover).
 */
function LineErrors({ errors, testId }: { errors: SocLineError[]; testId: string }) {
  const { t } = useTranslation();
  const fmt = useFormatNumber();
  return (
    <table className="table table-compact" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('soc.ingest.lineKindColumn')}</th>
          <th className="num">{t('soc.ingest.lineCount')}</th>
          <th>{t('soc.ingest.lines')}</th>
        </tr>
      </thead>
      <tbody>
        {groupLineErrors(errors).map(({ kind, lines }) => (
          <tr key={kind} data-testid={`soc-line-kind-${kind}`}>
            <td title={[...new Set(lines.map((e) => e.reason))].slice(0, 5).join('\n')}>
              {t(`soc.ingest.lineKind.${kind}`)}
            </td>
            <td className="num">{fmt(lines.length)}</td>
            <td className="small" data-testid="soc-line-numbers">
              {lines
                .slice(0, LINES_SHOWN)
                .map((e) => fmt(e.line))
                .join(', ')}
              {lines.length > LINES_SHOWN && ` ${t('soc.ingest.moreLines', { count: lines.length - LINES_SHOWN })}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Threat-intelligence feeds: load one under a source name (re-loading updates it), list them, delete one. */
function IntelFeeds() {
  const { t } = useTranslation();
  const fmt = useFormatNumber();
  const invalidate = useInvalidateSoc();
  const sources = $api.useQuery('get', '/api/soc/intel');
  const remove = $api.useMutation('delete', '/api/soc/intel/{source}', {
    onSuccess: () => invalidate('/api/soc/intel'),
  });
  const form = useZodForm(ZSocIntelImportQuery, { defaultValues: { source: '' } });
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<(SocIntelImportReport & { source: string }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = form.formState.isSubmitting;

  const upload = form.handleSubmit(async ({ source }) => {
    if (!file) return;
    setError(null);
    setResult(null);
    setProgress(0);
    try {
      const r = await uploadFile<SocIntelImportReport>(
        `/api/soc/intel?${new URLSearchParams({ source }).toString()}`,
        file,
        { onProgress: setProgress, onUploaded: () => setProgress(null) },
      );
      setResult({ ...r, source });
      await invalidate('/api/soc/intel');
    } catch (err) {
      if (!applyServerErrors(form, err)) setError(err);
    }
  });

  async function removeSource(name: string) {
    if (!window.confirm(t('soc.ingest.deleteConfirm', { source: name }))) return;
    setError(null);
    try {
      await remove.mutateAsync({ params: { path: { source: name } } });
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="panel" data-testid="soc-intel">
      <h2>{t('soc.ingest.intelTitle')}</h2>
      <p className="muted small">{t('soc.ingest.intelHint')}</p>
      <form onSubmit={upload} className="form-row" noValidate>
        <Field
          label={t('soc.ingest.source')}
          hint={t('soc.ingest.sourceHint')}
          error={form.formState.errors.source?.message}
        >
          <input maxLength={200} data-testid="soc-intel-source" {...form.register('source')} />
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
              <td className="num">{fmt(s.indicators)}</td>
              <td className="num">{fmt(s.ips)}</td>
              <td className="num">{fmt(s.domains)}</td>
              <td className="num">{fmt(s.urls)}</td>
              <td className="nowrap">{formatDateTime(s.updatedAt)}</td>
              <td className="cell-actions">
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  disabled={remove.isPending}
                  onClick={() => void removeSource(s.source)}
                >
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

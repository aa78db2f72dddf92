import './vuln.css';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScanImportReport } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { Field } from '../../components/Field.tsx';
import { UploadJobView } from '../../components/UploadJobView.tsx';
import { useFormatNumber } from '../../lib/format.ts';
import { localInputToIso } from '../../lib/period.ts';
import { query } from '../../lib/router.ts';
import { type UploadJob, useUploadQueue } from '../../lib/useUploadQueue.ts';
import { ImportWarnings, outcomeTone, ScanTimesNote } from './ScanReport.tsx';
import { useInvalidateVulnerabilities } from './vulnUi.ts';

/**
 * Scanner reports, several at once, sent one after another (each import is one transaction on the server, and one
 * at a time keeps a slow link from splitting its bandwidth). Each file gets its own progress and report. Each host
 * is dated by the scan time its file writes; the optional time replaces those (a file with a wrong or no time).
 */
export function ScanUpload() {
  const { t } = useTranslation();
  const invalidate = useInvalidateVulnerabilities();
  const [files, setFiles] = useState<File[]>([]);
  const [scannedAt, setScannedAt] = useState('');
  const {
    jobs,
    busy,
    start: send,
  } = useUploadQueue<ScanImportReport>(
    (file) =>
      `/api/vulnerabilities/scans${query({
        fileName: file.name,
        scannedAt: scannedAt ? localInputToIso(scannedAt) : undefined,
      })}`,
  );

  async function start(e: FormEvent) {
    e.preventDefault();
    await send(files);
    await invalidate();
  }

  return (
    <section className="panel" data-testid="scan-upload">
      <h2>{t('vuln.import.scanTitle')}</h2>
      <ReadFormats />
      <p className="muted small">{t('vuln.import.scanHint')}</p>
      <form onSubmit={start} className="form-row">
        <Field label={t('vuln.import.files')}>
          <input
            type="file"
            multiple
            required
            accept=".nessus,.xml,.csv,.json,.jsonl"
            data-testid="scan-files"
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </Field>
        <Field label={t('vuln.import.scannedAtOptional')} hint={t('vuln.import.scannedAtOverrideHint')}>
          {(aria) => (
            <DateInput {...aria} withTime value={scannedAt} onChange={setScannedAt} data-testid="scan-scanned-at" />
          )}
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

/** One file's import: a success only when everything was kept; otherwise why not, grouped and translated. */
export function JobReport({ job }: { job: UploadJob<ScanImportReport> }) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const r = job.result;
  const warning = !!r && !r.duplicate && r.outcome !== 'imported';
  return (
    <UploadJobView
      job={job}
      warning={warning}
      stateLabel={(state) =>
        state === 'done' && r && !r.duplicate ? t(`vuln.import.outcome.${r.outcome}`) : t(`vuln.import.state.${state}`)
      }
      testId="scan-job"
    >
      {r && (
        <div
          className={`alert ${r.duplicate ? 'alert-info' : outcomeTone(r.outcome)}`}
          data-testid="scan-result"
          data-outcome={r.outcome}
        >
          {r.duplicate ? (
            <strong>{t('vuln.import.duplicate')}</strong>
          ) : (
            <dl className="result-figures">
              {resultFigures(r).map((k) => (
                <div key={k} data-testid={`result-${k}`}>
                  <dt>{t(`vuln.import.result.${k}`)}</dt>
                  <dd>{format(r[k])}</dd>
                </div>
              ))}
              <div>
                <dt>{t('vuln.import.format')}</dt>
                <dd className="mono small">{r.format}</dd>
              </div>
            </dl>
          )}
          {/* A file none of whose hosts or websites could be kept dated nothing. */}
          {r.hosts + r.websites > 0 && <ScanTimesNote times={r.scanTimes} />}
          <ImportWarnings report={r} />
        </div>
      )}
    </UploadJobView>
  );
}

type ResultKey = keyof ScanImportReport &
  (
    | 'hosts'
    | 'websites'
    | 'findings'
    | 'opened'
    | 'reopened'
    | 'resolved'
    | 'unattributedHosts'
    | 'unattributedWebsites'
  );

/** A host scanner's report counts computers, a web scanner's websites (a report with both shows both). */
function resultFigures(r: ScanImportReport): ResultKey[] {
  const web = r.websites > 0;
  const hosts = r.hosts > 0 || !web;
  const subjects: ResultKey[] = [...(hosts ? (['hosts'] as const) : []), ...(web ? (['websites'] as const) : [])];
  const unattributed: ResultKey[] = [
    ...(hosts ? (['unattributedHosts'] as const) : []),
    ...(web ? (['unattributedWebsites'] as const) : []),
  ];
  return [...subjects, 'findings', 'opened', 'reopened', 'resolved', ...unattributed];
}

/** Which reports the importer reads, by what they find vulnerabilities on; the format is told from the content. */
function ReadFormats() {
  const { t } = useTranslation();
  return (
    <dl className="read-formats small" data-testid="read-formats">
      <dt>{t('vuln.import.formats.computers')}</dt>
      <dd>{t('vuln.import.formats.computerTools')}</dd>
      <dt>{t('vuln.import.formats.websites')}</dt>
      <dd>{t('vuln.import.formats.websiteTools')}</dd>
    </dl>
  );
}

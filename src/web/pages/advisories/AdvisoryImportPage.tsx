import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdvisoryImportReport } from '../../api/schema.gen.ts';
import { Field } from '../../components/Field.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { UploadJobView } from '../../components/UploadJobView.tsx';
import { KevBadge, SeverityBadge } from '../../components/VulnBadges.tsx';
import { formatNumber } from '../../lib/format.ts';
import { followLink, query } from '../../lib/router.ts';
import { type UploadJob, useUploadQueue } from '../../lib/useUploadQueue.ts';
import { ADVISORIES_PATH, advisoryPath, refreshAdvisories } from './ui.ts';
import './advisories.css';

/**
 * Nhập tệp cảnh báo: CSAF 2.0 advisories (a vendor's or CISA's feed) and CVE JSON 5 records, several at once, the
 * format read from each file. A preview (dry run) shows what a file says and whom it would concern, storing nothing;
 * an import stores a draft (or updates one to a newer revision) to review before publishing.
 */
export function AdvisoryImportPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<File[]>([]);
  const [dryRun, setDryRun] = useState(false);
  const { jobs, busy, start } = useUploadQueue<AdvisoryImportReport>(
    (file) => `/api/advisories/import${query({ fileName: file.name, dryRun: dryRun ? 'true' : undefined })}`,
  );
  async function submit(e: FormEvent) {
    e.preventDefault();
    await start(files);
    await refreshAdvisories(queryClient);
  }
  return (
    <>
      <p className="small">
        <a href={ADVISORIES_PATH} onClick={followLink}>
          ← {t('nav.advisories')}
        </a>
      </p>
      <h1>{t('nav.advisoryImport')}</h1>
      <section className="panel" data-testid="advisory-upload">
        <p className="muted small">{t('advisories.importHint')}</p>
        <form onSubmit={submit} className="form-row">
          <Field label={t('advisories.files')}>
            <input
              type="file"
              multiple
              required
              accept=".json,application/json"
              onChange={(e) => setFiles([...(e.target.files ?? [])])}
              data-testid="advisory-files"
            />
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={dryRun}
              onChange={(e) => setDryRun(e.target.checked)}
              data-testid="advisory-dry-run"
            />
            {t('advisories.dryRun')}
          </label>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || files.length === 0}
            data-testid="advisory-import-submit"
          >
            {busy ? t('common.working') : t(dryRun ? 'advisories.preview' : 'advisories.startImport')}
          </button>
        </form>
      </section>
      {jobs.map((job, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the same file may be picked twice; the position is its identity.
        <ImportJob key={i} job={job} />
      ))}
    </>
  );
}

/** One file's import: what it says (products, ranges, CVEs) and whom it concerns, with a link to the draft. */
export function ImportJob({ job }: { job: UploadJob<AdvisoryImportReport> }) {
  const { t, i18n } = useTranslation();
  const r = job.result;
  const a = r?.advisory;
  return (
    <UploadJobView
      job={job}
      testId="advisory-job"
      stateLabel={(state) =>
        state === 'done' && r
          ? t(`advisories.outcome.${r.dryRun ? 'preview' : r.outcome}`)
          : t(`vuln.import.state.${state}`)
      }
    >
      {r && a && (
        <div className="import-result" data-testid="advisory-import-result" data-outcome={r.outcome}>
          <p>
            <SeverityBadge severity={a.severity} /> {a.knownExploited.length > 0 && <KevBadge />}{' '}
            {a.id && !r.dryRun ? (
              <a href={advisoryPath(a.id)} onClick={followLink} data-testid="advisory-import-link">
                {a.title}
              </a>
            ) : (
              <strong>{a.title}</strong>
            )}
          </p>
          <p className="muted small">
            {t(`advisories.sources.${r.format}`)} · {[a.sourceBody, a.sourceNumber].filter(Boolean).join(' ')} ·{' '}
            {t('advisories.revision', { r: a.revision })} · <span className="mono">{a.cves.join(', ')}</span>
          </p>
          <p data-testid="advisory-import-orgs">
            {r.targetedOrganisations.length
              ? t('advisories.targetedOrganisations', {
                  n: formatNumber(r.targetedOrganisations.length, i18n.language),
                  names: r.targetedOrganisations
                    .map((o) => `${o.name} (${formatNumber(o.targets, i18n.language)})`)
                    .join(', '),
                })
              : t('advisories.noTargetedOrganisations')}
            {r.unattributedTargets > 0 && ` ${t('advisories.unattributedTargets', { n: r.unattributedTargets })}`}
          </p>
          <TableScroll label={t('advisories.productsLabel')}>
            <table className="table table-compact advisory-wide-table">
              <thead>
                <tr>
                  <th>{t('advisories.product')}</th>
                  <th>{t('advisories.versions')}</th>
                  <th>{t('advisories.productStatus')}</th>
                </tr>
              </thead>
              <tbody>
                {a.products.map((p, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: products are listed in the document's order.
                  <tr key={i} data-testid="imported-product">
                    <td>
                      {[p.vendor, p.product].filter(Boolean).join(' ')}
                      {p.cpe && <div className="mono small muted break">{p.cpe}</div>}
                    </td>
                    <td className="mono small">{p.range}</td>
                    <td>{t(`advisories.productStatuses.${p.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </div>
      )}
    </UploadJobView>
  );
}

import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrganisationImportReport } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { uploadFile } from '../../lib/api.ts';
import { formatNumber } from '../../lib/format.ts';
import { useInvalidateOrganisations } from './OrgForm.tsx';
import { rowMessage } from './rowErrors.ts';

/** Import (CSV/XLSX, upsert by code) and export buttons, with the per-row report of the last import. */
export function OrgImport() {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [report, setReport] = useState<OrganisationImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const n = (v: number) => formatNumber(v, i18n.language);
  const invalidateOrganisations = useInvalidateOrganisations();

  async function upload(file: File) {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await uploadFile<OrganisationImportReport>('/api/organisations/import', file));
      await invalidateOrganisations();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="actions">
        <button type="button" className="btn" disabled={busy} onClick={() => input.current?.click()}>
          {busy ? t('common.working') : t('organisations.import')}
        </button>
        <input
          ref={input}
          type="file"
          hidden
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void upload(file);
          }}
          data-testid="org-import-file"
        />
        <a className="btn" href="/api/organisations/export?format=xlsx" download>
          {t('organisations.exportXlsx')}
        </a>
        <a className="btn" href="/api/organisations/export?format=csv" download>
          {t('organisations.exportCsv')}
        </a>
      </div>
      <ErrorMessage error={error} />
      {report && (
        <ImportReportView
          report={{
            ...report,
            errors: report.errors.map((e) => ({ ...e, message: rowMessage(t, i18n, e) })),
          }}
          texts={{
            title: t('organisations.importReport'),
            counts: (c) =>
              t('organisations.importCounts', {
                created: n(c.created),
                updated: n(c.updated),
                unchanged: n(c.unchanged),
                errors: n(c.errors),
              }),
            row: t('organisations.row'),
            column: t('organisations.column'),
            problem: t('organisations.problem'),
            close: t('common.close'),
          }}
          onClose={() => setReport(null)}
        />
      )}
    </>
  );
}

import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrganisationImportReport } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { uploadFile } from '../../lib/api.ts';
import { formatNumber } from '../../lib/format.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';
import { useInvalidateOrganisations } from './OrgForm.tsx';

/** Import (CSV/XLSX, upsert by code) and export buttons, with the per-row report of the last import. */
export function OrgImport() {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const n = (v: number) => formatNumber(v, i18n.language);
  const invalidateOrganisations = useInvalidateOrganisations();
  const {
    result: report,
    clear,
    error,
    busy,
    choose,
  } = useFileUpload(
    (file) => uploadFile<OrganisationImportReport>('/api/organisations/import', file),
    invalidateOrganisations,
  );

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
          onChange={(e) => void choose(e)}
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
          report={report}
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
          onClose={clear}
        />
      )}
    </>
  );
}

import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { api } from '../../lib/api.ts';
import type { ImportReport } from '../../lib/types.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';

/** Import (CSV/XLSX, upsert by code) and export buttons, with the per-row report of the last import. */
export function OrgImport({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const {
    result: report,
    clear,
    error,
    busy,
    choose: upload,
  } = useFileUpload((file) => api<ImportReport>('POST', '/api/organisations/import', file), onImported);

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
          onChange={upload}
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
            counts: (c) => t('organisations.importCounts', c),
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

import { type ChangeEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import type { ImportReport } from '../../lib/types.ts';

/** Import (CSV/XLSX, upsert by code) and export buttons, with the per-row report of the last import. */
export function OrgImport({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function upload(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await api<ImportReport>('POST', '/api/organisations/import', file));
      onImported();
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
        <section
          className={`alert ${report.errors.length ? 'alert-warning' : 'alert-success'}`}
          data-testid="import-report"
        >
          <strong>{t('organisations.importReport')}</strong>
          <div>
            {t('organisations.importCounts', {
              created: report.created,
              updated: report.updated,
              unchanged: report.unchanged,
              errors: report.errors.length,
            })}
          </div>
          {report.errors.length > 0 && (
            <table className="table table-compact">
              <thead>
                <tr>
                  <th>{t('organisations.row')}</th>
                  <th>{t('organisations.column')}</th>
                  <th>{t('organisations.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((er) => (
                  <tr key={`${er.row}-${er.column}-${er.message}`}>
                    <td className="num">{er.row}</td>
                    <td>{er.column ?? '—'}</td>
                    <td>{er.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button type="button" className="btn btn-quiet btn-small" onClick={() => setReport(null)}>
            {t('common.close')}
          </button>
        </section>
      )}
    </>
  );
}

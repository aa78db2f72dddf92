import { type ChangeEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import type { ImportReport } from '../../lib/types.ts';

const FORMATS = ['xlsx', 'csv', 'json'] as const;

/**
 * Export for the national level platform (XLSX/CSV/JSON), the import template, and import with the row-numbered
 * report of what was refused (docs/national-platform-export.md).
 */
export function SystemImport({ canImport, onImported }: { canImport: boolean; onImported: () => void }) {
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
      // JSON goes as JSON (an array); spreadsheets as the raw file.
      const body = file.name.toLowerCase().endsWith('.json') ? (JSON.parse(await file.text()) as object) : file;
      setReport(await api<ImportReport>('POST', '/api/systems/import', body));
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" data-testid="systems-io">
      <div className="io-row">
        <span className="io-label">{t('systems.io.export')}</span>
        {FORMATS.map((f) => (
          <a key={f} className="btn btn-small" href={`/api/systems/export?format=${f}`} download>
            {f.toUpperCase()}
          </a>
        ))}
        <span className="muted small">{t('systems.io.exportHint')}</span>
      </div>
      {canImport && (
        <div className="io-row">
          <span className="io-label">{t('systems.io.import')}</span>
          <a className="btn btn-small" href="/api/systems/template?format=xlsx" download>
            {t('systems.io.templateXlsx')}
          </a>
          <a className="btn btn-small" href="/api/systems/template?format=csv" download>
            {t('systems.io.templateCsv')}
          </a>
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={busy}
            onClick={() => input.current?.click()}
          >
            {busy ? t('common.working') : t('systems.io.upload')}
          </button>
          <input
            ref={input}
            type="file"
            hidden
            accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={upload}
            data-testid="systems-import-file"
          />
        </div>
      )}
      <ErrorMessage error={error} />
      {report && (
        <div
          className={`alert ${report.errors.length ? 'alert-warning' : 'alert-success'}`}
          data-testid="import-report"
        >
          <strong>{t('systems.io.report')}</strong>
          <div>
            {t('systems.io.counts', {
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
                  <th>{t('systems.io.row')}</th>
                  <th>{t('systems.io.column')}</th>
                  <th>{t('systems.io.problem')}</th>
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
        </div>
      )}
    </section>
  );
}

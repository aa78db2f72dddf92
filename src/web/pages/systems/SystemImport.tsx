import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { api } from '../../lib/api.ts';
import type { ImportReport } from '../../lib/types.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';

const FORMATS = ['xlsx', 'csv', 'json'] as const;

/**
 * Export for the national level platform (XLSX/CSV/JSON), the import template, and import with the row-numbered
 * report of what was refused (docs/national-platform-export.md).
 */
export function SystemImport({ canImport, onImported }: { canImport: boolean; onImported: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const {
    result: report,
    clear,
    error,
    busy,
    choose: upload,
  } = useFileUpload(async (file) => {
    // JSON goes as JSON (an array); spreadsheets as the raw file.
    const body = file.name.toLowerCase().endsWith('.json') ? (JSON.parse(await file.text()) as object) : file;
    return api<ImportReport>('POST', '/api/systems/import', body);
  }, onImported);

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
        <ImportReportView
          report={report}
          texts={{
            title: t('systems.io.report'),
            counts: (c) => t('systems.io.counts', c),
            row: t('systems.io.row'),
            column: t('systems.io.column'),
            problem: t('systems.io.problem'),
            close: t('common.close'),
          }}
          onClose={clear}
        />
      )}
    </section>
  );
}

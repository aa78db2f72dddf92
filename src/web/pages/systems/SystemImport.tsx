import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SystemImportReport } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { uploadFile } from '../../lib/api.ts';

import { numbers } from './ui.ts';

const FORMATS = ['xlsx', 'csv', 'json'] as const;

/**
 * Export for the national level platform (XLSX/CSV/JSON), the import template, and import with the row-numbered
 * report of what was refused (docs/national-platform-export.md).
 */
export function SystemImport({ canImport, onImported }: { canImport: boolean; onImported: () => void }) {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  // The file goes as it is (XLSX, CSV, or a JSON array): the server tells them apart by their first bytes.
  const upload = useMutation({
    mutationFn: (file: File) => uploadFile<SystemImportReport>('/api/systems/import', file),
    onSuccess: onImported,
  });
  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) upload.mutate(file);
  };
  const report = upload.data;

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
            disabled={upload.isPending}
            onClick={() => input.current?.click()}
          >
            {upload.isPending ? t('common.working') : t('systems.io.upload')}
          </button>
          <input
            ref={input}
            type="file"
            hidden
            accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={choose}
            data-testid="systems-import-file"
          />
        </div>
      )}
      <ErrorMessage error={upload.error} />
      {report && (
        <ImportReportView
          report={report}
          texts={{
            title: t('systems.io.report'),
            counts: (c) => t('systems.io.counts', numbers(c, i18n.language)),
            row: t('systems.io.row'),
            column: t('systems.io.column'),
            problem: t('systems.io.problem'),
            close: t('common.close'),
          }}
          onClose={upload.reset}
        />
      )}
    </section>
  );
}

import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteImportReport } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { uploadFile } from '../../lib/api.ts';
import { importCounts } from './ui.tsx';

/** Upload a CSV/XLSX file to `path` and show what was kept and which rows were refused, by row and column. */
export function SiteImport({
  path,
  hint,
  testId,
  onImported,
}: {
  path: string;
  hint: string;
  testId: string;
  onImported: () => void;
}) {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: (file: File) => uploadFile<SiteImportReport>(path, file),
    onSuccess: onImported,
  });
  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) upload.mutate(file);
  };
  return (
    <section className="panel" data-testid={testId}>
      <div className="io-row">
        <span className="io-label">{t('sites.import')}</span>
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={upload.isPending}
          onClick={() => input.current?.click()}
        >
          {upload.isPending ? t('common.working') : t('sites.upload')}
        </button>
        <span className="muted small">{hint}</span>
        <input
          ref={input}
          type="file"
          hidden
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={choose}
          data-testid={`${testId}-file`}
        />
      </div>
      <ErrorMessage error={upload.error} />
      {upload.data && (
        <ImportReportView
          report={upload.data}
          texts={{
            title: t('sites.importReport'),
            counts: (c) => t('sites.importCounts', importCounts(c, i18n.language)),
            row: t('sites.row'),
            column: t('sites.column'),
            problem: t('sites.problem'),
            close: t('common.close'),
          }}
          onClose={upload.reset}
        />
      )}
    </section>
  );
}

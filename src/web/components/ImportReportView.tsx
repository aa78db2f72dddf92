import type { i18n as I18n, TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { OrganisationImportReport, SystemImportReport } from '../api/schema.gen.ts';
import { localParams } from '../lib/format.ts';

export type ImportReportTexts = {
  title: string;
  counts: (counts: { created: number; updated: number; unchanged: number; errors: number }) => string;
  row: string;
  column: string;
  problem: string;
  close: string;
};

/** What an import of rows answers (organisations, information systems): the same counts and refused rows. */
type ImportReport = OrganisationImportReport | SystemImportReport;
type RowError = ImportReport['errors'][number] & { key?: string; params?: Record<string, string | number> };

/** A refused row's problem in the reader's language when the server gave its key, else as the server wrote it. */
export const rowMessage = (t: TFunction, i18n: I18n, e: Pick<RowError, 'key' | 'params' | 'message'>) =>
  e.key && i18n.exists(`errors.${e.key}`) ? t(`errors.${e.key}`, localParams(e.params, i18n.language)) : e.message;

/**
 * What an import did: the counts, then each refused row by number with the column and the problem (translated when
 * the server names it by a key).
 */
export function ImportReportView({
  report,
  texts,
  onClose,
}: {
  report: ImportReport;
  texts: ImportReportTexts;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <section
      className={`alert ${report.errors.length ? 'alert-warning' : 'alert-success'}`}
      data-testid="import-report"
    >
      <strong>{texts.title}</strong>
      <div>
        {texts.counts({
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
              <th>{texts.row}</th>
              <th>{texts.column}</th>
              <th>{texts.problem}</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((er: RowError) => (
              <tr key={`${er.row}-${er.column}-${er.message}`}>
                <td className="num">{er.row}</td>
                <td>{er.column ?? '—'}</td>
                <td>{rowMessage(t, i18n, er)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" className="btn btn-quiet btn-small" onClick={onClose}>
        {texts.close}
      </button>
    </section>
  );
}

import type { ImportReport } from '../lib/types.ts';

export type ImportReportTexts = {
  title: string;
  counts: (counts: { created: number; updated: number; unchanged: number; errors: number }) => string;
  row: string;
  column: string;
  problem: string;
  close: string;
};

/** What an import did: the counts, then each refused row by number with the column and the problem. */
export function ImportReportView({
  report,
  texts,
  onClose,
}: {
  report: ImportReport;
  texts: ImportReportTexts;
  onClose: () => void;
}) {
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
      <button type="button" className="btn btn-quiet btn-small" onClick={onClose}>
        {texts.close}
      </button>
    </section>
  );
}

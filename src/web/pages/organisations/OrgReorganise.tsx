import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReorganisationReport } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { rowMessage } from '../../components/ImportReportView.tsx';
import { uploadFile } from '../../lib/api.ts';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { useInvalidateOrganisations } from './OrgForm.tsx';

/**
 * A reorganisation (merger, rename, abolition) from a file: the file is first checked and previewed — what closes,
 * what opens, what rolls up to a successor, which accounts an administrator must place — and applied only when the
 * officer confirms, in one step on the server (all or nothing).
 */
export function OrgReorganise() {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ReorganisationReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const n = (v: number) => formatNumber(v, i18n.language);
  const invalidateOrganisations = useInvalidateOrganisations();

  async function send(f: File, dryRun: boolean) {
    setBusy(true);
    setError(null);
    try {
      const r = await uploadFile<ReorganisationReport>(`/api/organisations/reorganise?dryRun=${dryRun}`, f);
      setReport(r);
      if (r.applied) {
        setFile(null);
        await invalidateOrganisations();
      }
    } catch (err) {
      // Refused whole (a file that cannot be read, an effective date that is not a day): nothing was changed.
      setReport(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="btn" disabled={busy} onClick={() => input.current?.click()}>
        {t('organisations.reorganise.choose')}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          setFile(f);
          void send(f, true);
        }}
        data-testid="org-reorganise-file"
      />
      <ErrorMessage error={error} />
      {report && (
        <section className="panel" data-testid="org-reorganise-report">
          <div className="panel-head">
            <h2>
              {t('organisations.reorganise.title', {
                date: report.effective ? formatCalendarDate(report.effective) : '—',
              })}
            </h2>
            <button type="button" className="btn btn-small" onClick={() => setReport(null)}>
              {t('common.close')}
            </button>
          </div>
          <p data-testid="org-reorganise-state">
            {report.alreadyApplied
              ? t('organisations.reorganise.alreadyApplied')
              : report.applied
                ? t('organisations.reorganise.applied')
                : report.errors.length
                  ? t('organisations.reorganise.refused')
                  : t('organisations.reorganise.preview')}
          </p>
          <dl className="facts">
            <dt>{t('organisations.reorganise.created')}</dt>
            <dd>{n(report.created.length)}</dd>
            <dt>{t('organisations.reorganise.closed')}</dt>
            <dd>{n(report.closed.length)}</dd>
            <dt>{t('organisations.reorganise.moves')}</dt>
            <dd>
              {t('organisations.reorganise.movesText', {
                ranges: n(report.moves.ipRanges),
                systems: n(report.moves.systems),
                computers: n(report.moves.computers),
                soc: n(report.moves.socFindings),
              })}
            </dd>
          </dl>
          {report.accountsToReview.length > 0 && (
            <>
              <h3>{t('organisations.reorganise.accounts')}</h3>
              <ul className="plain">
                {report.accountsToReview.map((a) => (
                  <li key={a.username}>
                    {a.displayName} (<code>{a.username}</code>, {a.organisationCode})
                  </li>
                ))}
              </ul>
            </>
          )}
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
                {report.errors.map((e) => (
                  <tr key={`${e.row}-${e.column}-${e.message}`}>
                    <td className="num">{n(e.row)}</td>
                    <td>{e.column ?? ''}</td>
                    <td>{rowMessage(t, i18n, e)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.closed.length > 0 && (
            <details>
              <summary>{t('organisations.reorganise.closedList')}</summary>
              <ul className="plain small">
                {report.closed.map((c) => (
                  <li key={c.code}>
                    <code>{c.code}</code> {c.name} →{' '}
                    {c.successorCode
                      ? `${c.successorName ?? ''} (${c.successorCode})`
                      : t('organisations.reorganise.noSuccessor')}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {file && !report.applied && !report.alreadyApplied && report.errors.length === 0 && (
            <div className="actions">
              <button
                type="button"
                className="btn btn-primary"
                disabled={busy}
                onClick={() => void send(file, false)}
                data-testid="org-reorganise-apply"
              >
                {t('organisations.reorganise.apply')}
              </button>
            </div>
          )}
        </section>
      )}
    </>
  );
}

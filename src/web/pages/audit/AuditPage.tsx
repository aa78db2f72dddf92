import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { AuditEntry, AuditVerification } from '../../lib/types.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { AuditDiff } from './AuditDiff.tsx';

const PAGE_SIZE = 50;

export function AuditPage() {
  const { t } = useTranslation();
  // Other pages link here with ?entityType=…&entityId=… to show one record's history.
  const [filter, setFilter] = useState(() => {
    const q = new URLSearchParams(location.search);
    return { entityType: q.get('entityType') ?? '', entityId: q.get('entityId') ?? '' };
  });
  // Newest first; each older page starts below the last seq of the page before it.
  const [cursors, setCursors] = useState<number[]>([]);
  const beforeSeq = cursors.at(-1);
  const [open, setOpen] = useState<number | null>(null);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);

  const entries = useLoad(() => {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (beforeSeq) q.set('beforeSeq', String(beforeSeq));
    if (filter.entityType) q.set('entityType', filter.entityType);
    if (filter.entityId) q.set('entityId', filter.entityId);
    return api<AuditEntry[]>('GET', `/api/audit?${q}`);
  }, [beforeSeq, filter.entityType, filter.entityId]);
  const rows = entries.data ?? [];
  const last = rows.at(-1);

  async function verify() {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerification(await api<AuditVerification>('GET', '/api/audit/verify'));
    } catch (err) {
      setVerifyError(err);
    } finally {
      setVerifying(false);
    }
  }

  const changeFilter = (k: keyof typeof filter) => (e: { target: { value: string } }) => {
    setFilter((f) => ({ ...f, [k]: e.target.value.trim() }));
    setCursors([]);
  };

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.audit')}</h1>
        <button
          type="button"
          className="btn btn-primary"
          onClick={verify}
          disabled={verifying}
          data-testid="audit-verify"
        >
          {verifying ? t('common.working') : t('audit.verify')}
        </button>
      </div>
      {verification &&
        (verification.ok ? (
          <div className="alert alert-success" role="status" data-testid="audit-intact">
            <strong>{t('audit.intact')}</strong>
            <div className="alert-detail">{t('audit.intactDetail', { count: verification.entries })}</div>
          </div>
        ) : (
          <div className="alert alert-error" role="alert" data-testid="audit-tampered">
            <strong>{t('audit.tampered', { seq: verification.brokenAt?.seq })}</strong>
            <div className="alert-detail">{t(`audit.reason.${verification.brokenAt?.reason}`)}</div>
          </div>
        ))}
      <ErrorMessage error={verifyError ?? entries.error} />
      <div className="filters">
        <label className="field field-inline">
          <span className="field-label">{t('audit.entityType')}</span>
          <input value={filter.entityType} onChange={changeFilter('entityType')} placeholder="organisation, user…" />
        </label>
        <label className="field field-inline">
          <span className="field-label">{t('audit.entityId')}</span>
          <input value={filter.entityId} onChange={changeFilter('entityId')} className="mono" />
        </label>
      </div>
      <div className="panel panel-flush">
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>{t('audit.at')}</th>
              <th>{t('audit.actor')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.entity')}</th>
              <th>{t('audit.ip')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Fragment key={r.seq}>
                <tr className={open === r.seq ? 'row-open' : undefined}>
                  <td className="num">{r.seq}</td>
                  <td className="nowrap">{formatDateTime(r.at)}</td>
                  <td>{r.actorName}</td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>
                    {r.entityType}
                    {r.entityId && <div className="muted mono small">{r.entityId}</div>}
                  </td>
                  <td className="mono">{r.ip ?? '—'}</td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={open === r.seq}
                      onClick={() => setOpen(open === r.seq ? null : r.seq)}
                    >
                      {t('audit.details')}
                    </button>
                  </td>
                </tr>
                {open === r.seq && (
                  <tr className="row-detail">
                    <td colSpan={7}>
                      <AuditDiff before={r.before} after={r.after} />
                      <div className="muted mono small">
                        {t('audit.hash')}: {r.hash}
                      </div>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
            <EmptyRow show={!!entries.data && rows.length === 0} colSpan={7}>
              {t('audit.empty')}
            </EmptyRow>
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button
          type="button"
          className="btn"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          ← {t('audit.newer')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={rows.length < PAGE_SIZE || !last}
          onClick={() => last && setCursors((c) => [...c, last.seq])}
        >
          {t('audit.older')} →
        </button>
      </div>
    </>
  );
}

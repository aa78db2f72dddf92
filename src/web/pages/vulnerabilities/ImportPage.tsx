import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { SeverityBadge } from '../../components/VulnBadges.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useCan } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';
import { useLoad } from '../../lib/useLoad.ts';
import type { RemediationPolicy, ScanImport } from '../../lib/vuln.ts';
import { ScanUpload } from './ScanUpload.tsx';

/** Nhập báo cáo quét: scanner reports, the KEV catalogue, and (for admins) the remediation deadlines. */
export function ImportPage() {
  const { t } = useTranslation();
  const can = useCan();
  const scans = useLoad(() => api<ScanImport[]>('GET', '/api/vulnerabilities/scans'), []);
  return (
    <>
      <h1>{t('nav.vulnImport')}</h1>
      <ScanUpload onImported={scans.reload} />
      <section className="panel panel-flush" data-testid="recent-scans">
        <h2 className="panel-title">{t('vuln.import.recent')}</h2>
        <ErrorMessage error={scans.error} />
        <table className="table">
          <thead>
            <tr>
              <th>{t('vuln.import.file')}</th>
              <th>{t('vuln.import.format')}</th>
              <th>{t('vuln.import.scannedAt')}</th>
              <th>{t('vuln.import.importedAt')}</th>
              <th className="num">{t('vuln.import.result.hosts')}</th>
              <th className="num">{t('vuln.import.result.findings')}</th>
              <th className="num">{t('vuln.import.issues')}</th>
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={scans.data?.length === 0} colSpan={7}>
              {t('vuln.import.noScans')}
            </EmptyRow>
            {scans.data?.map((s) => (
              <tr key={s.id}>
                <td className="break">{s.fileName}</td>
                <td className="mono small">{s.format}</td>
                <td className="nowrap">{formatDateTime(s.scannedAt)}</td>
                <td className="nowrap">{formatDateTime(s.importedAt)}</td>
                <td className="num">{s.hosts}</td>
                <td className="num">{s.findings}</td>
                <td className="num">{s.issues.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="two-col">
        <KevUpload />
        {can('vuln.policy') && <PolicyForm />}
      </div>
    </>
  );
}

/** The CISA KEV catalogue file (known_exploited_vulnerabilities.json) the SOC downloads; flags known-exploited CVEs. */
function KevUpload() {
  const { t } = useTranslation();
  const {
    result,
    error,
    busy,
    choose: upload,
  } = useFileUpload(async (file) => {
    let body: object;
    try {
      body = JSON.parse(await file.text()) as object;
    } catch {
      throw new ApiError(400, 'VALIDATION', t('vuln.kev.notJson', { name: file.name }));
    }
    return api<{ catalogueEntries: number; newlyFlaggedFindings: number }>('POST', '/api/vulnerabilities/kev', body);
  });

  return (
    <section className="panel" data-testid="kev-upload">
      <h2>{t('vuln.kev.title')}</h2>
      <p className="muted small">{t('vuln.kev.hint')}</p>
      <Field label={t('vuln.kev.file')}>
        <input type="file" accept=".json,application/json" disabled={busy} onChange={upload} />
      </Field>
      {busy && <p className="muted">{t('common.working')}</p>}
      <ErrorMessage error={error} />
      {result && (
        <div className="alert alert-success">
          {t('vuln.kev.done', { entries: result.catalogueEntries, flagged: result.newlyFlaggedFindings })}
        </div>
      )}
    </section>
  );
}

const POLICY_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** Remediation deadlines (days from first sighting) per severity; due dates and "overdue" follow from them. */
export function PolicyForm() {
  const { t } = useTranslation();
  const policy = useLoad(() => api<RemediationPolicy>('GET', '/api/vulnerabilities/policy'), []);
  const [days, setDays] = useState<Record<string, string>>({});
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (policy.data) setDays(Object.fromEntries(POLICY_SEVERITIES.map((s) => [s, String(policy.data?.[s] ?? '')])));
  }, [policy.data]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    await run(async () => {
      await api(
        'PUT',
        '/api/vulnerabilities/policy',
        Object.fromEntries(POLICY_SEVERITIES.map((s) => [s, Number(days[s])])),
      );
      setSaved(true);
      policy.reload();
    });
  }

  return (
    <form className="panel" onSubmit={save} data-testid="policy-form">
      <h2>{t('vuln.policy.title')}</h2>
      <p className="muted small">{t('vuln.policy.hint')}</p>
      <ErrorMessage error={policy.error ?? error} />
      {saved && <div className="alert alert-success">{t('vuln.policy.saved')}</div>}
      <div className="policy-grid">
        {POLICY_SEVERITIES.map((s) => (
          <label key={s} className="policy-row">
            <SeverityBadge severity={s} />
            <input
              type="number"
              min={1}
              max={3650}
              required
              value={days[s] ?? ''}
              onChange={(e) => setDays((d) => ({ ...d, [s]: e.target.value }))}
              aria-label={t(`vuln.severity.${s}`)}
            />
            <span className="muted">{t('vuln.policy.days')}</span>
          </label>
        ))}
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !policy.data}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** Thời hạn khắc phục: the policy form on its own, for the Department (who does not import scans). */
export function PolicyPage() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('nav.vulnPolicy')}</h1>
      <div className="narrow">
        <PolicyForm />
      </div>
    </>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZPolicyInput } from '../../../modules/vulnerabilities/vulnerabilities.input.ts';
import { $api } from '../../api/client.ts';
import { ApiError } from '../../api/errors.ts';
import type { Scan } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field, useFieldMessage } from '../../components/Field.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { SeverityBadge } from '../../components/VulnBadges.tsx';
import { formatCalendarDate, formatDateTime, useFormatNumber } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { useCan } from '../../lib/session.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';
import { ImportWarnings, ScanTimesNote } from './ScanReport.tsx';
import { ScanUpload } from './ScanUpload.tsx';
import { useInvalidateVulnerabilities } from './vulnUi.ts';

/** Nhập báo cáo quét: scanner reports, the KEV catalogue, and (for admins) the remediation deadlines. */
export function ImportPage() {
  const { t } = useTranslation();
  const can = useCan();
  return (
    <>
      <h1>{t('nav.vulnImport')}</h1>
      <ScanUpload />
      <RecentScans />
      <div className="two-col">
        <KevUpload />
        {can('vuln.policy') && <PolicyForm />}
      </div>
    </>
  );
}

/** The latest imports: when each scan ran (and how that was known), what each import did, and who imported it. */
function RecentScans() {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const scans = $api.useQuery('get', '/api/vulnerabilities/scans');
  return (
    <section className="panel panel-flush" data-testid="recent-scans">
      <h2 className="panel-title">{t('vuln.import.recent')}</h2>
      <ErrorMessage error={scans.error} />
      <TableScroll label={t('vuln.import.recent')}>
        <table className="table">
          <thead>
            <tr>
              <th>{t('vuln.import.file')}</th>
              <th>{t('vuln.import.format')}</th>
              <th>{t('vuln.import.scannedAt')}</th>
              <th>{t('vuln.import.importedAt')}</th>
              <th className="num">{t('vuln.import.result.hosts')}</th>
              <th className="num">{t('vuln.import.result.websites')}</th>
              <th className="num">{t('vuln.import.result.findings')}</th>
              <th>{t('vuln.import.outcomeColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {scans.data?.length === 0 && (
              <tr>
                <td colSpan={8} className="muted" data-testid="no-scans">
                  {t('vuln.import.noScans')}
                </td>
              </tr>
            )}
            {scans.data?.map((s) => (
              <ScanRow key={s.id} scan={s} format={format} />
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function ScanRow({ scan: s, format }: { scan: Scan; format: (n: number) => string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  // A file none of whose hosts or websites could be kept dated nothing.
  const dated = s.hosts + s.websites > 0;
  const warn = s.outcome !== 'imported' || (dated && s.scanTimes?.source === 'upload');
  return (
    <>
      <tr data-outcome={s.outcome}>
        <td className="break">{s.fileName}</td>
        <td className="mono small">{s.format}</td>
        <td className="nowrap">
          {dated ? formatDateTime(s.scannedAt) : '—'}
          {s.scanTimes && dated && (
            <div className="muted small">{t(`vuln.import.timeSource.${s.scanTimes.source}`)}</div>
          )}
        </td>
        <td className="nowrap">
          {formatDateTime(s.importedAt)}
          {s.importedBy && <div className="muted small">{s.importedBy}</div>}
        </td>
        <td className="num">{format(s.hosts)}</td>
        <td className="num">{format(s.websites)}</td>
        <td className="num">{format(s.findings)}</td>
        <td>
          <span className={`badge ${s.outcome === 'imported' ? 'badge-good' : 'badge-warn'}`}>
            {t(`vuln.import.outcome.${s.outcome}`)}
          </span>
          {warn && (
            <div>
              <button type="button" className="link small" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
                {t('vuln.details')}
              </button>
            </div>
          )}
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={8}>
            {dated && <ScanTimesNote times={s.scanTimes} />}
            <ImportWarnings report={s} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The CISA KEV catalogue file (known_exploited_vulnerabilities.json) the SOC downloads; flags known-exploited CVEs. */
function KevUpload() {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const can = useCan();
  const invalidate = useInvalidateVulnerabilities();
  const catalogue = $api.useQuery('get', '/api/vulnerabilities/kev');
  const load = $api.useMutation('post', '/api/vulnerabilities/kev');
  const {
    result,
    error,
    busy,
    choose: upload,
  } = useFileUpload(async (file) => {
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      throw new ApiError(
        400,
        'VALIDATION',
        t('errors.vuln.kevNotJson', { name: file.name }),
        undefined,
        undefined,
        'vuln.kevNotJson',
        {
          name: file.name,
        },
      );
    }
    const answer = await load.mutateAsync({ body });
    await invalidate();
    return answer;
  });
  const c = catalogue.data;

  return (
    <section className="panel" data-testid="kev-upload">
      <h2>{t('vuln.kev.title')}</h2>
      <p className="muted small">{t('vuln.kev.hint')}</p>
      {c && (
        <p className={c.entries ? 'small' : 'small text-warn'} data-testid="kev-status">
          {c.entries
            ? t('vuln.kev.loaded', {
                entries: format(c.entries),
                newest: formatCalendarDate(c.newestEntry),
                at: formatDateTime(c.loadedAt),
                flagged: format(c.knownExploitedFindings),
              })
            : t('vuln.kev.notLoaded')}
        </p>
      )}
      {can('vuln.import') && (
        <Field label={t('vuln.kev.file')}>
          <input type="file" accept=".json,application/json" disabled={busy} onChange={upload} />
        </Field>
      )}
      {busy && <p className="muted">{t('common.working')}</p>}
      <ErrorMessage error={error ?? catalogue.error} />
      {result && (
        <div className="alert alert-success">
          {t('vuln.kev.done', {
            entries: format(result.catalogueEntries),
            flagged: format(result.newlyFlaggedFindings),
          })}
        </div>
      )}
    </section>
  );
}

const POLICY_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/**
 * Remediation deadlines (days from first sighting) per severity; due dates and "overdue" followLink from them. Validated
 * by the server's own body schema; what the server refuses lands on its field.
 */
export function PolicyForm() {
  const { t } = useTranslation();
  const message = useFieldMessage();
  const invalidate = useInvalidateVulnerabilities();
  const policy = $api.useQuery('get', '/api/vulnerabilities/policy');
  const save = $api.useMutation('put', '/api/vulnerabilities/policy');
  const form = useZodForm(ZPolicyInput, { defaultValues: {} });
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const { reset } = form;
  useEffect(() => {
    if (policy.data) reset(Object.fromEntries(POLICY_SEVERITIES.map((s) => [s, policy.data[s]])));
  }, [policy.data, reset]);
  const submit = form.handleSubmit(async (body) => {
    setSaved(false);
    setFailure(null);
    try {
      await save.mutateAsync({ body });
      await invalidate();
      setSaved(true);
    } catch (e) {
      if (!applyServerErrors(form, e)) setFailure(e);
    }
  });

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="policy-form">
      <h2>{t('vuln.policy.title')}</h2>
      <p className="muted small">{t('vuln.policy.hint')}</p>
      <ErrorMessage error={policy.error ?? failure} />
      {saved && <div className="alert alert-success">{t('vuln.policy.saved')}</div>}
      <div className="policy-grid">
        {POLICY_SEVERITIES.map((s) => (
          <Field
            key={s}
            label={
              <>
                <SeverityBadge severity={s} /> <span className="muted">({t('vuln.policy.days')})</span>
              </>
            }
            error={message(form.formState.errors[s]?.message)}
            testId={`policy-${s}`}
          >
            <input type="number" min={1} max={3650} step={1} {...form.register(s, { valueAsNumber: true })} />
          </Field>
        ))}
      </div>
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={form.formState.isSubmitting || !policy.data}
          data-testid="policy-save"
        >
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

import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionForm } from '../../components/ActionForm.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { api } from '../../lib/api.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { useSession } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { decidesStatus, type FindingRow, type FindingStatus, mayReopen } from '../../lib/vuln.ts';

type Change = 'fixed' | 'accepted' | 'false_positive' | 'open';
// Accepted risk and false positive must be justified (the server asks for ≥ 5 characters).
const NEEDS_REASON: Change[] = ['accepted', 'false_positive'];

/**
 * What the signed-in role may do with a finding: an agency marks it fixed or asks for accepted risk / false positive;
 * the Department (accepted risk) and the SOC (false positive) decide those requests or set the status themselves;
 * the SOC reopens.
 */
export function RemediationActions({ row, onChanged }: { row: FindingRow; onChanged: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const role = me.role;
  const f = row.finding;
  const [mode, setMode] = useState<Change | null>(null);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const { error, busy, run } = useAction();

  async function send(path: 'status' | 'decision', body: object) {
    await run(async () => {
      await api('POST', `/api/vulnerabilities/findings/${f.id}/${path}`, body);
      setMode(null);
      setReason('');
      setUntil('');
      onChanged();
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!mode) return;
    const note = reason.trim() || undefined;
    void send(
      'status',
      mode === 'accepted' ? { status: mode, reason: note, acceptedUntil: until } : { status: mode, reason: note },
    );
  }

  const label = (status: FindingStatus) =>
    t(decidesStatus(role, status) ? `vuln.action.set.${status}` : `vuln.action.request.${status}`);
  const pending = f.requestedStatus;
  const choices: Change[] = [];
  if (f.status === 'open' && !pending) choices.push('fixed', 'accepted', 'false_positive');
  if (f.status !== 'open' && mayReopen(role)) choices.push('open');

  return (
    <section className="remediation" data-testid="remediation">
      <h3>{t('vuln.remediation')}</h3>
      <ErrorMessage error={error} />
      {pending && (
        <div className="alert alert-warning">
          {t('vuln.pendingRequest', { status: t(`vuln.status.${pending}`) })}
          {f.statusReason && <div className="alert-detail">“{f.statusReason}”</div>}
          {pending === 'accepted' && f.acceptedUntil && (
            <div className="alert-detail">
              {t('vuln.acceptedUntilValue', { date: formatCalendarDate(f.acceptedUntil) })}
            </div>
          )}
          {decidesStatus(role, pending) ? (
            <div className="actions actions-tight">
              <button
                type="button"
                className="btn btn-primary btn-small"
                disabled={busy}
                onClick={() => void send('decision', { approve: true })}
              >
                {t('vuln.approve')}
              </button>
              <button
                type="button"
                className="btn btn-danger btn-small"
                disabled={busy}
                onClick={() => void send('decision', { approve: false })}
              >
                {t('vuln.reject')}
              </button>
            </div>
          ) : (
            <div className="alert-detail">{t(`vuln.awaiting.${pending === 'accepted' ? 'department' : 'soc'}`)}</div>
          )}
        </div>
      )}
      {f.status === 'fixed' && <p className="muted small">{t('vuln.fixedHint')}</p>}
      {choices.length > 0 && !mode && (
        <div className="actions">
          {choices.map((c) => (
            <button
              key={c}
              type="button"
              className={`btn btn-small${c === 'fixed' ? ' btn-primary' : ''}`}
              onClick={() => setMode(c)}
              data-testid={`action-${c}`}
            >
              {c === 'fixed' || c === 'open' ? t(`vuln.action.${c}`) : label(c)}
            </button>
          ))}
        </div>
      )}
      {mode && (
        <ActionForm
          title={mode === 'fixed' || mode === 'open' ? t(`vuln.action.${mode}`) : label(mode)}
          noteLabel={t(NEEDS_REASON.includes(mode) ? 'vuln.reason' : 'vuln.note')}
          noteRequired={NEEDS_REASON.includes(mode)}
          note={reason}
          onNote={setReason}
          submitLabel={t('vuln.confirm')}
          busy={busy}
          onSubmit={submit}
          onCancel={() => setMode(null)}
          testIdPrefix="remediation"
        >
          {mode === 'accepted' && (
            <Field label={t('vuln.acceptedUntil')} hint={t('vuln.acceptedUntilHint')}>
              <DateInput required value={until} onChange={setUntil} />
            </Field>
          )}
        </ActionForm>
      )}
    </section>
  );
}

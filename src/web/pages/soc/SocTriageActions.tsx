import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionForm } from '../../components/ActionForm.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { useAction } from '../../lib/useAction.ts';
import type { SocFinding, SocTriage } from './soc.ts';

// A false positive leaves the period figures, so it must say why.
const NEEDS_NOTE: SocTriage[] = ['false_positive'];

/** The SOC's (and admins') decision on a finding: confirm, false positive with a reason, escalate, or back to new. */
export function SocTriageActions({ finding, onChanged }: { finding: SocFinding; onChanged: () => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<SocTriage | null>(null);
  const [note, setNote] = useState('');
  const { error, busy, run } = useAction();
  const choices: SocTriage[] =
    finding.status === 'new'
      ? ['confirmed', 'false_positive', 'escalated']
      : ['new', 'confirmed', 'false_positive', 'escalated'];

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!mode) return;
    await run(async () => {
      await api('POST', `/api/soc/findings/${finding.id}/triage`, { status: mode, note: note.trim() || undefined });
      setMode(null);
      setNote('');
      onChanged();
    });
  }

  return (
    <section className="remediation" data-testid="soc-triage-actions">
      <h3>{t('soc.action.title')}</h3>
      <ErrorMessage error={error} />
      {!mode && (
        <div className="actions">
          {choices
            .filter((c) => c !== finding.status)
            .map((c) => (
              <button
                key={c}
                type="button"
                className={`btn btn-small${c === 'confirmed' ? ' btn-primary' : c === 'escalated' ? ' btn-danger' : ''}`}
                onClick={() => setMode(c)}
                data-testid={`triage-${c}`}
              >
                {t(`soc.action.${c}`)}
              </button>
            ))}
        </div>
      )}
      {mode && (
        <ActionForm
          title={t(`soc.action.${mode}`)}
          noteLabel={t(NEEDS_NOTE.includes(mode) ? 'soc.action.reason' : 'soc.action.note')}
          noteRequired={NEEDS_NOTE.includes(mode)}
          note={note}
          onNote={setNote}
          submitLabel={t('soc.action.save')}
          busy={busy}
          onSubmit={submit}
          onCancel={() => setMode(null)}
          testIdPrefix="triage"
        />
      )}
    </section>
  );
}

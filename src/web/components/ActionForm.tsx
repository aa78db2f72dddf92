import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from './Field.tsx';

/**
 * The form a chosen action opens: its name, a note (required, ≥ 5 characters, when the action must be justified),
 * any further fields, then confirm and cancel.
 */
export function ActionForm({
  title,
  noteLabel,
  noteRequired,
  note,
  onNote,
  submitLabel,
  busy,
  onSubmit,
  onCancel,
  testIdPrefix,
  children,
}: {
  title: string;
  noteLabel: string;
  noteRequired: boolean;
  note: string;
  onNote: (note: string) => void;
  submitLabel: string;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
  onCancel: () => void;
  /** The form is `<prefix>-form` to tests, its submit button `<prefix>-submit`. */
  testIdPrefix: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <form onSubmit={onSubmit} className="remediation-form" data-testid={`${testIdPrefix}-form`}>
      <strong>{title}</strong>
      <Field label={noteLabel}>
        <textarea
          rows={3}
          required={noteRequired}
          minLength={noteRequired ? 5 : undefined}
          maxLength={2000}
          value={note}
          onChange={(e) => onNote(e.target.value)}
        />
      </Field>
      {children}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid={`${testIdPrefix}-submit`}>
          {busy ? t('common.working') : submitLabel}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { localParams } from '../lib/format.ts';

export type MessageParams = Record<string, string | number>;

/**
 * A message in the reader's language: a key (from the shared zod schema or the server) is `errors.<key>` with its
 * values written as the reader writes them (numbers with separators, days as dd/mm/yyyy); any other text as it is.
 */
export function useFieldMessage() {
  const { t, i18n } = useTranslation();
  return (message: string | undefined, params?: MessageParams): string | undefined =>
    message && i18n.exists(`errors.${message}`)
      ? t(`errors.${message}`, localParams(params, i18n.language))
      : message || undefined;
}

/** The first message among a field's errors, nested ones included (hosts → hosts.3.address). */
export function firstMessage(error: unknown): string | undefined {
  if (typeof error === 'string') return error || undefined;
  if (!error || typeof error !== 'object') return undefined;
  const own = (error as { message?: unknown }).message;
  if (typeof own === 'string' && own) return own;
  for (const [k, v] of Object.entries(error)) {
    if (k === 'ref' || k === 'type' || k === 'types') continue;
    const found = firstMessage(v);
    if (found) return found;
  }
  return undefined;
}

type ControlProps = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean };

/**
 * A labelled form control with its hint and, when refused, why (translated): label, hint and error are tied to the
 * control by id (accessible name, description, invalid state). `error` is the form library's error for the field (a
 * message key or a text, nested errors included); `children` is the control, or a function given those props (for a
 * control rendered by a react-hook-form Controller).
 */
export function Field({
  label,
  hint,
  error,
  testId,
  hideLabel = false,
  children,
}: {
  label: ReactNode;
  hint?: string;
  error?: unknown;
  testId?: string;
  /** The label is read by screen readers only (a control whose column header already says what it is). */
  hideLabel?: boolean;
  children: ReactElement<Partial<ControlProps>> | ((props: ControlProps) => ReactNode);
}) {
  const id = useId();
  const message = useFieldMessage()(firstMessage(error));
  const described = [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const props: ControlProps = { id, 'aria-describedby': described, 'aria-invalid': message ? true : undefined };
  return (
    <div className={`field${message ? ' field-invalid' : ''}`} data-testid={testId}>
      <label className={hideLabel ? 'sr-only' : 'field-label'} htmlFor={id}>
        {label}
      </label>
      {typeof children === 'function' ? children(props) : cloneElement(children, props)}
      {hint && (
        <small className="field-hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
      {message && (
        <small className="field-error" id={`${id}-error`} role="alert" data-testid="field-error">
          {message}
        </small>
      )}
    </div>
  );
}

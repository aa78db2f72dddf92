import { useEffect, useState } from 'react';
import { parseDisplayDate, toDisplayDate } from '../lib/period.ts';

type Props = {
  /** yyyy-mm-dd, or yyyy-mm-ddTHH:mm with `withTime`; '' when empty. */
  value: string;
  onChange: (value: string) => void;
  /**
   * Called with the typed text while it is not a real date (31/02/2025, 2025-13-01, "abc"), so a form can say
   * "invalid date" rather than "missing"; without it such text is only marked invalid and `onChange` is not called.
   */
  onInvalid?: (text: string) => void;
  onBlur?: () => void;
  withTime?: boolean;
  required?: boolean;
  id?: string;
  name?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'data-testid'?: string;
};

/**
 * A date typed as dd/mm/yyyy (optionally with HH:mm), whatever the browser's language; the ISO form (yyyy-mm-dd)
 * is read too. The typed text stays as is until it is a real date; then the parent gets the ISO form.
 */
export function DateInput({ value, onChange, onInvalid, withTime = false, ...rest }: Props) {
  const [text, setText] = useState(() => toDisplayDate(value));
  // A new value from outside (a quick period button) replaces what was typed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only an outside change of `value` resets the text.
  useEffect(() => {
    if (parseDisplayDate(text, withTime) !== value && (!onInvalid || value !== text)) setText(toDisplayDate(value));
  }, [value]);
  const valid = text === '' || parseDisplayDate(text, withTime) !== null;
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      className="date-input"
      placeholder={withTime ? 'dd/mm/yyyy hh:mm' : 'dd/mm/yyyy'}
      size={withTime ? 16 : 10}
      pattern={
        withTime
          ? '(\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{1,2}-\\d{1,2})[ T]\\d{1,2}:\\d{2}'
          : '\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{1,2}-\\d{1,2}'
      }
      aria-invalid={!valid || rest['aria-invalid'] || undefined}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseDisplayDate(e.target.value, withTime);
        if (parsed) onChange(parsed);
        else if (e.target.value.trim() === '') onChange('');
        else onInvalid?.(e.target.value);
      }}
    />
  );
}

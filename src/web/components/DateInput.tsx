import { useEffect, useState } from 'react';
import { parseDisplayDate, toDisplayDate } from '../lib/period.ts';

type Props = {
  /** yyyy-mm-dd, or yyyy-mm-ddTHH:mm with `withTime`; '' when empty. */
  value: string;
  onChange: (value: string) => void;
  withTime?: boolean;
  required?: boolean;
  id?: string;
  name?: string;
  'aria-describedby'?: string;
  'data-testid'?: string;
};

/**
 * A date typed as dd/mm/yyyy (optionally with HH:mm), whatever the browser's language. The typed text stays as is
 * until it is a real date; then the parent gets the ISO form.
 */
export function DateInput({ value, onChange, withTime = false, ...rest }: Props) {
  const [text, setText] = useState(() => toDisplayDate(value));
  // A new value from outside (a quick period button) replaces what was typed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only an outside change of `value` resets the text.
  useEffect(() => {
    if (parseDisplayDate(text, withTime) !== value) setText(toDisplayDate(value));
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
      pattern={withTime ? '\\d{1,2}/\\d{1,2}/\\d{4} \\d{1,2}:\\d{2}' : '\\d{1,2}/\\d{1,2}/\\d{4}'}
      aria-invalid={!valid || undefined}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseDisplayDate(e.target.value, withTime);
        if (parsed) onChange(parsed);
        else if (e.target.value === '') onChange('');
      }}
    />
  );
}

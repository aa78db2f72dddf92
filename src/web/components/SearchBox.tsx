import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from './Field.tsx';

/**
 * A list's search box (an IP, a CVE, a host or system name…): the list follows the typing after a short pause, and
 * at once on Enter or the button. `value` is the search in the URL.
 */
export function SearchBox({
  label,
  value,
  onSearch,
  testId,
  placeholder,
}: {
  label: string;
  value: string;
  onSearch: (q: string) => void;
  testId: string;
  placeholder?: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(value);
  const sent = useRef(value);
  const pause = useRef<ReturnType<typeof setTimeout>>(undefined);
  const send = (q: string) => {
    // Enter or the button sends at once: the pending pause must not send the same text again later.
    clearTimeout(pause.current);
    sent.current = q.trim();
    onSearch(q);
  };
  // Another change of the URL (back, "clear the filters") replaces the text; the list catching up with it does not.
  useEffect(() => {
    if (value === sent.current) return;
    sent.current = value;
    setText(value);
  }, [value]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the typed text restarts the pause.
  useEffect(() => {
    if (text.trim() === sent.current) return;
    pause.current = setTimeout(() => send(text), 300);
    return () => clearTimeout(pause.current);
  }, [text]);
  return (
    <search>
      <form
        className="form-row search-form"
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        <Field label={label}>
          <input
            type="search"
            value={text}
            placeholder={placeholder}
            onChange={(e) => setText(e.target.value)}
            data-testid={testId}
          />
        </Field>
        <button type="submit" className="btn btn-small">
          {t('table.search')}
        </button>
      </form>
    </search>
  );
}

import { useTranslation } from 'react-i18next';
import type { CheckVerdict } from '../../api/schema.gen.ts';

const TONE: Record<CheckVerdict | 'unchecked', string> = {
  pass: 'badge-good',
  warn: 'badge-warn',
  fail: 'badge-bad',
  skip: 'badge-neutral',
  unchecked: 'badge-neutral',
};

/** A verdict as a coloured word (the colour is never the only sign: the word says it). */
export function VerdictBadge({ verdict, testId }: { verdict: CheckVerdict | 'unchecked'; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${TONE[verdict]}`} data-testid={testId} data-verdict={verdict}>
      {t(`sites.verdicts.${verdict}`)}
    </span>
  );
}

/** Counts in the words the import report uses, with the reader's digits. */
export const importCounts = (
  c: { created: number; updated: number; unchanged: number; errors: number },
  lang: string,
): Record<string, string> => {
  const f = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN');
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, f.format(v)]));
};

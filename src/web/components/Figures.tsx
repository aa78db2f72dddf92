import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../lib/format.ts';
import { followLink } from '../lib/router.ts';

export type Figure = {
  key: string;
  label: string;
  value: ReactNode;
  tone?: 'bad' | 'warn';
  /** The list behind the number, when there is one. */
  href?: string;
};

/** The big numbers of a summary; each `data-testid` is `testIdPrefix` + key. */
export function Figures({
  figures,
  testIdPrefix,
  compact = false,
}: {
  figures: Figure[];
  testIdPrefix: string;
  compact?: boolean;
}) {
  const { i18n } = useTranslation();
  return (
    <dl className={`figures${compact ? ' figures-compact' : ''}`}>
      {figures.map(({ key, label, value: raw, tone, href }) => {
        // A count is written as the reader's language writes numbers (1.234 / 1,234).
        const value = typeof raw === 'number' ? formatNumber(raw, i18n.language) : raw;
        return (
          <div key={key} className={`figure${tone ? ` figure-${tone}` : ''}`} data-testid={`${testIdPrefix}${key}`}>
            <dt>{label}</dt>
            <dd>
              {href ? (
                <a href={href} onClick={followLink} style={{ color: 'inherit', textDecoration: 'none' }}>
                  {value}
                </a>
              ) : (
                value
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

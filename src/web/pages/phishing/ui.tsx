import { useTranslation } from 'react-i18next';
import type { PhishingCounts, PhishingState } from '../../api/schema.gen.ts';

export const PHISHING_PATH = '/phishing';
export const phishingPath = (id: string) => `/phishing/view?id=${encodeURIComponent(id)}`;

/** A share (0–1) as the reader's language writes percentages; "—" when nothing was sent. */
export function usePercent() {
  const { i18n } = useTranslation();
  const f = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  return (v: number | null | undefined) => (v === null || v === undefined ? '—' : f.format(v));
}

export function StateBadge({ state }: { state: PhishingState }) {
  const { t } = useTranslation();
  const tone =
    state === 'sending' ? 'warn' : state === 'completed' ? 'good' : state === 'cancelled' ? 'bad' : 'neutral';
  return (
    <span className={`badge badge-${tone}`} data-testid="phishing-state">
      {t(`phishing.states.${state}`)}
    </span>
  );
}

/** The counts of one row of results: sent, then each step with its share of the mails sent. */
export const RESULT_KEYS = ['opened', 'clicked', 'submitted', 'reported'] as const;
export const rateOf = (c: PhishingCounts, k: (typeof RESULT_KEYS)[number]) =>
  ({ opened: c.openRate, clicked: c.clickRate, submitted: c.submitRate, reported: c.reportRate })[k];

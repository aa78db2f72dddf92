// UI helpers of the information-system pages: paths, badge colours, bilingual text and percentages. The shapes and
// value lists come from the generated client (src/web/api/schema.gen.ts), never from here.
import type { DossierState, LayerStatus } from '../../api/schema.gen.ts';
import { formatNumber } from '../../lib/format.ts';

export const STATE_BADGE: Record<DossierState, string> = {
  draft: 'badge-neutral',
  submitted: 'badge-warn',
  under_appraisal: 'badge-warn',
  returned: 'badge-bad',
  approved: 'badge-good',
};

export const LAYER_BADGE: Record<LayerStatus, string> = {
  missing: 'badge-bad',
  partial: 'badge-warn',
  in_place: 'badge-good',
};

export const SYSTEMS_PATH = '/systems';
export const TARGETS_PATH = '/systems/targets';
export const systemPath = (id: string, tab?: string) =>
  `/systems/view?id=${encodeURIComponent(id)}${tab ? `&tab=${tab}` : ''}`;
export const editPath = (id?: string) => (id ? `/systems/edit?id=${encodeURIComponent(id)}` : '/systems/edit');

/** A percentage as the reader's locale writes it (12,5 % / 12.5%); '—' when there is nothing to count. */
export function formatPercent(value: number | null, lang: string): string {
  if (value === null) return '—';
  return `${new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 }).format(value)}%`;
}

/** Every number of a translated sentence as the reader's locale writes it (1.234 in Vietnamese). */
export const numbers = <T extends Record<string, number>>(values: T, lang: string) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, formatNumber(v, lang)])) as Record<keyof T, string>;

/**
 * Query options of the programme's figures (targets, 4-layer gaps): others change them (an agency implements its
 * plan, imports systems), so a page opened again reads them afresh…
 */
export const FIGURES = { staleTime: 0 } as const;

/**
 * …and shows them once read since it opened (or, while another day's figures load, the last ones, marked stale):
 * never the figures of an earlier visit, which someone may read before they are replaced.
 */
export const freshData = <D>(q: { data: D | undefined; isFetchedAfterMount: boolean; isPlaceholderData: boolean }) =>
  q.isFetchedAfterMount || q.isPlaceholderData ? q.data : undefined;

/** Picks the Vietnamese or English text of a bilingual record. */
export const pick = (lang: string, vi: string | null | undefined, en: string | null | undefined) =>
  (lang === 'en' ? en || vi : vi || en) ?? '';

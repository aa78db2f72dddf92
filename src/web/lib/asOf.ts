import { isYmd, todayYmd } from './period.ts';
import { useTableSearch } from './tableSearch.ts';

/**
 * The day a page's figures stand on, kept in the URL as `?asOf=yyyy-mm-dd` so a link or a bookmark shows the same
 * figures; no parameter (or one that is not a real day up to today) means today. A choice replaces the history entry.
 */
export function useAsOf(): { asOf: string; today: string; setAsOf: (day: string) => void } {
  const search = useTableSearch();
  const today = todayYmd();
  const asked = search.filters.asOf;
  const asOf = isYmd(asked) && asked <= today ? asked : today;
  return { asOf, today, setAsOf: (day) => search.set({ filters: { asOf: day } }) };
}

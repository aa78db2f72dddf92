import { isYmd, todayYmd } from './period.ts';
import { navigate, useSearch } from './router.ts';

/**
 * The day a page's figures stand on, kept in the URL as `?asOf=yyyy-mm-dd` so a link or a bookmark shows the same
 * figures; no parameter (or one that is not a real day up to today) means today. A choice replaces the history entry.
 */
export function useAsOf(): { asOf: string; today: string; setAsOf: (day: string) => void } {
  const search = useSearch();
  const today = todayYmd();
  const asked = search.get('asOf');
  const asOf = isYmd(asked) && asked <= today ? asked : today;
  const setAsOf = (day: string) => {
    const params = new URLSearchParams(location.search);
    params.set('asOf', day);
    const q = params.toString();
    navigate(`${location.pathname}${q ? `?${q}` : ''}`, { replace: true });
  };
  return { asOf, today, setAsOf };
}

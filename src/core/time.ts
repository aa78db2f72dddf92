/**
 * Time in the province. Vietnam (Asia/Ho_Chi_Minh) has kept UTC+07:00 without daylight saving since 1975, so a
 * calendar day or month maps to fixed instants: computing them here keeps time-zone arithmetic out of SQL (where it
 * would run once per row) and gives both databases the same bounds.
 */
export const PROVINCE_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET = '+07:00';
const DAY_MS = 86_400_000;

/** The first instant of a day given as yyyy-mm-dd. */
export const dayStart = (isoDay: string) => new Date(`${isoDay}T00:00:00${OFFSET}`);
/** The first instant after a day (periods are inclusive of their last day). */
export const dayEnd = (isoDay: string) => new Date(dayStart(isoDay).getTime() + DAY_MS);

// One formatter for every call: building one costs ~0.2 ms (an import asks once per host).
const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: PROVINCE_TIME_ZONE });

/** Today's (or an instant's) date in the province, yyyy-mm-dd. */
export const provinceDay = (at = new Date()) => DAY_FORMAT.format(at);

/** The calendar months touched by a period, each with its bounds. */
export function monthsOf(fromDay: string, toDay: string): { month: string; start: Date; end: Date }[] {
  const out = [];
  let [y, m] = fromDay.split('-').map(Number) as [number, number];
  const [ty, tm] = toDay.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    out.push({ month, start: dayStart(`${month}-01`), end: dayStart(`${next}-01`) });
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
  return out;
}

/**
 * A reporting period seen as of a day: figures count what was so by `asOf` (default: the period's last day), so the
 * period is cut at `asOf`, and the organisation tree is the one in force on `asOf`.
 */
export function periodAsOf<P extends { from: string; to: string; asOf?: string }>(p: P): P & { asOf: string } {
  const asOf = p.asOf ?? p.to;
  // Days as yyyy-mm-dd compare as strings.
  const to = [asOf, p.to].sort()[0] as string;
  return { ...p, to, asOf };
}

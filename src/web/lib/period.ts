// Reporting periods are calendar days in the province's zone (Asia/Ho_Chi_Minh), sent as yyyy-mm-dd.

export type Period = { from: string; to: string };

const ymdFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today (or `at`) as yyyy-mm-dd in Vietnam, whatever the browser's zone. */
export const todayYmd = (at = new Date()) => ymdFormat.format(at);

/** The last six calendar months, this one included: the default of every vulnerability view. */
export function lastSixMonths(at = new Date()): Period {
  const today = todayYmd(at);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 1 - 5, 1));
  return { from: start.toISOString().slice(0, 10), to: today };
}

/** "6 tháng đầu năm": the six-month report period. */
export const firstHalf = (year: number): Period => ({ from: `${year}-01-01`, to: `${year}-06-30` });

export const wholeYear = (year: number): Period => ({ from: `${year}-01-01`, to: `${year}-12-31` });

/** Now as the value of an <input type="datetime-local">, in Vietnam time. */
export function nowLocalInput(at = new Date()): string {
  const hm = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(at);
  return `${todayYmd(at)}T${hm}`;
}

/** A datetime-local value read as Vietnam time (UTC+7 all year, no daylight saving) → ISO 8601 with offset. */
export const localInputToIso = (value: string) => `${value.length === 16 ? `${value}:00` : value}+07:00`;

/** yyyy-mm-dd plus `days` (calendar arithmetic, no zone involved). */
export function addDays(ymd: string, days: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

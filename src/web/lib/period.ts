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
export const lastSixMonths = (at = new Date()): Period => sixMonthsEnding(todayYmd(at));

/** The six calendar months ending on `day` (yyyy-mm-dd), its own month included: the Overview's period as of a day. */
export function sixMonthsEnding(day: string): Period {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 1 - 5, 1));
  return { from: start.toISOString().slice(0, 10), to: day };
}

/** A real calendar day written yyyy-mm-dd (a value read from the URL is checked before it is sent anywhere). */
export const isYmd = (value: string | null | undefined): value is string =>
  !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && parseDisplayDate(toDisplayDate(value)) === value;

/** "6 tháng đầu năm": the six-month report period. */
export const firstHalf = (year: number): Period => ({ from: `${year}-01-01`, to: `${year}-06-30` });

export const wholeYear = (year: number): Period => ({ from: `${year}-01-01`, to: `${year}-12-31` });

/** Now as yyyy-mm-ddTHH:mm in Vietnam time (the default "scanned at"). */
export function nowLocalInput(at = new Date()): string {
  const hm = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(at);
  return `${todayYmd(at)}T${hm}`;
}

/** yyyy-mm-ddTHH:mm read as Vietnam time (UTC+7 all year, no daylight saving) → ISO 8601 with offset. */
export const localInputToIso = (value: string) => `${value.length === 16 ? `${value}:00` : value}+07:00`;

/**
 * "dd/mm/yyyy" (and with `withTime` "dd/mm/yyyy HH:mm") → "yyyy-mm-dd" ("yyyy-mm-ddTHH:mm"); null when it is not a
 * real date. The UI types dates this way because a native date input follows the browser's locale (mm/dd/yyyy in
 * an English browser), not the province's convention. The ISO form ("2025-02-01", "2025-02-01 09:00" or
 * "2025-02-01T09:00"), as pasted from a file or another system, is read too.
 */
export function parseDisplayDate(text: string, withTime = false): string | null {
  const dmy = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?\s*$/.exec(text);
  const iso = dmy ? null : /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[\sT]+(\d{1,2}):(\d{2}))?\s*$/.exec(text);
  const parts = dmy
    ? { y: dmy[3], m: dmy[2], d: dmy[1], h: dmy[4], min: dmy[5] }
    : iso
      ? { y: iso[1], m: iso[2], d: iso[3], h: iso[4], min: iso[5] }
      : null;
  if (!parts || (parts.h !== undefined) !== withTime) return null;
  const two = (x: string | undefined) => String(x).padStart(2, '0');
  const ymd = `${parts.y}-${two(parts.m)}-${two(parts.d)}`;
  // 31/02 would roll over to March: a date that does not survive the round trip does not exist.
  const day = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== ymd) return null;
  if (!withTime) return ymd;
  if (Number(parts.h) > 23 || Number(parts.min) > 59) return null;
  return `${ymd}T${two(parts.h)}:${parts.min}`;
}

/** The inverse of parseDisplayDate. */
export function toDisplayDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}${m[4] ? ` ${m[4]}` : ''}` : '';
}

import { PROVINCE_TIME_ZONE } from '../time.ts';

/**
 * How official documents write days, times and numbers. Decree 30/2020/NĐ-CP (Phụ lục I, mục II.5): a day below 10
 * and the months 1 and 2 take a leading zero ("ngày 06 tháng 02", but "tháng 3"); elsewhere days are dd/mm/yyyy.
 */

/** "Lào Cai, ngày 06 tháng 12 năm 2026" (no place: "Ngày 06 tháng 12 năm 2026"). */
export function placeAndDate(place: string | null, isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  const day = String(d).padStart(2, '0');
  const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
  const date = `ngày ${day} tháng ${month} năm ${y}`;
  return place ? `${place}, ${date}` : `N${date.slice(1)}`;
}

/** dd/mm/yyyy of a yyyy-mm-dd day. */
export const formatDay = (isoDay: string) => isoDay.split('-').reverse().join('/');

const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: PROVINCE_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "14:05 ngày 06/12/2026" in the province's time. */
export function formatDateTime(at: Date): string {
  const p = Object.fromEntries(dateTime.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute} ngày ${p.day}/${p.month}/${p.year}`;
}

/** "06/12/2026 14:05" — the short form for table cells. */
export function formatDayTime(at: Date): string {
  const p = Object.fromEntries(dateTime.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** "14:05 06/12/2026" — how notices and command output write an instant. */
export function formatTimeDay(at: Date): string {
  const p = Object.fromEntries(dateTime.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

/** dd/mm/yyyy of an instant, in the province's time. */
export function formatInstantDay(at: Date): string {
  const p = Object.fromEntries(dateTime.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year}`;
}

const numbers = new Intl.NumberFormat('vi-VN');
/** 1.234,5 — Vietnamese grouping and decimal marks. */
export const formatNumber = (n: number) => numbers.format(n);

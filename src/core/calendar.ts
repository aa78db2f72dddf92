/**
 * The civil-service working calendar. Statutory clocks (e.g. "approve within 7 working days", NĐ 85/2016 Art. 17)
 * count working days, and in Vietnam those are not just Monday–Friday: each year the government announces its
 * holidays, the compensatory days off for holidays that fell on a weekend (nghỉ bù) and Saturdays worked in exchange
 * for a bridging day off. Those exceptions are data (rules/holidays-vn.json); the weekday rule is code.
 *
 * Dates are calendar days (yyyy-mm-dd), counted as whole UTC days so that no time zone can move a deadline by one.
 */
export type CalendarDay = {
  date: string;
  kind: 'holiday' | 'day_off' | 'working_day';
  name: string;
  legalBasis: string;
  confirmed: boolean;
};

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const KINDS: ReadonlySet<string> = new Set(['holiday', 'day_off', 'working_day']);

/** Days since 1970-01-01 of a real calendar date (2025-02-30 is rejected, not rolled over to March). */
function dayNumber(isoDate: string): number {
  const m = typeof isoDate === 'string' ? ISO_DAY.exec(isoDate) : null;
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
    const at = new Date(Date.UTC(y, mo, d));
    // The round trip also rejects years below 100, which Date.UTC maps to 19xx.
    if (at.getUTCFullYear() === y && at.getUTCMonth() === mo && at.getUTCDate() === d) return at.getTime() / DAY_MS;
  }
  throw new RangeError(`not a calendar date (yyyy-mm-dd): ${JSON.stringify(isoDate)}`);
}

const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday. */
const isWeekend = (day: number) => {
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
};

export class WorkCalendar {
  /** Weekdays not worked (holiday, day_off). */
  private readonly off = new Set<number>();
  /** Weekend days worked (working_day). */
  private readonly worked = new Set<number>();
  /** The non-working weekday entries, by date, for daysOff. */
  private readonly offEntries: { day: number; entry: CalendarDay }[] = [];
  private readonly years = new Set<number>();

  constructor(days: readonly CalendarDay[]) {
    const seen = new Set<number>();
    for (const d of days) {
      const day = dayNumber(d.date);
      if (!KINDS.has(d.kind)) throw new RangeError(`${d.date}: unknown kind ${JSON.stringify(d.kind)}`);
      if (seen.has(day)) throw new RangeError(`${d.date} is listed twice`);
      seen.add(day);
      this.years.add(Number(d.date.slice(0, 4)));
      if (d.kind === 'working_day') {
        this.worked.add(day);
      } else {
        this.off.add(day);
        if (!isWeekend(day)) this.offEntries.push({ day, entry: Object.freeze({ ...d }) });
      }
    }
    this.offEntries.sort((a, b) => a.day - b.day);
  }

  isWorkingDay(isoDate: string): boolean {
    return this.working(dayNumber(isoDate));
  }

  /** The date n working days after isoDate, which itself is not counted (so n = 0 returns isoDate, even a holiday). */
  addWorkingDays(isoDate: string, n: number): string {
    let day = dayNumber(isoDate);
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
    for (let left = n; left > 0; ) {
      day++;
      if (this.working(day)) left--;
    }
    return isoOf(day);
  }

  /**
   * Working days in (fromIso, toIso]: the inverse of addWorkingDays. Negative when toIso is before fromIso (minus
   * the working days in (toIso, fromIso]), so the time left on a deadline goes below zero once it has passed.
   */
  workingDaysBetween(fromIso: string, toIso: string): number {
    const from = dayNumber(fromIso);
    const to = dayNumber(toIso);
    const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let day = lo + 1; day <= hi; day++) if (this.working(day)) count++;
    return sign * count;
  }

  /** The listed weekdays not worked in (fromIso, toIso], in date order: what to show beside a due date to explain it. */
  daysOff(fromIso: string, toIso: string): CalendarDay[] {
    const from = dayNumber(fromIso);
    const to = dayNumber(toIso);
    return this.offEntries.filter((e) => e.day > from && e.day <= to).map((e) => e.entry);
  }

  /**
   * Whether the data lists anything in isoDate's year. A year it does not cover still counts Monday–Friday, which
   * misses that year's holidays: callers should warn rather than trust such a due date.
   */
  covers(isoDate: string): boolean {
    dayNumber(isoDate);
    return this.years.has(Number(isoDate.slice(0, 4)));
  }

  private working(day: number): boolean {
    if (this.worked.has(day)) return true;
    if (this.off.has(day)) return false;
    return !isWeekend(day);
  }
}

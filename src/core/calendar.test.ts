import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CalendarDay, WorkCalendar } from './calendar.ts';

type HolidayFile = { version: number; basis: string; days: CalendarDay[] };
const file = JSON.parse(readFileSync(new URL('../../rules/holidays-vn.json', import.meta.url), 'utf8')) as HolidayFile;
const calendar = new WorkCalendar(file.days);

const YEARS = Array.from({ length: 12 }, (_, i) => 2016 + i);
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();
const isWeekend = (iso: string) => weekday(iso) === 0 || weekday(iso) === 6;
const entry = (iso: string) => file.days.find((d) => d.date === iso);
/** Every date from..to inclusive. */
function datesFrom(from: string, to: string): string[] {
  const out = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('WorkCalendar', () => {
  it('counts 7 working days from Thu 23/01/2025 across Tết 2025 to Mon 10/02/2025', () => {
    expect(calendar.addWorkingDays('2025-01-23', 7)).toBe('2025-02-10');
    expect(calendar.workingDaysBetween('2025-01-23', '2025-02-10')).toBe(7);
    expect(calendar.daysOff('2025-01-23', '2025-02-10').map((d) => d.date)).toEqual([
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
    ]);
    // (from, to]: the start is not counted, the end is.
    expect(calendar.daysOff('2025-01-27', '2025-01-28').map((d) => d.date)).toEqual(['2025-01-28']);
    expect(calendar.workingDaysBetween('2025-01-24', '2025-02-03')).toBe(1);
  });

  it('counts the Saturday swapped in for 30/4–1/5/2025 as a working day', () => {
    expect(calendar.isWorkingDay('2025-04-26')).toBe(true);
    expect(calendar.isWorkingDay('2025-05-02')).toBe(false);
    expect(calendar.addWorkingDays('2025-04-25', 1)).toBe('2025-04-26');
    // Fri 25, Sat 26 (swap), Mon 28, Tue 29, then Wed 30/4 – Sun 04/05 off, Mon 5, Tue 6, Wed 7.
    expect(calendar.addWorkingDays('2025-04-24', 7)).toBe('2025-05-07');
    expect(calendar.workingDaysBetween('2025-04-24', '2025-05-07')).toBe(7);
    expect(calendar.daysOff('2025-04-24', '2025-05-07').map((d) => [d.date, d.kind])).toEqual([
      ['2025-04-30', 'holiday'],
      ['2025-05-01', 'holiday'],
      ['2025-05-02', 'day_off'],
    ]);
  });

  it('finds no working day in a weekend-only span', () => {
    expect(calendar.workingDaysBetween('2025-03-07', '2025-03-09')).toBe(0);
    expect(calendar.daysOff('2025-03-07', '2025-03-09')).toEqual([]);
    expect(calendar.isWorkingDay('2025-03-08')).toBe(false);
    expect(calendar.addWorkingDays('2025-03-08', 1)).toBe('2025-03-10');
  });

  it('returns the date itself for n = 0, even on a holiday', () => {
    expect(calendar.addWorkingDays('2025-03-12', 0)).toBe('2025-03-12');
    expect(calendar.addWorkingDays('2025-01-29', 0)).toBe('2025-01-29');
    expect(calendar.workingDaysBetween('2025-01-29', '2025-01-29')).toBe(0);
  });

  it('goes negative once the deadline has passed, and inverts addWorkingDays', () => {
    expect(calendar.workingDaysBetween('2025-02-10', '2025-01-23')).toBe(-7);
    for (const start of ['2016-02-05', '2019-04-26', '2023-04-28', '2024-12-31', '2025-04-25', '2026-08-21']) {
      for (const n of [1, 2, 5, 7, 15, 30]) {
        const due = calendar.addWorkingDays(start, n);
        expect(calendar.isWorkingDay(due)).toBe(true);
        expect(calendar.workingDaysBetween(start, due)).toBe(n);
      }
    }
  });

  it('keeps the announced breaks', () => {
    const off = (from: string, to: string) => datesFrom(from, to).every((d) => !calendar.isWorkingDay(d));
    expect(off('2024-02-08', '2024-02-14')).toBe(true);
    expect([calendar.isWorkingDay('2024-02-07'), calendar.isWorkingDay('2024-02-15')]).toEqual([true, true]);
    expect(off('2025-01-25', '2025-02-02')).toBe(true);
    expect([calendar.isWorkingDay('2025-01-24'), calendar.isWorkingDay('2025-02-03')]).toEqual([true, true]);
    expect(off('2025-04-30', '2025-05-04')).toBe(true);
    expect(off('2024-08-31', '2024-09-03')).toBe(true);
    expect(calendar.isWorkingDay('2024-09-04')).toBe(true);
    expect(off('2025-08-30', '2025-09-02')).toBe(true);
    expect(calendar.isWorkingDay('2025-09-03')).toBe(true);
  });

  it('says which years the data covers', () => {
    expect(calendar.covers('2016-06-15')).toBe(true);
    expect(calendar.covers('2027-12-31')).toBe(true);
    expect(calendar.covers('2015-12-31')).toBe(false);
    expect(calendar.covers('2028-01-01')).toBe(false);
    // Outside the data the week is still Monday–Friday.
    expect(calendar.addWorkingDays('2030-01-04', 1)).toBe('2030-01-07');
  });

  it('rejects malformed dates and counts', () => {
    const bad = ['', '2025-1-05', '2025-01-5', '20250105', ' 2025-01-05', '2025-01-05T00:00:00Z', '2025-02-29'];
    for (const d of [...bad, '2024-13-01', '2024-00-10', '2024-04-31', '0099-01-01', 'hôm nay']) {
      expect(() => calendar.isWorkingDay(d)).toThrow(RangeError);
      expect(() => calendar.addWorkingDays(d, 1)).toThrow(RangeError);
      expect(() => calendar.workingDaysBetween(d, '2025-01-01')).toThrow(RangeError);
      expect(() => calendar.workingDaysBetween('2025-01-01', d)).toThrow(RangeError);
      expect(() => calendar.daysOff(d, '2025-01-01')).toThrow(RangeError);
      expect(() => calendar.covers(d)).toThrow(RangeError);
    }
    expect(calendar.isWorkingDay('2024-02-29')).toBe(true);
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => calendar.addWorkingDays('2025-01-01', n)).toThrow(RangeError);
    }
  });

  it('rejects data with a bad date, an unknown kind or a date listed twice', () => {
    const day: CalendarDay = { date: '2025-01-01', kind: 'holiday', name: 'x', legalBasis: 'x', confirmed: true };
    expect(() => new WorkCalendar([{ ...day, date: '2025-02-30' }])).toThrow(RangeError);
    expect(() => new WorkCalendar([{ ...day, kind: 'weekend' as CalendarDay['kind'] }])).toThrow(RangeError);
    expect(() => new WorkCalendar([day, { ...day, kind: 'day_off' }])).toThrow(RangeError);
  });
});

describe('rules/holidays-vn.json', () => {
  const byYear = (y: number) => file.days.filter((d) => d.date.startsWith(`${y}-`));

  it('is versioned and well-formed', () => {
    expect(Number.isInteger(file.version) && file.version >= 1).toBe(true);
    expect(file.basis).toMatch(/45\/2019\/QH14/);
    for (const d of file.days) {
      expect(d.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${d.date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(d.date);
      expect(['holiday', 'day_off', 'working_day']).toContain(d.kind);
      expect(d.name.trim()).not.toBe('');
      expect(d.legalBasis.trim()).not.toBe('');
      expect(typeof d.confirmed).toBe('boolean');
    }
  });

  it('lists each date once, in order', () => {
    const dates = file.days.map((d) => d.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates).toEqual([...dates].sort());
  });

  it('lists days off only on weekdays and worked days only on weekends', () => {
    for (const d of file.days) expect([d.date, isWeekend(d.date)]).toEqual([d.date, d.kind === 'working_day']);
  });

  it('pairs every swapped day off with a worked weekend day', () => {
    const swappedOff = file.days.filter((d) => d.kind === 'day_off' && d.name.startsWith('Hoán đổi'));
    const worked = file.days.filter((d) => d.kind === 'working_day');
    expect(worked.length).toBeGreaterThan(0);
    expect(swappedOff.length).toBe(worked.length);
  });

  it.each(YEARS)('%i: five weekdays of Tết, the fixed-date holidays, Giỗ Tổ and Quốc khánh', (y) => {
    const days = byYear(y);
    // Five statutory days; those that fall on a weekend come back as nghỉ bù on weekdays.
    expect(days.filter((d) => d.name.includes('Tết Nguyên đán')).length).toBe(5);
    for (const md of ['01-01', '04-30', '05-01', '09-02']) {
      const iso = `${y}-${md}`;
      if (isWeekend(iso)) expect(entry(iso)).toBeUndefined();
      else expect(entry(iso)?.kind).toBe('holiday');
    }
    // One day before the Labour Code 2019, two from 2021 (2/9 and an adjacent day), nghỉ bù included.
    expect(days.filter((d) => /^(Nghỉ bù )?Quốc khánh/.test(d.name)).length).toBe(y < 2021 ? 1 : 2);
  });

  it.each([
    '2016-04-16',
    '2017-04-06',
    '2018-04-25',
    '2019-04-14',
    '2020-04-02',
    '2021-04-21',
    '2022-04-10',
    '2023-04-29',
    '2024-04-18',
    '2025-04-07',
    '2026-04-26',
    '2027-04-16',
  ])('Giỗ Tổ Hùng Vương (10/3 âm lịch) %s is off, or made up by a nghỉ bù', (iso) => {
    const year = Number(iso.slice(0, 4));
    const gioTo = byYear(year).filter((d) => d.name.includes('Giỗ Tổ'));
    expect(gioTo).toHaveLength(1);
    const [listed] = gioTo as [CalendarDay];
    if (isWeekend(iso)) {
      expect(listed.kind).toBe('day_off');
      expect(listed.date > iso).toBe(true);
    } else {
      expect(listed).toMatchObject({ date: iso, kind: 'holiday' });
    }
  });
});

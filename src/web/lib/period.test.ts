import { describe, expect, it } from 'vitest';
import {
  firstHalf,
  isYmd,
  lastSixMonths,
  localInputToIso,
  parseDisplayDate,
  sixMonthsEnding,
  toDisplayDate,
  todayYmd,
} from './period.ts';

describe('web period helpers', () => {
  it('reads dd/mm/yyyy and refuses dates that do not exist', () => {
    expect(parseDisplayDate('30/06/2024')).toBe('2024-06-30');
    expect(parseDisplayDate('1/3/2024')).toBe('2024-03-01');
    expect(parseDisplayDate('31/02/2024')).toBeNull();
    expect(parseDisplayDate('06/30/2024')).toBeNull(); // an American date is not silently swapped
    expect(parseDisplayDate('10/03/2024 09:00', true)).toBe('2024-03-10T09:00');
    expect(parseDisplayDate('10/03/2024 24:00', true)).toBeNull();
    expect(parseDisplayDate('10/03/2024', true)).toBeNull();
    expect(toDisplayDate('2024-03-10T09:00')).toBe('10/03/2024 09:00');
    expect(toDisplayDate('2024-06-30')).toBe('30/06/2024');
  });

  it('reads a date typed or pasted as yyyy-mm-dd too, and refuses one that does not exist either way', () => {
    expect(parseDisplayDate('2025-02-01')).toBe('2025-02-01');
    expect(parseDisplayDate(' 2025-2-1 ')).toBe('2025-02-01');
    expect(parseDisplayDate('2025-02-31')).toBeNull();
    expect(parseDisplayDate('31/02/2025')).toBeNull();
    expect(parseDisplayDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDisplayDate('2025-02-29')).toBeNull();
    expect(parseDisplayDate('2025-13-01')).toBeNull();
    expect(parseDisplayDate('2025-02-01 09:30', true)).toBe('2025-02-01T09:30');
    expect(parseDisplayDate('2025-02-01T09:30', true)).toBe('2025-02-01T09:30');
    expect(parseDisplayDate('2025-02-01', true)).toBeNull();
    expect(parseDisplayDate('2025-02-01 09:30')).toBeNull();
    expect(parseDisplayDate('20250201')).toBeNull();
  });

  it('counts days and periods in Vietnam time, whatever the zone of the browser', () => {
    // 17:30 UTC on 31 Dec is already 1 Jan in Hà Nội.
    expect(todayYmd(new Date('2024-12-31T17:30:00Z'))).toBe('2025-01-01');
    expect(lastSixMonths(new Date('2024-06-15T03:00:00Z'))).toEqual({ from: '2024-01-01', to: '2024-06-15' });
    expect(lastSixMonths(new Date('2025-03-02T03:00:00Z'))).toEqual({ from: '2024-10-01', to: '2025-03-02' });
    expect(firstHalf(2024)).toEqual({ from: '2024-01-01', to: '2024-06-30' });
    expect(localInputToIso('2024-03-10T09:00')).toBe('2024-03-10T09:00:00+07:00');
  });

  it('gives the six months ending on an as-of day, and checks a day read from the URL', () => {
    expect(sixMonthsEnding('2024-06-30')).toEqual({ from: '2024-01-01', to: '2024-06-30' });
    expect(sixMonthsEnding('2025-02-28')).toEqual({ from: '2024-09-01', to: '2025-02-28' });
    expect(isYmd('2024-06-30')).toBe(true);
    expect(isYmd('2024-02-30')).toBe(false);
    expect(isYmd('30/06/2024')).toBe(false);
    expect(isYmd(null)).toBe(false);
  });
});

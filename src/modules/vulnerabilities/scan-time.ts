import type { ScannedHost, ScanTime } from './parsers/index.ts';

/**
 * When a host was scanned, from the times its report writes. A zoned time (Nmap's epoch, OpenVAS' ISO 8601 with Z,
 * Nessus' HOST_START_TIMESTAMP) is exact; a local time without zone (Nessus' HOST_START "Mon Jul  1 11:33:11 2013",
 * an ISO time without offset) is read as the province's time (UTC+7, no daylight saving): the scanners run there.
 */
export type HostTime = { at: Date; zoneAssumed: boolean };

/** The province's offset from UTC, in minutes (Asia/Ho_Chi_Minh). */
const PROVINCE_OFFSET_MINUTES = 7 * 60;
/** Older than this, a scanner's clock was wrong (or the field is not a time): the time is not used. */
const EARLIEST = Date.UTC(1995, 0, 1);
/** A scan cannot have run in the future; a day of slack for clocks. */
const SLACK_MS = 24 * 3600 * 1000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The instant of a wall-clock time in the province. */
function provinceInstant(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | undefined {
  const utc = Date.UTC(y, mo, d, h, mi, s);
  const check = new Date(utc);
  // 31/02 rolls over: a time that does not survive the round trip is not one.
  if (check.getUTCMonth() !== mo || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(utc - PROVINCE_OFFSET_MINUTES * 60_000);
}

/** A zone-less time as the scanners write it, read as the province's local time. */
function localTime(raw: string): Date | undefined {
  // Nessus (C asctime): "Mon Jul  1 11:33:11 2013".
  const c = /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(raw);
  if (c) {
    const month = MONTHS.indexOf((c[1] ?? '').toLowerCase());
    if (month < 0) return undefined;
    return provinceInstant(Number(c[6]), month, Number(c[2]), Number(c[3]), Number(c[4]), Number(c[5]));
  }
  // ISO 8601 without offset: "2023-09-26T10:50:34" or "2023-09-26 10:50:34(.123)".
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(raw);
  if (iso)
    return provinceInstant(
      Number(iso[1]),
      Number(iso[2]) - 1,
      Number(iso[3]),
      Number(iso[4]),
      Number(iso[5]),
      Number(iso[6] ?? 0),
    );
  return undefined;
}

/** One written time as an instant, or undefined when it is missing, unreadable or implausible. */
export function scanInstant(time: ScanTime | undefined, now = Date.now()): HostTime | undefined {
  if (!time) return undefined;
  const exact = time.iso ? new Date(time.iso) : undefined;
  const at = exact ?? localTime(time.raw.trim());
  if (!at || Number.isNaN(at.getTime()) || at.getTime() < EARLIEST || at.getTime() > now + SLACK_MS) return undefined;
  return { at, zoneAssumed: !exact };
}

/** When the scan of a host began (its end when only that is written). */
export const hostScanTime = (
  host: Pick<ScannedHost, 'scanStart' | 'scanEnd'>,
  now = Date.now(),
): HostTime | undefined => scanInstant(host.scanStart, now) ?? scanInstant(host.scanEnd, now);

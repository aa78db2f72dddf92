// Field-level parsing shared by every format: addresses, scores, CVEs, ports, times, bounded text.
import { isIP } from 'node:net';
import type { CvssScore, ParseOptions, ScannedHost, ScanTime } from './types.ts';

export const DEFAULT_LIMITS: Required<ParseOptions> = { maxTextLength: 8_000, maxOutputLength: 2_000 };

export function limitsOf(options: ParseOptions | undefined): Required<ParseOptions> {
  return { ...DEFAULT_LIMITS, ...options };
}

/**
 * A copy of the text that does not share memory with the chunk it was cut from. V8 keeps
 * substrings as slices of their parent, so one retained field (or a CVE id in the summary)
 * would otherwise pin a whole 256 KB chunk; concatenation then slicing forces a flat copy.
 */
export function detach(text: string): string {
  return `${text} `.slice(0, -1);
}

/** Keeps at most `limit` characters of text that arrives in pieces, so one huge element cannot grow memory. */
export class BoundedText {
  private value = '';
  private truncated = false;
  constructor(private readonly limit: number) {}

  append(piece: string): void {
    const room = this.limit - this.value.length;
    if (piece.length <= room) this.value += piece;
    else {
      this.value += piece.slice(0, room);
      this.truncated = true;
    }
  }

  toString(): string {
    const text = this.value.trim();
    return detach(this.truncated ? `${text}…` : text);
  }
}

/** At most `limit` characters of the text, trimmed, `…` when cut; a copy, so the kept text pins no larger one. */
export function truncate(text: string, limit: number): string {
  const trimmed = text.trim();
  return detach(trimmed.length > limit ? `${trimmed.slice(0, limit)}…` : trimmed);
}

/** Returns the canonical address (IPv6 compressed, lower case) and version, or undefined when invalid. */
export function parseIp(text: string): Pick<ScannedHost, 'ip' | 'ipVersion'> | undefined {
  const ip = text.trim();
  const version = isIP(ip);
  if (version === 4) return { ip, ipVersion: 4 };
  if (version === 6) {
    // URL canonicalises IPv6 (compression, case); zone ids (fe80::1%eth0) are kept as written.
    const canonical = URL.canParse(`http://[${ip}]`) ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
    return { ip: canonical.toLowerCase(), ipVersion: 6 };
  }
  return undefined;
}

/** A CVSS base score 0–10; undefined for empty text, NaN for text that is not a valid score. */
export function parseScore(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
  return n <= 10 ? n : Number.NaN;
}

export function cvss(score: number | undefined, vector: string | undefined): CvssScore | undefined {
  if (score === undefined || Number.isNaN(score)) return undefined;
  // A CVSS 4.0 vector, the longest, is under 200 characters.
  const v = vector && truncate(vector, 200);
  return v ? { score, vector: v } : { score };
}

/** A score written with its vector in brackets (`8.1 (AV:N/AC:H/…)`, as Qualys does) or bare; undefined for none (`-`). */
export function scoreWithVector(text: string): { score: string; vector?: string } | undefined {
  const m = /^(.*?)\s*(?:\(([^()]*)\))?$/s.exec(text.trim());
  const score = m?.[1] ?? '';
  return score === '' || score === '-' ? undefined : { score, vector: m?.[2] };
}

/** A port 0–65535; undefined when the text is not one. */
export function parsePort(text: string): number | undefined {
  const t = text.trim();
  const n = /^\d{1,5}$/.test(t) ? Number(t) : Number.NaN;
  return n <= 65535 ? n : undefined;
}

const CVE_PATTERN = /CVE-\d{4}-\d{4,}/gi;

/** Every CVE id mentioned in the text (lists, `NOCVE`, vulners ids such as `MSF:ILITIES/DEBIAN-CVE-2019-6111/`). */
export function extractCves(text: string): string[] {
  // Copied: a match is a slice of `text`, which a CVE kept in a finding or the summary would pin.
  return Array.from(text.matchAll(CVE_PATTERN), (m) => detach(m[0].toUpperCase()));
}

export function isCve(text: string): boolean {
  return /^CVE-\d{4}-\d{4,}$/i.test(text.trim());
}

export function addUnique(list: string[], items: Iterable<string>): void {
  for (const item of items) if (!list.includes(item)) list.push(item);
}

/**
 * Lower-case colon-separated MAC, or undefined; Nessus lists several MACs one per line, the first is kept. Nexpose
 * writes the twelve digits without separators (`E4CE8F490D7C`).
 */
export function normaliseMac(text: string | undefined): string | undefined {
  let first = text?.trim().split(/\s+/)[0]?.toLowerCase().replaceAll('-', ':');
  if (first && /^[0-9a-f]{12}$/.test(first)) first = first.replace(/(..)(?!$)/g, '$1:');
  return first && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(first) ? first : undefined;
}

export function epochTime(raw: string | undefined): ScanTime | undefined {
  const t = raw?.trim();
  if (!t) return undefined;
  return /^\d+$/.test(t) ? { raw: t, iso: new Date(Number(t) * 1000).toISOString() } : { raw: t };
}

/** ISO-8601 text keeps its instant only when it names its zone; a bare local time stays raw. */
export function textTime(raw: string | undefined): ScanTime | undefined {
  const t = raw?.trim();
  if (!t) return undefined;
  const zoned = /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:?\d\d)$/.test(t) && !Number.isNaN(Date.parse(t));
  return zoned ? { raw: t, iso: new Date(t).toISOString() } : { raw: t };
}

/**
 * Drops undefined and empty-string properties so records stay small and comparable; `keep`
 * names required string properties that may legitimately be empty.
 */
export function compact<T extends object>(value: T, ...keep: (keyof T)[]): T {
  // A copy rather than `delete`: deleting turns an object into a slow dictionary for good.
  const out = {} as T;
  for (const key in value) {
    const v = value[key];
    if (v !== undefined && (v !== '' || keep.includes(key))) out[key] = v;
  }
  return out;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** 1–12 for an English three-letter month abbreviation (`Sep`), any case; undefined otherwise. */
export function monthNumber(name: string): number | undefined {
  const index = MONTHS.indexOf(name.trim().toLowerCase());
  return index < 0 ? undefined : index + 1;
}

/**
 * A wall-clock time a report writes without zone, in a layout of its own (`28/04/2020, 05:36:46`): kept as zone-less
 * ISO 8601, which the importer reads as the province's time (scan-time.ts). Undefined when a part is out of range.
 */
export function wallTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): ScanTime | undefined {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { raw: date.toISOString().slice(0, 19) };
}

/**
 * A day-first wall-clock time: `28/04/2020, 05:36:46` (Acunetix) or `25/06/2021 10:00 AM` (Acunetix 360); seconds
 * and the 12-hour AM/PM optional. Kept as zone-less ISO like {@link wallTime}; undefined when the text is no such time.
 */
export function dayFirstTime(text: string | undefined): ScanTime | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d\d)(?::(\d\d))?(?:\s*([AP])M)?$/i.exec(text?.trim() ?? '');
  if (!m) return undefined;
  let hour = Number(m[4]);
  const half = m[7]?.toUpperCase();
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'P' ? 12 : 0);
  }
  return wallTime(Number(m[3]), Number(m[2]), Number(m[1]), hour, Number(m[5]), Number(m[6] ?? 0));
}

import type { HostRecord, IssueCode, ScanEvent, SourcePosition, WebsiteRecord } from './types.ts';

/**
 * A message quotes what the file wrote (a URL a scanner refused): the credentials of `scheme://user:password@host`
 * are never stored or shown.
 */
const withoutCredentials = (message: string) => message.replace(/([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/?#@"]*@/gi, '$1');

/**
 * Findings a format keeps in one record: a host or website with more is emitted as several records (the importer
 * merges the records of one subject), so what is held while reading stays bounded.
 */
export const MAX_RUN = 1_000;

/**
 * The bytes (UTF-8) of each part of a record's identity: PostgreSQL's unique indexes (findings, software, websites,
 * computers) hold at most 2 704 bytes a row, and a longer key (a 3 000-character pluginID, protocol, product name or
 * location) failed the whole import with a 500. Cut here, for every format; what differs only past the cut is one.
 */
const HOST_BYTES = { hostname: 255, fqdn: 255, netbios: 255, mac: 64 } as const;
const FINDING_BYTES = { scannerId: 512, protocol: 32 } as const;
const SOFTWARE_BYTES = { cpe: 256, vendor: 256, product: 256, version: 256, protocol: 32, service: 256 } as const;
const WEB_FINDING_BYTES = { scannerId: 512, location: 1_600 } as const;

/** At most `bytes` bytes of the text in UTF-8, cut between characters. */
function clipUtf8(text: string, bytes: number): string {
  if (text.length * 3 <= bytes) return text;
  let head = text.slice(0, bytes);
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  const utf8 = Buffer.from(head);
  if (utf8.length <= bytes) return head;
  let end = bytes;
  while (end > 0 && ((utf8[end] as number) & 0xc0) === 0x80) end--;
  return utf8.subarray(0, end).toString();
}

/** The value itself, or a copy whose text fields are cut to their bytes. */
function clipped<T extends object>(value: T, limits: Partial<Record<keyof T, number>>): T {
  let copy: T | undefined;
  for (const [field, bytes] of Object.entries(limits) as [keyof T, number][]) {
    const text = value[field];
    if (typeof text !== 'string' || text.length * 3 <= bytes) continue;
    copy ??= { ...value };
    copy[field] = clipUtf8(text, bytes) as T[keyof T];
  }
  return copy ?? value;
}

/** Collects the events a format handler produces while a chunk is parsed; the driver drains them between chunks. */
export class EventSink {
  private queue: ScanEvent[] = [];

  host(record: HostRecord): void {
    const bounded: HostRecord = {
      ...record,
      host: clipped(record.host, HOST_BYTES),
      findings: record.findings.map((f) => clipped(f, FINDING_BYTES)),
    };
    if (record.software) bounded.software = record.software.map((s) => clipped(s, SOFTWARE_BYTES));
    this.queue.push({ type: 'host', record: bounded });
  }

  website(record: WebsiteRecord): void {
    const findings = record.findings.map((f) => clipped(f, WEB_FINDING_BYTES));
    this.queue.push({ type: 'website', record: { ...record, findings } });
  }

  issue(code: IssueCode, message: string, at: SourcePosition, dropped = 0): void {
    this.queue.push({ type: 'issue', issue: { ...at, code, message: withoutCredentials(message), dropped } });
  }

  /** A host whose address is no IP address (`what` says which field): reported with the findings it leaves out. */
  invalidHost(what: string, address: string, findings: number, at: SourcePosition): void {
    const message = `${what} "${address}" is not a valid IP address; its ${findings} findings were not imported`;
    this.issue('invalid-ip', message, at, findings);
  }

  drain(): ScanEvent[] {
    const events = this.queue;
    this.queue = [];
    return events;
  }
}

import type { HostRecord, IssueCode, ScanEvent, SourcePosition, WebsiteRecord } from './types.ts';

/** Collects the events a format handler produces while a chunk is parsed; the driver drains them between chunks. */
export class EventSink {
  private queue: ScanEvent[] = [];

  host(record: HostRecord): void {
    this.queue.push({ type: 'host', record });
  }

  website(record: WebsiteRecord): void {
    this.queue.push({ type: 'website', record });
  }

  issue(code: IssueCode, message: string, at: SourcePosition, dropped = 0): void {
    this.queue.push({ type: 'issue', issue: { ...at, code, message, dropped } });
  }

  drain(): ScanEvent[] {
    const events = this.queue;
    this.queue = [];
    return events;
  }
}

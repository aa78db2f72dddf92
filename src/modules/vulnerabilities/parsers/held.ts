// Reports that define their checks only after the hosts (Qualys' glossary, Nexpose's VulnerabilityDefinitions) cannot
// rate a host's findings when the host ends: the hosts wait, compact, until the definitions are read. What waits is
// bounded: past HOLD_LIMIT the report is refused whole rather than memory growing with the file.
import type { XmlCursor } from './xml-stream.ts';

/** Characters of held results and definitions a report may keep waiting (at most twice as many bytes in memory). */
export const HOLD_LIMIT = 64 * 1024 * 1024;
/**
 * What a held item costs besides its text (its object, identifiers and position), in characters. At 256, 60 MB of
 * Nexpose nodes without tests grew the parsing process by more than 300 MiB.
 */
const ITEM_COST = 512;

export class HoldBudget {
  private used = 0;

  /** `advice` tells the user how to export a report that fits (fewer hosts per report, another layout). */
  constructor(
    private readonly cursor: XmlCursor,
    private readonly waitingFor: string,
    private readonly advice: string,
  ) {}

  /** Counts `items` items of `chars` characters of text in all; false, and the parse stopped, once the report holds too much. */
  spend(chars: number, items = 1): boolean {
    this.used += items * ITEM_COST + chars;
    if (this.used <= HOLD_LIMIT) return true;
    const { line, column, path } = this.cursor.here();
    this.cursor.stop({
      kind: 'too-large',
      message:
        `too large at line ${line}: the report holds more than ${HOLD_LIMIT / 1024 / 1024} M characters of results ` +
        `before ${this.waitingFor}, which Khiên keeps in memory to rate them; ${this.advice}`,
      line,
      column,
      path,
    });
    return false;
  }
}

/**
 * The host records that wait for the definitions, each charged to the budget whether it has findings or not (a report
 * of many hosts without findings must not grow memory for free), emitted once the definitions are read; a record
 * closed after them is emitted at once.
 */
export class HeldHosts<T> {
  private held: T[] = [];
  private released = false;
  /** The check ids the held records name: the only definitions worth keeping. */
  readonly referenced = new Set<string>();

  constructor(
    private readonly budget: HoldBudget,
    private readonly emit: (record: T) => void,
  ) {}

  /** Holds a record of `chars` characters in `items` items (itself, its findings, its software); false when refused. */
  add(record: T, ids: Iterable<string>, chars: number, items: number): boolean {
    if (this.released) this.emit(record);
    else if (!this.budget.spend(chars, items)) return false;
    else {
      for (const id of ids) this.referenced.add(id);
      this.held.push(record);
    }
    return true;
  }

  /** The definitions are read (or the report ends without them): every held record is emitted, once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const record of this.held) this.emit(record);
    this.held = [];
  }

  /** A cut report is refused whole: the held records, which cannot be rated, are forgotten. */
  drop(): void {
    this.held = [];
  }
}

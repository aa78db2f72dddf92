// Reports that define their checks only after the hosts (Qualys' glossary, Nexpose's VulnerabilityDefinitions) cannot
// rate a host's findings when the host ends: the hosts wait, compact, until the definitions are read. What waits is
// bounded: past HOLD_LIMIT the report is refused whole rather than memory growing with the file.
import type { XmlCursor } from './xml-stream.ts';

/** Characters of held results and definitions a report may keep waiting (at most twice as many bytes in memory). */
export const HOLD_LIMIT = 64 * 1024 * 1024;
/** What a held item costs besides its text (its object, identifiers and position), in characters. */
const ITEM_COST = 256;

export class HoldBudget {
  private used = 0;

  /** `advice` tells the user how to export a report that fits (fewer hosts per report, another layout). */
  constructor(
    private readonly cursor: XmlCursor,
    private readonly waitingFor: string,
    private readonly advice: string,
  ) {}

  /** Counts an item of `chars` characters of text; false, and the parse stopped, once the report holds too much. */
  spend(chars: number): boolean {
    this.used += ITEM_COST + chars;
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

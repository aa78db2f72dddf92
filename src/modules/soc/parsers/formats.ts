// Choosing a parser: by name, or from the content of the first non-empty line.

import { EveParser } from './eve.ts';
import { NfdumpCsvParser } from './nfdump-csv.ts';
import { SyslogParser } from './syslog.ts';
import type { LineParser, LogFormat, ParseSink } from './types.ts';
import { ZeekJsonParser } from './zeek-json.ts';
import { ZeekTsvParser } from './zeek-tsv.ts';

export const logFormats: readonly LogFormat[] = ['zeek-tsv', 'zeek-json', 'eve', 'nfdump-csv', 'syslog'];

export function createParser(format: LogFormat, input: string, sink: ParseSink): LineParser {
  switch (format) {
    case 'zeek-tsv':
      return new ZeekTsvParser(input, sink);
    case 'zeek-json':
      return new ZeekJsonParser(input, sink);
    case 'eve':
      return new EveParser(input, sink);
    case 'nfdump-csv':
      return new NfdumpCsvParser(input, sink);
    case 'syslog':
      return new SyslogParser(input, sink);
  }
}

/** Guesses the format from one line of content; null when it looks like none of them. */
export function detectFormat(firstLine: string): LogFormat | null {
  const line = firstLine.trimStart();
  if (line.startsWith('#separator') || line.startsWith('#fields') || line.startsWith('#path')) return 'zeek-tsv';
  if (line.startsWith('{')) {
    if (/"event_type"\s*:/.test(line)) return 'eve';
    if (/"id\.orig_h"\s*:|"id"\s*:\s*\{|"uid"\s*:/.test(line)) return 'zeek-json';
    return null;
  }
  if (/^(ts|firstseen),/i.test(line) && /,(sa|srcaddr),/i.test(line)) return 'nfdump-csv';
  if (/^<\d{1,3}>/.test(line) || /^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d /.test(line)) return 'syslog';
  return null;
}

/**
 * Decides the format on the first non-empty line and hands every line to that parser; until
 * then (or forever, if nothing matches) lines are rejected with the reason.
 */
export class AutoParser implements LineParser {
  private parser: LineParser | null = null;
  format: LogFormat | null = null;

  constructor(
    private readonly input: string,
    private readonly sink: ParseSink,
  ) {}

  get records(): number {
    return this.parser?.records ?? 0;
  }

  get skipped(): number {
    return this.parser?.skipped ?? 0;
  }

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (!this.parser) {
      if (start === end) return;
      const format = detectFormat(buf.toString('utf8', start, Math.min(end, start + 4096)));
      if (!format) {
        this.sink.reject(lineNumber, 'unrecognised log format');
        return;
      }
      this.format = format;
      this.parser = createParser(format, this.input, this.sink);
    }
    this.parser.line(buf, start, end, lineNumber);
  }

  chunk(buf: Buffer, start: number, end: number, lineNumber: number): number {
    if (this.parser?.chunk) return this.parser.chunk(buf, start, end, lineNumber);
    // Until the format is known (and for parsers without a chunk path), line by line.
    let n = lineNumber;
    let at = start;
    while (at < end) {
      let newline = buf.indexOf(10, at);
      if (newline < 0 || newline >= end) newline = end;
      const lineEnd = newline > at && buf[newline - 1] === 13 ? newline - 1 : newline;
      this.line(buf, at, lineEnd, ++n);
      at = newline + 1;
      if (this.parser?.chunk && at < end) return this.parser.chunk(buf, at, end, n);
    }
    return n;
  }
}

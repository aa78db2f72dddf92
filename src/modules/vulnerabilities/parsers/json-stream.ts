// Drives a JSON format handler: a document through @streamparser/json (only the selected values are built, one at a
// time), or JSON Lines one line at a time through JSON.parse. Memory stays bounded by one record; positions are lines.
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import type { ScanFormatSpec, ScanHead } from './format.ts';
import type { EventSink } from './sink.ts';
import type { FatalError, ParseOptions, ScanEvent, ScanFormat, Scanner, SourcePosition } from './types.ts';

/** A record (or what lies between two records) longer than this is refused: one value is held whole in memory. */
export const MAX_JSON_RECORD_BYTES = 32 * 1024 * 1024;
/**
 * Arrays and objects nested deeper than this are refused: reports nest a dozen levels, and each open level costs the
 * parser memory and time (30 MB of `[` exhausted the heap).
 */
export const MAX_JSON_DEPTH = 256;

export type JsonPath = (string | number)[];

/** A JSON value as text: a string trimmed, a number written out, anything else ''. */
export const jsonText = (value: unknown): string =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';

/** A JSON value as an object: `{}` for anything that is not one. */
export const jsonObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export interface JsonHandler {
  /** @streamparser/json selectors of the values wanted, e.g. `$.data.affected_items.*`; values arrive in file order. */
  readonly paths: string[];
  /** JSON Lines: one document per line, each given whole with the path `[]`. */
  readonly lines?: boolean;
  value(value: unknown, path: JsonPath, at: SourcePosition): void;
  /** End of a well-formed document: emit what is still buffered. */
  finish(): void;
  /** The document was cut or broken: emit what is open, flagged incomplete. */
  abort(): void;
}

const OPENERS = new Set<number>([TokenType.LEFT_BRACE, TokenType.LEFT_BRACKET]);
const CLOSERS = new Set<number>([TokenType.RIGHT_BRACE, TokenType.RIGHT_BRACKET]);

/** Counts lines over the bytes fed so far, forward only: every byte is looked at once. */
class LineCounter {
  private buffer: Buffer = Buffer.alloc(0);
  /** Absolute offset of `buffer[0]`. */
  private base = 0;
  private counted = 0;
  private line = 1;
  private lineStart = 0;

  feed(buffer: Buffer): void {
    this.at(this.base + this.buffer.length);
    this.base += this.buffer.length;
    this.buffer = buffer;
  }

  /** Line and column (1-based, in bytes) of an absolute offset at or after the last one asked. */
  at(offset: number): { line: number; column: number } {
    const end = Math.min(offset, this.base + this.buffer.length);
    while (this.counted < end) {
      const nl = this.buffer.indexOf(10, this.counted - this.base);
      if (nl < 0 || this.base + nl >= end) {
        this.counted = end;
        break;
      }
      this.line++;
      this.lineStart = this.base + nl + 1;
      this.counted = this.lineStart;
    }
    return { line: this.line, column: Math.max(1, offset - this.lineStart + 1) };
  }
}

const problem = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A JSON document: the handler receives each selected value with the line where it starts. */
async function* runDocument(
  chunks: AsyncIterable<string>,
  handler: JsonHandler,
  sink: EventSink,
  label: string,
): AsyncGenerator<ScanEvent, FatalError | null> {
  // Numbers are gathered in a buffer: as strings, one per digit, a 32 MB number took 900 MB.
  const tokenizer = new Tokenizer({ numberBufferSize: 64 * 1024 });
  const parser = new TokenParser({ paths: handler.paths, keepStack: false });
  const lines = new LineCounter();
  let fatal: FatalError | null = null;
  let ended = false;
  let depth = 0;
  let lastOffset = 0;
  let sinceValue = 0;
  /** Where the container open at each depth began. */
  const opened: { line: number; column: number }[] = [];
  const fail = (kind: FatalError['kind'], message: string, offset = lastOffset) => {
    if (fatal) return;
    const { line, column } = lines.at(offset);
    fatal = { kind, message: `${message} (line ${line}, column ${column})`, line, column, path: label };
  };
  tokenizer.onToken = (info) => {
    lastOffset = info.offset;
    if (OPENERS.has(info.token)) {
      if (depth >= MAX_JSON_DEPTH) {
        fail('too-large', `too large: arrays and objects nested deeper than ${MAX_JSON_DEPTH}`);
        // Stops the tokenizer in the middle of its chunk (it reports the throw to onError, a no-op after `fail`).
        throw new Error('nested too deep');
      }
      opened[depth++] = lines.at(info.offset);
    } else if (CLOSERS.has(info.token)) depth--;
    parser.write(info);
  };
  parser.onValue = ({ value, key, stack }) => {
    sinceValue = 0;
    const container = typeof value === 'object' && value !== null;
    const start = container ? (opened[depth] ?? lines.at(lastOffset)) : lines.at(lastOffset);
    const path = stack.slice(1).map((s) => s.key as string | number);
    if (key !== undefined) path.push(key);
    handler.value(value, path, { ...start, path: `${label}:${path.join('.')}` });
  };
  parser.onEnd = () => {
    ended = true;
  };
  const onError = (error: Error) => {
    const absolute = /absolute position "(\d+)"/.exec(error.message);
    fail('not-well-formed', `not well-formed JSON: ${error.message}`, absolute ? Number(absolute[1]) : lastOffset);
  };
  tokenizer.onError = onError;
  parser.onError = onError;
  for await (const chunk of chunks) {
    if (ended) {
      if (chunk.trim()) fail('not-well-formed', 'content after the end of the JSON document', lastOffset + 1);
      break;
    }
    const bytes = Buffer.from(chunk, 'utf8');
    lines.feed(bytes);
    sinceValue += bytes.length;
    try {
      tokenizer.write(bytes);
    } catch (error) {
      onError(error as Error);
    }
    yield* sink.drain();
    if (fatal) break;
    if (sinceValue > MAX_JSON_RECORD_BYTES)
      fail('too-large', `more than ${MAX_JSON_RECORD_BYTES / 1024 ** 2} MB without a complete record`);
    if (fatal) break;
  }
  if (!fatal && !ended) fail('truncated', 'truncated: the JSON document ends before it is complete');
  if (fatal) handler.abort();
  else handler.finish();
  yield* sink.drain();
  return fatal;
}

/** JSON Lines: a broken line is an issue and the others are kept; a broken last line is a cut file. */
async function* runLines(
  chunks: AsyncIterable<string>,
  handler: JsonHandler,
  sink: EventSink,
  label: string,
): AsyncGenerator<ScanEvent, FatalError | null> {
  // The unfinished line, in pieces: each chunk is searched for line ends once (a long line stays linear).
  let pending: string[] = [];
  let pendingLength = 0;
  let line = 0;
  let fatal: FatalError | null = null;
  const take = (text: string, last: boolean) => {
    line++;
    const trimmed = text.trim();
    if (!trimmed) return;
    const at = { line, column: 1, path: label };
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      if (last) {
        fatal = { kind: 'truncated', message: `truncated at line ${line}: ${problem(error)}`, line, path: label };
        return;
      }
      sink.issue('bad-row', `line ${line}: not a JSON document (${problem(error)}); line skipped`, at, 1);
      return;
    }
    handler.value(value, [], at);
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      const end = chunk.slice(from, nl);
      take(pending.length ? pending.join('') + end : end, false);
      pending = [];
      pendingLength = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pending.push(chunk.slice(from));
      pendingLength += chunk.length - from;
    }
    if (pendingLength > MAX_JSON_RECORD_BYTES) {
      fatal = {
        kind: 'too-large',
        message: `line ${line + 1} is longer than ${MAX_JSON_RECORD_BYTES / 1024 ** 2} MB`,
        line: line + 1,
        path: label,
      };
      break;
    }
    yield* sink.drain();
  }
  if (!fatal && pendingLength) take(pending.join(''), true);
  if (fatal) handler.abort();
  else handler.finish();
  yield* sink.drain();
  return fatal;
}

export function runJson(
  chunks: AsyncIterable<string>,
  handler: JsonHandler,
  sink: EventSink,
  label: string,
): AsyncGenerator<ScanEvent, FatalError | null> {
  return handler.lines ? runLines(chunks, handler, sink, label) : runDocument(chunks, handler, sink, label);
}

/** A format whose reports are JSON (a document or JSON Lines), recognised by `detect`. */
export function jsonFormat(def: {
  format: ScanFormat;
  scanner: Scanner;
  subject: 'host' | 'website';
  label: string;
  detect: (head: ScanHead) => boolean;
  handler: (sink: EventSink, limits: Required<ParseOptions>, head: ScanHead) => JsonHandler;
}): ScanFormatSpec {
  const { handler, ...spec } = def;
  return {
    ...spec,
    parse: (chunks, { sink, limits, head }) => runJson(chunks, handler(sink, limits, head), sink, def.format),
  };
}

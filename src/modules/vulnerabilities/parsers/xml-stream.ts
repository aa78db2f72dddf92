// Drives a format handler from a SAX stream (saxes): no DOM, one chunk in memory at a time.
import { SaxesParser } from 'saxes';
import { BoundedText, detach } from './fields.ts';
import type { EventSink } from './sink.ts';
import type { FatalError, ParseOptions, ScanEvent, SourcePosition } from './types.ts';

export interface XmlHandler {
  open(name: string, attrs: Record<string, string>): void;
  close(name: string): void;
  text(text: string): void;
  /** End of a well-formed document: emit what is still buffered. */
  finish(): void;
  /** The document was cut or broken: emit what is open, flagged incomplete. */
  abort(): void;
}

/** What a handler may ask about the parse: where the current element starts and how deep it is. */
export class XmlCursor {
  readonly stack: string[] = [];
  line = 1;
  column = 1;

  /** Depth of the element being opened or closed (root = 1). */
  get depth(): number {
    return this.stack.length;
  }

  parent(): string | undefined {
    return this.stack[this.stack.length - 2];
  }

  /** Position of the start tag of the element just opened. */
  here(): SourcePosition {
    return { line: this.line, column: this.column, path: this.stack.join('/') };
  }
}

/**
 * Feeds the text chunks to saxes and yields the handler's events after each chunk, so the
 * consumer's pace bounds memory. Returns the fatal error that stopped the parse, if any.
 */
export async function* runXml(
  chunks: AsyncIterable<string>,
  handler: XmlHandler,
  cursor: XmlCursor,
  sink: EventSink,
): AsyncGenerator<ScanEvent, FatalError | null> {
  const parser = new SaxesParser();
  let fatal: FatalError | null = null;
  let ending = false;

  parser.on('opentagstart', (tag) => {
    // saxes has read `<name` and one more character: step back to the `<`.
    cursor.line = parser.line;
    cursor.column = parser.column - tag.name.length - 1;
  });
  parser.on('opentag', (tag) => {
    if (fatal) return;
    cursor.stack.push(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    for (const key in attrs) attrs[key] = detach(attrs[key] as string);
    handler.open(tag.name, attrs);
  });
  // saxes reports self-closing tags here too, so every open has exactly one close.
  parser.on('closetag', (tag) => {
    if (fatal) return;
    handler.close(tag.name);
    cursor.stack.pop();
  });
  parser.on('text', (text) => {
    if (!fatal) handler.text(text);
  });
  parser.on('cdata', (text) => {
    if (!fatal) handler.text(text);
  });
  parser.on('error', (error) => {
    if (fatal) return;
    const where = `line ${parser.line}, column ${parser.column}`;
    const inside = cursor.stack.length ? ` inside <${cursor.stack.join('/')}>` : '';
    const reason = error.message.replace(/^[^:]*:\d+:\d+: /, '');
    fatal = {
      kind: ending ? 'truncated' : 'not-well-formed',
      message: ending
        ? `truncated at line ${parser.line}: the file ends${inside} (${reason})`
        : `not well-formed at ${where}${inside}: ${reason}`,
      line: parser.line,
      column: parser.column,
      path: cursor.stack.join('/'),
    };
  });

  for await (const chunk of chunks) {
    parser.write(chunk);
    yield* sink.drain();
    if (fatal) break;
  }
  if (!fatal) {
    ending = true;
    parser.close();
  }
  if (fatal) handler.abort();
  else handler.finish();
  yield* sink.drain();
  return fatal;
}

/**
 * Collects the direct text of the elements a handler selects, bounded per element. Slots are
 * per depth so mixed content such as OpenVAS `<host>10.0.0.1<hostname>pc</hostname></host>`
 * keeps the address and the name apart.
 */
export class TextCapture {
  private readonly slots: (BoundedText | undefined)[] = [];

  constructor(private readonly cursor: XmlCursor) {}

  start(limit: number): void {
    this.slots[this.cursor.depth] = new BoundedText(limit);
  }

  text(text: string): void {
    this.slots[this.cursor.depth]?.append(text);
  }

  /** The text of the element being closed, or undefined when it was not captured. */
  take(): string | undefined {
    const slot = this.slots[this.cursor.depth];
    this.slots[this.cursor.depth] = undefined;
    return slot?.toString();
  }
}

/** Length budgets: identifiers and scores, prose (description, solution…), scanner output. */
export type TextBudget = 'short' | 'text' | 'output';

/** What the format handlers share: the cursor, the event sink, bounded text capture. */
export abstract class FormatHandler implements XmlHandler {
  protected readonly capture: TextCapture;
  protected readonly budget: Record<TextBudget, number>;

  constructor(
    protected readonly cursor: XmlCursor,
    protected readonly sink: EventSink,
    options: Required<ParseOptions>,
  ) {
    this.capture = new TextCapture(cursor);
    this.budget = { short: 1_000, text: options.maxTextLength, output: options.maxOutputLength };
  }

  abstract open(name: string, attrs: Record<string, string>): void;
  abstract close(name: string): void;
  abstract abort(): void;

  text(text: string): void {
    this.capture.text(text);
  }

  finish(): void {}
}

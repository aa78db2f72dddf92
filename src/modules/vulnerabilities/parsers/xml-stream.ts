// Drives a format handler from a hand-written streaming XML tokenizer: no DOM, one chunk in
// memory at a time. The hot path is String.prototype.indexOf over the decoded chunk; text the
// handler does not want is skipped without building a string, and line numbers are counted
// only up to where a position is asked for (each newline is visited once).
import { BoundedText, detach } from './fields.ts';
import type { EventSink } from './sink.ts';
import type { FatalError, ParseOptions, ScanEvent, SourcePosition } from './types.ts';

export interface XmlHandler {
  open(name: string, attrs: Record<string, string>): void;
  close(name: string): void;
  text(text: string): void;
  /** Whether the text of the current element is wanted; when not, it is skipped unread. */
  wantsText(): boolean;
  /** End of a well-formed document: emit what is still buffered. */
  finish(): void;
  /** The document was cut or broken: emit what is open, flagged incomplete. */
  abort(): void;
}

/** What a handler may ask about the parse: where the current element starts and how deep it is. */
export class XmlCursor {
  readonly stack: string[] = [];
  /** Set by the tokenizer: the line and column of the tag being reported. */
  locate: () => { line: number; column: number } = () => ({ line: 1, column: 1 });
  /** Set by the tokenizer: stops the parse after the current tag with a fatal error of the handler's (a limit). */
  stop: (fatal: FatalError) => void = () => {};

  /** Depth of the element being opened or closed (root = 1). */
  get depth(): number {
    return this.stack.length;
  }

  parent(): string | undefined {
    return this.stack[this.stack.length - 2];
  }

  /** Position of the start tag of the element just opened. */
  here(): SourcePosition {
    const { line, column } = this.locate();
    return { line, column, path: elementPath(this.stack) };
  }
}

/** Longest element path a position or message names. */
const MAX_PATH = 500;

/** `a/b/c` for messages and positions: bounded however long the names or deep the nesting (no name is copied whole). */
function elementPath(stack: string[]): string {
  let path = '';
  for (const name of stack) {
    const room = MAX_PATH - path.length - 1;
    if (room <= 0) return `${path}…`;
    path += `${path ? '/' : ''}${name.length > room ? `${name.slice(0, room)}…` : name}`;
  }
  return path;
}

/** Returned by the markup readers when the chunk ends inside the construct. */
const NEED_MORE = -1;
/** Markup (a start tag, a processing instruction, a DOCTYPE) longer than this is refused: memory stays bounded. */
const MAX_MARKUP = 8 * 1024 * 1024;
/** Elements nested deeper than this are refused: reports nest a few dozen at most, and every open level is held. */
export const MAX_XML_DEPTH = 256;
/** How much of a new chunk is joined to the unfinished tail of the previous one. */
const JOIN = 4096;

const TEXT = 0;
const COMMENT = 1;
const CDATA = 2;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const APOS = 39;
const SLASH = 47;
const EQUAL = 61;
const GT = 62;
const QUESTION = 63;
const BANG = 33;

/** ASCII name characters: 1 may start a name, 2 may continue one. Every non-ASCII character is accepted. */
const NAME_TABLE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) NAME_TABLE[c] = 3;
  else if (/[0-9.-]/.test(ch)) NAME_TABLE[c] = 2;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

function isXmlChar(c: number): boolean {
  return (
    c === TAB ||
    c === LF ||
    c === CR ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** The 5 predefined entities and numeric character references; undefined for anything else. */
function resolveEntity(name: string): string | undefined {
  switch (name) {
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'amp':
      return '&';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  let code = Number.NaN;
  if (/^#x[0-9a-fA-F]{1,6}$/.test(name)) code = Number.parseInt(name.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
}

function normaliseNewlines(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

/**
 * The tokenizer. Indices are into `buf`, the unconsumed rest of the previous chunks plus the
 * current one; what precedes `pos` is dropped (after its newlines are counted) on the next write.
 */
class XmlTokenizer {
  fatal: FatalError | null = null;
  private buf = '';
  private pos = 0;
  private state = TEXT;
  /** Length `buf` must reach before markup cut by the chunk end is read again (doubling: linear time). */
  private waitFor = 0;
  private ending = false;
  private sawRoot = false;
  private closedRoot = false;
  /** Start of the tag being reported, for the cursor. */
  private tagStart = 0;
  // Lines: newlines before `counted` are counted; `nextNl` caches the next one (-1 none in buf, -2 unknown).
  private line = 1;
  private lineStart = 0;
  private counted = 0;
  private nextNl = -2;
  // Next `&` at or after `ampFrom` (-1 none in buf, -2 unknown).
  private ampAt = -2;
  private ampFrom = 0;
  /** End of the entity reference last read. */
  private entityEnd = 0;
  /** Small cache of element and attribute names, so repeated names are neither allocated nor rehashed. */
  private readonly names: (string | undefined)[] = new Array(512);
  private readonly stack: string[];

  constructor(
    private readonly handler: XmlHandler,
    cursor: XmlCursor,
  ) {
    this.stack = cursor.stack;
    cursor.locate = () => this.position(this.tagStart);
    cursor.stop = (fatal) => {
      this.fatal ??= fatal;
    };
  }

  write(chunk: string): void {
    // U+0000 is no XML character (and PostgreSQL cannot store it): read up to it, then fail where it stands.
    const nul = chunk.indexOf('\0');
    if (nul !== -1) {
      this.write(chunk.slice(0, nul));
      this.fail(this.buf.length, 'invalid character U+0000.');
      return;
    }
    const rest = this.buf.length - this.pos;
    if (rest === 0) this.rebase(chunk, this.pos);
    else if (rest + chunk.length < this.waitFor) {
      // Long markup cut by the chunk end: gather text until it is worth reading it again.
      this.rebase(this.buf.slice(this.pos) + chunk, this.pos);
      return;
    } else if (rest > JOIN || chunk.length <= 2 * JOIN) this.rebase(this.buf.slice(this.pos) + chunk, this.pos);
    else {
      // The usual case: a short unfinished tail. A joined string is a cons string, which costs an
      // indirection on every charCodeAt; so read the tail joined with the chunk's first few KB
      // only, then go on in the chunk itself, which the decoder made flat.
      this.rebase(this.buf.slice(this.pos) + chunk.slice(0, JOIN), this.pos);
      this.run();
      if (this.fatal) return;
      if (this.pos >= rest) this.rebase(chunk, rest);
      else this.rebase(this.buf.slice(this.pos) + chunk.slice(JOIN), this.pos);
    }
    this.run();
  }

  /** End of input: what is left is either text or markup the file ends inside. */
  end(): void {
    // Markup cut by the last chunk may be waiting for more text than is coming.
    if (this.buf.length < this.waitFor) this.run();
    if (this.fatal) return;
    this.ending = true;
    const buf = this.buf;
    if (this.state === TEXT && this.pos < buf.length && buf.charCodeAt(this.pos) !== 0x3c) {
      this.text(this.pos, buf.length);
      if (this.fatal) return;
      this.pos = buf.length;
    }
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined) this.fail(buf.length, `unclosed tag: ${top}`);
    else if (this.pos < buf.length || this.state !== TEXT) this.fail(buf.length, 'unexpected end.');
    else if (!this.sawRoot) this.fail(buf.length, 'document must contain a root element.');
  }

  /**
   * Moves to a new buffer where index `i` of the old one is `i - shift` (for every index from
   * `pos` on); what lies before `pos` is forgotten, its newlines counted first.
   */
  private rebase(buf: string, shift: number): void {
    this.advanceLines(this.pos);
    this.buf = buf;
    this.pos -= shift;
    this.counted -= shift;
    this.lineStart -= shift;
    this.nextNl = -2;
    this.ampAt = -2;
    this.ampFrom = 0;
  }

  private advanceLines(to: number): void {
    if (to <= this.counted) return;
    const buf = this.buf;
    let nl = this.nextNl;
    if (nl === -2 || (nl >= 0 && nl < this.counted)) nl = buf.indexOf('\n', this.counted);
    while (nl !== -1 && nl < to) {
      this.line++;
      this.lineStart = nl + 1;
      nl = buf.indexOf('\n', nl + 1);
    }
    this.nextNl = nl;
    this.counted = to;
  }

  private position(index: number): { line: number; column: number } {
    this.advanceLines(index);
    return { line: this.line, column: index - this.lineStart + 1 };
  }

  private nextAmp(from: number): number {
    const at = this.ampAt;
    if (at === -2 || from < this.ampFrom || (at >= 0 && at < from)) {
      this.ampAt = this.buf.indexOf('&', from);
      this.ampFrom = from;
    }
    return this.ampAt;
  }

  private fail(index: number, reason: string): number {
    if (this.fatal) return NEED_MORE;
    const { line, column } = this.position(index);
    const path = elementPath(this.stack);
    const inside = path ? ` inside <${path}>` : '';
    this.fatal = {
      kind: this.ending ? 'truncated' : 'not-well-formed',
      message: this.ending
        ? `truncated at line ${line}: the file ends${inside} (${reason})`
        : `not well-formed at line ${line}, column ${column}${inside}: ${reason}`,
      line,
      column,
      path,
    };
    return NEED_MORE;
  }

  private run(): void {
    const buf = this.buf;
    let pos = this.pos;
    while (this.fatal === null) {
      if (this.state !== TEXT) {
        pos = this.section(pos);
        if (this.state !== TEXT) break;
        continue;
      }
      const lt = buf.indexOf('<', pos);
      if (lt === -1) {
        pos = this.textAtChunkEnd(pos);
        break;
      }
      if (lt > pos) {
        this.text(pos, lt);
        if (this.fatal) break;
      }
      const next = this.markup(lt);
      if (next === NEED_MORE) {
        pos = lt;
        if (this.fatal === null) {
          const pending = buf.length - lt;
          if (pending > MAX_MARKUP) this.fail(lt, `markup longer than ${MAX_MARKUP / 1024 / 1024} MB`);
          this.waitFor = Math.min(2 * pending, MAX_MARKUP + 1);
        }
        break;
      }
      this.waitFor = 0;
      pos = next;
    }
    this.pos = pos;
  }

  /** Text up to the chunk end, keeping back an entity reference or a CR the next chunk may complete. */
  private textAtChunkEnd(start: number): number {
    const buf = this.buf;
    let end = buf.length;
    // Only the last few characters can hold a cut reference (they are never longer than 12).
    let amp = buf.indexOf('&', Math.max(start, end - 16));
    for (let next = amp; next !== -1; next = buf.indexOf('&', next + 1)) amp = next;
    if (amp !== -1 && buf.indexOf(';', amp) === -1) end = amp;
    else if (buf.charCodeAt(end - 1) === CR) end--;
    if (end > start) this.text(start, end);
    return end;
  }

  /** Character data between `start` and `end` (no `<` in it). */
  private text(start: number, end: number): void {
    const buf = this.buf;
    if (this.stack.length === 0) {
      if (!/^[ \t\r\n]*$/.test(buf.slice(start, end))) this.fail(start, 'text data outside of root node.');
      return;
    }
    let amp = this.nextAmp(start);
    if (!this.handler.wantsText()) {
      // Unwanted text is not read, but its references must still be well formed.
      while (amp !== -1 && amp < end) {
        if (this.entity(amp, end) === undefined) return;
        amp = this.nextAmp(this.entityEnd);
      }
      return;
    }
    let text: string;
    if (amp === -1 || amp >= end) text = buf.slice(start, end);
    else {
      text = '';
      let from = start;
      while (amp !== -1 && amp < end) {
        const char = this.entity(amp, end);
        if (char === undefined) return;
        text += buf.slice(from, amp) + char;
        from = this.entityEnd;
        amp = this.nextAmp(from);
      }
      text += buf.slice(from, end);
    }
    this.handler.text(normaliseNewlines(text));
  }

  /** The character an entity reference at `amp` stands for; `entityEnd` is set past its `;`. */
  private entity(amp: number, limit: number): string | undefined {
    const buf = this.buf;
    const semi = buf.indexOf(';', amp + 1);
    if (semi === -1 || semi >= limit || semi - amp > 12) {
      this.fail(amp, 'unescaped & or malformed entity reference.');
      return undefined;
    }
    const name = buf.slice(amp + 1, semi);
    const char = resolveEntity(name);
    if (char === undefined) {
      this.fail(amp, name.startsWith('#') ? 'malformed character entity.' : `undefined entity: &${name};`);
      return undefined;
    }
    this.entityEnd = semi + 1;
    return char;
  }

  /** Inside a comment or CDATA section that a previous chunk began. */
  private section(pos: number): number {
    const buf = this.buf;
    const cdata = this.state === CDATA;
    const close = buf.indexOf(cdata ? ']]>' : '-->', pos);
    const end = close === -1 ? Math.max(pos, buf.length - 2) : close;
    if (cdata && end > pos && this.handler.wantsText()) this.handler.text(normaliseNewlines(buf.slice(pos, end)));
    if (close === -1) return end;
    this.state = TEXT;
    return close + 3;
  }

  /** Reads the markup at `lt`; returns the index after it, or NEED_MORE (also after a failure). */
  private markup(lt: number): number {
    const c = this.buf.charCodeAt(lt + 1);
    if (c === SLASH) return this.closeTag(lt);
    if (c === BANG) return this.bang(lt);
    if (c === QUESTION) {
      const end = this.buf.indexOf('?>', lt + 2);
      return end === -1 ? NEED_MORE : end + 2;
    }
    if (Number.isNaN(c)) return NEED_MORE;
    return this.openTag(lt);
  }

  /** An element or attribute name from `start`; returns its end, or NEED_MORE / a failure. */
  private nameEnd(start: number): number {
    const buf = this.buf;
    const first = buf.charCodeAt(start);
    if (Number.isNaN(first)) return NEED_MORE;
    if (first < 128 && !((NAME_TABLE[first] as number) & 1)) return this.fail(start, 'disallowed character in name.');
    let i = start + 1;
    for (;;) {
      const c = buf.charCodeAt(i);
      if (c < 128) {
        if (!((NAME_TABLE[c] as number) & 2)) return i;
      } else if (Number.isNaN(c)) return NEED_MORE;
      i++;
    }
  }

  private name(start: number, end: number): string {
    const buf = this.buf;
    const length = end - start;
    const slot =
      (length * 31 + buf.charCodeAt(start) * 7 + buf.charCodeAt(end - 1) * 3 + buf.charCodeAt(start + (length >> 1))) &
      511;
    const cached = this.names[slot];
    if (cached !== undefined && cached.length === length && buf.startsWith(cached, start)) return cached;
    const name = detach(buf.slice(start, end));
    this.names[slot] = name;
    return name;
  }

  private openTag(lt: number): number {
    const buf = this.buf;
    const nameEnd = this.nameEnd(lt + 1);
    if (nameEnd === NEED_MORE) return NEED_MORE;
    const stack = this.stack;
    const attrs: Record<string, string> = {};
    let i = nameEnd;
    let selfClosing = false;
    for (;;) {
      let c = buf.charCodeAt(i);
      const spaced = isSpace(c);
      while (isSpace(c)) c = buf.charCodeAt(++i);
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        const next = buf.charCodeAt(i + 1);
        if (Number.isNaN(next)) return NEED_MORE;
        if (next !== GT) return this.fail(i, 'forward-slash in opening tag not followed by >.');
        selfClosing = true;
        i += 2;
        break;
      }
      if (Number.isNaN(c)) return NEED_MORE;
      if (!spaced) return this.fail(i, 'disallowed character in tag name or no whitespace between attributes.');
      const keyEnd = this.nameEnd(i);
      if (keyEnd === NEED_MORE) return NEED_MORE;
      const keyStart = i;
      i = keyEnd;
      c = buf.charCodeAt(i);
      while (isSpace(c)) c = buf.charCodeAt(++i);
      if (c !== EQUAL) return Number.isNaN(c) ? NEED_MORE : this.fail(i, 'attribute without value.');
      c = buf.charCodeAt(++i);
      while (isSpace(c)) c = buf.charCodeAt(++i);
      if (c !== QUOTE && c !== APOS) return Number.isNaN(c) ? NEED_MORE : this.fail(i, 'unquoted attribute value.');
      const close = buf.indexOf(c === QUOTE ? '"' : "'", i + 1);
      if (close === -1) return NEED_MORE;
      const value = this.attributeValue(i + 1, close);
      if (value === undefined) return NEED_MORE;
      const key = this.name(keyStart, keyEnd);
      if (Object.hasOwn(attrs, key)) return this.fail(keyStart, `duplicate attribute: ${key}.`);
      attrs[key] = value;
      i = close + 1;
    }
    if (stack.length === 0) {
      if (this.closedRoot) return this.fail(lt, 'documents may contain only one root.');
      this.sawRoot = true;
    }
    if (stack.length >= MAX_XML_DEPTH) {
      const { line, column } = this.position(lt);
      this.fatal = {
        kind: 'too-large',
        message: `too large at line ${line}, column ${column}: elements nested deeper than ${MAX_XML_DEPTH}`,
        line,
        column,
        path: elementPath(stack),
      };
      return NEED_MORE;
    }
    const name = this.name(lt + 1, nameEnd);
    stack.push(name);
    this.tagStart = lt;
    this.handler.open(name, attrs);
    if (selfClosing) this.closeElement(name);
    return i;
  }

  private attributeValue(start: number, end: number): string | undefined {
    const buf = this.buf;
    let raw = buf.slice(start, end);
    if (!/[\t\n\r&<]/.test(raw)) return end - start >= 13 ? detach(raw) : raw;
    const lt = raw.indexOf('<');
    if (lt !== -1) {
      this.fail(start + lt, 'disallowed character < in attribute value.');
      return undefined;
    }
    // Attribute-value normalisation: each newline or tab written in the file reads as a space.
    raw = raw.replace(/\r\n|[\t\n\r]/g, ' ');
    if (raw.indexOf('&') === -1) return detach(raw);
    let value = '';
    let from = start;
    for (let amp = this.nextAmp(start); amp !== -1 && amp < end; amp = this.nextAmp(from)) {
      const char = this.entity(amp, end);
      if (char === undefined) return undefined;
      value += buf.slice(from, amp).replace(/\r\n|[\t\n\r]/g, ' ') + char;
      from = this.entityEnd;
    }
    return detach(value + buf.slice(from, end).replace(/\r\n|[\t\n\r]/g, ' '));
  }

  private closeTag(lt: number): number {
    const buf = this.buf;
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined && buf.startsWith(top, lt + 2)) {
      let i = lt + 2 + top.length;
      let c = buf.charCodeAt(i);
      while (isSpace(c)) c = buf.charCodeAt(++i);
      if (c === GT) {
        this.tagStart = lt;
        this.closeElement(top);
        return i + 1;
      }
      if (Number.isNaN(c)) return NEED_MORE;
    }
    const gt = buf.indexOf('>', lt + 2);
    if (gt === -1) return NEED_MORE;
    const name = buf.slice(lt + 2, gt).trim();
    if (top === undefined) return this.fail(lt, `unmatched closing tag: ${name}.`);
    return this.fail(lt, `unexpected close tag </${name}> (expected </${top}>).`);
  }

  private closeElement(name: string): void {
    this.handler.close(name);
    this.stack.pop();
    if (this.stack.length === 0) this.closedRoot = true;
  }

  /** `<!--`, `<![CDATA[` or `<!DOCTYPE` at `lt`. */
  private bang(lt: number): number {
    const buf = this.buf;
    if (buf.length < lt + 9) {
      // Enough to tell the three apart, unless the file ends here.
      if (
        !(
          '<!--'.startsWith(buf.slice(lt, lt + 4)) ||
          '<![CDATA['.startsWith(buf.slice(lt)) ||
          '<!DOCTYPE'.startsWith(buf.slice(lt))
        )
      )
        return this.fail(lt, 'incorrect syntax.');
      if (!buf.startsWith('<!--', lt)) return NEED_MORE;
    }
    if (buf.startsWith('<!--', lt)) {
      this.state = COMMENT;
      return this.section(lt + 4);
    }
    if (buf.startsWith('<![CDATA[', lt)) {
      if (this.stack.length === 0) return this.fail(lt, 'CDATA section outside of root node.');
      this.state = CDATA;
      return this.section(lt + 9);
    }
    if (buf.startsWith('<!DOCTYPE', lt)) {
      if (this.sawRoot) return this.fail(lt, 'inappropriately located doctype declaration.');
      return this.doctype(lt + 9);
    }
    return this.fail(lt, 'incorrect syntax.');
  }

  /** Skips a DOCTYPE, its internal subset and quoted literals included. */
  private doctype(from: number): number {
    const buf = this.buf;
    let quote = 0;
    let depth = 0;
    for (let i = from; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === QUOTE || c === APOS) quote = c;
      else if (c === 0x5b) depth++;
      else if (c === 0x5d) depth--;
      else if (c === GT && depth <= 0) return i + 1;
    }
    return NEED_MORE;
  }
}

/**
 * Feeds the text chunks to the tokenizer and yields the handler's events after each chunk, so
 * the consumer's pace bounds memory. Returns the fatal error that stopped the parse, if any.
 */
export async function* runXml(
  chunks: AsyncIterable<string>,
  handler: XmlHandler,
  cursor: XmlCursor,
  sink: EventSink,
): AsyncGenerator<ScanEvent, FatalError | null> {
  const tokenizer = new XmlTokenizer(handler, cursor);
  for await (const chunk of chunks) {
    tokenizer.write(chunk);
    yield* sink.drain();
    if (tokenizer.fatal) break;
  }
  if (!tokenizer.fatal) tokenizer.end();
  if (tokenizer.fatal) handler.abort();
  else handler.finish();
  yield* sink.drain();
  return tokenizer.fatal;
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

  /** Whether the element being read has its text collected. */
  wants(): boolean {
    return this.slots[this.cursor.depth] !== undefined;
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

/** The length of each budget under the parse's limits (JSON formats bound their values by the same). */
export function textBudgets(options: Required<ParseOptions>): Record<TextBudget, number> {
  return { short: 1_000, text: options.maxTextLength, output: options.maxOutputLength };
}

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
    this.budget = textBudgets(options);
  }

  abstract open(name: string, attrs: Record<string, string>): void;
  abstract close(name: string): void;
  abstract abort(): void;

  text(text: string): void {
    this.capture.text(text);
  }

  wantsText(): boolean {
    return this.capture.wants();
  }

  finish(): void {}
}

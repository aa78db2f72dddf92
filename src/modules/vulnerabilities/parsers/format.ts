// The one interface every report format implements: recognise the content from its start, then parse the whole
// stream into host or website records. A format is one file under formats/ plus a line in formats/index.ts.
import type { EventSink } from './sink.ts';
import type { FatalError, ParseOptions, ScanEvent, ScanFormat, Scanner } from './types.ts';
import { runXml, XmlCursor, type XmlHandler } from './xml-stream.ts';

/** How much of the content detection may read before giving up. */
export const DETECT_LIMIT = 64 * 1024;
/** Lines of the start kept for detection (CSV headers after a title block, JSON Lines). */
const HEAD_LINES = 50;

/** The start of a report, as every format's `detect` sees it. */
export interface ScanHead {
  /** The first DETECT_LIMIT characters (all of a smaller file), byte order mark removed. */
  text: string;
  /** The whole content is in `text`. */
  final: boolean;
  /** The XML root element: its name and the text of its start tag (attributes included); null for non-XML. */
  xmlRoot: { name: string; tag: string } | null;
  /** The first lines of `text`, without line ends (the last may be cut). */
  lines: string[];
}

export interface FormatContext {
  sink: EventSink;
  limits: Required<ParseOptions>;
  head: ScanHead;
}

export interface ScanFormatSpec {
  readonly format: ScanFormat;
  /** Whose checks its findings are: a later report of the same scanner resolves what it no longer reports. */
  readonly scanner: Scanner;
  /** Computers (`host` records) or websites (`website` records). */
  readonly subject: 'host' | 'website';
  /** The tool and layout, in the words users know (`Tenable.sc CSV`). */
  readonly label: string;
  /** Whether the content is this format; formats are asked in registry order and the first yes wins. */
  detect(head: ScanHead): boolean;
  /**
   * Parses the whole content (the head included) into events; returns the fatal error that stopped it, if any.
   * Events are yielded as they are produced so the consumer's pace bounds memory.
   */
  parse(chunks: AsyncIterable<string>, context: FormatContext): AsyncGenerator<ScanEvent, FatalError | null>;
}

/** Skips the XML declaration, processing instructions, comments and DOCTYPE before the root. */
const PROLOG = /^(\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>)*/;

/**
 * The head of a report from its first text, or undefined while more is needed: an XML document until its root's start
 * tag is read, anything else until DETECT_LIMIT characters or the end.
 */
export function readHead(start: string, final: boolean): ScanHead | undefined {
  const text = start.replace(/^\uFEFF/, '');
  const enough = final || text.length >= DETECT_LIMIT;
  const trimmed = text.trimStart();
  let xmlRoot: ScanHead['xmlRoot'] = null;
  if (trimmed.startsWith('<')) {
    const rest = trimmed.slice(PROLOG.exec(trimmed)?.[0].length ?? 0);
    const tag = /^<([A-Za-z_][\w.:-]*)(?:[\s/>][^>]*>?)?/.exec(rest);
    const complete = tag && (tag[0].endsWith('>') || enough);
    if (!complete && !enough) return undefined;
    if (tag) xmlRoot = { name: tag[1] as string, tag: tag[0] };
  } else if (!enough) return undefined;
  const lines = text.slice(0, DETECT_LIMIT).split(/\r?\n/, HEAD_LINES);
  return { text: text.slice(0, DETECT_LIMIT), final, xmlRoot, lines };
}

/** The local name of an XML element (`xccdf:TestResult` → `TestResult`). */
export const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** A format read by the streaming XML tokenizer, recognised by its root element (and `also`, when roots are shared). */
export function xmlFormat(def: {
  format: ScanFormat;
  scanner: Scanner;
  subject: 'host' | 'website';
  label: string;
  /** Local names of the root elements the format may have. */
  roots: string[];
  also?: (head: ScanHead) => boolean;
  /** The head tells apart layouts that share a format (Qualys' asset data and scan results reports). */
  handler: (cursor: XmlCursor, sink: EventSink, limits: Required<ParseOptions>, head: ScanHead) => XmlHandler;
}): ScanFormatSpec {
  const { roots, also, handler, ...spec } = def;
  return {
    ...spec,
    detect: (head) =>
      head.xmlRoot !== null && roots.includes(localName(head.xmlRoot.name)) && (also ? also(head) : true),
    parse(chunks, { sink, limits, head }) {
      const cursor = new XmlCursor();
      return runXml(chunks, handler(cursor, sink, limits, head), cursor, sink);
    },
  };
}

/**
 * The cells of a CSV line as detection needs them: split on commas (or `separator`) outside quotes, quotes removed,
 * trimmed and lower-cased. Not a CSV parser: quoted line breaks are not joined.
 */
export function headerCells(line: string, separator = ','): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === separator && !quoted) {
      cells.push(cell.trim().toLowerCase());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim().toLowerCase());
  return cells;
}

/** The index among the head's lines of the first CSV line whose cells satisfy `test`, or -1. */
export function headerLineIndex(head: ScanHead, test: (cells: string[]) => boolean, within = HEAD_LINES): number {
  return head.lines.slice(0, within).findIndex((line) => test(headerCells(line)));
}

/**
 * Object keys written in the head of a JSON document (`"key":`), for detection; not a JSON parser. With `depth`, only
 * the keys of the objects at that depth (1: the root object's, 2: those of the objects in the root array): words as
 * common as `host` or `port` then say nothing about an object nested deeper (a GeoJSON feature's properties).
 */
export function jsonKeys(head: ScanHead, depth?: number): Set<string> {
  const keys = new Set<string>();
  // Every string is matched whole, so that no brace inside one counts.
  const token = /"((?:[^"\\\n]|\\.)*)"(\s*:)?|[{[]|[}\]]/g;
  let level = 0;
  for (const [whole, key, colon] of head.text.matchAll(token)) {
    if (whole === '{' || whole === '[') level++;
    else if (whole === '}' || whole === ']') level--;
    else if (colon && key && key.length <= 64 && (depth === undefined || level === depth)) keys.add(key);
  }
  return keys;
}

/** `{` or `[` when the content starts like a JSON document (after white space). */
export function jsonStart(head: ScanHead): '{' | '[' | null {
  const c = head.text.trimStart()[0];
  return c === '{' || c === '[' ? c : null;
}

// Entry point: detect the format from the content, run its streaming parser, summarise.
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { limitsOf } from './fields.ts';
import { readHead, type ScanHead } from './format.ts';
import { FORMATS } from './formats/index.ts';
import { EventSink } from './sink.ts';
import { SummaryBuilder } from './summary.ts';
import type {
  FatalError,
  HostRecord,
  ParseIssue,
  ParseOptions,
  ScanEvent,
  ScanFormat,
  ScanInput,
  ScanSummary,
  WebsiteRecord,
} from './types.ts';

/**
 * Bytes decoded into one string at a time. V8 puts strings over ~128 KB in large-object
 * space, where allocating (fresh pages) costs ~8x what young-generation strings do: 256 KB
 * pieces made decoding a 200 MB file take ~190 ms of CPU, 64 KB pieces ~30 ms.
 */
const DECODE_PIECE = 64 * 1024;

/** A failure of the input itself (missing file, broken stream), as opposed to its content. */
class ReadError extends Error {}

async function* textChunks(input: ScanInput): AsyncGenerator<string> {
  if (typeof input === 'string') {
    yield input;
    return;
  }
  const decoder = new StringDecoder('utf8');
  if (input instanceof Uint8Array) {
    yield decoder.write(Buffer.from(input.buffer, input.byteOffset, input.byteLength)) + decoder.end();
    return;
  }
  const iterator = input[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array | string>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw new ReadError(error instanceof Error ? error.message : String(error));
    }
    if (next.done) break;
    const chunk = next.value;
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < bytes.length; i += DECODE_PIECE) yield decoder.write(bytes.subarray(i, i + DECODE_PIECE));
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** Reads just enough text to recognise the format, then hands back the whole stream. */
async function sniff(chunks: AsyncGenerator<string>) {
  let text = '';
  let head: ScanHead | undefined;
  let ended = false;
  while (!head) {
    const next = await chunks.next();
    ended = next.done === true;
    if (!ended) text += next.value;
    head = readHead(text, ended);
  }
  const spec = FORMATS.find((f) => f.detect(head)) ?? null;
  // A UTF-8 byte order mark is not content for the parsers.
  const start = text.replace(/^\uFEFF/, '');
  async function* whole(): AsyncGenerator<string> {
    if (start) yield start;
    if (!ended) yield* chunks;
  }
  return { spec, head, stream: whole() };
}

function unknownFormat(head: ScanHead): FatalError {
  const start = head.text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
  return {
    kind: 'unknown-format',
    message: `unknown format: not a report Khiên reads (${FORMATS.map((f) => f.label).join(', ')}); it starts with "${start}"`,
  };
}

/**
 * Parses a scanner report as a stream of events: `start` (format), `host` records and
 * `issue`s in file order, then always one `end` with the fatal error, if any, and the summary.
 * Memory is bounded by one host (one run of results for OpenVAS and CSV) plus the summary's
 * sets of host keys and CVE ids.
 */
export async function* parseScan(input: ScanInput, options?: ParseOptions): AsyncGenerator<ScanEvent> {
  const limits = limitsOf(options);
  const summary = new SummaryBuilder();
  let format: ScanFormat | null = null;
  let fatal: FatalError | null = null;
  try {
    const { spec, head, stream } = await sniff(textChunks(input));
    format = spec?.format ?? null;
    if (!spec) {
      fatal = unknownFormat(head);
    } else {
      yield { type: 'start', format: spec.format, scanner: spec.scanner, subject: spec.subject };
      const events = spec.parse(stream, { sink: new EventSink(), limits, head });
      for (;;) {
        const next = await events.next();
        if (next.done) {
          fatal = next.value;
          break;
        }
        summary.add(next.value);
        yield next.value;
      }
    }
  } catch (error) {
    if (!(error instanceof ReadError)) throw error;
    fatal = { kind: 'read-error', message: `cannot read the report: ${error.message}` };
  }
  yield { type: 'end', format, fatal, summary: summary.result(format, fatal === null) };
}

export function parseScanFile(path: string, options?: ParseOptions): AsyncGenerator<ScanEvent> {
  return parseScan(createReadStream(path, { highWaterMark: 256 * 1024 }), options);
}

export interface CollectedScan {
  format: ScanFormat | null;
  hosts: HostRecord[];
  websites: WebsiteRecord[];
  issues: ParseIssue[];
  fatal: FatalError | null;
  summary: ScanSummary;
}

/** Runs a whole parse into memory: for small reports, previews and tests, not for large imports. */
export async function collectScan(input: ScanInput, options?: ParseOptions): Promise<CollectedScan> {
  const hosts: HostRecord[] = [];
  const websites: WebsiteRecord[] = [];
  const issues: ParseIssue[] = [];
  for await (const event of parseScan(input, options)) {
    if (event.type === 'host') hosts.push(event.record);
    else if (event.type === 'website') websites.push(event.record);
    else if (event.type === 'issue') issues.push(event.issue);
    else if (event.type === 'end')
      return { format: event.format, hosts, websites, issues, fatal: event.fatal, summary: event.summary };
  }
  throw new Error('parseScan ended without its end event');
}

// Field conversions shared by several log formats, and the chunked reading of the parsers that
// use the separator index.

import { linesOfChunk } from '../../../core/io/line-reader.ts';
import { type IpKey, parseIpKey } from '../../../core/net/ip.ts';
import type { SeparatorIndex } from '../../../core/wasm/separator-index.ts';
import { FlowBatch } from '../engine/flow-batch.ts';
import { type Outcome, Outcome as Outcomes, Protocol } from '../engine/types.ts';
import type { FlowKernel } from './kernels/flow-kernel.ts';
import type { ParseSink } from './types.ts';

/** Protocol name or number as logged ("tcp", "TCP", "6", "IPv6-ICMP") → IANA number, -1 if unknown. */
export function protocolNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 255 ? value : -1;
  if (typeof value !== 'string') return -1;
  switch (value.toLowerCase()) {
    case 'tcp':
      return Protocol.Tcp;
    case 'udp':
      return Protocol.Udp;
    case 'icmp':
      return Protocol.Icmp;
    case 'ipv6-icmp':
    case 'icmp6':
    case 'icmpv6':
      return Protocol.Icmpv6;
    default:
      return /^\d{1,3}$/.test(value) && Number(value) <= 255 ? Number(value) : -1;
  }
}

export function portNumber(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : -1;
}

/** Epoch seconds from a number, a numeric string, or an ISO 8601 / RFC 3339 date; NaN if none. */
export function timestampSeconds(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== 'string' || value === '') return Number.NaN;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? Number.NaN : ms / 1000;
}

export function address(value: unknown): IpKey | null {
  return typeof value === 'string' ? parseIpKey(value) : null;
}

const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/**
 * Outcome of a one-directional TCP flow record (NetFlow, nfdump) from its cumulative flags:
 * SYN without ACK is an initiator that never completed a handshake (with RST: half-open probe);
 * SYN with ACK completed one (either side); no SYN is mid-stream or a response, not an attempt.
 */
export function outcomeFromTcpFlags(flags: number): Outcome {
  if (!(flags & SYN)) return Outcomes.Unknown;
  if (flags & ACK) return Outcomes.Ok;
  return flags & RST ? Outcomes.Probe : Outcomes.Fail;
}

/** nfdump's flag string ("...A.S.", "UAPRSF" letters) → TCP flag bits. */
export function tcpFlagsFromLetters(text: string): number {
  let flags = 0;
  for (const c of text) {
    if (c === 'F') flags |= 0x01;
    else if (c === 'S') flags |= SYN;
    else if (c === 'R') flags |= RST;
    else if (c === 'P') flags |= 0x08;
    else if (c === 'A') flags |= ACK;
    else if (c === 'U') flags |= 0x20;
  }
  return flags;
}

/** Hands a parser's batched flows to the sink and empties the batch (before any event is emitted one by one). */
export function flushFlowBatch(sink: ParseSink, batch: FlowBatch | null): void {
  if (batch && batch.size > 0) {
    (sink.flows as NonNullable<ParseSink['flows']>)(batch);
    batch.size = 0;
  }
}

/** Bytes indexed at a time by `IndexedLineParser.chunk`: the copy and its separators stay in L2 cache. */
const INDEX_WINDOW = 256 * 1024;
/** A longer line goes through `line` alone: the index would need 9 times its size. */
const MAX_INDEXED_LINE = 4 * 1024 * 1024;

/**
 * A parser whose `chunk` reads whole lines through a separator index (see separator-index.ts)
 * and hands IPv4 flows over in columnar batches. Subclasses read one indexed window of lines
 * (`indexedLines`) and any single line (`line`, which also reports errors); without WebAssembly
 * SIMD, or for a sink without a columnar path, every line goes through `line`.
 */
export abstract class IndexedLineParser {
  abstract records: number;
  protected batch: FlowBatch | null = null;

  constructor(
    protected readonly input: string,
    protected readonly sink: ParseSink,
    private readonly index: SeparatorIndex | null,
  ) {}

  abstract line(buf: Buffer, start: number, end: number, lineNumber: number): void;

  /**
   * Reads one line of a window `index` has just indexed into `batch`: index.text[begin, end)
   * (without its line break), whose separators are index.separators[first … last] (the one at
   * `last` is its end). False when the line must go through `line`, which also reports errors.
   */
  protected abstract indexedLine(
    index: SeparatorIndex,
    first: number,
    last: number,
    begin: number,
    end: number,
    lineNumber: number,
    batch: FlowBatch,
  ): boolean;

  chunk(buf: Buffer, start: number, end: number, lineNumber: number): number {
    const index = this.index;
    const line = (b: Buffer, s: number, e: number, l: number) => this.line(b, s, e, l);
    if (!this.sink.flows || !index) return linesOfChunk(buf, start, end, lineNumber, line);
    let batch = this.batch;
    if (!batch) {
      batch = new FlowBatch();
      batch.input = this.input;
      this.batch = batch;
    }
    let n = lineNumber;
    // An unterminated tail (not the promised whole lines) goes through `line` on its own.
    let whole = end;
    if (end > start && buf[end - 1] !== 10) whole = Math.max(start, buf.lastIndexOf(10, end - 1) + 1);
    for (let at = start; at < whole; ) {
      let stop = at + INDEX_WINDOW >= whole ? whole : buf.lastIndexOf(10, at + INDEX_WINDOW - 1) + 1;
      if (stop <= at) {
        // One line longer than a window.
        stop = buf.indexOf(10, at + INDEX_WINDOW - 1) + 1;
        if (stop - at > MAX_INDEXED_LINE) {
          flushFlowBatch(this.sink, batch);
          this.line(buf, at, buf[stop - 2] === 13 ? stop - 2 : stop - 1, ++n);
          at = stop;
          continue;
        }
      }
      n = this.window(buf, at, stop, n, batch);
      at = stop;
    }
    flushFlowBatch(this.sink, batch);
    if (whole < end) this.line(buf, whole, buf[end - 1] === 13 ? end - 1 : end, ++n);
    return n;
  }
  /** The flow kernel to read lines with under the state in force (set to that state), or null for the index. */
  protected flowKernel(): FlowKernel | null {
    return null;
  }

  /**
   * Reads the whole lines buf[start, end), numbered after `lineNumber`, into `batch`; returns the
   * last number. Through the flow kernel while there is one: a line it leaves goes through `line`
   * (which may change the state, say a Zeek header), then the kernel goes on, or the index reads
   * the rest when the new state has no kernel.
   */
  protected window(buf: Buffer, start: number, end: number, lineNumber: number, batch: FlowBatch): number {
    let kernel = this.flowKernel();
    let at = start;
    let n = lineNumber;
    if (kernel) {
      kernel.load(buf, start, end);
      while (at < end) {
        const room = batch.capacity - batch.size;
        at = start + kernel.read(at - start, end - start, n, batch);
        n += kernel.lines;
        this.records += kernel.flows;
        if (batch.size === batch.capacity) flushFlowBatch(this.sink, batch);
        if (at >= end || kernel.flows === room) continue;
        flushFlowBatch(this.sink, batch);
        const newline = buf.indexOf(10, at);
        this.line(buf, at, newline > at && buf[newline - 1] === 13 ? newline - 1 : newline, ++n);
        at = newline + 1;
        kernel = this.flowKernel();
        if (!kernel) break;
      }
    }
    if (at >= end) return n;
    const index = this.index as SeparatorIndex;
    index.index(buf, at, end);
    return this.indexedLines(buf, at, n, index, batch);
  }

  /** The lines of the window buf[from, …) that `index` has just indexed, numbered after `lineNumber`; returns the last number. */
  private indexedLines(buf: Buffer, from: number, lineNumber: number, index: SeparatorIndex, batch: FlowBatch): number {
    const text = index.text;
    const seps = index.separators;
    const newlines = index.newlines;
    let n = lineNumber;
    let first = 0;
    let begin = 0;
    for (let l = 0; l < index.lines; l++) {
      const last = newlines[l] as number;
      const newline = seps[last] as number;
      // A CRLF line ends before its CR, and so does its last separator entry.
      const end = newline > begin && text[newline - 1] === 13 ? newline - 1 : newline;
      seps[last] = end;
      n++;
      if (end > begin && !this.indexedLine(index, first, last, begin, end, n, batch)) {
        flushFlowBatch(this.sink, batch);
        this.line(buf, from + begin, from + end, n);
      }
      first = last + 1;
      begin = newline + 1;
    }
    return n;
  }
}

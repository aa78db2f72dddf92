// Field conversions shared by several log formats, and the chunked reading of the parsers that
// have a flow kernel.

import { linesOfChunk } from '../../../core/io/line-reader.ts';
import { type IpKey, parseIpKey } from '../../../core/net/ip.ts';
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

/** Bytes a flow kernel reads at a time: its copy of them stays in L2 cache. */
const KERNEL_WINDOW = 256 * 1024;
/** A longer line goes through `line` alone, not into a kernel's memory. */
const MAX_KERNEL_LINE = 4 * 1024 * 1024;

/**
 * A parser whose `chunk` reads whole lines through a flow kernel (kernels/flow-kernel.ts) while
 * the state in force has one, and hands its IPv4 flows over in columnar batches, split among
 * the sink's partitions; any other line goes through `line`, which also reports errors. Without
 * WebAssembly SIMD, or for a sink without a columnar path, every line goes through `line`.
 */
export abstract class KernelLineParser {
  abstract records: number;

  constructor(
    protected readonly input: string,
    protected readonly sink: ParseSink,
  ) {}

  abstract line(buf: Buffer, start: number, end: number, lineNumber: number): void;

  /** The flow kernel for the state in force (set to that state), or null when it has none. */
  protected abstract flowKernel(): FlowKernel | null;

  /** Partitions the sink takes flows in (the kernel's to split them). */
  protected get partitions(): number {
    return this.sink.partitions ?? 1;
  }

  chunk(buf: Buffer, start: number, end: number, lineNumber: number): number {
    const line = (b: Buffer, s: number, e: number, l: number) => this.line(b, s, e, l);
    if (!this.sink.flows) return linesOfChunk(buf, start, end, lineNumber, line);
    let n = lineNumber;
    // An unterminated tail (not the promised whole lines) goes through `line` on its own.
    let whole = end;
    if (end > start && buf[end - 1] !== 10) whole = Math.max(start, buf.lastIndexOf(10, end - 1) + 1);
    for (let at = start; at < whole; ) {
      let stop = at + KERNEL_WINDOW >= whole ? whole : buf.lastIndexOf(10, at + KERNEL_WINDOW - 1) + 1;
      if (stop <= at) {
        // One line longer than a window.
        stop = buf.indexOf(10, at + KERNEL_WINDOW - 1) + 1;
        if (stop - at > MAX_KERNEL_LINE) {
          this.line(buf, at, buf[stop - 2] === 13 ? stop - 2 : stop - 1, ++n);
          at = stop;
          continue;
        }
      }
      n = this.window(buf, at, stop, n);
      at = stop;
    }
    if (whole < end) this.line(buf, whole, buf[end - 1] === 13 ? end - 1 : end, ++n);
    return n;
  }

  /**
   * Reads the whole lines buf[start, end), numbered after `lineNumber`; returns the last number.
   * Through the flow kernel while the state has one, handing each read's flows over at once
   * (before any event of a later line); a line it leaves, or any line while the state has none,
   * goes through `line` (which may change the state, say a Zeek header: the first window of a
   * file holds its `#fields` line), and the kernel is asked for again after each such line.
   */
  private window(buf: Buffer, start: number, end: number, lineNumber: number): number {
    let kernel = this.flowKernel();
    let loaded: FlowKernel | null = null;
    let n = lineNumber;
    for (let at = start; at < end; ) {
      if (kernel) {
        if (kernel !== loaded) {
          kernel.load(buf, start, end);
          loaded = kernel;
        }
        at = start + kernel.read(at - start, end - start, n);
        n += kernel.lines;
        this.records += kernel.flows;
        if (kernel.flows > 0) {
          const flows = this.sink.flows as NonNullable<ParseSink['flows']>;
          for (let p = 0; p < kernel.partitions; p++) {
            const batch = kernel.partition(p, this.input);
            if (batch.size > 0) flows(batch, p);
          }
        }
        if (at >= end || !kernel.leftLine) continue;
      }
      const newline = buf.indexOf(10, at);
      this.line(buf, at, newline > at && buf[newline - 1] === 13 ? newline - 1 : newline, ++n);
      at = newline + 1;
      kernel = this.flowKernel();
    }
    return n;
  }
}

// Drives the conn.log kernel (zeek-conn.as.ts, WebAssembly SIMD): copies a window of whole
// lines into its memory and appends the flows it reads to a FlowBatch. 5 M conn.log lines:
// 0.63-0.76 s of CPU against 1.33-1.48 s for the JavaScript reading of the same fields through
// the separator index (measured while another process loaded the machine).

import { FlowBatch } from '../../engine/flow-batch.ts';
import { zeekConnWasm } from './zeek-conn.wasm.ts';

/** Positions of the fields the kernel reads in a #fields header (-1: absent). */
export interface ConnColumns {
  count: number;
  ts: number;
  origH: number;
  origP: number;
  respH: number;
  respP: number;
  proto: number;
  state: number;
  history: number;
  respPkts: number;
}

interface Exports {
  layout(...addresses: number[]): void;
  columns(...columns: number[]): void;
  parse(start: number, end: number, capacity: number, lineBase: number): number;
  flows: WebAssembly.Global;
  lines: WebAssembly.Global;
}

/** Flows the kernel writes per call (a FlowBatch's default capacity). */
const OUTPUT = 4096;
/** Separator slots: one per field, plus the line's start (fields beyond are counted, not stored). */
const MAX_FIELDS = 512;
const SEPARATORS_BYTES = (MAX_FIELDS + 1) * 4;
const OUTPUT_AT = Math.ceil(SEPARATORS_BYTES / 64) * 64;
/** Text starts on a 64-byte block; the kernel reads whole blocks, so 64 bytes past the text must be memory. */
const TEXT_AT = OUTPUT_AT + FlowBatch.bytes(OUTPUT);
const PAGE = 65536;

let compiled: WebAssembly.Module | null | undefined;

export class ZeekConnKernel {
  /** Lines consumed and flows appended by the last `read`. */
  lines = 0;
  flows = 0;
  private readonly memory = new WebAssembly.Memory({ initial: Math.ceil((TEXT_AT + 512 * 1024) / PAGE) });
  private readonly exports: Exports;
  private output: FlowBatch;
  private text: Uint8Array;
  private columnsSet: ConnColumns | null = null;

  private constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.output = new FlowBatch(OUTPUT, this.memory.buffer, OUTPUT_AT);
    this.text = new Uint8Array(this.memory.buffer, TEXT_AT);
    const o = this.output;
    this.exports.layout(
      0,
      o.ts.byteOffset,
      o.line.byteOffset,
      o.src.byteOffset,
      o.dst.byteOffset,
      o.srcPort.byteOffset,
      o.dstPort.byteOffset,
      o.proto.byteOffset,
      o.outcome.byteOffset,
    );
  }

  /** A kernel, or null where WebAssembly SIMD is unavailable. */
  static create(): ZeekConnKernel | null {
    if (compiled === undefined)
      compiled = WebAssembly.validate(zeekConnWasm) ? new WebAssembly.Module(zeekConnWasm) : null;
    return compiled ? new ZeekConnKernel(compiled) : null;
  }

  /** Whether a header has `count` fields the kernel can hold. */
  static fits(count: number): boolean {
    return count <= MAX_FIELDS;
  }

  /** Reads lines under these columns from now on (a no-op for the columns already set). */
  configure(columns: ConnColumns): void {
    if (this.columnsSet === columns) return;
    this.columnsSet = columns;
    const c = columns;
    this.exports.columns(c.count, c.ts, c.origH, c.origP, c.respH, c.respP, c.proto, c.state, c.history, c.respPkts);
  }

  /** Copies buf[start, end) (whole lines) into the kernel's memory, for `read`. */
  load(buf: Uint8Array, start: number, end: number): void {
    const length = end - start;
    const needed = TEXT_AT + Math.ceil(length / 64) * 64 + 64;
    if (needed > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((needed - this.memory.buffer.byteLength) / PAGE));
      this.output = new FlowBatch(OUTPUT, this.memory.buffer, OUTPUT_AT);
      this.text = new Uint8Array(this.memory.buffer, TEXT_AT);
    }
    this.text.set(buf.subarray(start, end), 0);
  }

  /**
   * Reads the loaded lines from offset `from` (before `end`), numbered after `lineNumber`, into
   * `batch` until it is full, the lines end, or a line the kernel leaves to the JavaScript
   * parser (a header, a malformed or IPv6 record); returns the offset where it stopped.
   * `lines` and `flows` say how many it read; it left a line when it stopped before `end`
   * with room still in the batch.
   */
  read(from: number, end: number, lineNumber: number, batch: FlowBatch): number {
    const room = Math.min(OUTPUT, batch.capacity - batch.size);
    const stop = this.exports.parse(TEXT_AT + from, TEXT_AT + end, room, lineNumber) - TEXT_AT;
    this.flows = this.exports.flows.value as number;
    this.lines = this.exports.lines.value as number;
    batch.append(this.output, 0, this.flows);
    return stop;
  }
}

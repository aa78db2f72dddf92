// Drives a flow kernel (zeek-conn.as.ts, eve-flow.as.ts: WebAssembly SIMD compiled from
// AssemblyScript): copies a window of whole lines into its memory and appends the flows it
// reads to a FlowBatch; a line it leaves is the parser's to read in JavaScript. 5 M records,
// parse alone (machine loaded by another process): conn.log 0.79-0.89 s, where JavaScript
// reading the fields found by a SIMD separator index took 1.33-1.53 s.
//
// Memory: the kernel's scratch space (field separators, value positions, tables), then its
// output columns laid out as a FlowBatch's, then the text, 64-byte aligned and followed by
// 128 bytes it may read past the last line (whole blocks, and the byte after one).

import { FlowBatch } from '../../engine/flow-batch.ts';

interface Exports {
  layout(...addresses: number[]): void;
  parse(start: number, end: number, capacity: number, lineBase: number): number;
  flows: WebAssembly.Global;
  lines: WebAssembly.Global;
}

/** Flows the kernel writes per call (a FlowBatch's default capacity). */
const OUTPUT = 4096;
const PAGE = 65536;
const PADDING = 128;

const modules = new Map<Uint8Array, WebAssembly.Module | null>();

export class FlowKernel {
  /** Lines consumed and flows appended by the last `read`. */
  lines = 0;
  flows = 0;
  readonly memory: WebAssembly.Memory;
  /** The kernel's own exports beyond the common ones (`columns`, `keyTable`). */
  readonly exports: Record<string, unknown>;
  private readonly kernel: Exports;
  private readonly outputAt: number;
  private readonly textAt: number;
  private output: FlowBatch;
  private text: Uint8Array;

  private constructor(module: WebAssembly.Module, scratchBytes: number) {
    this.outputAt = Math.ceil(scratchBytes / 64) * 64;
    this.textAt = this.outputAt + FlowBatch.bytes(OUTPUT);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((this.textAt + 512 * 1024) / PAGE) });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
    this.kernel = this.exports as unknown as Exports;
    this.output = new FlowBatch(OUTPUT, this.memory.buffer, this.outputAt);
    this.text = new Uint8Array(this.memory.buffer, this.textAt);
    const o = this.output;
    this.kernel.layout(
      o.ts.byteOffset,
      o.line.byteOffset,
      o.src.byteOffset,
      o.dst.byteOffset,
      o.srcPort.byteOffset,
      o.dstPort.byteOffset,
      o.proto.byteOffset,
      o.outcome.byteOffset,
      0,
    );
  }

  /** A kernel with `scratchBytes` of scratch space at address 0, or null where WebAssembly SIMD is unavailable. */
  static create(bytes: Uint8Array<ArrayBuffer>, scratchBytes: number): FlowKernel | null {
    let module = modules.get(bytes);
    if (module === undefined) {
      module = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
      modules.set(bytes, module);
    }
    return module ? new FlowKernel(module, scratchBytes) : null;
  }

  /** Copies buf[start, end) (whole lines) into the kernel's memory, for `read`. */
  load(buf: Uint8Array, start: number, end: number): void {
    const needed = this.textAt + Math.ceil((end - start) / 64) * 64 + PADDING;
    if (needed > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((needed - this.memory.buffer.byteLength) / PAGE));
      this.output = new FlowBatch(OUTPUT, this.memory.buffer, this.outputAt);
      this.text = new Uint8Array(this.memory.buffer, this.textAt);
    }
    this.text.set(buf.subarray(start, end), 0);
  }

  /**
   * Reads the loaded lines from offset `from` (before `end`), numbered after `lineNumber`, into
   * `batch` until it is full, the lines end, or a line the kernel leaves to JavaScript; returns
   * the offset where it stopped. `lines` and `flows` say how many it read; it left a line when
   * it stopped before `end` with room still in the batch.
   */
  read(from: number, end: number, lineNumber: number, batch: FlowBatch): number {
    const room = Math.min(OUTPUT, batch.capacity - batch.size);
    const stop = this.kernel.parse(this.textAt + from, this.textAt + end, room, lineNumber) - this.textAt;
    this.flows = this.kernel.flows.value as number;
    this.lines = this.kernel.lines.value as number;
    batch.append(this.output, 0, this.flows);
    return stop;
  }
}

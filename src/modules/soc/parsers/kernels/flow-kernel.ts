// Drives a flow kernel (zeek-conn.as.ts, eve-flow.as.ts: WebAssembly SIMD compiled from
// AssemblyScript): copies a window of whole lines into its memory and reads the flows of those
// lines into its output, one FlowBatch per source partition (analyze-parallel.ts: split here
// once, rather than by every partition's detector reading every flow); a line it leaves is the
// parser's to read in JavaScript. 5 M conn.log records, parse alone: 0.59-0.64 s (JavaScript
// reading the fields found by a SIMD separator index took 1.33-1.53 s, loaded machine).
//
// Memory: the kernel's scratch space (field separators, value positions, tables), the flow
// count of each partition, then the partitions' output columns, each laid out as a FlowBatch's,
// then the text, 64-byte aligned and followed by 128 bytes it may read past the last line: whole
// 64-byte blocks and the byte after one, and the field readers' 16- and 32-byte loads (at most
// 31 bytes past a field).

import { FlowBatch } from '../../engine/flow-batch.ts';

interface Exports {
  layout(...addresses: number[]): void;
  parse(start: number, end: number, capacity: number, lineBase: number): number;
  flows: WebAssembly.Global;
  lines: WebAssembly.Global;
}

/** Flows the kernel reads per call, and so the capacity of each partition's output. */
const OUTPUT = 4096;
const PAGE = 65536;
const PADDING = 128;

const modules = new Map<Uint8Array, WebAssembly.Module | null>();

export class FlowKernel {
  /** Lines consumed and flows read by the last `read`. */
  lines = 0;
  flows = 0;
  readonly memory: WebAssembly.Memory;
  /** The kernel's own exports beyond the common ones (`columns`, `keyTable`). */
  readonly exports: Record<string, unknown>;
  private readonly kernel: Exports;
  private readonly countsAt: number;
  private readonly outputAt: number;
  private readonly textAt: number;
  /** Each partition's flows from the last `read` (views of the kernel's memory, reused by the next). */
  private output: FlowBatch[] = [];
  private counts = new Uint32Array(0);
  private text = new Uint8Array(0);

  private constructor(
    module: WebAssembly.Module,
    scratchBytes: number,
    readonly partitions: number,
  ) {
    this.countsAt = Math.ceil(scratchBytes / 8) * 8;
    this.outputAt = Math.ceil((this.countsAt + 4 * partitions) / 64) * 64;
    this.textAt = this.outputAt + partitions * FlowBatch.bytes(OUTPUT);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((this.textAt + 512 * 1024) / PAGE) });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
    this.kernel = this.exports as unknown as Exports;
    this.views();
    // Partition p's output is the batch at outputAt + p * its size; the kernel writes the columns where it lays them.
    const o = this.output[0] as FlowBatch;
    const at = (column: ArrayBufferView) => column.byteOffset - this.outputAt;
    this.kernel.layout(
      this.outputAt,
      FlowBatch.bytes(OUTPUT),
      at(o.ts),
      at(o.line),
      at(o.src),
      at(o.dst),
      at(o.srcPort),
      at(o.dstPort),
      at(o.proto),
      at(o.outcome),
      partitions,
      this.countsAt,
    );
  }

  /**
   * A kernel with `scratchBytes` of scratch space at address 0 that splits flows among
   * `partitions` as partitionOfV4 does, or null where WebAssembly SIMD is unavailable.
   */
  static create(bytes: Uint8Array<ArrayBuffer>, scratchBytes: number, partitions = 1): FlowKernel | null {
    let module = modules.get(bytes);
    if (module === undefined) {
      module = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
      modules.set(bytes, module);
    }
    return module ? new FlowKernel(module, scratchBytes, partitions) : null;
  }

  /** Views of the memory (again after it grows, which detaches the old ones). */
  private views(): void {
    const buffer = this.memory.buffer;
    this.output = Array.from(
      { length: this.partitions },
      (_, p) => new FlowBatch(OUTPUT, buffer, this.outputAt + p * FlowBatch.bytes(OUTPUT)),
    );
    this.counts = new Uint32Array(buffer, this.countsAt, this.partitions);
    this.text = new Uint8Array(buffer, this.textAt);
  }

  /** Copies buf[start, end) (whole lines) into the kernel's memory, for `read`. */
  load(buf: Uint8Array, start: number, end: number): void {
    const needed = this.textAt + Math.ceil((end - start) / 64) * 64 + PADDING;
    if (needed > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((needed - this.memory.buffer.byteLength) / PAGE));
      this.views();
    }
    this.text.set(buf.subarray(start, end), 0);
  }

  /**
   * Reads the loaded lines from offset `from` (before `end`), numbered after `lineNumber`, until
   * it has read `OUTPUT` flows, the lines end, or a line the kernel leaves to JavaScript; returns
   * the offset where it stopped. `lines` and `flows` say how many it read, `partition` the
   * flows of each partition; it left a line when it stopped before `end` with fewer than
   * `OUTPUT` flows.
   */
  read(from: number, end: number, lineNumber: number): number {
    const stop = this.kernel.parse(this.textAt + from, this.textAt + end, OUTPUT, lineNumber) - this.textAt;
    this.flows = this.kernel.flows.value as number;
    this.lines = this.kernel.lines.value as number;
    return stop;
  }

  /** Whether the last `read` stopped at a line it left to JavaScript rather than on a full output. */
  get leftLine(): boolean {
    return this.flows < OUTPUT;
  }

  /** Partition p's flows from the last `read`, with input name `input`. */
  partition(p: number, input: string): FlowBatch {
    const batch = this.output[p] as FlowBatch;
    batch.size = this.counts[p] as number;
    batch.input = input;
    return batch;
  }
}

// A batch of IPv4 flow events in columns: what byte-level parsers hand the engine on the hot
// path instead of one (reused) FlowEvent object per line. No object, string or boxed number is
// created per event; an event object is built only when one becomes evidence.

import type { IpKey } from '../../../core/net/ip.ts';
import { hashString, mix32 } from './sketches.ts';
import type { FlowEvent, Outcome } from './types.ts';

const PARTITION_SEED = 0x9e3779b9;

/**
 * Partition of an IPv4 source (as u32 or int32 bits) among n (analyze-parallel.ts), from the high
 * bits of a seeded hash: the flow kernels (kernels/flow-output.as.ts) compute the same, bit for
 * bit, to split their output. Seeded, unlike the NATS stream's `partitionOf` (mix32(src) % n):
 * its low bits would be the ones a partition's SourceTable indexes sources by (mix32(src) &
 * mask), leaving most of its slots unused.
 */
export function partitionOfV4(src: number, n: number): number {
  return Math.floor((mix32(src ^ PARTITION_SEED) * n) / 4294967296);
}

/** Partition of any source among n: partitionOfV4, of the address's hash for IPv6. */
export function partitionOfSource(src: IpKey, n: number): number {
  return partitionOfV4(typeof src === 'number' ? src : hashString(src), n);
}

export class FlowBatch {
  size = 0;
  /** Input name shared by every event of the batch. */
  input = '';
  readonly ts: Float64Array;
  /** IPv4 addresses as unsigned 32-bit values. */
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly srcPort: Uint16Array;
  /** Destination port; for ICMP the message type. */
  readonly dstPort: Uint16Array;
  readonly proto: Uint8Array;
  readonly outcome: Uint8Array;
  readonly line: Float64Array;

  /**
   * Columns are views of one buffer (`FlowBatch.bytes(capacity)` long), so a whole batch can
   * be handed to another thread as a single transferable `ArrayBuffer`; given `buffer`, the
   * batch is a view of it from `byteOffset` (as received from another thread, or a kernel's
   * output in WebAssembly memory).
   */
  constructor(
    readonly capacity = 4096,
    readonly buffer: ArrayBuffer = new ArrayBuffer(FlowBatch.bytes(capacity)),
    byteOffset = 0,
  ) {
    if (capacity % 8 !== 0 || byteOffset % 8 !== 0 || buffer.byteLength - byteOffset < FlowBatch.bytes(capacity))
      throw new RangeError(`FlowBatch of ${capacity} needs a multiple of 8 and ${FlowBatch.bytes(capacity)} bytes`);
    let at = byteOffset;
    const take = (width: number) => {
      const offset = at;
      at += width * capacity;
      return offset;
    };
    this.ts = new Float64Array(buffer, take(8), capacity);
    this.line = new Float64Array(buffer, take(8), capacity);
    this.src = new Uint32Array(buffer, take(4), capacity);
    this.dst = new Uint32Array(buffer, take(4), capacity);
    this.srcPort = new Uint16Array(buffer, take(2), capacity);
    this.dstPort = new Uint16Array(buffer, take(2), capacity);
    this.proto = new Uint8Array(buffer, take(1), capacity);
    this.outcome = new Uint8Array(buffer, take(1), capacity);
  }

  /** Bytes of the buffer behind a batch of `capacity` events. */
  static bytes(capacity: number): number {
    return 30 * capacity;
  }

  /** Appends events [from, from + count) of `other`; the caller checks there is room. */
  append(other: FlowBatch, from: number, count: number): void {
    const at = this.size;
    const to = from + count;
    this.ts.set(other.ts.subarray(from, to), at);
    this.line.set(other.line.subarray(from, to), at);
    this.src.set(other.src.subarray(from, to), at);
    this.dst.set(other.dst.subarray(from, to), at);
    this.srcPort.set(other.srcPort.subarray(from, to), at);
    this.dstPort.set(other.dstPort.subarray(from, to), at);
    this.proto.set(other.proto.subarray(from, to), at);
    this.outcome.set(other.outcome.subarray(from, to), at);
    this.size = at + count;
  }

  /** Event `i` as an object (for evidence and for consumers without a columnar path). */
  event(i: number): FlowEvent {
    return {
      kind: 'flow',
      input: this.input,
      line: this.line[i] as number,
      ts: this.ts[i] as number,
      src: this.src[i] as number,
      dst: this.dst[i] as number,
      srcPort: this.srcPort[i] as number,
      dstPort: this.dstPort[i] as number,
      proto: this.proto[i] as number,
      outcome: this.outcome[i] as Outcome,
    };
  }
}

// What both flow kernels (zeek-conn.as.ts, eve-flow.as.ts) share: the output columns, one set
// per source partition, in the memory flow-kernel.ts lays out, the results of a `parse`, and the
// dotted-quad reader.

/**
 * Output: one FlowBatch layout of `capacity` flows per partition, `stride` bytes apart from
 * `outBase` (column offsets within one below), with each partition's flow count (u32) at
 * `counts`; and the kernel's scratch space (see flow-kernel.ts).
 */
let outBase: usize = 0;
let stride: usize = 0;
let lineAt: usize = 0;
let srcAt: usize = 0;
let dstAt: usize = 0;
let srcPortAt: usize = 0;
let dstPortAt: usize = 0;
let protoAt: usize = 0;
let outcomeAt: usize = 0;
let partitions: u64 = 1;
let counts: usize = 0;
export let scratch: usize = 0;

/** Results of the last `parse`: flows written and lines consumed. */
export let flows: i32 = 0;
export let lines: i32 = 0;

/** Outcome codes of engine/types.ts. */
export const OK: u8 = 0;
export const FAIL: u8 = 1;
export const PROBE: u8 = 2;
export const UNKNOWN: u8 = 3;

/** Seed of partitionOfV4 (engine/flow-batch.ts). */
const PARTITION_SEED: u32 = 0x9e3779b9;

export function layout(outAt: usize, capacity: usize, partitionCount: u32, countsAt: usize, scratchAt: usize): void {
  outBase = outAt;
  // As FlowBatch's constructor lays its columns out: ts, line (f64), src, dst (u32), ports (u16), proto, outcome (u8).
  lineAt = capacity << 3;
  srcAt = capacity << 4;
  dstAt = srcAt + (capacity << 2);
  srcPortAt = dstAt + (capacity << 2);
  dstPortAt = srcPortAt + (capacity << 1);
  protoAt = dstPortAt + (capacity << 1);
  outcomeAt = protoAt + capacity;
  stride = outcomeAt + capacity;
  partitions = partitionCount;
  counts = countsAt;
  scratch = scratchAt;
}

/** Empties every partition's output (a `parse` begins with it). */
@inline
export function startOutput(): void {
  memory.fill(counts, 0, <usize>partitions << 2);
}

/**
 * Appends a flow to its source's partition: partitionOfV4 of engine/flow-batch.ts (its mix32
 * of the seeded address, times the partition count, high 32 bits), bit for bit.
 */
@inline
export function writeFlow(
  ts: f64,
  line: f64,
  src: u32,
  dst: u32,
  srcPort: u16,
  dstPort: u16,
  proto: u8,
  outcome: u8,
): void {
  let p: usize = 0;
  if (partitions > 1) {
    let x = src ^ PARTITION_SEED;
    x ^= x >>> 16;
    x *= 0x85ebca6b;
    x ^= x >>> 13;
    x *= 0xc2b2ae35;
    x ^= x >>> 16;
    p = <usize>((<u64>x * partitions) >>> 32);
  }
  const countAt = counts + (p << 2);
  const i = <usize>load<u32>(countAt);
  store<u32>(countAt, <u32>i + 1);
  const base = outBase + p * stride;
  store<f64>(base + (i << 3), ts);
  store<f64>(base + lineAt + (i << 3), line);
  store<u32>(base + srcAt + (i << 2), src);
  store<u32>(base + dstAt + (i << 2), dst);
  store<u16>(base + srcPortAt + (i << 1), srcPort);
  store<u16>(base + dstPortAt + (i << 1), dstPort);
  store<u8>(base + protoAt + i, proto);
  store<u8>(base + outcomeAt + i, outcome);
}

/** Ends a `parse` that wrote `written` flows and consumed `consumed` lines. */
@inline
export function finish(written: i32, consumed: i32): void {
  flows = written;
  lines = consumed;
}

/** Where `dottedQuad` stopped, and what it read. */
export let quadEnd: usize = 0;
export let quadValue: u32 = 0;

/**
 * A dotted quad starting at `start` (not beyond `end`) into quadValue, quadEnd the byte after
 * it; false when none starts there. As parseIPv4Bytes: no leading zeros, octets ≤ 255.
 */
@inline
export function dottedQuad(start: usize, end: usize): bool {
  let i = start;
  let value: u32 = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || load<u8>(i) != 46) return false;
      i++;
    }
    if (i >= end) return false;
    let octet = <u32>load<u8>(i) - 48;
    if (octet > 9) return false;
    i++;
    if (i < end) {
      const second = <u32>load<u8>(i) - 48;
      if (second <= 9) {
        if (octet == 0) return false;
        octet = octet * 10 + second;
        i++;
        if (i < end) {
          const third = <u32>load<u8>(i) - 48;
          if (third <= 9) {
            octet = octet * 10 + third;
            i++;
            if (octet > 255) return false;
          }
        }
      }
    }
    value = (value << 8) | octet;
  }
  quadValue = value;
  quadEnd = i;
  return true;
}

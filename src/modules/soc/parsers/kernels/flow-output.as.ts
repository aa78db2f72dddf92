// What both flow kernels (zeek-conn.as.ts, eve-flow.as.ts) share: the output columns, one set
// per source partition, in the memory flow-kernel.ts lays out, the results of a `parse`, and the
// readers of addresses and digits.

/**
 * Output: one FlowBatch per partition, `stride` bytes apart from `outBase`, its columns at the
 * offsets below (FlowBatch's layout, as flow-kernel.ts passes it), with each partition's flow
 * count (u32) at `counts`.
 */
let outBase: usize = 0;
let stride: usize = 0;
let tsAt: usize = 0;
let lineAt: usize = 0;
let srcAt: usize = 0;
let dstAt: usize = 0;
let srcPortAt: usize = 0;
let dstPortAt: usize = 0;
let protoAt: usize = 0;
let outcomeAt: usize = 0;
let partitions: u64 = 1;
let counts: usize = 0;
/** The kernel's scratch space: at address 0 (see flow-kernel.ts). */
export const scratch: usize = 0;

/** Results of the last `parse`: flows written and lines consumed. */
export let flows: i32 = 0;
export let lines: i32 = 0;

/** Outcome codes of engine/types.ts. */
export const OK: u8 = 0;
export const FAIL: u8 = 1;
export const PROBE: u8 = 2;
export const UNKNOWN: u8 = 3;

export const DOT: u8 = 46;

/** Seed of partitionOfV4 (engine/flow-batch.ts). */
const PARTITION_SEED: u32 = 0x9e3779b9;

export function layout(
  outAt: usize,
  batchBytes: usize,
  ts: usize,
  line: usize,
  src: usize,
  dst: usize,
  srcPort: usize,
  dstPort: usize,
  proto: usize,
  outcome: usize,
  partitionCount: u32,
  countsAt: usize,
): void {
  outBase = outAt;
  stride = batchBytes;
  tsAt = ts;
  lineAt = line;
  srcAt = src;
  dstAt = dst;
  srcPortAt = srcPort;
  dstPortAt = dstPort;
  protoAt = proto;
  outcomeAt = outcome;
  partitions = partitionCount;
  counts = countsAt;
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
  store<f64>(base + tsAt + (i << 3), ts);
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

// Field readers: characters checked 16 bytes at a time, digits summed without a branch per
// digit (a loop over a field's variable length is a branch the processor mispredicts).

/** Bits of the 16 bytes `bytes` that are ASCII digits. */
@inline
export function digitBits(bytes: v128): u32 {
  return <u32>i8x16.bitmask(i8x16.le_u(i8x16.sub(bytes, i8x16.splat(48)), i8x16.splat(9)));
}

/** Bits of the 16 bytes `bytes` that equal `byte`. */
@inline
export function byteBits(bytes: v128, byte: u8): u32 {
  return <u32>i8x16.bitmask(i8x16.eq(bytes, i8x16.splat(byte)));
}

/**
 * The value of the `length` (0-8) digits at `at`, known to be digits: they are shifted to the
 * top of a 64-bit word, zeros before them, and summed in three multiplies (Lemire's eight-digit
 * parse) rather than by a loop whose length the processor mispredicts.
 */
@inline
export function digits8(at: usize, length: u32): u64 {
  let v = (load<u64>(at) - 0x3030303030303030) << (<u64>(8 - length) << 3);
  v = v * 10 + (v >> 8);
  v = ((v & 0x000000ff000000ff) * 0x000f424000000064 + ((v >> 16) & 0x000000ff000000ff) * 0x0000271000000001) >> 32;
  return length == 0 ? 0 : v;
}

/**
 * The octet of the `length` digits at `at` (known to be digits), or more than 255 when there
 * are none, more than 3 or a leading zero.
 */
@inline
function octet(at: usize, length: u32): u32 {
  const x = load<u32>(at) - 0x30303030;
  // The digits moved up to end at byte 2, zeros before them (little-endian: the first digit is the lowest byte).
  const y = x << ((3 - length) << 3);
  const value = (y & 0xff) * 100 + ((y >> 8) & 0xff) * 10 + ((y >> 16) & 0xff);
  const malformed = (length - 1 > 2) | (length > 1 && (x & 0xff) == 0);
  return select<u32>(256, value, malformed);
}

/**
 * A dotted quad filling [start, end) as u32, or -1 (as parseIPv4Bytes: four octets of 1-3
 * digits, no leading zeros, each ≤ 255): its characters are checked and its dots found 16 at a
 * time, its octets read without a branch per digit.
 */
@inline
export function ipv4(start: usize, end: usize): i64 {
  const length = <u32>(end - start);
  if (length - 7 > 8) return -1;
  const bytes = v128.load(start);
  const field: u32 = (1 << length) - 1;
  const dots = byteBits(bytes, DOT) & field;
  if ((dots | (digitBits(bytes) & field)) != field || popcnt(dots) != 3) return -1;
  const first = ctz(dots);
  const rest = dots & (dots - 1);
  const second = ctz(rest);
  const third = ctz(rest & (rest - 1));
  const a = octet(start, first);
  const b = octet(start + first + 1, second - first - 1);
  const c = octet(start + second + 1, third - second - 1);
  const d = octet(start + third + 1, length - third - 1);
  return (a | b | c | d) > 255 ? -1 : <i64>((a << 24) | (b << 16) | (c << 8) | d);
}

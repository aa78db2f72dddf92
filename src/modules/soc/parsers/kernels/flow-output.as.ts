// What both flow kernels (zeek-conn.as.ts, eve-flow.as.ts) share: the output columns in the
// memory flow-kernel.ts lays out, the results of a `parse`, and the dotted-quad reader.

/** Output columns, laid out as a FlowBatch's, and the kernel's scratch space (see flow-kernel.ts). */
let outTs: usize = 0;
let outLine: usize = 0;
let outSrc: usize = 0;
let outDst: usize = 0;
let outSrcPort: usize = 0;
let outDstPort: usize = 0;
let outProto: usize = 0;
let outOutcome: usize = 0;
export let scratch: usize = 0;

/** Results of the last `parse`: flows written and lines consumed. */
export let flows: i32 = 0;
export let lines: i32 = 0;

/** Outcome codes of engine/types.ts. */
export const OK: u8 = 0;
export const FAIL: u8 = 1;
export const PROBE: u8 = 2;
export const UNKNOWN: u8 = 3;

export function layout(
  tsAt: usize,
  lineAt: usize,
  srcAt: usize,
  dstAt: usize,
  srcPortAt: usize,
  dstPortAt: usize,
  protoAt: usize,
  outcomeAt: usize,
  scratchAt: usize,
): void {
  outTs = tsAt;
  outLine = lineAt;
  outSrc = srcAt;
  outDst = dstAt;
  outSrcPort = srcPortAt;
  outDstPort = dstPortAt;
  outProto = protoAt;
  outOutcome = outcomeAt;
  scratch = scratchAt;
}

/** Writes flow k of the output. */
@inline
export function writeFlow(
  k: i32,
  ts: f64,
  line: f64,
  src: u32,
  dst: u32,
  srcPort: u16,
  dstPort: u16,
  proto: u8,
  outcome: u8,
): void {
  const i = <usize>k;
  store<f64>(outTs + (i << 3), ts);
  store<f64>(outLine + (i << 3), line);
  store<u32>(outSrc + (i << 2), src);
  store<u32>(outDst + (i << 2), dst);
  store<u16>(outSrcPort + (i << 1), srcPort);
  store<u16>(outDstPort + (i << 1), dstPort);
  store<u8>(outProto + i, proto);
  store<u8>(outOutcome + i, outcome);
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

// AssemblyScript source of the Zeek conn.log TSV kernel (compiled by `npm run build:wasm` into
// zeek-conn.wasm.ts; ZeekTsvParser drives it through flow-kernel.ts). It reads whole lines of a tab-separated
// conn.log already copied into memory and writes the IPv4 flows it can read into output
// columns laid out as a FlowBatch's, one set per source partition; it stops at the first line it cannot read (a `#` header,
// a malformed or an IPv6 record) and leaves that line to the JavaScript parser, which reports
// errors. Every conversion here matches ZeekTsvParser's JavaScript one byte for byte, so both
// paths give the same events (the parser tests read every input both ways).
//
// Separators (kept in the scratch space) are found 64 bytes at a time: four 16-byte compares against tab and newline
// give a 64-bit mask, walked with count-trailing-zeros, so a line costs one step per field
// instead of one per byte; then only the needed fields are read, by their index.

import {
  byteBits,
  DOT,
  digitBits,
  digits8,
  FAIL,
  finish,
  ipv4,
  OK,
  PROBE,
  scratch,
  startOutput,
  UNKNOWN,
  writeFlow,
} from './flow-output.as';

export { flows, layout, lines } from './flow-output.as';

/** Columns of the #fields header in force (-1: absent) and their number. */
let fieldCount: i32 = 0;
let colTs: i32 = 0;
let colOrigH: i32 = 0;
let colOrigP: i32 = 0;
let colRespH: i32 = 0;
let colRespP: i32 = 0;
let colProto: i32 = 0;
let colState: i32 = 0;
let colHistory: i32 = -1;
let colRespPkts: i32 = -1;

/** The 64-byte block whose separator mask is cached (1: none), and that mask. */
let block: usize = 1;
let blockSeparators: u64 = 0;

/** conn_state codes (0: not a state). */
const S0 = 1;
const S1 = 2;
const SF = 3;
const REJ = 4;
const S2 = 5;
const S3 = 6;
const RSTO = 7;
const RSTR = 8;
const RSTOS0 = 9;
const RSTRH = 10;
const SH = 11;
const SHR = 12;
const OTH = 13;

export function columns(
  count: i32,
  ts: i32,
  origH: i32,
  origP: i32,
  respH: i32,
  respP: i32,
  proto: i32,
  state: i32,
  history: i32,
  respPkts: i32,
): void {
  fieldCount = count;
  colTs = ts;
  colOrigH = origH;
  colOrigP = origP;
  colRespH = respH;
  colRespP = respP;
  colProto = proto;
  colState = state;
  colHistory = history;
  colRespPkts = respPkts;
}

/** Bits of the 16 bytes at `at` that are a tab or a newline. */
@inline
function laneMask(at: usize): u64 {
  const bytes = v128.load(at);
  return <u64>i8x16.bitmask(v128.or(i8x16.eq(bytes, i8x16.splat(9)), i8x16.eq(bytes, i8x16.splat(10))));
}

/** Bit i set where byte at + i is a tab or a newline (four lanes written out: the compiler keeps a loop). */
@inline
function separatorMask(at: usize): u64 {
  return laneMask(at) | (laneMask(at + 16) << 16) | (laneMask(at + 32) << 32) | (laneMask(at + 48) << 48);
}

/** Field f of the line whose separators were just collected spans [fieldStart(f), fieldEnd(f)). */
@inline
function fieldStart(f: i32): usize {
  return <usize>load<u32>(scratch + (<usize>f << 2)) + 1;
}

@inline
function fieldEnd(f: i32): usize {
  return <usize>load<u32>(scratch + ((<usize>f + 1) << 2));
}

/** The value of the `length` (0-16) digits at `at`, known to be digits. */
@inline
function digits16(at: usize, length: u32): u64 {
  return length > 8 ? digits8(at, length - 8) * 100000000 + digits8(at + length - 8, 8) : digits8(at, length);
}

/** Set by `decimal`. */
let decimalValue: f64 = 0;

/**
 * A non-negative decimal ("1521911720.865716") into decimalValue; false when malformed (as
 * decimalInto). With up to 15 digits each side of the point (exact either way, so the same value
 * as digit by digit), its characters are checked 16 at a time and its digits summed without a
 * loop; longer ones are read digit by digit.
 */
@inline
function decimal(start: usize, end: usize): bool {
  const length = <u32>(end - start);
  if (length == 0) return false;
  if (length < 32) {
    const low = v128.load(start);
    const high = v128.load(start + 16);
    const field: u32 = (1 << length) - 1;
    const dots = (byteBits(low, DOT) | (byteBits(high, DOT) << 16)) & field;
    const digits = (digitBits(low) | (digitBits(high) << 16)) & field;
    if ((dots | digits) != field || popcnt(dots) > 1) return false;
    const point = dots == 0 ? length : ctz(dots);
    const fraction: u32 = dots == 0 ? 0 : length - point - 1;
    if (dots != 0 && fraction == 0) return false;
    if (point <= 15 && fraction <= 15) {
      let scale: f64 = 1;
      for (let k: u32 = 0; k < fraction; k++) scale *= 10;
      decimalValue = <f64>digits16(start, point) + <f64>digits16(start + point + 1, fraction) / scale;
      return true;
    }
  }
  let whole: f64 = 0;
  let i = start;
  for (; i < end; i++) {
    const c = load<u8>(i);
    if (c == 46) break;
    const d = <u32>c - 48;
    if (d > 9) return false;
    whole = whole * 10 + <f64>d;
  }
  if (i == end) {
    decimalValue = whole;
    return true;
  }
  let fraction: f64 = 0;
  let scale: f64 = 1;
  for (i++; i < end; i++) {
    const d = <u32>load<u8>(i) - 48;
    if (d > 9) return false;
    fraction = fraction * 10 + <f64>d;
    scale *= 10;
  }
  if (scale == 1) return false;
  decimalValue = whole + fraction / scale;
  return true;
}

/** An unsigned integer up to `max`, or -1 when malformed or unset (as parseUint). */
@inline
function uint(start: usize, end: usize, max: i64): i64 {
  if (start == end || end - start > 10) return -1;
  let n: i64 = 0;
  for (let i = start; i < end; i++) {
    const d = <u32>load<u8>(i) - 48;
    if (d > 9) return -1;
    n = n * 10 + <i64>d;
  }
  return n <= max ? n : -1;
}

/** A port, as uint up to 65535: 1-5 digits checked at once and summed without a loop; longer ones (leading zeros) through uint. */
@inline
function port(start: usize, end: usize): i64 {
  const length = <u32>(end - start);
  if (length - 1 > 4) return uint(start, end, 65535);
  const field: u32 = (1 << length) - 1;
  if ((digitBits(v128.load(start)) & field) != field) return -1;
  const n = digits8(start, length);
  return n <= 65535 ? <i64>n : -1;
}

/** IANA number of "tcp", "udp" or "icmp", else 0 (other names go to the JavaScript parser). */
@inline
function protocol(start: usize, end: usize): i32 {
  const length = end - start;
  if (length < 3) return 0;
  const a = load<u8>(start);
  const b = load<u8>(start + 1);
  const c = load<u8>(start + 2);
  if (length == 3) {
    if (a == 116 && b == 99 && c == 112) return 6;
    if (a == 117 && b == 100 && c == 112) return 17;
    return 0;
  }
  return length == 4 && a == 105 && b == 99 && c == 109 && load<u8>(start + 3) == 112 ? 1 : 0;
}

/** The conn_state code of [start, end), 0 when it is none of Zeek's 13. */
@inline
function connState(start: usize, end: usize): i32 {
  const length = end - start;
  if (length < 2 || length > 6) return 0;
  const a = load<u8>(start);
  const b = load<u8>(start + 1);
  if (length == 2) {
    if (a != 83) return 0; // S
    if (b == 48) return S0;
    if (b == 49) return S1;
    if (b == 70) return SF;
    if (b == 50) return S2;
    if (b == 51) return S3;
    if (b == 72) return SH;
    return 0;
  }
  const c = load<u8>(start + 2);
  if (length == 3) {
    if (a == 82 && b == 69 && c == 74) return REJ;
    if (a == 83 && b == 72 && c == 82) return SHR;
    if (a == 79 && b == 84 && c == 72) return OTH;
    return 0;
  }
  if (a != 82 || b != 83 || c != 84) return 0; // RST
  const d = load<u8>(start + 3);
  if (length == 4) return d == 79 ? RSTO : d == 82 ? RSTR : 0;
  if (length == 5) return d == 82 && load<u8>(start + 4) == 72 ? RSTRH : 0;
  return d == 79 && load<u8>(start + 4) == 83 && load<u8>(start + 5) == 48 ? RSTOS0 : 0;
}

/** Whether [start, end) holds a D or d (data in the history). */
@inline
function hasData(start: usize, end: usize): bool {
  for (let i = start; i < end; i++) {
    const c = load<u8>(i);
    if (c == 68 || c == 100) return true;
  }
  return false;
}

/** As connOutcome in zeek-records.ts, for TCP, UDP and ICMP. */
@inline
function outcomeOf(proto: i32, state: i32, icmpType: i64): u8 {
  if (proto == 6) {
    if (state == S0 || state == REJ || state == RSTOS0 || state == SH) return FAIL;
    if (state == RSTO || state == RSTR)
      return colHistory >= 0 && hasData(fieldStart(colHistory), fieldEnd(colHistory)) ? OK : PROBE;
    return state == S1 || state == SF || state == S2 || state == S3 ? OK : UNKNOWN;
  }
  if (proto == 17) {
    if (state == S0) return FAIL;
    return state == SHR || state == OTH ? UNKNOWN : OK;
  }
  if (icmpType != 8 && icmpType != 128) return UNKNOWN;
  const respPkts: i64 = colRespPkts >= 0 ? uint(fieldStart(colRespPkts), fieldEnd(colRespPkts), 9007199254740991) : -1;
  if (respPkts < 0) return UNKNOWN;
  return respPkts == 0 ? FAIL : OK;
}

/**
 * Reads the whole lines of [start, end) until one it cannot read, or `capacity` flows; numbers
 * them from lineBase + 1. Returns where it stopped: `end`, the line after the last flow when
 * the output is full, or the start of the line it left (then `lines` does not count it).
 */
export function parse(start: usize, end: usize, capacity: i32, lineBase: f64): usize {
  block = 1;
  let at = start;
  let k = 0;
  startOutput();
  let n = 0;
  const count = fieldCount;
  while (at < end && k < capacity) {
    const lineStart = at;
    const first = load<u8>(at);
    if (first == 35) break; // a # header
    // separators[0] + 1 is the line's start; separators[f + 1] the end of field f.
    store<u32>(scratch, <u32>(at - 1));
    let fields = 0;
    const base = at & ~(<usize>63);
    if (base != block) {
      block = base;
      blockSeparators = separatorMask(base);
    }
    let mask = blockSeparators & (<u64>-1 << <u64>(at - base));
    let newline: usize = 0;
    while (true) {
      while (mask == 0) {
        block += 64;
        blockSeparators = separatorMask(block);
        mask = blockSeparators;
      }
      const separator = block + <usize>ctz(mask);
      mask &= mask - 1;
      fields++;
      if (fields <= count) store<u32>(scratch + (<usize>fields << 2), <u32>separator);
      if (load<u8>(separator) == 10) {
        newline = separator;
        break;
      }
    }
    const lineEnd = newline > lineStart && load<u8>(newline - 1) == 13 ? newline - 1 : newline;
    if (lineEnd == lineStart) {
      // An empty line: counted, not read.
      at = newline + 1;
      n++;
      continue;
    }
    if (fields != count) break;
    // A CRLF line's last field ends before its CR.
    store<u32>(scratch + (<usize>count << 2), <u32>lineEnd);
    const validTs = decimal(fieldStart(colTs), fieldEnd(colTs));
    const src = ipv4(fieldStart(colOrigH), fieldEnd(colOrigH));
    const dst = ipv4(fieldStart(colRespH), fieldEnd(colRespH));
    const srcPort = port(fieldStart(colOrigP), fieldEnd(colOrigP));
    let dstPort = port(fieldStart(colRespP), fieldEnd(colRespP));
    const proto = protocol(fieldStart(colProto), fieldEnd(colProto));
    const state = connState(fieldStart(colState), fieldEnd(colState));
    if (!validTs || src < 0 || dst < 0 || srcPort < 0 || dstPort < 0 || proto == 0 || state == 0) break;
    // Zeek logs the ICMP type in id.orig_p and the code in id.resp_p.
    if (proto == 1) dstPort = srcPort;
    writeFlow(
      decimalValue,
      lineBase + <f64>(n + 1),
      <u32>src,
      <u32>dst,
      <u16>srcPort,
      <u16>dstPort,
      <u8>proto,
      outcomeOf(proto, state, dstPort),
    );
    k++;
    n++;
    at = newline + 1;
  }
  finish(k, n);
  return at;
}

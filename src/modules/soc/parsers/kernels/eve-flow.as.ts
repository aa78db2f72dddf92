// AssemblyScript source of the Suricata EVE flow kernel (compiled by `npm run build:wasm` into
// eve-flow.wasm.ts; EveParser drives it through flow-kernel.ts). It reads whole lines of EVE JSON already
// copied into memory and writes the plain IPv4 flow records into output columns laid out as a
// FlowBatch's, one set per source partition; it stops at the first line it does not read that way (any other event type, a
// backslash, IPv6, an unusual timestamp, malformed JSON) and leaves it to the JavaScript
// parser, which reads it with JSON.parse or reports it. What it reads, it reads as
// EveParser's byte-level path does (the parser tests read every input both ways).
//
// Keys are found as the byte index of eve.ts finds them: a quote followed by a colon closes a
// key. Quotes, colons, backslashes and newlines are compared 64 bytes at a time into bit
// masks, walked with count-trailing-zeros; a key is told by its last four bytes through the
// collision-free table eve.ts builds (`layout` gets its address).

import {
  byteBits,
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

/** Key table of eve.ts: tails (i32 by slot), key ids (two i8 per slot), key bytes, offsets and lengths (i32 by id). */
let tails: usize = 0;
let tailKeys: usize = 0;
let keyBytes: usize = 0;
let keyOffsets: usize = 0;
let keyLengths: usize = 0;
let tailMultiplier: u32 = 0;
let tailShift: u32 = 0;

/** Key ids, as flowKeys in eve.ts orders them. */
const EVENT_TYPE = 0;
const SRC_IP = 1;
const DEST_IP = 2;
const SRC_PORT = 3;
const DEST_PORT = 4;
const PROTO = 5;
const TO_CLIENT = 6;
const START = 7;
const FLAGS_TS = 8;
const FLAGS_TC = 9;
const ICMP_TYPE = 10;
const KEYS = 11;

const QUOTE: u8 = 34;
const COLON: u8 = 58;
const BACKSLASH: u8 = 92;
const NEWLINE: u8 = 10;

export function keyTable(
  tailsAt: usize,
  tailKeysAt: usize,
  bytesAt: usize,
  offsetsAt: usize,
  lengthsAt: usize,
  multiplier: u32,
  bits: u32,
): void {
  tails = tailsAt;
  tailKeys = tailKeysAt;
  keyBytes = bytesAt;
  keyOffsets = offsetsAt;
  keyLengths = lengthsAt;
  tailMultiplier = multiplier;
  tailShift = 32 - bits;
}

/** byteBits widened, to be shifted into place in a 64-byte block's mask. */
@inline
function lane(bytes: v128, byte: u8): u64 {
  return <u64>byteBits(bytes, byte);
}

/** Masks of one 64-byte block (see `scan`). */
let blockAt: usize = 1;
let quotes: u64 = 0;
let colons: u64 = 0;
let others: u64 = 0;

@inline
function scan(at: usize): void {
  blockAt = at;
  let q: u64 = 0;
  let c: u64 = 0;
  let o: u64 = 0;
  const v0 = v128.load(at);
  const v1 = v128.load(at, 16);
  const v2 = v128.load(at, 32);
  const v3 = v128.load(at, 48);
  q = lane(v0, QUOTE) | (lane(v1, QUOTE) << 16) | (lane(v2, QUOTE) << 32) | (lane(v3, QUOTE) << 48);
  c = lane(v0, COLON) | (lane(v1, COLON) << 16) | (lane(v2, COLON) << 32) | (lane(v3, COLON) << 48);
  o =
    lane(v0, BACKSLASH) |
    lane(v0, NEWLINE) |
    ((lane(v1, BACKSLASH) | lane(v1, NEWLINE)) << 16) |
    ((lane(v2, BACKSLASH) | lane(v2, NEWLINE)) << 32) |
    ((lane(v3, BACKSLASH) | lane(v3, NEWLINE)) << 48);
  quotes = q;
  colons = c;
  others = o;
}

/** Key closes (a quote followed by a colon), backslashes and newlines of the block at `blockAt`. */
@inline
function events(): u64 {
  const colonAfterBlock: u64 = load<u8>(blockAt + 64) == COLON ? 1 : 0;
  return (quotes & ((colons >> 1) | (colonAfterBlock << 63))) | others;
}

/** The wanted key whose closing quote is at `close` (after `lineStart`), or -1 (as keyEndingAt). */
@inline
function keyEndingAt(close: usize, lineStart: usize): i32 {
  const tail = load<u32>(close - 4);
  const slot = <usize>((tail * tailMultiplier) >>> tailShift);
  if (load<u32>(tails + (slot << 2)) != tail) return -1;
  const first = <i32>load<i8>(tailKeys + (slot << 1));
  if (first < 0) return -1;
  if (keyAt(close, lineStart, first)) return first;
  const second = <i32>load<i8>(tailKeys + (slot << 1) + 1);
  return second >= 0 && keyAt(close, lineStart, second) ? second : -1;
}

@inline
function keyAt(close: usize, lineStart: usize, id: i32): bool {
  const length = <usize>load<i32>(keyLengths + (<usize>id << 2));
  if (close < lineStart + length + 1) return false;
  const start = close - length;
  if (load<u8>(start - 1) != QUOTE) return false;
  const offset = keyBytes + <usize>load<i32>(keyOffsets + (<usize>id << 2));
  for (let i: usize = 0; i < length - 4; i++) if (load<u8>(start + i) != load<u8>(offset + i)) return false;
  return true;
}

/** Where wanted key `id`'s value starts on the current line (after a string's quote), or -1; kept in the scratch space. */
@inline
function value(id: i32): i32 {
  return load<i32>(scratch + (<usize>id << 2));
}

@inline
function isDigit(c: u32): bool {
  return c - 48 <= 9;
}

@inline
function twoDigits(at: usize): i32 {
  return (<i32>load<u8>(at) - 48) * 10 + (<i32>load<u8>(at + 1) - 48);
}

/** Whether bytes [at, at + 2) are digits. */
@inline
function digits2(at: usize): bool {
  return isDigit(load<u8>(at)) && isDigit(load<u8>(at + 1));
}

/** Set by `time`: the value read. */
let timeValue: f64 = 0;

/** A dotted quad at `at` closed by a quote before `end` (as EveParser's addressAt), or -1. */
@inline
function ipv4Quoted(at: i32, end: usize): i64 {
  if (at < 0) return -1;
  const s = <usize>at;
  // An address has at most 15 characters: its quote is within these 16 bytes (none: a length of 32, refused).
  const length = <usize>ctz(byteBits(v128.load(s), QUOTE));
  return s + length >= end ? -1 : ipv4(s, s + length);
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil), as Date.UTC counts them. */
@inline
function daysFromCivil(year: i32, month: i32, day: i32): i32 {
  const y = month <= 2 ? year - 1 : year;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yearOfEra = y - era * 400;
  const dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * "YYYY-MM-DDThh:mm:ss[.ffffff]+hhmm" (or +hh:mm) with every position a digit, into timeValue,
 * by the arithmetic of suricataTimeInto; false for anything else, which JavaScript reads.
 */
@inline
function time(at: i32, end: usize): bool {
  if (at < 0) return false;
  const s = <usize>at;
  if (s + 19 > end || load<u8>(s + 4) != 45 || load<u8>(s + 10) != 84 || load<u8>(s + 13) != 58) return false;
  if (!digits2(s) || !digits2(s + 2) || !digits2(s + 5) || !digits2(s + 8)) return false;
  if (!digits2(s + 11) || !digits2(s + 14) || !digits2(s + 17)) return false;
  const year = twoDigits(s) * 100 + twoDigits(s + 2);
  const month = twoDigits(s + 5);
  const day = twoDigits(s + 8);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  const seconds =
    <f64>daysFromCivil(year, month, day) * 86400 +
    <f64>(twoDigits(s + 11) * 3600 + twoDigits(s + 14) * 60 + twoDigits(s + 17));
  let i = s + 19;
  let fraction: f64 = 0;
  let scale: f64 = 1;
  if (i < end && load<u8>(i) == 46) {
    for (i++; i < end && isDigit(load<u8>(i)); i++) {
      fraction = fraction * 10 + <f64>(load<u8>(i) - 48);
      scale *= 10;
    }
  }
  if (i >= end) return false;
  const sign = load<u8>(i);
  if (sign != 43 && sign != 45) return false;
  const minutesAt = load<u8>(i + 3) == COLON ? i + 4 : i + 3;
  if (minutesAt + 2 > end || !digits2(i + 1) || !digits2(minutesAt)) return false;
  const offset = <f64>((twoDigits(i + 1) * 60 + twoDigits(minutesAt)) * 60);
  timeValue = seconds + fraction / scale - (sign == 43 ? offset : -offset);
  return true;
}

/** Leading decimal digits at `at` (as digitsAt; values above 2^31 saturate, which only ports above 65535 see), -1 when none. */
@inline
function digitsAt(at: i32, end: usize): i64 {
  if (at < 0) return -1;
  // Up to 8 digits (below 2^31, so never saturated) summed at once; longer runs digit by digit.
  const run = <usize>ctz(~digitBits(v128.load(<usize>at)));
  if (run - 1 < 8 && <usize>at + run <= end) return <i64>digits8(<usize>at, <u32>run);
  let n: i64 = 0;
  let i = <usize>at;
  for (; i < end; i++) {
    const d = <u32>load<u8>(i) - 48;
    if (d > 9) break;
    n = n * 10 + <i64>d;
    if (n > 0x7fffffff) n = 0x7fffffff;
  }
  return i == <usize>at ? -1 : n;
}

/** One or two hex digits at `at` up to a quote or `end` (as hexAt), -1 otherwise. */
@inline
function hexAt(at: i32, end: usize): i32 {
  if (at < 0) return -1;
  let n: i32 = 0;
  let i = <usize>at;
  for (; i < end && load<u8>(i) != QUOTE; i++) {
    const c = <i32>load<u8>(i);
    const d = c <= 57 ? c - 48 : (c | 32) - 87;
    if (d < 0 || d > 15 || i - <usize>at >= 2) return -1;
    n = n * 16 + d;
  }
  return i == <usize>at ? -1 : n;
}

/** "TCP", "UDP" or "ICMP" closed by a quote; 0 for anything else (as protocolAt). */
@inline
function protocolAt(at: i32): i32 {
  if (at < 0) return 0;
  const p = <usize>at;
  const a = load<u8>(p);
  const b = load<u8>(p + 1);
  const c = load<u8>(p + 2);
  const d = load<u8>(p + 3);
  if (a == 84 && b == 67 && c == 80 && d == QUOTE) return 6;
  if (a == 85 && b == 68 && c == 80 && d == QUOTE) return 17;
  return a == 73 && b == 67 && c == 77 && d == 80 && load<u8>(p + 4) == QUOTE ? 1 : 0;
}

/** As eveFlowOutcome in eve.ts. */
@inline
function outcomeOf(proto: i32, toClient: i64, toServerFlags: i32, toClientFlags: i32, icmpType: i64): u8 {
  if (proto == 6) {
    if (toClient == 0) return FAIL;
    if (toClientFlags >= 0 && (toClientFlags & 4) != 0 && (toClientFlags & 2) == 0) return FAIL;
    if (toServerFlags == 6 && toClientFlags == 0x12) return PROBE;
    if (toServerFlags >= 0 && (toServerFlags & 2) == 0) return UNKNOWN;
    return toClient > 0 ? OK : UNKNOWN;
  }
  if (proto == 17) return toClient == 0 ? FAIL : toClient > 0 ? OK : UNKNOWN;
  if (icmpType != 8 && icmpType != 128) return UNKNOWN;
  return toClient == 0 ? FAIL : toClient > 0 ? OK : UNKNOWN;
}

/**
 * Reads the whole lines of [start, end) until one it leaves to JavaScript, or `capacity`
 * flows; numbers them from lineBase + 1. Returns where it stopped: `end`, the line after the
 * last flow when the output is full, or the start of the line it left (then `lines` does not
 * count it).
 */
export function parse(start: usize, end: usize, capacity: i32, lineBase: f64): usize {
  blockAt = 1;
  let at = start;
  let k = 0;
  startOutput();
  let n = 0;
  while (at < end && k < capacity) {
    const lineStart = at;
    for (let id = 0; id < KEYS; id++) store<i32>(scratch + (<usize>id << 2), -1);
    const base = at & ~(<usize>63);
    if (base != blockAt) scan(base);
    let mask = events() & (<u64>-1 << <u64>(at - base));
    let newline: usize = 0;
    let escaped = false;
    let wanted = true;
    while (true) {
      while (mask == 0) {
        scan(blockAt + 64);
        mask = events();
      }
      const p = blockAt + <usize>ctz(mask);
      mask &= mask - 1;
      const c = load<u8>(p);
      if (c == NEWLINE) {
        newline = p;
        break;
      }
      if (c == BACKSLASH) {
        escaped = true;
        continue;
      }
      // Suricata writes the tcp object last: nothing after tcp_flags_tc is needed.
      if (!wanted) continue;
      const id = keyEndingAt(p, lineStart);
      if (id < 0) continue;
      const v = p + 2;
      store<i32>(scratch + (<usize>id << 2), <i32>(load<u8>(v) == QUOTE ? v + 1 : v));
      if (id == FLAGS_TC) wanted = false;
    }
    const lineEnd = newline > lineStart && load<u8>(newline - 1) == 13 ? newline - 1 : newline;
    if (lineEnd == lineStart) {
      // An empty line: counted, not read.
      at = newline + 1;
      n++;
      continue;
    }
    if (escaped || load<u8>(lineStart) != 123 || load<u8>(lineEnd - 1) != 125) break;
    const type = value(EVENT_TYPE);
    if (
      type < 0 ||
      load<u8>(type) != 102 ||
      load<u8>(type + 1) != 108 ||
      load<u8>(type + 2) != 111 ||
      load<u8>(type + 3) != 119 ||
      load<u8>(type + 4) != QUOTE
    )
      break;
    const proto = protocolAt(value(PROTO));
    const src = ipv4Quoted(value(SRC_IP), lineEnd);
    const dst = ipv4Quoted(value(DEST_IP), lineEnd);
    if (proto == 0 || src < 0 || dst < 0) break;
    if (!time(value(START), lineEnd)) break;
    const isIcmp = proto == 1;
    const srcPort: i64 = isIcmp ? 0 : digitsAt(value(SRC_PORT), lineEnd);
    const dstPort = digitsAt(value(isIcmp ? ICMP_TYPE : DEST_PORT), lineEnd);
    if (srcPort < 0 || srcPort > 65535 || dstPort < 0 || dstPort > 65535) break;
    const outcome = outcomeOf(
      proto,
      digitsAt(value(TO_CLIENT), lineEnd),
      hexAt(value(FLAGS_TS), lineEnd),
      hexAt(value(FLAGS_TC), lineEnd),
      dstPort,
    );
    writeFlow(timeValue, lineBase + <f64>(n + 1), <u32>src, <u32>dst, <u16>srcPort, <u16>dstPort, <u8>proto, outcome);
    k++;
    n++;
    at = newline + 1;
  }
  finish(k, n);
  return at;
}

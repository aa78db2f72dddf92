// Suricata EVE JSON: flow records become connection attempts, alerts become address-only
// records with the signature as evidence, dns/tls/http give queried names.

import { type IpKey, parseIPv4Bytes, parseIpKey } from '../../../core/net/ip.ts';
import {
  type FlowEvent,
  isIcmpProtocol,
  type NameEvent,
  type Outcome,
  Outcome as Outcomes,
  Protocol,
} from '../engine/types.ts';
import { address, KernelLineParser, portNumber, protocolNumber, timestampSeconds } from './fields.ts';
import { eveFlowWasm } from './kernels/eve-flow.wasm.ts';
import { FlowKernel } from './kernels/flow-kernel.ts';
import type { LineParser, ParseSink } from './types.ts';

type JsonRecord = Record<string, unknown>;

const SYN = 0x02;
const RST = 0x04;
const SYN_RST = 0x06;
const SYN_ACK = 0x12;

function object(value: unknown): JsonRecord {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : {};
}

function hexFlags(value: unknown): number {
  return typeof value === 'string' && /^[0-9a-fA-F]{1,2}$/.test(value) ? Number.parseInt(value, 16) : -1;
}

/**
 * EVE flow → outcome (research §B): no packet back to the client is a failure; the server
 * answering only with RST is a rejection; SYN+RST from the client after SYN-ACK is a half-open
 * probe. Flags are -1 when absent.
 */
export function eveFlowOutcome(
  proto: number,
  toClient: number,
  toServerFlags: number,
  toClientFlags: number,
  icmpType: number,
): Outcome {
  if (proto === Protocol.Tcp) {
    if (toClient === 0) return Outcomes.Fail;
    if (toClientFlags >= 0 && toClientFlags & RST && !(toClientFlags & SYN)) return Outcomes.Fail;
    if (toServerFlags === SYN_RST && toClientFlags === SYN_ACK) return Outcomes.Probe;
    if (toServerFlags >= 0 && !(toServerFlags & SYN)) return Outcomes.Unknown;
    return toClient > 0 ? Outcomes.Ok : Outcomes.Unknown;
  }
  if (proto === Protocol.Udp) return toClient === 0 ? Outcomes.Fail : toClient > 0 ? Outcomes.Ok : Outcomes.Unknown;
  if (isIcmpProtocol(proto)) {
    if (icmpType !== 8 && icmpType !== 128) return Outcomes.Unknown;
    return toClient === 0 ? Outcomes.Fail : toClient > 0 ? Outcomes.Ok : Outcomes.Unknown;
  }
  return Outcomes.Unknown;
}

const QUOTE = 34;
/** A key's closing quote and the colon after it. */
const KEY_END = Buffer.from('":');
const BACKSLASH = 92;
/** Keys the flow fast path reads, in one pass over the line. */
const flowKeys = [
  'event_type',
  'src_ip',
  'dest_ip',
  'src_port',
  'dest_port',
  'proto',
  'pkts_toclient',
  'start',
  'tcp_flags_ts',
  'tcp_flags_tc',
  'icmp_type',
].map((key) => Buffer.from(key));
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
const FLOW = Buffer.from('flow"');

/** The four bytes before `end` as one 32-bit number (all wanted keys are at least that long). */
function tail(buf: Uint8Array, end: number): number {
  return (
    (buf[end - 4] as number) |
    ((buf[end - 3] as number) << 8) |
    ((buf[end - 2] as number) << 16) |
    ((buf[end - 1] as number) << 24)
  );
}

/**
 * Wanted keys by the tail of their name, in a table where no two tails share a slot (the
 * multiplier is searched for below): most keys of a line are unwanted and are rejected by one
 * multiply, one load and one compare, without a probe loop or branching on their bytes.
 */
const TAIL_BITS = 8;
const tails = new Int32Array(1 << TAIL_BITS);
/** Up to two key ids per tail (event_type and icmp_type share "type"), -1 when absent. */
const tailKeys = new Int8Array(2 << TAIL_BITS).fill(-1);
const wantedTails = [...new Set(flowKeys.map((key) => tail(key, key.length)))];
let tailMultiplier = 0x9e3779b1;
const slotOf = (t: number, multiplier: number) => Math.imul(t, multiplier) >>> (32 - TAIL_BITS);
while (new Set(wantedTails.map((t) => slotOf(t, tailMultiplier))).size < wantedTails.length) tailMultiplier += 2;
const TAIL_MULTIPLIER = tailMultiplier;
const tailSlot = (t: number) => Math.imul(t, TAIL_MULTIPLIER) >>> (32 - TAIL_BITS);
flowKeys.forEach((key, id) => {
  const slot = tailSlot(tail(key, key.length));
  tails[slot] = tail(key, key.length);
  const second = tailKeys[2 * slot] === -1 ? 0 : 1;
  if (tailKeys[2 * slot + second] !== -1) throw new Error('three EVE keys with one tail');
  tailKeys[2 * slot + second] = id;
});
const keyLengths = Int32Array.from(flowKeys, (key) => key.length);
/** All wanted keys' bytes end to end, key `id` starting at `keyOffsets[id]`. */
const keyBytes = Buffer.concat(flowKeys);
const keyOffsets = Int32Array.from(flowKeys, (_key, id) => flowKeys.slice(0, id).reduce((sum, k) => sum + k.length, 0));

/**
 * The EVE flow kernel (eve-flow.as.ts) with this key table in its scratch space, after the
 * value positions it keeps there; null where WebAssembly SIMD is unavailable.
 */
function eveFlowKernel(partitions: number): FlowKernel | null {
  const valuesBytes = 64;
  const tailsAt = valuesBytes;
  const tailKeysAt = tailsAt + tails.byteLength;
  const bytesAt = tailKeysAt + tailKeys.byteLength;
  const offsetsAt = Math.ceil((bytesAt + keyBytes.length) / 4) * 4;
  const lengthsAt = offsetsAt + keyOffsets.byteLength;
  const kernel = FlowKernel.create(eveFlowWasm, lengthsAt + keyLengths.byteLength, partitions);
  if (!kernel) return null;
  const memory = new Uint8Array(kernel.memory.buffer);
  memory.set(new Uint8Array(tails.buffer), tailsAt);
  memory.set(new Uint8Array(tailKeys.buffer), tailKeysAt);
  memory.set(keyBytes, bytesAt);
  memory.set(new Uint8Array(keyOffsets.buffer), offsetsAt);
  memory.set(new Uint8Array(keyLengths.buffer), lengthsAt);
  const keyTable = kernel.exports.keyTable as (...args: number[]) => void;
  keyTable(tailsAt, tailKeysAt, bytesAt, offsetsAt, lengthsAt, TAIL_MULTIPLIER, TAIL_BITS);
  return kernel;
}

/** Whether the key `id` ends at `close` (its closing quote) and opens with a quote. */
function keyAt(buf: Uint8Array, close: number, id: number): boolean {
  const length = keyLengths[id] as number;
  const start = close - length;
  if (buf[start - 1] !== QUOTE) return false;
  const offset = keyOffsets[id] as number;
  for (let i = 0; i < length - 4; i++) if (buf[start + i] !== keyBytes[offset + i]) return false;
  return true;
}

/** The wanted key whose closing quote is at `close` (the text before it is `"key`), or -1. */
function keyEndingAt(buf: Uint8Array, close: number): number {
  const t = tail(buf, close);
  const slot = tailSlot(t);
  if (tails[slot] !== t) return -1;
  // An empty slot matches only four NUL bytes.
  const first = tailKeys[2 * slot] as number;
  if (first < 0) return -1;
  if (keyAt(buf, close, first)) return first;
  const second = tailKeys[2 * slot + 1] as number;
  return second >= 0 && keyAt(buf, close, second) ? second : -1;
}

/**
 * Records where each wanted key's value starts (after the opening quote for strings), or -1.
 * A `"` followed by `:` closes a key, the rule of the flow kernel (eve-flow.as.ts), so a line reads the
 * same through `line` and through `chunk` (also when an unwanted value is malformed: the flow
 * is still read from the wanted ones). Lines with backslashes never get here.
 */
function locateValues(line: Buffer, at: Int32Array): void {
  at.fill(-1);
  for (let close = line.indexOf(KEY_END); close >= 0; close = line.indexOf(KEY_END, close + 2)) {
    const id = keyEndingAt(line, close);
    if (id < 0) continue;
    const value = close + 2;
    at[id] = line[value] === QUOTE ? value + 1 : value;
    if (id === FLAGS_TC) return;
  }
}

function addressAt(line: Buffer, at: number): IpKey | null {
  if (at < 0) return null;
  const close = line.indexOf(QUOTE, at);
  if (close < 0) return null;
  const v4 = parseIPv4Bytes(line, at, close);
  return v4 >= 0 ? v4 : parseIpKey(line.toString('latin1', at, close));
}

/** TCP, UDP or ICMP as written by Suricata; 0 for anything else (the JSON path handles it). */
function protocolAt(line: Buffer, at: number): number {
  if (at < 0) return 0;
  const c = line[at];
  if (c === 84 && line[at + 1] === 67 && line[at + 2] === 80 && line[at + 3] === QUOTE) return Protocol.Tcp;
  if (c === 85 && line[at + 1] === 68 && line[at + 2] === 80 && line[at + 3] === QUOTE) return Protocol.Udp;
  if (c === 73 && line[at + 1] === 67 && line[at + 2] === 77 && line[at + 3] === 80 && line[at + 4] === QUOTE) {
    return Protocol.Icmp;
  }
  return 0;
}

function digitsAt(buf: Buffer, at: number, end: number): number {
  if (at < 0) return -1;
  let n = 0;
  let i = at;
  for (; i < end; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return i === at ? -1 : n;
}

function hexAt(buf: Buffer, at: number, end: number): number {
  if (at < 0) return -1;
  let n = 0;
  let i = at;
  for (; i < end && buf[i] !== QUOTE; i++) {
    const c = buf[i] as number;
    const d = c <= 57 ? c - 48 : (c | 32) - 87;
    if (d < 0 || d > 15 || i - at >= 2) return -1;
    n = n * 16 + d;
  }
  return i === at ? -1 : n;
}

function twoDigits(buf: Buffer, at: number): number {
  return ((buf[at] as number) - 48) * 10 + ((buf[at + 1] as number) - 48);
}

/** The seconds at `i` plus the ".ffffff" fraction after them, in the "+hhmm"/"+hh:mm" zone that follows; NaN if malformed. */
function withFractionAndZone(buf: Buffer, i: number, end: number, seconds: number): number {
  let fraction = 0;
  let scale = 1;
  if (buf[i] === 46) {
    for (i++; i < end && (buf[i] as number) >= 48 && (buf[i] as number) <= 57; i++) {
      fraction = fraction * 10 + ((buf[i] as number) - 48);
      scale *= 10;
    }
  }
  const sign = buf[i];
  if (sign !== 43 && sign !== 45) return Number.NaN;
  const offset = (twoDigits(buf, i + 1) * 60 + twoDigits(buf, buf[i + 3] === 58 ? i + 4 : i + 3)) * 60;
  return seconds + fraction / scale - (sign === 43 ? offset : -offset);
}

/** "YYYY-MM-DDThh:mm:ss.ffffff+hhmm" (Suricata's layout) from bytes; NaN for anything else. */
function suricataTime(buf: Buffer, at: number, end: number): number {
  if (at < 0 || at + 19 > end || buf[at + 4] !== 45 || buf[at + 10] !== 84 || buf[at + 13] !== 58) return Number.NaN;
  const seconds =
    Date.UTC(
      twoDigits(buf, at) * 100 + twoDigits(buf, at + 2),
      twoDigits(buf, at + 5) - 1,
      twoDigits(buf, at + 8),
      twoDigits(buf, at + 11),
      twoDigits(buf, at + 14),
      twoDigits(buf, at + 17),
    ) / 1000;
  return withFractionAndZone(buf, at + 19, end, seconds);
}

/** Queried names of an EVE dns record: v2 `dns.rrname` for type query, v3 `dns.queries[].rrname`. */
function dnsQueries(dns: JsonRecord): string[] {
  if (Array.isArray(dns.queries)) {
    return dns.queries.map((q) => object(q).rrname).filter((n): n is string => typeof n === 'string');
  }
  if ((dns.type === 'query' || dns.type === 'request') && typeof dns.rrname === 'string') return [dns.rrname];
  return [];
}

/** Suricata EVE; `chunk` reads plain IPv4 flow records through the EVE flow kernel, any other line through `line`. */
export class EveParser extends KernelLineParser implements LineParser {
  records = 0;
  skipped = 0;
  private readonly flow: FlowEvent;
  private readonly at = new Int32Array(flowKeys.length);
  private kernel: FlowKernel | null | undefined;

  constructor(input: string, sink: ParseSink) {
    super(input, sink);
    this.flow = {
      kind: 'flow',
      input,
      line: 0,
      ts: 0,
      src: 0,
      dst: 0,
      srcPort: 0,
      dstPort: 0,
      proto: 0,
      outcome: Outcomes.Unknown,
    };
  }

  /** Flow records go through the kernel; a line it leaves, through `line`. */
  protected override flowKernel(): FlowKernel | null {
    if (this.kernel === undefined) this.kernel = eveFlowKernel(this.partitions);
    return this.kernel;
  }

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end || this.flowRecord(buf.subarray(start, end), lineNumber)) return;
    let record: JsonRecord;
    try {
      const parsed: unknown = JSON.parse(buf.toString('utf8', start, end));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      record = parsed as JsonRecord;
    } catch {
      this.sink.reject(lineNumber, 'invalid JSON');
      return;
    }
    const eventType = record.event_type;
    if (typeof eventType !== 'string') {
      this.sink.reject(lineNumber, 'missing event_type');
      return;
    }
    if (record.src_ip === undefined && record.dest_ip === undefined) {
      // stats and other engine records have no addresses: read, nothing to detect.
      this.skipped++;
      return;
    }
    const flow = object(record.flow);
    const ts = timestampSeconds(eventType === 'flow' && flow.start !== undefined ? flow.start : record.timestamp);
    const src = address(record.src_ip);
    const dst = address(record.dest_ip);
    const proto = protocolNumber(record.proto);
    const isIcmp = isIcmpProtocol(proto);
    const srcPort = isIcmp || record.src_port === undefined ? 0 : portNumber(record.src_port);
    const dstPort = isIcmp
      ? portNumber(record.icmp_type ?? 0)
      : record.dest_port === undefined
        ? 0
        : portNumber(record.dest_port);
    if (Number.isNaN(ts) || src === null || dst === null || srcPort < 0 || dstPort < 0) {
      const field = Number.isNaN(ts) ? 'timestamp' : src === null ? 'src_ip' : dst === null ? 'dest_ip' : 'port';
      this.sink.reject(lineNumber, `invalid ${field}`);
      return;
    }
    const origin = { input: this.input, line: lineNumber, ts, src, dst, srcPort, dstPort };
    this.records++;
    const names = this.names(eventType, record);
    if (names) {
      for (const [kind, name, url] of names) {
        const event: NameEvent = { ...origin, kind, name, url };
        this.sink.emit(event);
      }
      return;
    }
    const alert = object(record.alert);
    const event: FlowEvent = {
      ...origin,
      kind: 'flow',
      proto: Math.max(0, proto),
      outcome:
        eventType === 'flow'
          ? eveFlowOutcome(
              proto,
              typeof flow.pkts_toclient === 'number' ? flow.pkts_toclient : -1,
              hexFlags(object(record.tcp).tcp_flags_ts),
              hexFlags(object(record.tcp).tcp_flags_tc),
              dstPort,
            )
          : Outcomes.Unknown,
      detail: eventType === 'alert' && typeof alert.signature === 'string' ? `alert: ${alert.signature}` : undefined,
    };
    this.sink.emit(event);
  }

  /**
   * Byte-level path for plain flow records (most of an EVE file): reads the few fields the
   * engine needs without JSON.parse. Anything unusual (escapes, IPv6-ICMP, missing fields)
   * returns false and takes the JSON path, which also reports the errors.
   */
  private flowRecord(line: Buffer, lineNumber: number): boolean {
    if (line[0] !== 123 || line[line.length - 1] !== 125 || line.indexOf(BACKSLASH) >= 0) return false;
    const at = this.at;
    locateValues(line, at);
    const type = at[EVENT_TYPE] as number;
    if (type < 0 || line.compare(FLOW, 0, FLOW.length, type, type + FLOW.length) !== 0) return false;
    const end = line.length;
    const proto = protocolAt(line, at[PROTO] as number);
    const src = addressAt(line, at[SRC_IP] as number);
    const dst = addressAt(line, at[DEST_IP] as number);
    const ts = suricataTime(line, at[START] as number, end);
    if (proto === 0 || src === null || dst === null || Number.isNaN(ts)) return false;
    const isIcmp = proto === Protocol.Icmp;
    const srcPort = isIcmp ? 0 : digitsAt(line, at[SRC_PORT] as number, end);
    const dstPort = digitsAt(line, at[isIcmp ? ICMP_TYPE : DEST_PORT] as number, end);
    if (srcPort < 0 || srcPort > 65535 || dstPort < 0 || dstPort > 65535) return false;
    const flow = this.flow;
    flow.line = lineNumber;
    flow.ts = ts;
    flow.src = src;
    flow.dst = dst;
    flow.srcPort = srcPort;
    flow.dstPort = dstPort;
    flow.proto = proto;
    flow.outcome = eveFlowOutcome(
      proto,
      digitsAt(line, at[TO_CLIENT] as number, end),
      hexAt(line, at[FLAGS_TS] as number, end),
      hexAt(line, at[FLAGS_TC] as number, end),
      dstPort,
    );
    this.records++;
    this.sink.emit(flow);
    return true;
  }

  private names(eventType: string, record: JsonRecord): Array<[NameEvent['kind'], string, string | undefined]> | null {
    if (eventType === 'dns') return dnsQueries(object(record.dns)).map((name) => ['dns', name, undefined]);
    if (eventType === 'tls') {
      const sni = object(record.tls).sni;
      return typeof sni === 'string' ? [['tls', sni, undefined]] : [];
    }
    if (eventType === 'http') {
      const http = object(record.http);
      const host = typeof http.hostname === 'string' ? http.hostname : '';
      const path = typeof http.url === 'string' ? http.url : '';
      const url = path.startsWith('/') && host ? `http://${host}${path}` : path || undefined;
      return host ? [['http', host, url]] : [];
    }
    return null;
  }
}

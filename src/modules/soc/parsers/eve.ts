// Suricata EVE JSON: flow records become connection attempts, alerts become address-only
// records with the signature as evidence, dns/tls/http give queried names.

import { type IpKey, parseIPv4Bytes, parseIpKey } from '../../../core/net/ip.ts';
import { FlowBatch } from '../engine/flow-batch.ts';
import { type FlowEvent, type NameEvent, type Outcome, Outcome as Outcomes, Protocol } from '../engine/types.ts';
import { address, flushFlowBatch, portNumber, protocolNumber, timestampSeconds } from './fields.ts';
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
  if (proto === Protocol.Icmp || proto === Protocol.Icmpv6) {
    if (icmpType !== 8 && icmpType !== 128) return Outcomes.Unknown;
    return toClient === 0 ? Outcomes.Fail : toClient > 0 ? Outcomes.Ok : Outcomes.Unknown;
  }
  return Outcomes.Unknown;
}

const QUOTE = 34;
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

/** Whether buf[start, …) holds `key` (its length already checked). */
function keyIs(buf: Buffer, start: number, key: Buffer): boolean {
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key[i]) return false;
  return true;
}

/** `keyId` with a switch on the length and one byte first: most keys of a line are rejected at once. */
function keyIdFast(buf: Buffer, start: number, end: number): number {
  let id = -1;
  switch (end - start) {
    case 5: // proto, start (not state)
      id = buf[start] === 112 ? PROTO : buf[start + 4] === 116 ? START : -1;
      break;
    case 6:
      id = SRC_IP;
      break;
    case 7:
      id = DEST_IP;
      break;
    case 8:
      id = SRC_PORT;
      break;
    case 9: // dest_port, icmp_type (not timestamp, app_proto, tcp_flags)
      id = buf[start] === 100 ? DEST_PORT : buf[start] === 105 ? ICMP_TYPE : -1;
      break;
    case 10:
      id = EVENT_TYPE;
      break;
    case 12:
      id = buf[start + 11] === 115 ? FLAGS_TS : FLAGS_TC;
      break;
    case 13: // pkts_toclient (not pkts_toserver)
      id = buf[start + 7] === 99 ? TO_CLIENT : -1;
      break;
  }
  return id >= 0 && keyIs(buf, start, flowKeys[id] as Buffer) ? id : -1;
}

function keyId(line: Buffer, start: number, end: number): number {
  const length = end - start;
  for (let k = 0; k < flowKeys.length; k++) {
    const key = flowKeys[k] as Buffer;
    if (key.length !== length || key[0] !== line[start]) continue;
    let i = 1;
    while (i < length && key[i] === line[start + i]) i++;
    if (i === length) return k;
  }
  return -1;
}

/**
 * Records where each wanted key's value starts (after the opening quote for strings), or -1.
 * A `"` followed by `":` closes a key; other quoted text is a value and is skipped. Lines
 * with backslashes never get here, so quotes inside values cannot mislead it.
 */
function locateValues(line: Buffer, at: Int32Array): void {
  at.fill(-1);
  const n = line.length;
  let i = 1;
  while (i < n) {
    if (line[i] !== QUOTE) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && line[j] !== QUOTE) j++;
    if (line[j + 1] === 58) {
      const id = keyId(line, i + 1, j);
      const value = j + 2;
      if (id >= 0) at[id] = line[value] === QUOTE ? value + 1 : value;
      i = value;
    } else i = j + 1;
  }
}

/**
 * `locateValues` over buf[start, end) with the line in place: stops at `tcp_flags_tc` (the last
 * key a TCP flow record needs; Suricata writes the tcp object last) and returns false on any
 * backslash, so escaped quotes never mislead it.
 */
function locateValuesIn(buf: Buffer, start: number, end: number, at: Int32Array): boolean {
  at.fill(-1);
  let i = start + 1;
  while (i < end) {
    const c = buf[i];
    if (c !== QUOTE) {
      if (c === BACKSLASH) return false;
      i++;
      continue;
    }
    let j = i + 1;
    for (;;) {
      if (j >= end) return false;
      const d = buf[j];
      if (d === QUOTE) break;
      if (d === BACKSLASH) return false;
      j++;
    }
    if (buf[j + 1] === 58) {
      const id = keyIdFast(buf, i + 1, j);
      const value = j + 2;
      if (id >= 0) {
        at[id] = buf[value] === QUOTE ? value + 1 : value;
        if (id === FLAGS_TC) return true;
      }
      if (buf[value] === QUOTE) {
        // A string value: skip it whole (it cannot be a key).
        let k = value + 1;
        for (;;) {
          if (k >= end) return false;
          const d = buf[k];
          if (d === QUOTE) break;
          if (d === BACKSLASH) return false;
          k++;
        }
        i = k + 1;
      } else i = value;
    } else i = j + 1;
  }
  return true;
}

/** IPv4 address of a string value starting at `at`; -1 when absent or not IPv4. */
function ipv4At(buf: Buffer, at: number, end: number): number {
  if (at < 0) return -1;
  let close = at;
  while (close < end && buf[close] !== QUOTE) close++;
  return close < end ? parseIPv4Bytes(buf, at, close) : -1;
}

let cachedDay = -1;
let cachedDaySeconds = 0;

/** `suricataTime` with the date's Date.UTC computed once per day (the same arithmetic: Date.UTC is linear in h, m, s). */
function suricataTimeCached(buf: Buffer, at: number, end: number): number {
  if (at < 0 || at + 19 > end || buf[at + 4] !== 45 || buf[at + 10] !== 84 || buf[at + 13] !== 58) return Number.NaN;
  const year = twoDigits(buf, at) * 100 + twoDigits(buf, at + 2);
  const month = twoDigits(buf, at + 5);
  const day = twoDigits(buf, at + 8);
  const dayKey = (year * 100 + month) * 100 + day;
  if (dayKey !== cachedDay || !(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) {
    return suricataTime(buf, at, end);
  }
  const seconds =
    cachedDaySeconds + twoDigits(buf, at + 11) * 3600 + twoDigits(buf, at + 14) * 60 + twoDigits(buf, at + 17);
  return withFractionAndZone(buf, at + 19, end, seconds);
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

/** Adds the ".ffffff" fraction and applies the "+hhmm"/"+hh:mm" zone that follow the seconds at `i`; NaN if malformed. */
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
  const value = seconds + fraction / scale - (sign === 43 ? offset : -offset);
  return Number.isNaN(value) ? Number.NaN : value;
}

/** "YYYY-MM-DDThh:mm:ss.ffffff+hhmm" (Suricata's layout) from bytes; NaN for anything else. */
function suricataTime(buf: Buffer, at: number, end: number): number {
  if (at < 0 || at + 19 > end || buf[at + 4] !== 45 || buf[at + 10] !== 84 || buf[at + 13] !== 58) return Number.NaN;
  const year = twoDigits(buf, at) * 100 + twoDigits(buf, at + 2);
  const month = twoDigits(buf, at + 5);
  const day = twoDigits(buf, at + 8);
  if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
    cachedDay = (year * 100 + month) * 100 + day;
    cachedDaySeconds = Date.UTC(year, month - 1, day) / 1000;
  }
  const seconds =
    Date.UTC(
      year,
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

export class EveParser implements LineParser {
  records = 0;
  skipped = 0;
  private readonly flow: FlowEvent;
  private readonly at = new Int32Array(flowKeys.length);
  private batch: FlowBatch | null = null;

  constructor(
    private readonly input: string,
    private readonly sink: ParseSink,
  ) {
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

  /**
   * Many lines at once: plain IPv4 flow records go to the sink in columnar batches, read in
   * place; every other line takes `line` (which also reports errors).
   */
  chunk(buf: Buffer, start: number, end: number, lineNumber: number): number {
    let n = lineNumber;
    const flows = this.sink.flows;
    let batch = this.batch;
    if (flows && !batch) {
      batch = new FlowBatch();
      batch.input = this.input;
      this.batch = batch;
    }
    let i = start;
    while (i < end) {
      let newline = buf.indexOf(10, i);
      if (newline < 0 || newline >= end) newline = end;
      const lineEnd = newline > i && buf[newline - 1] === 13 ? newline - 1 : newline;
      n++;
      if (lineEnd > i && !(batch && this.flowInto(buf, i, lineEnd, n, batch))) {
        flushFlowBatch(this.sink, this.batch);
        this.line(buf, i, lineEnd, n);
      }
      i = newline + 1;
    }
    flushFlowBatch(this.sink, this.batch);
    return n;
  }

  /** `flowRecord` for IPv4 flows into a batch, on the line in place; false when the line needs `line`. */
  private flowInto(buf: Buffer, start: number, end: number, lineNumber: number, batch: FlowBatch): boolean {
    if (buf[start] !== 123 || buf[end - 1] !== 125) return false;
    const at = this.at;
    if (!locateValuesIn(buf, start, end, at)) return false;
    const type = at[EVENT_TYPE] as number;
    if (
      type < 0 ||
      buf[type] !== 102 ||
      buf[type + 1] !== 108 ||
      buf[type + 2] !== 111 ||
      buf[type + 3] !== 119 ||
      buf[type + 4] !== QUOTE
    ) {
      return false;
    }
    const proto = protocolAt(buf, at[PROTO] as number);
    const src = ipv4At(buf, at[SRC_IP] as number, end);
    const dst = ipv4At(buf, at[DEST_IP] as number, end);
    const ts = suricataTimeCached(buf, at[START] as number, end);
    if (proto === 0 || src < 0 || dst < 0 || Number.isNaN(ts)) return false;
    const isIcmp = proto === Protocol.Icmp;
    const srcPort = isIcmp ? 0 : digitsAt(buf, at[SRC_PORT] as number, end);
    const dstPort = digitsAt(buf, at[isIcmp ? ICMP_TYPE : DEST_PORT] as number, end);
    if (srcPort < 0 || srcPort > 65535 || dstPort < 0 || dstPort > 65535) return false;
    const k = batch.size++;
    batch.ts[k] = ts;
    batch.src[k] = src;
    batch.dst[k] = dst;
    batch.srcPort[k] = srcPort;
    batch.dstPort[k] = dstPort;
    batch.proto[k] = proto;
    batch.outcome[k] = eveFlowOutcome(
      proto,
      digitsAt(buf, at[TO_CLIENT] as number, end),
      hexAt(buf, at[FLAGS_TS] as number, end),
      hexAt(buf, at[FLAGS_TC] as number, end),
      dstPort,
    );
    batch.line[k] = lineNumber;
    this.records++;
    if (k + 1 === batch.capacity) flushFlowBatch(this.sink, this.batch);
    return true;
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
    const isIcmp = proto === Protocol.Icmp || proto === Protocol.Icmpv6;
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

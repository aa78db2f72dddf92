// Zeek ASCII (TSV) logs: conn.log on a byte-level hot path (no split, no per-field strings),
// dns/ssl/http logs for names, any other log with id.* fields as address-only records.
// Headers (#separator, #unset_field, #path, #fields) may repeat, e.g. in concatenated logs.

import { type IpKey, parseIPv4Bytes, parseIpKey } from '../../../core/net/ip.ts';
import { type FlowEvent, type NameEvent, Outcome } from '../engine/types.ts';
import { KernelLineParser } from './fields.ts';
import { FlowKernel } from './kernels/flow-kernel.ts';
import { zeekConnWasm } from './kernels/zeek-conn.wasm.ts';
import type { LineParser, ParseSink } from './types.ts';
import { connOutcome, type ZeekLog, zeekLogKind, zeekProtocol } from './zeek-records.ts';

const HASH = 35;
const DOT = 46;
const COLON = 58;
const MAX_FIELDS = 512;

interface Columns {
  ts: number;
  origH: number;
  origP: number;
  respH: number;
  respP: number;
  proto: number;
  state: number;
  history: number;
  respPkts: number;
  name: number;
  uri: number;
}

const CONN_STATES = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'];

/** Slot of a 2-6 byte conn_state candidate in `connStateSlots` (small integers only: no boxed Map key). */
function connStateSlot(buf: Uint8Array, start: number, end: number): number {
  return (
    ((buf[start] as number) * 31 + (buf[start + 1] as number) * 7 + (buf[end - 1] as number) * 3 + end - start) & 255
  );
}

/** The interned conn_state strings by slot; the slots of the 13 states are distinct (checked here). */
const connStateSlots: Array<string | undefined> = new Array(256).fill(undefined);
for (const state of CONN_STATES) {
  const slot = connStateSlot(Buffer.from(state), 0, state.length);
  if (connStateSlots[slot] !== undefined) throw new Error(`conn_state slots collide: ${state}`);
  connStateSlots[slot] = state;
}

/** The interned conn_state of bytes [start, end), or undefined when they are not one. */
function connStateAt(buf: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start;
  if (length < 2 || length > 6) return undefined;
  const state = connStateSlots[connStateSlot(buf, start, end)];
  if (state === undefined || state.length !== length) return undefined;
  for (let i = 0; i < length; i++) if (state.charCodeAt(i) !== buf[start + i]) return undefined;
  return state;
}

/**
 * Non-negative decimal ("1521911720.865716") from bytes into out[at]; false when malformed.
 * Written into the array rather than returned: a returned double is boxed on the heap unless
 * the call is inlined (5 M boxes for 5 M lines otherwise).
 */
function decimalInto(buf: Uint8Array, start: number, end: number, out: Float64Array, at: number): boolean {
  if (start === end) return false;
  let whole = 0;
  let i = start;
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (c === DOT) break;
    const d = c - 48;
    if (d < 0 || d > 9) return false;
    whole = whole * 10 + d;
  }
  if (i === end) {
    out[at] = whole;
    return true;
  }
  let fraction = 0;
  let scale = 1;
  for (i++; i < end; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return false;
    fraction = fraction * 10 + d;
    scale *= 10;
  }
  if (scale === 1) return false;
  out[at] = whole + fraction / scale;
  return true;
}

/** Unsigned integer up to `max` from bytes; -1 when malformed or unset. */
function parseUint(buf: Uint8Array, start: number, end: number, max: number): number {
  if (start === end || end - start > 10) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= max ? n : -1;
}

/** Zeek escapes non-printable bytes in strings as \xNN. */
function unescapeZeek(text: string): string {
  return text.includes('\\x')
    ? text.replace(/\\x([0-9a-fA-F]{2})/g, (_m, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text;
}

/** Zeek TSV logs; `chunk` reads tab-separated conn.log records through the conn.log kernel, any other line through `line`. */
export class ZeekTsvParser extends KernelLineParser implements LineParser {
  records = 0;
  private separator = 9;
  private unset = '-';
  private empty = '(empty)';
  private path: string | undefined;
  private fieldNames: string[] | null = null;
  private log: ZeekLog = 'other';
  private columns: Columns | null = null;
  private readonly starts = new Int32Array(MAX_FIELDS);
  private readonly ends = new Int32Array(MAX_FIELDS);
  private readonly flow: FlowEvent;
  private readonly nameEvent: NameEvent;
  private readonly scratch = new Float64Array(1);
  /** The conn.log kernel, and the columns it was last given. */
  private kernel: FlowKernel | null | undefined;
  private kernelColumns: Columns | null = null;

  constructor(input: string, sink: ParseSink) {
    super(input, sink);
    const origin = { input, line: 0, ts: 0, src: 0, dst: 0, srcPort: 0, dstPort: 0 };
    this.flow = { ...origin, kind: 'flow', proto: 0, outcome: Outcome.Unknown };
    this.nameEvent = { ...origin, kind: 'dns', name: '' };
  }

  restart(): void {
    this.separator = 9;
    this.unset = '-';
    this.empty = '(empty)';
    this.path = undefined;
    this.fieldNames = null;
    this.columns = null;
    this.log = 'other';
  }

  /** The conn.log kernel set to the header in force, or null when that header is not a tab-separated conn.log one. */
  protected override flowKernel(): FlowKernel | null {
    const columns = this.columns;
    const names = this.fieldNames;
    if (columns === null || names === null || this.log !== 'conn' || this.separator !== 9) return null;
    if (this.kernel === undefined) this.kernel = FlowKernel.create(zeekConnWasm, (MAX_FIELDS + 1) * 4, this.partitions);
    if (this.kernel && this.kernelColumns !== columns) {
      const c = columns;
      (this.kernel.exports.columns as (...columns: number[]) => void)(
        names.length,
        c.ts,
        c.origH,
        c.origP,
        c.respH,
        c.respP,
        c.proto,
        c.state,
        c.history,
        c.respPkts,
      );
      this.kernelColumns = columns;
    }
    return this.kernel;
  }

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end) return;
    if (buf[start] === HASH) {
      this.header(buf.toString('utf8', start, end), lineNumber);
      return;
    }
    const columns = this.columns;
    const names = this.fieldNames;
    if (!columns || !names) {
      this.sink.reject(lineNumber, 'data line before a #fields header');
      return;
    }
    const starts = this.starts;
    const ends = this.ends;
    const separator = this.separator;
    let count = 0;
    let fieldBegin = start;
    for (let i = start; i < end; i++) {
      if (buf[i] === separator) {
        if (count < MAX_FIELDS) {
          starts[count] = fieldBegin;
          ends[count] = i;
        }
        count++;
        fieldBegin = i + 1;
      }
    }
    if (count < MAX_FIELDS) {
      starts[count] = fieldBegin;
      ends[count] = end;
    }
    count++;
    if (count !== names.length) {
      this.sink.reject(lineNumber, `expected ${names.length} fields, found ${count}`);
      return;
    }
    const scratch = this.scratch;
    const ts = decimalInto(buf, starts[columns.ts] as number, ends[columns.ts] as number, scratch, 0)
      ? (scratch[0] as number)
      : Number.NaN;
    if (Number.isNaN(ts)) {
      this.sink.reject(lineNumber, 'invalid ts');
      return;
    }
    const src = this.address(buf, columns.origH);
    const dst = this.address(buf, columns.respH);
    if (src === null || dst === null) {
      this.sink.reject(lineNumber, `invalid ${src === null ? 'id.orig_h' : 'id.resp_h'}`);
      return;
    }
    const srcPort = parseUint(buf, starts[columns.origP] as number, ends[columns.origP] as number, 65535);
    const dstPort = parseUint(buf, starts[columns.respP] as number, ends[columns.respP] as number, 65535);
    if (srcPort < 0 || dstPort < 0) {
      this.sink.reject(lineNumber, `invalid ${srcPort < 0 ? 'id.orig_p' : 'id.resp_p'}`);
      return;
    }
    if (this.log === 'conn' || this.log === 'other') {
      const flow = this.flow;
      flow.line = lineNumber;
      flow.ts = ts;
      flow.src = src;
      flow.dst = dst;
      flow.srcPort = srcPort;
      flow.dstPort = dstPort;
      if (this.log === 'conn') {
        if (!this.connFields(buf, columns, flow, lineNumber)) return;
      } else {
        flow.proto = columns.proto >= 0 ? zeekProtocol(this.text(buf, columns.proto), typeof src === 'string') : 0;
        flow.outcome = Outcome.Unknown;
      }
      this.records++;
      this.sink.emit(flow);
      return;
    }
    const event = this.nameEvent;
    event.kind = this.log === 'dns' ? 'dns' : this.log === 'ssl' ? 'tls' : 'http';
    event.line = lineNumber;
    event.ts = ts;
    event.src = src;
    event.dst = dst;
    event.srcPort = srcPort;
    event.dstPort = dstPort;
    event.name = columns.name >= 0 ? this.text(buf, columns.name) : '';
    const uri = this.log === 'http' && columns.uri >= 0 ? this.text(buf, columns.uri) : '';
    event.url = event.name && uri ? `http://${event.name}${uri}` : undefined;
    this.records++;
    this.sink.emit(event);
  }

  /** Protocol, state and outcome of a conn.log record; false (and a rejection) when malformed. */
  private connFields(buf: Buffer, columns: Columns, flow: FlowEvent, lineNumber: number): boolean {
    const starts = this.starts;
    const ends = this.ends;
    const protoStart = starts[columns.proto] as number;
    const protoEnd = ends[columns.proto] as number;
    const p0 = buf[protoStart];
    const protoLength = protoEnd - protoStart;
    const ipv6 = typeof flow.src === 'string';
    // Compare bytes instead of decoding: this runs for every conn record.
    const proto =
      protoLength === 3 && p0 === 116 && buf[protoStart + 1] === 99 && buf[protoStart + 2] === 112
        ? 6
        : protoLength === 3 && p0 === 117 && buf[protoStart + 1] === 100 && buf[protoStart + 2] === 112
          ? 17
          : zeekProtocol(buf.toString('latin1', protoStart, protoEnd), ipv6);
    if (proto === 0) {
      this.sink.reject(lineNumber, 'invalid proto');
      return false;
    }
    const stateStart = starts[columns.state] as number;
    const stateEnd = ends[columns.state] as number;
    const state = connStateAt(buf, stateStart, stateEnd);
    if (state === undefined) {
      this.sink.reject(lineNumber, 'invalid conn_state');
      return false;
    }
    let hasData = false;
    if (columns.history >= 0) {
      const historyEnd = ends[columns.history] as number;
      for (let i = starts[columns.history] as number; i < historyEnd; i++) {
        const c = buf[i];
        if (c === 68 || c === 100) {
          hasData = true;
          break;
        }
      }
    }
    const respPkts =
      columns.respPkts >= 0
        ? parseUint(buf, starts[columns.respPkts] as number, ends[columns.respPkts] as number, Number.MAX_SAFE_INTEGER)
        : -1;
    flow.proto = proto;
    // Zeek logs the ICMP type in id.orig_p and the code in id.resp_p.
    if (proto === 1 || proto === 58) flow.dstPort = flow.srcPort;
    flow.outcome = connOutcome(proto, state, hasData, respPkts, flow.dstPort);
    return true;
  }

  private text(buf: Buffer, column: number): string {
    const value = buf.toString('utf8', this.starts[column] as number, this.ends[column] as number);
    return value === this.unset || value === this.empty ? '' : unescapeZeek(value);
  }

  private address(buf: Buffer, column: number): IpKey | null {
    const start = this.starts[column] as number;
    const end = this.ends[column] as number;
    const v4 = parseIPv4Bytes(buf, start, end);
    if (v4 >= 0) return v4;
    const colon = buf.indexOf(COLON, start);
    return colon >= 0 && colon < end ? parseIpKey(buf.toString('latin1', start, end)) : null;
  }

  private header(text: string, lineNumber: number): void {
    const space = text.search(/[\s]/);
    const directive = space < 0 ? text : text.slice(0, space);
    const separatorText = String.fromCharCode(this.separator);
    const value = space < 0 ? '' : text.slice(space + 1);
    switch (directive) {
      case '#separator': {
        const match = /^\\x([0-9a-fA-F]{2})$/.exec(value.trim());
        this.separator = match ? Number.parseInt(match[1] as string, 16) : value.charCodeAt(0) || 9;
        return;
      }
      case '#unset_field':
        this.unset = value;
        return;
      case '#empty_field':
        this.empty = value;
        return;
      case '#path':
        this.path = value.trim();
        return;
      case '#fields':
        this.setFields(value.split(separatorText), lineNumber);
        return;
      default:
        // #types, #open, #close, #set_separator and comments carry nothing the engine needs.
        return;
    }
  }

  private setFields(names: string[], lineNumber: number): void {
    const index = (name: string) => names.indexOf(name);
    const columns: Columns = {
      ts: index('ts'),
      origH: index('id.orig_h'),
      origP: index('id.orig_p'),
      respH: index('id.resp_h'),
      respP: index('id.resp_p'),
      proto: index('proto'),
      state: index('conn_state'),
      history: index('history'),
      respPkts: index('resp_pkts'),
      name: -1,
      uri: index('uri'),
    };
    const log = zeekLogKind(this.path, (name) => names.includes(name));
    columns.name = index(log === 'dns' ? 'query' : log === 'ssl' ? 'server_name' : 'host');
    const required = [columns.ts, columns.origH, columns.origP, columns.respH, columns.respP];
    if (log === 'conn') required.push(columns.proto, columns.state);
    if (required.some((i) => i < 0) || names.length > MAX_FIELDS) {
      this.sink.reject(lineNumber, `unsupported #fields header for ${log} log (needs ts and id.* fields)`);
      this.columns = null;
      this.fieldNames = null;
      return;
    }
    this.fieldNames = names;
    this.columns = columns;
    this.log = log;
  }
}

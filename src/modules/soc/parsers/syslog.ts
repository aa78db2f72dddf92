// Firewall logs carried by syslog: RFC 5424 and RFC 3164 framing (with or without <PRI>, as
// received or as written to files), messages from iptables/nftables `LOG` and FortiGate
// key=value traffic logs. Other messages are counted as skipped, never fatal.

import { type FlowEvent, type Outcome, Outcome as Outcomes, Protocol } from '../engine/types.ts';
import { address, portNumber, protocolNumber, timestampSeconds } from './fields.ts';
import type { LineParser, ParseSink } from './types.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(.*)$/s;
const RFC3164 = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\S+) (.*)$/s;
const PRI_ONLY = /^<(\d{1,3})>(.*)$/s;
const KEY_VALUE = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
const ACCEPTING_PREFIX = /accept|allow|permit|pass/i;
const DENYING_ACTIONS = new Set(['deny', 'block', 'blocked', 'drop', 'dropped', 'reject', 'ip-conn']);

export interface SyslogMessage {
  ts: number;
  host: string;
  message: string;
}

export interface SyslogOptions {
  /** RFC 3164 timestamps have no year; this one is assumed (default: the current year). */
  year?: number;
}

/** Splits syslog framing; `ts` is NaN when the header carries no usable time. */
export function parseSyslogFrame(text: string, options: SyslogOptions = {}): SyslogMessage | null {
  const modern = RFC5424.exec(text);
  if (modern) {
    return { ts: timestampSeconds(modern[2]), host: modern[3] ?? '-', message: modern[8] ?? '' };
  }
  const legacy = RFC3164.exec(text);
  if (legacy) {
    const month = MONTHS.indexOf(legacy[2] as string);
    if (month < 0) return null;
    const year = options.year ?? new Date().getFullYear();
    const date = new Date(year, month, Number(legacy[3]), Number(legacy[4]), Number(legacy[5]), Number(legacy[6]));
    return { ts: date.getTime() / 1000, host: legacy[7] ?? '', message: legacy[8] ?? '' };
  }
  const bare = PRI_ONLY.exec(text);
  return bare ? { ts: Number.NaN, host: '', message: bare[2] ?? '' } : null;
}

export function keyValues(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const match of message.matchAll(KEY_VALUE)) {
    const raw = match[2] ?? '';
    fields.set(match[1] as string, raw.startsWith('"') ? raw.slice(1, -1) : raw);
  }
  return fields;
}

/** iptables LOG: a rule logging in front of a DROP is the norm, so only an accepting prefix means success. */
function iptablesOutcome(prefix: string, proto: number, fields: Map<string, string>, message: string): Outcome {
  const accepted = ACCEPTING_PREFIX.test(prefix);
  if (proto === Protocol.Tcp) {
    const flags = new Set(message.split(' '));
    if (!flags.has('SYN') || flags.has('ACK')) return Outcomes.Unknown;
    return accepted ? Outcomes.Ok : Outcomes.Fail;
  }
  if (proto === Protocol.Icmp && fields.get('TYPE') !== '8') return Outcomes.Unknown;
  return accepted ? Outcomes.Ok : Outcomes.Fail;
}

/** FortiGate: denied actions failed; an accepted session that received nothing failed too. */
function fortigateOutcome(fields: Map<string, string>): Outcome {
  const action = (fields.get('action') ?? '').toLowerCase();
  if (DENYING_ACTIONS.has(action)) return Outcomes.Fail;
  const received = fields.get('rcvdpkt');
  if (received === '0') return Outcomes.Fail;
  return action === '' && received === undefined ? Outcomes.Unknown : Outcomes.Ok;
}

/** FortiGate `eventtime` is in s, ms, µs or ns depending on the FortiOS version. */
function fortigateTime(fields: Map<string, string>): number {
  const eventTime = fields.get('eventtime');
  if (eventTime && /^\d+$/.test(eventTime)) {
    const digits = eventTime.length;
    return Number(eventTime) / (digits > 16 ? 1e9 : digits > 13 ? 1e6 : digits > 10 ? 1e3 : 1);
  }
  const date = fields.get('date');
  const time = fields.get('time');
  if (!date || !time) return Number.NaN;
  const tz = fields.get('tz');
  const offset = tz && /^[+-]\d{4}$/.test(tz) ? tz : '';
  return timestampSeconds(`${date}T${time}${offset}`);
}

export class SyslogParser implements LineParser {
  records = 0;
  skipped = 0;

  constructor(
    private readonly input: string,
    private readonly sink: ParseSink,
    private readonly options: SyslogOptions = {},
  ) {}

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end) return;
    const text = buf.toString('utf8', start, end);
    const frame = parseSyslogFrame(text, this.options);
    if (!frame) {
      this.sink.reject(lineNumber, 'not a syslog line');
      return;
    }
    const message = frame.message;
    let event: FlowEvent | null | string;
    if (message.includes('SRC=') && message.includes('DST=')) event = this.iptables(message, frame.ts, lineNumber);
    else if (message.includes('srcip=') && message.includes('dstip='))
      event = this.fortigate(message, frame.ts, lineNumber);
    else {
      this.skipped++;
      return;
    }
    if (typeof event === 'string') {
      this.sink.reject(lineNumber, event);
      return;
    }
    if (!event) {
      this.skipped++;
      return;
    }
    this.records++;
    this.sink.emit(event);
  }

  private iptables(message: string, ts: number, line: number): FlowEvent | string {
    const inAt = message.indexOf('IN=');
    // Kernel lines may start with "kernel: [12345.678901] "; the rest before IN= is the rule's prefix.
    const prefix = (inAt >= 0 ? message.slice(0, inAt) : '').replace(/^.*?\]\s*/, '');
    const fields = keyValues(message);
    const proto = protocolNumber(fields.get('PROTO') ?? '');
    return this.flow(
      fields.get('SRC'),
      fields.get('DST'),
      fields.get('SPT'),
      proto === Protocol.Icmp ? fields.get('TYPE') : fields.get('DPT'),
      proto,
      ts,
      line,
      iptablesOutcome(prefix, proto, fields, message),
      prefix.trim() || undefined,
    );
  }

  private fortigate(message: string, frameTs: number, line: number): FlowEvent | string {
    const fields = keyValues(message);
    const ts = fortigateTime(fields);
    const proto = protocolNumber(fields.get('proto') ?? '');
    const action = fields.get('action');
    return this.flow(
      fields.get('srcip'),
      fields.get('dstip'),
      fields.get('srcport'),
      fields.get('dstport'),
      proto,
      Number.isNaN(ts) ? frameTs : ts,
      line,
      fortigateOutcome(fields),
      action ? `action=${action}` : undefined,
    );
  }

  private flow(
    srcText: string | undefined,
    dstText: string | undefined,
    srcPortText: string | undefined,
    dstPortText: string | undefined,
    proto: number,
    ts: number,
    line: number,
    outcome: Outcome,
    detail: string | undefined,
  ): FlowEvent | string {
    const src = address(srcText);
    const dst = address(dstText);
    if (src === null || dst === null) return `invalid ${src === null ? 'source' : 'destination'} address`;
    if (proto < 0) return 'invalid protocol';
    if (Number.isNaN(ts)) return 'no timestamp';
    const srcPort = srcPortText === undefined ? 0 : portNumber(srcPortText);
    const dstPort = dstPortText === undefined ? 0 : portNumber(dstPortText);
    if (srcPort < 0 || dstPort < 0) return 'invalid port';
    return { kind: 'flow', input: this.input, line, ts, src, dst, srcPort, dstPort, proto, outcome, detail };
  }
}

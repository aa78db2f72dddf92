// Suricata EVE JSON: flow records become connection attempts, alerts become address-only
// records with the signature as evidence, dns/tls/http give queried names.

import { type FlowEvent, type NameEvent, type Outcome, Outcome as Outcomes, Protocol } from '../engine/types.ts';
import { address, portNumber, protocolNumber, timestampSeconds } from './fields.ts';
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
 * answering only with RST is a rejection; SYN+RST from the client after SYN-ACK is a half-open probe.
 */
export function eveFlowOutcome(proto: number, flow: JsonRecord, tcp: JsonRecord, icmpType: number): Outcome {
  const toClient = typeof flow.pkts_toclient === 'number' ? flow.pkts_toclient : -1;
  if (proto === Protocol.Tcp) {
    if (toClient === 0) return Outcomes.Fail;
    const toServerFlags = hexFlags(tcp.tcp_flags_ts);
    const toClientFlags = hexFlags(tcp.tcp_flags_tc);
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

  constructor(
    private readonly input: string,
    private readonly sink: ParseSink,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end) return;
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
      outcome: eventType === 'flow' ? eveFlowOutcome(proto, flow, object(record.tcp), dstPort) : Outcomes.Unknown,
      detail: eventType === 'alert' && typeof alert.signature === 'string' ? `alert: ${alert.signature}` : undefined,
    };
    this.sink.emit(event);
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

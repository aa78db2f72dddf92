// Zeek log semantics shared by the TSV and JSON readers: which log a record comes from and
// how a conn.log record maps to a connection-attempt outcome.

import { isIcmpProtocol, type Outcome, Outcome as Outcomes, Protocol } from '../engine/types.ts';

export type ZeekLog = 'conn' | 'dns' | 'ssl' | 'http' | 'other';

/** The log kind from `#path` or, when absent (JSON, renamed files), from the fields present. */
export function zeekLogKind(path: string | undefined, hasField: (name: string) => boolean): ZeekLog {
  if (path === 'conn' || path === 'dns' || path === 'ssl' || path === 'http') return path;
  if (path) return 'other';
  if (hasField('conn_state')) return 'conn';
  if (hasField('query')) return 'dns';
  if (hasField('server_name')) return 'ssl';
  if (hasField('uri') && hasField('host')) return 'http';
  return 'other';
}

const ICMP_ECHO_REQUEST = 8;
const ICMPV6_ECHO_REQUEST = 128;

/**
 * conn.log → outcome, following Zeek's scan.zeek: S0/REJ/RSTOS0/SH are failed attempts;
 * RSTO/RSTR without data in the history are half-open probes; responder-only states say
 * nothing about the originator. UDP S0 had no reply. ICMP echo without reply packets failed.
 */
export function connOutcome(
  proto: number,
  state: string,
  historyHasData: boolean,
  respPkts: number,
  icmpType: number,
): Outcome {
  if (proto === Protocol.Tcp) {
    switch (state) {
      case 'S0':
      case 'REJ':
      case 'RSTOS0':
      case 'SH':
        return Outcomes.Fail;
      case 'RSTO':
      case 'RSTR':
        return historyHasData ? Outcomes.Ok : Outcomes.Probe;
      case 'S1':
      case 'SF':
      case 'S2':
      case 'S3':
        return Outcomes.Ok;
      default:
        return Outcomes.Unknown;
    }
  }
  if (proto === Protocol.Udp) {
    if (state === 'S0') return Outcomes.Fail;
    return state === 'SHR' || state === 'OTH' ? Outcomes.Unknown : Outcomes.Ok;
  }
  if (isIcmpProtocol(proto)) {
    if (icmpType !== ICMP_ECHO_REQUEST && icmpType !== ICMPV6_ECHO_REQUEST) return Outcomes.Unknown;
    if (respPkts < 0) return Outcomes.Unknown;
    return respPkts === 0 ? Outcomes.Fail : Outcomes.Ok;
  }
  return Outcomes.Unknown;
}

/** Zeek writes "tcp"/"udp"/"icmp" (ICMPv6 too); the address family tells them apart. */
export function zeekProtocol(name: string, ipv6: boolean): number {
  switch (name) {
    case 'tcp':
      return Protocol.Tcp;
    case 'udp':
      return Protocol.Udp;
    case 'icmp':
      return ipv6 ? Protocol.Icmpv6 : Protocol.Icmp;
    default:
      return 0;
  }
}

export function historyHasData(history: string): boolean {
  return history.includes('D') || history.includes('d');
}

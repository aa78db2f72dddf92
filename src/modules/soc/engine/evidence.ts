// Turns a (borrowed, possibly reused) event into a small owned evidence sample.

import { formatIpKey } from '../../../core/net/ip.ts';
import type { EvidenceSample, SocEvent } from './types.ts';
import { outcomeNames, Protocol } from './types.ts';

export function protocolName(proto: number): string {
  switch (proto) {
    case Protocol.Tcp:
      return 'tcp';
    case Protocol.Udp:
      return 'udp';
    case Protocol.Icmp:
      return 'icmp';
    case Protocol.Icmpv6:
      return 'icmp6';
    default:
      return String(proto);
  }
}

export function toEvidence(event: SocEvent): EvidenceSample {
  const what =
    event.kind === 'flow'
      ? `${outcomeNames[event.outcome]}${event.detail ? ` ${event.detail}` : ''}`
      : `${event.kind} ${event.url ?? event.name}`;
  return {
    ts: event.ts,
    src: formatIpKey(event.src),
    dst: formatIpKey(event.dst),
    srcPort: event.srcPort,
    dstPort: event.dstPort,
    proto: event.kind === 'flow' ? protocolName(event.proto) : event.kind,
    what,
    input: event.input,
    line: event.line,
  };
}

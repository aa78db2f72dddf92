// Normalised events the engine consumes and the findings it returns. Parsers of every log
// format produce these; the engine never sees a log line.

import type { IpKey } from '../../../core/net/ip.ts';

/** How a connection attempt ended, from the initiator's point of view (research §A, recommendation 1). */
export const Outcome = {
  /** Handshake completed or data exchanged. */
  Ok: 0,
  /** No reply, RST reply, or a firewall deny/drop. */
  Fail: 1,
  /** Half-open: the target answered but the initiator reset without data (SYN scan of an open port). */
  Probe: 2,
  /** Not a connection attempt we can judge (mid-stream, responder-side record, alert only). */
  Unknown: 3,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The word that starts a flow evidence sample's text (the UI translates it). */
export const outcomeNames: Record<Outcome, string> = {
  [Outcome.Ok]: 'ok',
  [Outcome.Fail]: 'failed',
  [Outcome.Probe]: 'half-open',
  [Outcome.Unknown]: 'unknown',
};

export const Protocol = { Icmp: 1, Tcp: 6, Udp: 17, Icmpv6: 58 } as const;

/** ICMP or ICMPv6, whose flows carry a message type where others carry a destination port. */
export function isIcmpProtocol(proto: number): boolean {
  return proto === Protocol.Icmp || proto === Protocol.Icmpv6;
}

/** Where an event came from, so every evidence sample points back to a file and line. */
export interface EventOrigin {
  input: string;
  line: number;
}

/** One connection, flow record or firewall decision. */
export interface FlowEvent extends EventOrigin {
  kind: 'flow';
  /** Seconds since the Unix epoch (fractional). */
  ts: number;
  src: IpKey;
  dst: IpKey;
  srcPort: number;
  /** Destination port; for ICMP the message type. */
  dstPort: number;
  /** IANA protocol number. */
  proto: number;
  outcome: Outcome;
  /** Free text worth keeping in evidence (e.g. a Suricata signature or firewall action). */
  detail?: string;
}

/** A name the client asked for: DNS query, TLS SNI or HTTP host (with URL when known). */
export interface NameEvent extends EventOrigin {
  kind: 'dns' | 'tls' | 'http';
  ts: number;
  src: IpKey;
  dst: IpKey;
  srcPort: number;
  dstPort: number;
  name: string;
  url?: string;
}

export type SocEvent = FlowEvent | NameEvent;

/** A compact copy of an event kept as evidence (events pushed to the engine are not retained). */
export interface EvidenceSample {
  ts: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  proto: string;
  what: string;
  input: string;
  line: number;
}

export type ScanRule = 'horizontal' | 'vertical' | 'icmp-sweep' | 'trw';

/** One rule that fired for a scanner, with the numbers that made it fire. */
export interface ScanRuleHit {
  rule: ScanRule;
  threshold: number;
  observed: number;
  /** When the rule fired (event time). */
  at: number;
  /** Tumbling window start for the windowed rules. */
  windowStart?: number;
  windowSeconds?: number;
  /** Horizontal: the swept port; vertical: the scanned target. */
  port?: number;
  proto?: string;
  target?: string;
  explanation: string;
}

export type ScanKind = 'horizontal' | 'vertical' | 'mixed';

export interface ScannerFinding {
  ip: string;
  kind: ScanKind;
  /** Caught only by the rate-free TRW test: it stayed under every windowed threshold. */
  slow: boolean;
  internal: boolean;
  firstSeen: number;
  lastSeen: number;
  detectedAt: number;
  /** Attempts and failed attempts seen from detection on. */
  attempts: number;
  failedAttempts: number;
  /** Distinct targets / ports of failed attempts (HyperLogLog estimate, exact for small counts). */
  distinctTargets: number;
  distinctPorts: number;
  /**
   * Each target group (EngineConfig.targetGroups) this source sent failed attempts to, most attempts
   * first: every failed attempt since the source was first seen (and tracked since).
   */
  targetGroups: Array<{ group: string; failedAttempts: number }>;
  /** The first hits of each rule (at most 3 per rule), with their numbers. */
  rules: ScanRuleHit[];
  /** How many times each rule fired (per window and key for windowed rules). */
  ruleCounts: Partial<Record<ScanRule, number>>;
  /**
   * The first failed attempts from detection on (EngineConfig.evidenceSamples), then the first one
   * to each target group not sampled yet.
   */
  evidence: EvidenceSample[];
}

export type IndicatorType = 'ip' | 'cidr' | 'domain' | 'url';

export interface Indicator {
  type: IndicatorType;
  /** Normalised value: address, CIDR, lowercase domain or normalised URL. */
  value: string;
  /** Feed or file the indicator came from. */
  source: string;
  /** 0–100 where the feed gives one. */
  confidence?: number;
  /** Seconds since the epoch; the indicator matches only events inside its validity. */
  validFrom?: number;
  validUntil?: number;
  /** Identifier in the source feed (STIX id, MISP attribute uuid…). */
  id?: string;
  description?: string;
}

export interface ContactFinding {
  /** The host that talked to the indicator (the client for names, the internal side for flows). */
  host: string;
  internal: boolean;
  indicator: string;
  indicatorType: IndicatorType;
  source: string;
  confidence?: number;
  indicatorId?: string;
  /** outbound: host → indicator; inbound: indicator → host. */
  direction: 'outbound' | 'inbound';
  /** Event kinds that matched (flow, dns, tls, http). */
  matchedOn: Array<SocEvent['kind']>;
  firstSeen: number;
  lastSeen: number;
  count: number;
  evidence: EvidenceSample[];
}

export interface DetectorStats {
  events: number;
  flows: number;
  names: number;
  failedAttempts: number;
  allowListed: number;
  ignored: number;
  trackedSources: number;
  evictedSources: number;
  droppedFindings: number;
  indicatorMatches: number;
}

export interface Findings {
  scanners: ScannerFinding[];
  maliciousContacts: ContactFinding[];
  stats: DetectorStats;
}

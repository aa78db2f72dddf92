// What the network collectors accept: which senders (an allow-list of addresses and CIDRs), and for syslog over TCP
// how many connections, how many bytes held for partial messages, and how long a silent connection stays open.

import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface SourceFilter {
  /** The list as written (for logs). */
  readonly text: string;
  allows(address: string): boolean;
}

/**
 * Parses `10.0.0.0/8,192.168.1.5,2001:db8::/32` (commas or spaces). Throws on an entry that is not an address or a
 * CIDR, so a typo stops the start instead of opening the collectors to everyone.
 */
export function parseAllowList(text: string): SourceFilter {
  const list = new BlockList();
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (!entries.length) throw new Error('KHIEN_COLLECTOR_ALLOW: no address or CIDR given');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const maxBits = type === 'ipv4' ? 32 : 128;
    const bits = prefix === undefined ? maxBits : Number(prefix);
    if (!type || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) || bits > maxBits)
      throw new Error(`KHIEN_COLLECTOR_ALLOW: "${entry}" is not an IP address or CIDR`);
    list.addSubnet(address, bits, type);
  }
  return {
    text: entries.join(','),
    allows(address) {
      // A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d.
      const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
      return list.check(v4, isIPv4(v4) ? 'ipv4' : 'ipv6');
    },
  };
}

export interface CollectorLimits {
  /** Senders accepted; others' datagrams and connections are dropped and counted. Default: everyone. */
  allow?: SourceFilter;
  /** Syslog TCP connections open at once; more are refused and counted. */
  maxConnections?: number;
  /** Longest syslog message over TCP; a connection sending a longer one is cut. */
  maxMessageBytes?: number;
  /** Bytes of partial TCP messages held over every connection; the connection that would pass it is cut. */
  maxBufferedBytes?: number;
  /** A TCP connection silent this long is closed. */
  idleMs?: number;
}

export const COLLECTOR_DEFAULTS = {
  maxConnections: 256,
  maxMessageBytes: 64 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  idleMs: 5 * 60 * 1000,
} as const;

// Threat-intelligence lookup structures: addresses and CIDRs in one prefix trie (most specific
// wins), domains by label suffix, URLs by normalised exact value. Indicators match only events
// inside their validity period.

import { formatCidr, type IpKey, parseCidr } from '../../../core/net/ip.ts';
import { PrefixTrie } from '../../../core/net/prefix-trie.ts';
import type { Indicator } from './types.ts';

export function isValidAt(indicator: Indicator, ts: number): boolean {
  return (
    (indicator.validFrom === undefined || ts >= indicator.validFrom) &&
    (indicator.validUntil === undefined || ts <= indicator.validUntil)
  );
}

/** Lowercase, without a trailing dot, a leading `*.` or surrounding space; null when not a plausible name. */
export function normalizeDomain(text: string): string | null {
  let name = text.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.startsWith('*.')) name = name.slice(2);
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(name)) return null;
  return name.length > 253 ? null : name;
}

/** Lowercase scheme and host, default port and fragment dropped; null when not an http(s)/ftp URL. */
export function normalizeUrl(text: string): string | null {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (!['http:', 'https:', 'ftp:'].includes(url.protocol)) return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

function firstValid(candidates: Indicator[] | undefined, ts: number): Indicator | undefined {
  if (!candidates) return undefined;
  for (const indicator of candidates) if (isValidAt(indicator, ts)) return indicator;
  return undefined;
}

export class IntelIndex {
  private readonly addresses = new PrefixTrie<Indicator[]>((existing, added) => existing.concat(added));
  private readonly domains = new Map<string, Indicator[]>();
  private readonly urls = new Map<string, Indicator[]>();
  /**
   * One bit per IPv4 /16 that some address indicator overlaps (8 KiB, stays in L1): almost every
   * flow touches no listed /16 and is answered without walking the trie.
   */
  private readonly v4Blocks = new Uint32Array(65536 / 32);
  readonly size: number;

  constructor(indicators: Iterable<Indicator>) {
    let size = 0;
    for (const indicator of indicators) {
      size++;
      if (indicator.type === 'ip' || indicator.type === 'cidr') {
        this.addresses.insert(indicator.value, [indicator]);
        this.markV4Blocks(indicator.value);
      } else {
        const map = indicator.type === 'domain' ? this.domains : this.urls;
        const list = map.get(indicator.value);
        if (list) list.push(indicator);
        else map.set(indicator.value, [indicator]);
      }
    }
    this.size = size;
  }

  get hasAddresses(): boolean {
    return this.addresses.size > 0;
  }

  get hasNames(): boolean {
    return this.domains.size > 0 || this.urls.size > 0;
  }

  private markV4Blocks(value: string): void {
    const cidr = parseCidr(value);
    if (cidr?.version !== 4) return;
    const first = (cidr.words[0] as number) >>> 16;
    const count = 2 ** Math.max(0, 16 - cidr.prefixLength);
    const blocks = this.v4Blocks;
    for (let block = first; block < first + count; block++)
      blocks[block >>> 5] = (blocks[block >>> 5] as number) | (1 << (block & 31));
  }

  /** False when no address indicator overlaps the IPv4 address's /16 (small enough to be inlined into loops). */
  mayListV4(address: number): boolean {
    const block = address >>> 16;
    return ((this.v4Blocks[block >>> 5] as number) & (1 << (block & 31))) !== 0;
  }

  /** The most specific valid address indicator containing the address. */
  matchAddress(address: IpKey, ts: number): Indicator | undefined {
    if (typeof address === 'number' && !this.mayListV4(address)) return undefined;
    const best = typeof address === 'number' ? this.addresses.lookupV4(address) : this.addresses.lookup(address);
    if (!best) return undefined;
    const valid = firstValid(best, ts);
    if (valid) return valid;
    // The most specific prefix is out of validity: a broader, still valid one may apply.
    for (const candidates of this.addresses.lookupAll(address).slice(1)) {
      const broader = firstValid(candidates, ts);
      if (broader) return broader;
    }
    return undefined;
  }

  /** A valid domain indicator for the name or any parent domain (label boundaries only). */
  matchName(name: string, ts: number): Indicator | undefined {
    if (this.domains.size === 0) return undefined;
    let candidate = name.toLowerCase();
    if (candidate.endsWith('.')) candidate = candidate.slice(0, -1);
    for (;;) {
      const found = firstValid(this.domains.get(candidate), ts);
      if (found) return found;
      const dot = candidate.indexOf('.');
      if (dot < 0) return undefined;
      candidate = candidate.slice(dot + 1);
    }
  }

  matchUrl(url: string, ts: number): Indicator | undefined {
    if (this.urls.size === 0) return undefined;
    const normalized = normalizeUrl(url);
    return normalized ? firstValid(this.urls.get(normalized), ts) : undefined;
  }
}

/** Builds an indicator from a bare value (IP, CIDR, URL or domain); null if it is none of them. */
export function indicatorFromValue(raw: string, source: string, extra: Partial<Indicator> = {}): Indicator | null {
  const text = raw.trim();
  if (text === '') return null;
  const cidr = parseCidr(text);
  if (cidr) {
    const isHost = cidr.prefixLength === (cidr.version === 4 ? 32 : 128);
    const value = formatCidr(cidr);
    return {
      ...extra,
      type: isHost ? 'ip' : 'cidr',
      value: isHost ? value.slice(0, value.indexOf('/')) : value,
      source,
    };
  }
  if (text.includes('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const url = normalizeUrl(text);
    return url ? { ...extra, type: 'url', value: url, source } : null;
  }
  const domain = normalizeDomain(text);
  return domain?.includes('.') ? { ...extra, type: 'domain', value: domain, source } : null;
}

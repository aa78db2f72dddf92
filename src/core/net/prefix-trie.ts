// Longest-prefix-match trie over IPv4 and IPv6 prefixes (binary, path-compressed only by
// stopping at the first missing child). Used to match threat-intel CIDRs and to attribute an
// address to the agency owning the most specific range that contains it.

import { type Cidr, type IpAddress, type IpKey, ipKeyToAddress, parseCidr, parseIp } from './ip.ts';

/** One binary trie with nodes in typed arrays: child links and a value slot per node. */
class BitTrie<T> {
  private zero = new Int32Array(64);
  private one = new Int32Array(64);
  private valueIndex = new Int32Array(64).fill(-1);
  private readonly values: T[] = [];
  private nodeCount = 1;
  /**
   * IPv4 shortcut: for each first octet, the node reached after 8 bits (0: none) and the best
   * value slot on the way, so lookups skip the first 8 steps. Rebuilt lazily after inserts.
   */
  private readonly octetNode = new Int32Array(256);
  private readonly octetBest = new Int32Array(256);
  private octetsStale = true;
  size = 0;

  private allocate(): number {
    if (this.nodeCount === this.zero.length) {
      const grow = (a: Int32Array, fill: number) => {
        const b = new Int32Array(a.length * 2).fill(fill);
        b.set(a);
        return b;
      };
      this.zero = grow(this.zero, 0);
      this.one = grow(this.one, 0);
      this.valueIndex = grow(this.valueIndex, -1);
    }
    return this.nodeCount++;
  }

  /** Sets the value at the prefix; `merge` combines it with a value already stored there. */
  insert(words: Uint32Array, prefixLength: number, value: T, merge: (existing: T, added: T) => T): void {
    let node = 0;
    for (let bit = 0; bit < prefixLength; bit++) {
      const set = ((words[bit >>> 5] as number) >>> (31 - (bit & 31))) & 1;
      const links = set ? this.one : this.zero;
      let next = links[node] as number;
      if (next === 0) {
        next = this.allocate();
        // `allocate` may have replaced the arrays.
        (set ? this.one : this.zero)[node] = next;
      }
      node = next;
    }
    this.octetsStale = true;
    const slot = this.valueIndex[node] as number;
    if (slot >= 0) {
      this.values[slot] = merge(this.values[slot] as T, value);
    } else {
      this.valueIndex[node] = this.values.length;
      this.values.push(value);
      this.size++;
    }
  }

  /** Values of every prefix containing the address, most specific first. */
  matchAll(words: Uint32Array | number, bits: number): T[] {
    const found: T[] = [];
    let node = 0;
    for (let bit = 0; ; bit++) {
      const slot = this.valueIndex[node] as number;
      if (slot >= 0) found.push(this.values[slot] as T);
      if (bit === bits) break;
      const word = typeof words === 'number' ? words : (words[bit >>> 5] as number);
      const set = (word >>> (31 - (bit & 31))) & 1;
      node = (set ? this.one : this.zero)[node] as number;
      if (node === 0) break;
    }
    return found.reverse();
  }

  /** Value of the most specific prefix containing an IPv4 address (hot path: no allocation). */
  longestMatch32(address: number): T | undefined {
    if (this.octetsStale) this.indexOctets();
    const octet = address >>> 24;
    let node = this.octetNode[octet] as number;
    let best = this.octetBest[octet] as number;
    for (let bit = 8; node !== 0 && bit < 32; bit++) {
      node = ((address >>> (31 - bit)) & 1 ? this.one : this.zero)[node] as number;
      if (node === 0) break;
      const slot = this.valueIndex[node] as number;
      if (slot >= 0) best = slot;
    }
    return best >= 0 ? this.values[best] : undefined;
  }

  private indexOctets(): void {
    for (let octet = 0; octet < 256; octet++) {
      let node = 0;
      let best = this.valueIndex[0] as number;
      for (let bit = 0; bit < 8; bit++) {
        node = ((octet >>> (7 - bit)) & 1 ? this.one : this.zero)[node] as number;
        if (node === 0) break;
        const slot = this.valueIndex[node] as number;
        if (slot >= 0) best = slot;
      }
      this.octetNode[octet] = node;
      this.octetBest[octet] = best;
    }
    this.octetsStale = false;
  }
}

/**
 * Maps IP prefixes to values; lookups return the most specific prefix containing an address.
 * Inserting the same prefix twice merges the values (by default the later one wins).
 */
export class PrefixTrie<T> {
  private readonly v4 = new BitTrie<T>();
  private readonly v6 = new BitTrie<T>();

  constructor(private readonly merge: (existing: T, added: T) => T = (_existing, added) => added) {}

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  insert(prefix: Cidr | string, value: T): void {
    const cidr = typeof prefix === 'string' ? parseCidr(prefix) : prefix;
    if (!cidr) throw new Error(`Invalid CIDR: ${String(prefix)}`);
    (cidr.version === 4 ? this.v4 : this.v6).insert(cidr.words, cidr.prefixLength, value, this.merge);
  }

  /** Most specific value for an IPv4 address given as u32. */
  lookupV4(address: number): T | undefined {
    return this.v4.size === 0 ? undefined : this.v4.longestMatch32(address);
  }

  /** Most specific value for an address (text, key or parsed). */
  lookup(address: string | IpKey | IpAddress): T | undefined {
    return this.lookupAll(address)[0];
  }

  /** Values of all prefixes containing the address, most specific first. */
  lookupAll(address: string | IpKey | IpAddress): T[] {
    const parsed = typeof address === 'object' ? address : toAddress(address);
    if (!parsed) return [];
    if (parsed.version === 4) return this.v4.size === 0 ? [] : this.v4.matchAll(parsed.value, 32);
    return this.v6.size === 0 ? [] : this.v6.matchAll(parsed.words, 128);
  }
}

function toAddress(address: string | IpKey): IpAddress | null {
  if (typeof address === 'number') return ipKeyToAddress(address);
  return parseIp(address);
}

// Fixed-size counting structures that keep per-source memory bounded whatever the traffic.

import type { IpKey } from '../../../core/net/ip.ts';

/** murmur3 fmix32: spreads the bits of a 32-bit value. */
export function mix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** 32-bit FNV-1a of a string (IPv6 keys and names). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit identity for an address key: IPv4 is its own value, IPv6 is hashed. */
export function hashIpKey(key: IpKey): number {
  return typeof key === 'number' ? key : hashString(key);
}

/**
 * Exact set of 32-bit values that stops growing at `cap` members, like Zeek SumStats UNIQUE
 * with `unique_max`: enough to know a threshold was reached, never more memory than that.
 */
export class SaturatingSet {
  private readonly slots: Uint32Array;
  private hasZero = false;
  size = 0;

  constructor(private readonly cap: number) {
    let capacity = 8;
    while (capacity < cap * 2) capacity *= 2;
    this.slots = new Uint32Array(capacity);
  }

  /** Adds a value; returns true if it was new and counted. */
  add(value: number): boolean {
    if (this.size >= this.cap) return false;
    if (value === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.size++;
      return true;
    }
    const mask = this.slots.length - 1;
    let i = mix32(value) & mask;
    for (;;) {
      const slot = this.slots[i] as number;
      if (slot === value) return false;
      if (slot === 0) {
        this.slots[i] = value;
        this.size++;
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  forEach(visit: (value: number) => void): void {
    if (this.hasZero) visit(0);
    for (const slot of this.slots) if (slot !== 0) visit(slot);
  }
}

/** HyperLogLog with 2^10 registers (1 KiB, ±3.3 %), linear counting for small cardinalities. */
export class HyperLogLog {
  private static readonly precision = 10;
  private readonly registers = new Uint8Array(1 << HyperLogLog.precision);

  add(value: number): void {
    const h = mix32(value ^ 0x5bd1e995);
    const index = h >>> (32 - HyperLogLog.precision);
    const rest = (h << HyperLogLog.precision) | (1 << (HyperLogLog.precision - 1));
    const rank = Math.clz32(rest) + 1;
    if (rank > (this.registers[index] as number)) this.registers[index] = rank;
  }

  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }
}

/**
 * Two-generation blocked Bloom filter of pairs: remembers roughly the last `bits / 10`
 * insertions per generation at ~1-2 % false positives, in fixed memory. Each pair's 4 bits lie
 * in one 512-bit block (one cache line), so a test costs one memory miss, not four.
 * Used to tell first contacts (src, dst).
 */
export class RotatingBloomFilter {
  private current: Uint32Array;
  private previous: Uint32Array;
  private inserted = 0;
  private readonly capacity: number;
  private readonly blockMask: number;

  constructor(bits: number) {
    let size = 1 << 12;
    while (size < bits) size *= 2;
    this.current = new Uint32Array(size >>> 5);
    this.previous = new Uint32Array(size >>> 5);
    this.blockMask = (size >>> 9) - 1;
    this.capacity = Math.floor(size / 10);
  }

  private static has(words: Uint32Array, base: number, h: number): boolean {
    for (let i = 0; i < 4; i++) {
      const bit = (h >>> (i * 8)) & 511;
      if (((words[base + (bit >>> 5)] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Records the pair; returns true if it was (probably) seen before. */
  testAndAdd(a: number, b: number): boolean {
    const h1 = mix32(a ^ mix32(b));
    const h2 = mix32(b ^ 0x27d4eb2d ^ mix32(a + 0x165667b1));
    // Bits 0-7, 8-15, 16-23, 24-31 of h2 (plus a bit of h1) pick 4 of the block's 512 bits.
    const h = h2 ^ ((h1 >>> 23) << 8);
    const base = (h1 & this.blockMask) << 4;
    if (RotatingBloomFilter.has(this.current, base, h)) return true;
    const seenBefore = RotatingBloomFilter.has(this.previous, base, h);
    if (this.inserted >= this.capacity) {
      const recycled = this.previous;
      recycled.fill(0);
      this.previous = this.current;
      this.current = recycled;
      this.inserted = 0;
    }
    for (let i = 0; i < 4; i++) {
      const bit = (h >>> (i * 8)) & 511;
      const word = base + (bit >>> 5);
      this.current[word] = (this.current[word] as number) | (1 << (bit & 31));
    }
    this.inserted++;
    return seenBefore;
  }
}

/**
 * Hash table from address keys to values: IPv4 keys in typed arrays (no boxing, no Map
 * hashing of heap numbers on the hot path), IPv6 keys in a Map. Deletion is by rebuild.
 */
export class AddressTable<T> {
  private keys: Uint32Array;
  private slots: Int32Array;
  private values: T[] = [];
  private v4Count = 0;
  private readonly v6 = new Map<string, T>();

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Uint32Array(capacity);
    this.slots = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.v4Count + this.v6.size;
  }

  get(key: IpKey): T | undefined {
    if (typeof key !== 'number') return this.v6.get(key);
    const mask = this.slots.length - 1;
    for (let i = mix32(key) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i] as number;
      if (slot < 0) return undefined;
      if (this.keys[i] === key) return this.values[slot];
    }
  }

  /** Adds a key that is not present. */
  add(key: IpKey, value: T): void {
    if (typeof key !== 'number') {
      this.v6.set(key, value);
      return;
    }
    if ((this.v4Count + 1) * 2 > this.slots.length) this.rebuild(this.slots.length * 2, () => true);
    const mask = this.slots.length - 1;
    let i = mix32(key) & mask;
    while ((this.slots[i] as number) >= 0) i = (i + 1) & mask;
    this.keys[i] = key;
    this.slots[i] = this.values.length;
    this.values.push(value);
    this.v4Count++;
  }

  /** Keeps only the entries for which `keep` is true; returns how many were dropped. */
  retain(keep: (value: T) => boolean): number {
    const before = this.size;
    for (const [key, value] of this.v6) if (!keep(value)) this.v6.delete(key);
    this.rebuild(this.slots.length, keep);
    return before - this.size;
  }

  values4(): T[] {
    return this.values;
  }

  values6(): IterableIterator<T> {
    return this.v6.values();
  }

  private rebuild(capacity: number, keep: (value: T) => boolean): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const oldValues = this.values;
    this.keys = new Uint32Array(capacity);
    this.slots = new Int32Array(capacity).fill(-1);
    this.values = [];
    this.v4Count = 0;
    for (let i = 0; i < oldSlots.length; i++) {
      const slot = oldSlots[i] as number;
      if (slot >= 0 && keep(oldValues[slot] as T)) this.add(oldKeys[i] as number, oldValues[slot] as T);
    }
  }
}

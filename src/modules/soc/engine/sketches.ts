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
  private slots: Uint32Array;
  private hasZero = false;
  size = 0;

  /** Starts at 16 slots (64 bytes: allocated on V8's heap, cheaply) and doubles up to 2 × cap: most sets stay tiny. */
  constructor(private readonly cap: number) {
    this.slots = new Uint32Array(16);
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
    if (!this.insert(this.slots, value)) return false;
    this.size++;
    if (this.size * 2 > this.slots.length && this.slots.length < this.cap * 2) {
      const old = this.slots;
      this.slots = new Uint32Array(old.length * 2);
      for (const slot of old) if (slot !== 0) this.insert(this.slots, slot);
    }
    return true;
  }

  private insert(slots: Uint32Array, value: number): boolean {
    const mask = slots.length - 1;
    for (let i = mix32(value) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i] as number;
      if (slot === value) return false;
      if (slot === 0) {
        slots[i] = value;
        return true;
      }
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
 * in one 512-bit block (one cache line), and the two generations' blocks for a hash sit side by
 * side, so a test costs one memory miss (and one TLB miss), not four. Used to tell first
 * contacts (src, dst).
 */
export class RotatingBloomFilter {
  /** Pairs of 16-word blocks: generation `current` at offset `current`, the other at `16 - current`. */
  private readonly words: Uint32Array;
  private current = 0;
  private inserted = 0;
  private readonly capacity: number;
  private readonly blockMask: number;

  constructor(bits: number) {
    let size = 1 << 12;
    while (size < bits) size *= 2;
    this.words = new Uint32Array(size >>> 4);
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

  /** Loads the pair's blocks ahead of `testAndAdd` (cache warming); the value means nothing. */
  touch(a: number, b: number): number {
    const base = (mix32(a ^ mix32(b)) & this.blockMask) << 5;
    return (this.words[base] as number) ^ (this.words[base + 31] as number);
  }

  /** Records the pair; returns true if it was (probably) seen before. */
  testAndAdd(a: number, b: number): boolean {
    return this.testAndAddAt(this.pairOf(a, b), this.bitsOf(a, b));
  }

  /** Word offset of the pair's two blocks (computed ahead of `testAndAddAt`). */
  pairOf(a: number, b: number): number {
    return (mix32(a ^ mix32(b)) & this.blockMask) << 5;
  }

  /** Which 4 bits of its block the pair sets (computed ahead of `testAndAddAt`). */
  bitsOf(a: number, b: number): number {
    const h1 = mix32(a ^ mix32(b));
    const h2 = mix32(b ^ 0x27d4eb2d ^ mix32(a + 0x165667b1));
    // Bits 0-7, 8-15, 16-23, 24-31 of h2 (plus a bit of h1) pick 4 of the block's 512 bits.
    return h2 ^ ((h1 >>> 23) << 8);
  }

  /** Loads the blocks at `pair` (from `pairOf`) ahead of use; the value means nothing. */
  touchPair(pair: number): number {
    return (this.words[pair] as number) ^ (this.words[pair + 31] as number);
  }

  /** `testAndAdd` with the pair's position and bits already computed. */
  testAndAddAt(pair: number, h: number): boolean {
    const words = this.words;
    if (RotatingBloomFilter.has(words, pair + this.current, h)) return true;
    const seenBefore = RotatingBloomFilter.has(words, pair + 16 - this.current, h);
    if (this.inserted >= this.capacity) {
      // The previous generation is forgotten and becomes the (empty) current one.
      this.current = 16 - this.current;
      for (let block = this.current; block < words.length; block += 32) words.fill(0, block, block + 16);
      this.inserted = 0;
    }
    const base = pair + this.current;
    for (let i = 0; i < 4; i++) {
      const bit = (h >>> (i * 8)) & 511;
      const word = base + (bit >>> 5);
      words[word] = (words[word] as number) | (1 << (bit & 31));
    }
    this.inserted++;
    return seenBefore;
  }
}

/** Per-source row layout: 32 bytes, read as 4 float64 slots (`f64[4 * row + …]`) or 8 int32 slots (`i32[8 * row + …]`). */
export const Row = {
  trwScore: 0,
  firstSeen: 1,
  touched: 4,
  window: 5,
  flags: 6,
} as const;
const ROW_F64 = 4;

/**
 * Sources by address: the hot scalars of every source in one typed-array row (no object per
 * source, one cache miss per lookup), optional cold state (`T`) only for the few sources that
 * need it. IPv4 keys are found through an open-addressing index of (key, row + 1) pairs, IPv6
 * keys through a Map. Memory grows with the number of sources; deletion is by rebuild.
 */
export class SourceTable<T> {
  private index: Int32Array;
  private v6 = new Map<string, number>();
  /** Row → its IPv6 key (IPv4 rows keep their key in the index), for rebuilds. */
  private v6Keys = new Map<number, string>();
  private v4Keys: Uint32Array;
  private cold: Array<T | undefined> = [];
  f64: Float64Array;
  i32: Int32Array;
  size = 0;
  /** Changes whenever rows are renumbered (`retain`): row numbers found before are then stale. */
  epoch = 0;

  constructor() {
    this.index = new Int32Array(2 * 1024);
    this.v4Keys = new Uint32Array(512);
    const rows = new ArrayBuffer(512 * ROW_F64 * 8);
    this.f64 = new Float64Array(rows);
    this.i32 = new Int32Array(rows);
  }

  /** The row of a key, or -1. */
  find(key: IpKey): number {
    if (typeof key !== 'number') return this.v6.get(key) ?? -1;
    const index = this.index;
    const mask = (index.length >>> 1) - 1;
    const k = key | 0;
    for (let i = mix32(key) & mask; ; i = (i + 1) & mask) {
      const row = index[2 * i + 1] as number;
      if (row === 0) return -1;
      if (index[2 * i] === k) return row - 1;
    }
  }

  /** `find` for an IPv4 key (as u32 or its int32 bits). */
  findV4(key: number): number {
    const index = this.index;
    const mask = (index.length >>> 1) - 1;
    const k = key | 0;
    for (let i = mix32(k) & mask; ; i = (i + 1) & mask) {
      const row = index[2 * i + 1] as number;
      if (row === 0) return -1;
      if (index[2 * i] === k) return row - 1;
    }
  }

  /** `touch` for an IPv4 key. */
  touchV4(key: number): number {
    const index = this.index;
    return index[2 * (mix32(key) & ((index.length >>> 1) - 1)) + 1] as number;
  }

  /** Loads the key's home index slot ahead of `find` (cache warming); the value means nothing. */
  touch(key: IpKey): number {
    if (typeof key !== 'number') return 0;
    const index = this.index;
    return index[2 * (mix32(key) & ((index.length >>> 1) - 1)) + 1] as number;
  }

  /** Loads the key's row ahead of use (cache warming); the value means nothing. */
  touchRow(key: IpKey): number {
    const row = this.find(key);
    return row < 0 ? 0 : (this.i32[8 * row] as number);
  }

  /** Adds a key that is not present; returns its zeroed row. */
  insert(key: IpKey): number {
    const row = this.size;
    if (row === this.v4Keys.length) this.growRows(row * 2);
    this.size++;
    if (typeof key === 'number') {
      this.v4Keys[row] = key;
      if (this.size * 4 > this.index.length) this.reindex(this.index.length);
      else this.indexKey(key, row);
    } else {
      this.v6.set(key, row);
      this.v6Keys.set(row, key);
    }
    return row;
  }

  key(row: number): IpKey {
    return this.v6Keys.get(row) ?? (this.v4Keys[row] as number);
  }

  getCold(row: number): T | undefined {
    return this.cold[row];
  }

  setCold(row: number, value: T | undefined): void {
    this.cold[row] = value;
  }

  /** Keeps only the rows for which `keep` is true (rows are renumbered); returns how many were dropped. */
  retain(keep: (row: number) => boolean): number {
    const before = this.size;
    this.epoch++;
    const f64 = this.f64;
    const v6Keys = this.v6Keys;
    this.v6 = new Map();
    this.v6Keys = new Map();
    let kept = 0;
    for (let row = 0; row < before; row++) {
      if (!keep(row)) continue;
      f64.copyWithin(kept * ROW_F64, row * ROW_F64, (row + 1) * ROW_F64);
      this.v4Keys[kept] = this.v4Keys[row] as number;
      this.cold[kept] = this.cold[row];
      const v6 = v6Keys.get(row);
      if (v6 !== undefined) {
        this.v6.set(v6, kept);
        this.v6Keys.set(kept, v6);
      }
      kept++;
    }
    this.cold.length = kept;
    f64.fill(0, kept * ROW_F64, before * ROW_F64);
    this.size = kept;
    this.reindex(this.index.length);
    return before - kept;
  }

  private indexKey(key: number, row: number): void {
    const index = this.index;
    const mask = (index.length >>> 1) - 1;
    let i = mix32(key) & mask;
    while ((index[2 * i + 1] as number) !== 0) i = (i + 1) & mask;
    index[2 * i] = key | 0;
    index[2 * i + 1] = row + 1;
  }

  /** Rebuilds the IPv4 index at a load of at most a half. */
  private reindex(length: number): void {
    let size = length;
    while (this.size * 4 > size) size *= 2;
    this.index = new Int32Array(size);
    for (let row = 0; row < this.size; row++) if (!this.v6Keys.has(row)) this.indexKey(this.v4Keys[row] as number, row);
  }

  private growRows(rows: number): void {
    const buffer = new ArrayBuffer(rows * ROW_F64 * 8);
    const f64 = new Float64Array(buffer);
    f64.set(this.f64);
    this.f64 = f64;
    this.i32 = new Int32Array(buffer);
    const keys = new Uint32Array(rows);
    keys.set(this.v4Keys);
    this.v4Keys = keys;
  }
}

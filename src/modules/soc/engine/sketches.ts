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
 * Exact set of 32-bit values (as int32: a uint32 and its int32 bits are the same member) that stops growing at `cap` members, like Zeek SumStats UNIQUE
 * with `unique_max`: enough to know a threshold was reached, never more memory than that.
 */
export class SaturatingSet {
  private slots: Int32Array;
  private hasZero = false;
  size = 0;

  /** Starts at 16 slots (64 bytes: allocated on V8's heap, cheaply) and doubles up to 2 × cap: most sets stay tiny. */
  constructor(private cap: number) {
    this.slots = new Int32Array(16);
  }

  /** Empties the set for reuse with another cap: the same set as a new one, with the slots it has. */
  reset(cap: number): void {
    this.cap = cap;
    this.slots.fill(0);
    this.hasZero = false;
    this.size = 0;
  }

  /** Slots it holds, which a reused set keeps. */
  get slotCount(): number {
    return this.slots.length;
  }

  /** Adds a value; returns true if it was new and counted. */
  add(member: number): boolean {
    if (this.size >= this.cap) return false;
    const value = member | 0;
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
      this.slots = new Int32Array(old.length * 2);
      for (const slot of old) if (slot !== 0) this.insert(this.slots, slot);
    }
    return true;
  }

  private insert(slots: Int32Array, value: number): boolean {
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
 * in one 256-bit block, and the two generations' blocks for a hash share one 64-byte cache line,
 * so a test costs one memory miss, not four. Used to tell first contacts (src, dst).
 */
export class RotatingBloomFilter {
  /** 16-word lines: generation `current` in words [current, current + 8), the other in the rest. */
  private readonly words: Uint32Array;
  private current = 0;
  private inserted = 0;
  private readonly capacity: number;
  private readonly lineMask: number;

  constructor(bits: number) {
    let size = 1 << 12;
    while (size < bits) size *= 2;
    // size bits per generation = size / 256 lines of 16 words (both generations).
    this.words = new Uint32Array(size >>> 4);
    this.lineMask = (size >>> 8) - 1;
    this.capacity = Math.floor(size / 10);
  }

  private static has(words: Uint32Array, base: number, h: number): boolean {
    for (let i = 0; i < 4; i++) {
      const bit = (h >>> (i * 8)) & 255;
      if (((words[base + (bit >>> 5)] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Records the pair; returns true if it was (probably) seen before. */
  testAndAdd(a: number, b: number): boolean {
    return this.testAndAddAt(this.pairOf(a, b), this.bitsOf(a, b));
  }

  /** Word offset of the pair's cache line (computed ahead of `testAndAddAt`). */
  pairOf(a: number, b: number): number {
    return (mix32(a ^ mix32(b)) & this.lineMask) << 4;
  }

  /** Which 4 bits of its block the pair sets (computed ahead of `testAndAddAt`). */
  bitsOf(a: number, b: number): number {
    // Independent of the line's hash: bytes 0-3 of h2 pick 4 of the block's 256 bits.
    return mix32(b ^ 0x27d4eb2d ^ mix32(a + 0x165667b1));
  }

  /** Loads the line at `pair` (from `pairOf`) ahead of use; the value means nothing. */
  touchPair(pair: number): number {
    return this.words[pair] as number;
  }

  /** `testAndAdd` with the pair's position and bits already computed. */
  testAndAddAt(pair: number, h: number): boolean {
    const words = this.words;
    if (RotatingBloomFilter.has(words, pair + this.current, h)) return true;
    const seenBefore = RotatingBloomFilter.has(words, pair + 8 - this.current, h);
    if (this.inserted >= this.capacity) {
      // The previous generation is forgotten and becomes the (empty) current one.
      this.current = 8 - this.current;
      for (let line = this.current; line < words.length; line += 16) words.fill(0, line, line + 8);
      this.inserted = 0;
    }
    const base = pair + this.current;
    for (let i = 0; i < 4; i++) {
      const bit = (h >>> (i * 8)) & 255;
      const word = base + (bit >>> 5);
      words[word] = (words[word] as number) | (1 << (bit & 31));
    }
    this.inserted++;
    return seenBefore;
  }
}

/**
 * Per-source hot row: 16 bytes (four to a cache line), read as 4 int32 slots (`i32[4 * row + …]`),
 * the TRW score as float32 (`f32[4 * row + Row.trwScore]`). The table keeps its own bits in the
 * high bits of `flags`; callers use the low ones.
 */
export const Row = {
  key: 0,
  trwScore: 1,
  touched: 2,
  flags: 3,
} as const;
const USED = 1 << 30;
const IPV6 = 1 << 29;
const ROW_I32 = 4;

/**
 * Sources by address in one open-addressing table whose slots are the rows: the key and the hot
 * scalars of a source share a cache line, so finding a source and reading its state cost one
 * memory miss. IPv4 keys are probed by value; IPv6 keys get a slot too (marked, never matched
 * by an IPv4 probe) and are found through a Map. Cold state (`T`), the first-seen time and the
 * current window live beside the table, read only by the few events that need them. Rows are
 * renumbered when the table grows or drops rows: `epoch` changes then.
 */
export class SourceTable<T> {
  // Set by `allocate`, from the constructor and on every rebuild.
  i32!: Int32Array;
  f32!: Float32Array;
  /** First time each source was seen (event time, seconds). */
  firstSeen!: Float64Array;
  /** Window of the source's windowed counts. */
  window!: Int32Array;
  private cold!: Array<T | undefined>;
  private v6!: Map<string, number>;
  private v6Keys!: Map<number, string>;
  private mask!: number;
  size = 0;
  epoch = 0;

  constructor(capacity = 1024) {
    this.allocate(Math.max(16, 2 ** Math.ceil(Math.log2(capacity))));
  }

  /** Empty arrays for `slots` rows. */
  private allocate(slots: number): void {
    const rows = new ArrayBuffer(slots * ROW_I32 * 4);
    this.i32 = new Int32Array(rows);
    this.f32 = new Float32Array(rows);
    this.firstSeen = new Float64Array(slots);
    this.window = new Int32Array(slots);
    this.cold = new Array(slots);
    this.v6 = new Map();
    this.v6Keys = new Map();
    this.mask = slots - 1;
    this.size = 0;
  }

  /** The row of an IPv4 key (as u32 or its int32 bits), or -1; `home` from `homeV4` when known already. */
  findV4(key: number, home = this.homeV4(key)): number {
    const i32 = this.i32;
    const mask = this.mask;
    const k = key | 0;
    for (let row = home; ; row = (row + 1) & mask) {
      const flags = i32[ROW_I32 * row + Row.flags] as number;
      if ((flags & USED) === 0) return -1;
      if ((flags & IPV6) === 0 && i32[ROW_I32 * row] === k) return row;
    }
  }

  /** The row of a key, or -1. */
  find(key: IpKey): number {
    return typeof key === 'number' ? this.findV4(key) : (this.v6.get(key) ?? -1);
  }

  /** The row where the probe for an IPv4 key starts. */
  homeV4(key: number): number {
    return mix32(key | 0) & this.mask;
  }

  /** Loads a row ahead of use (cache warming); the value means nothing. */
  touchRow(row: number): number {
    return this.i32[ROW_I32 * row + Row.flags] as number;
  }

  /** Adds a key that is not present; returns its zeroed row (the table may grow: rows renumbered). */
  insert(key: IpKey): number {
    if ((this.size + 1) * 2 > this.mask + 1) this.rebuild(2 * (this.mask + 1), () => true);
    return this.place(key);
  }

  key(row: number): IpKey {
    return this.v6Keys.get(row) ?? (this.i32[ROW_I32 * row] as number) >>> 0;
  }

  getCold(row: number): T | undefined {
    return this.cold[row];
  }

  setCold(row: number, value: T | undefined): void {
    this.cold[row] = value;
  }

  /** Calls `visit` with every row. */
  forEachRow(visit: (row: number) => void): void {
    const i32 = this.i32;
    for (let row = 0; row <= this.mask; row++) if ((i32[ROW_I32 * row + Row.flags] as number) & USED) visit(row);
  }

  /** Keeps only the rows for which `keep` is true (rows are renumbered); returns how many were dropped. */
  retain(keep: (row: number) => boolean): number {
    const before = this.size;
    this.rebuild(this.mask + 1, keep);
    return before - this.size;
  }

  private place(key: IpKey): number {
    const i32 = this.i32;
    const mask = this.mask;
    const v4 = typeof key === 'number';
    const hash = v4 ? mix32(key | 0) : mix32(hashString(key));
    let row = hash & mask;
    while ((i32[ROW_I32 * row + Row.flags] as number) & USED) row = (row + 1) & mask;
    i32[ROW_I32 * row + Row.key] = v4 ? key | 0 : hash;
    i32[ROW_I32 * row + Row.flags] = USED | (v4 ? 0 : IPV6);
    if (!v4) {
      this.v6.set(key, row);
      this.v6Keys.set(row, key);
    }
    this.size++;
    return row;
  }

  /** Re-places the rows `keep` accepts into a table of `slots` rows. */
  private rebuild(slots: number, keep: (row: number) => boolean): void {
    const old = { i32: this.i32, firstSeen: this.firstSeen, window: this.window, cold: this.cold, v6Keys: this.v6Keys };
    const kept: number[] = [];
    this.forEachRow((row) => {
      if (keep(row)) kept.push(row);
    });
    this.allocate(slots);
    this.epoch++;
    for (const from of kept) {
      const v6 = old.v6Keys.get(from);
      const to = this.place(v6 ?? (old.i32[ROW_I32 * from + Row.key] as number) >>> 0);
      // The whole row (key and table bits were just set the same way by `place`); no subarray view per row.
      for (let k = 0; k < ROW_I32; k++) this.i32[ROW_I32 * to + k] = old.i32[ROW_I32 * from + k] as number;
      this.firstSeen[to] = old.firstSeen[from] as number;
      this.window[to] = old.window[from] as number;
      this.cold[to] = old.cold[from];
    }
  }
}

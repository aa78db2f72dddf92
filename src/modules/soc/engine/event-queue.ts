// A shard's queued events (see ScanDetector) as 32-byte records in one buffer: queueing writes
// one stream per shard where columns wrote ten (5 M flows into 16 shards: ten streams each
// missed the cache about once per event), and counting reads an event from one cache line.

/** Words of a record: ts as f64 (0-1), line (2), arrival (3), src (4), dst (5), ports (6), kind (7). */
const WORDS = 8;

export class EventQueue {
  size = 0;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly u32: Uint32Array;

  constructor(readonly capacity: number) {
    const buffer = new ArrayBuffer(capacity * WORDS * 4);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
  }

  /**
   * Appends an event; the caller checks there is room. `line` below 2^32; `arrival` its position
   * among the events queued since the last count; IPv4 addresses as u32 or int32 bits; ports
   * below 65536; `input` below 2^22.
   */
  push(
    ts: number,
    line: number,
    arrival: number,
    src: number,
    dst: number,
    srcPort: number,
    dstPort: number,
    proto: number,
    outcome: number,
    input: number,
  ): void {
    const at = this.size++ * WORDS;
    const i32 = this.i32;
    this.f64[at >> 1] = ts;
    this.u32[at + 2] = line;
    i32[at + 3] = arrival;
    i32[at + 4] = src;
    i32[at + 5] = dst;
    i32[at + 6] = srcPort | (dstPort << 16);
    i32[at + 7] = proto | (outcome << 8) | (input << 10);
  }

  ts(k: number): number {
    return this.f64[k * (WORDS >> 1)] as number;
  }

  line(k: number): number {
    return this.u32[k * WORDS + 2] as number;
  }

  arrival(k: number): number {
    return this.i32[k * WORDS + 3] as number;
  }

  /** IPv4 source as u32. */
  src(k: number): number {
    return this.u32[k * WORDS + 4] as number;
  }

  /** IPv4 destination as u32. */
  dst(k: number): number {
    return this.u32[k * WORDS + 5] as number;
  }

  srcPort(k: number): number {
    return (this.i32[k * WORDS + 6] as number) & 0xffff;
  }

  dstPort(k: number): number {
    return (this.i32[k * WORDS + 6] as number) >>> 16;
  }

  proto(k: number): number {
    return (this.i32[k * WORDS + 7] as number) & 0xff;
  }

  outcome(k: number): number {
    return ((this.i32[k * WORDS + 7] as number) >>> 8) & 3;
  }

  input(k: number): number {
    return (this.i32[k * WORDS + 7] as number) >>> 10;
  }
}

/** Inputs a queue tells apart (its 22 bits of input). */
export const MAX_QUEUED_INPUTS = 1 << 22;
/** Lines a queue holds (u32); an event with a later line keeps it elsewhere. */
export const MAX_QUEUED_LINE = 0xffffffff;

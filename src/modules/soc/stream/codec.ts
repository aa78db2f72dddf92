// Wire format of normalised events between edge publishers and stream workers, and the partition of an event.
// Binary rather than JSON tuples: measured on generator Zeek logs, 28 bytes per event instead of 93, encoding
// 6 M events/s instead of 2.2 M, decoding 7 M events/s where JSON.parse alone manages 2 M (ARCHITECTURE.md).
//
// Batch v1:  u8 version=1 | varint n | n × (varint len, utf8 input name) | events until the end
// Event:     u8 tag (bits 0-1 kind, bit 2 src is text, bit 3 dst is text, bit 4 has detail, bit 5 has url)
//            varint input index | varint line | f64 ts | src | dst | varint srcPort+1 | varint dstPort+1
//            flow: i16 proto | u8 outcome | [detail]      names: name | [url]
// Addresses are u32 (IPv4) or text (IPv6), as IpKey; text is varint length + UTF-8.

import type { IpKey } from '../../../core/net/ip.ts';
import type { FlowEvent, NameEvent, Outcome, SocEvent } from '../engine/types.ts';

const VERSION = 1;
const KINDS = ['flow', 'dns', 'tls', 'http'] as const;
const KIND_CODE: Record<SocEvent['kind'], number> = { flow: 0, dns: 1, tls: 2, http: 3 };
const SRC_TEXT = 4;
const DST_TEXT = 8;
const HAS_DETAIL = 16;
const HAS_URL = 32;

/**
 * Partition of an event: a hash of its source address mod n, so one source's events always reach the same
 * worker (scan detection keeps per-source state). Part of the wire contract: publishers and workers of one
 * stream must agree, so it must never change for an existing stream.
 */
export function partitionOf(src: IpKey, partitions: number): number {
  let h: number;
  if (typeof src === 'number') h = src;
  else {
    h = 0x811c9dc5; // FNV-1a over the canonical IPv6 text
    for (let i = 0; i < src.length; i++) h = Math.imul(h ^ src.charCodeAt(i), 0x01000193);
  }
  // murmur3 finaliser: consecutive addresses (a /24 sweep of sources) spread over partitions
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % partitions;
}

/** Accumulates events into one batch; `finish()` returns the encoded message and starts a new batch. */
export class BatchEncoder {
  private buf: Buffer;
  private at = 0;
  private inputs = new Map<string, number>();
  count = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get bytes(): number {
    return this.at;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  private varint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.at++] = v;
  }

  private text(s: string): void {
    const n = Buffer.byteLength(s);
    this.room(n + 5);
    this.varint(n);
    this.at += this.buf.write(s, this.at);
  }

  private address(a: IpKey): void {
    if (typeof a === 'number') {
      this.buf.writeUInt32LE(a >>> 0, this.at);
      this.at += 4;
    } else this.text(a);
  }

  /** Encodes the event now (parsers reuse event objects). */
  add(e: SocEvent): void {
    this.room(64);
    let input = this.inputs.get(e.input);
    if (input === undefined) {
      input = this.inputs.size;
      this.inputs.set(e.input, input);
    }
    const flow = e.kind === 'flow';
    const tag =
      KIND_CODE[e.kind] |
      (typeof e.src === 'string' ? SRC_TEXT : 0) |
      (typeof e.dst === 'string' ? DST_TEXT : 0) |
      (flow ? (e.detail !== undefined ? HAS_DETAIL : 0) : e.url !== undefined ? HAS_URL : 0);
    this.buf[this.at++] = tag;
    this.varint(input);
    this.varint(e.line);
    this.buf.writeDoubleLE(e.ts, this.at);
    this.at += 8;
    this.address(e.src);
    this.room(32);
    this.address(e.dst);
    this.room(32);
    this.varint(e.srcPort + 1);
    this.varint(e.dstPort + 1);
    if (flow) {
      this.buf.writeInt16LE(e.proto, this.at);
      this.buf[this.at + 2] = e.outcome;
      this.at += 3;
      if (e.detail !== undefined) this.text(e.detail);
    } else {
      this.text(e.name);
      if (e.url !== undefined) this.text(e.url);
    }
    this.count++;
  }

  /** The encoded batch (a copy: the encoder's buffer is reused). */
  finish(): Uint8Array {
    const head = [Buffer.from([VERSION])];
    const n = Buffer.alloc(5);
    head.push(n.subarray(0, writeVarint(n, 0, this.inputs.size)));
    for (const name of this.inputs.keys()) {
      const bytes = Buffer.from(name);
      const len = Buffer.alloc(5);
      head.push(len.subarray(0, writeVarint(len, 0, bytes.length)), bytes);
    }
    const out = Buffer.concat([...head, this.buf.subarray(0, this.at)]);
    this.at = 0;
    this.count = 0;
    this.inputs.clear();
    return out;
  }
}

function writeVarint(buf: Buffer, at: number, v: number): number {
  let i = at;
  while (v >= 0x80) {
    buf[i++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[i++] = v;
  return i - at;
}

/**
 * Decodes a batch and hands each event to `onEvent`. The event objects are reused between calls (as parsers
 * do): consume each before returning. Throws on a malformed or unknown-version batch.
 */
export function decodeBatch(data: Uint8Array, onEvent: (e: SocEvent) => void): number {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (at >= buf.length) throw new Error('truncated event batch');
      const b = buf[at++] as number;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
  };
  const text = (): string => {
    const n = varint();
    if (at + n > buf.length) throw new Error('truncated event batch');
    const s = buf.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  if (buf[at++] !== VERSION) throw new Error(`unknown event batch version ${buf[0]}`);
  const inputs: string[] = [];
  for (let n = varint(); n > 0; n--) inputs.push(text());
  const flow: FlowEvent = {
    kind: 'flow',
    input: '',
    line: 0,
    ts: 0,
    src: 0,
    dst: 0,
    srcPort: 0,
    dstPort: 0,
    proto: 0,
    outcome: 0,
    detail: undefined,
  };
  const name: NameEvent = {
    kind: 'dns',
    input: '',
    line: 0,
    ts: 0,
    src: 0,
    dst: 0,
    srcPort: 0,
    dstPort: 0,
    name: '',
    url: undefined,
  };
  let count = 0;
  while (at < buf.length) {
    const tag = buf[at++] as number;
    const e: SocEvent = (tag & 3) === 0 ? flow : name;
    e.input = inputs[varint()] ?? '';
    e.line = varint();
    if (at + 8 > buf.length) throw new Error('truncated event batch');
    e.ts = buf.readDoubleLE(at);
    at += 8;
    if (tag & SRC_TEXT) e.src = text();
    else {
      e.src = buf.readUInt32LE(at);
      at += 4;
    }
    if (tag & DST_TEXT) e.dst = text();
    else {
      e.dst = buf.readUInt32LE(at);
      at += 4;
    }
    e.srcPort = varint() - 1;
    e.dstPort = varint() - 1;
    if (e === flow) {
      flow.proto = buf.readInt16LE(at);
      flow.outcome = buf[at + 2] as Outcome;
      at += 3;
      flow.detail = tag & HAS_DETAIL ? text() : undefined; // assigned, not deleted: keeps the object's shape
    } else {
      name.kind = KINDS[tag & 3] as NameEvent['kind'];
      name.name = text();
      name.url = tag & HAS_URL ? text() : undefined;
    }
    onEvent(e);
    count++;
  }
  return count;
}

// A batch of IPv4 flow events in columns: what byte-level parsers hand the engine on the hot
// path instead of one (reused) FlowEvent object per line. No object, string or boxed number is
// created per event; an event object is built only when one becomes evidence.

import type { FlowEvent, Outcome } from './types.ts';

export class FlowBatch {
  size = 0;
  /** Input name shared by every event of the batch. */
  input = '';
  readonly ts: Float64Array;
  /** IPv4 addresses as unsigned 32-bit values. */
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly srcPort: Uint16Array;
  /** Destination port; for ICMP the message type. */
  readonly dstPort: Uint16Array;
  readonly proto: Uint8Array;
  readonly outcome: Uint8Array;
  readonly line: Float64Array;

  constructor(readonly capacity = 4096) {
    this.ts = new Float64Array(capacity);
    this.src = new Uint32Array(capacity);
    this.dst = new Uint32Array(capacity);
    this.srcPort = new Uint16Array(capacity);
    this.dstPort = new Uint16Array(capacity);
    this.proto = new Uint8Array(capacity);
    this.outcome = new Uint8Array(capacity);
    this.line = new Float64Array(capacity);
  }

  /** Event `i` as an object (for evidence and for consumers without a columnar path). */
  event(i: number): FlowEvent {
    return {
      kind: 'flow',
      input: this.input,
      line: this.line[i] as number,
      ts: this.ts[i] as number,
      src: this.src[i] as number,
      dst: this.dst[i] as number,
      srcPort: this.srcPort[i] as number,
      dstPort: this.dstPort[i] as number,
      proto: this.proto[i] as number,
      outcome: this.outcome[i] as Outcome,
    };
  }
}

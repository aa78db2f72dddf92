// The contract between log parsers and whoever drives them (CLI, collectors, server ingestion).

import type { FlowBatch } from '../engine/flow-batch.ts';
import type { SocEvent } from '../engine/types.ts';

export interface ParseError {
  input: string;
  line: number;
  reason: string;
}

/** Where a parser sends what it read. Parsers never throw on bad input: they reject the line. */
export interface ParseSink {
  /** The event may be a reused object: consume it before returning. */
  emit(event: SocEvent): void;
  reject(line: number, reason: string): void;
  /**
   * Optional columnar path: byte-level parsers may hand IPv4 flows over in batches instead of
   * one `emit` each (the batch is reused after the call), split among `partitions` by source
   * (partitionOfV4). Order with `emit` is preserved within each partition (one read's flows
   * come partition by partition).
   */
  flows?(batch: FlowBatch, partition: number): void;
  /** Partitions `flows` takes (default 1: every batch is partition 0's). */
  partitions?: number;
}

/** A parser of one line-oriented input; it keeps header state (Zeek `#fields`, CSV header) between lines. */
export interface LineParser {
  /** Records read and understood (including ones that carry nothing for the engine). */
  readonly records: number;
  /** Well-formed lines with nothing for the engine (syslog from other programs, EVE stats). */
  readonly skipped?: number;
  line(buf: Buffer, start: number, end: number, lineNumber: number): void;
  /**
   * Optional: many whole lines at once (buf[start, end), each ending with `\n`, numbered from
   * `lineNumber + 1`), the same as `line` for each; returns the number of the last line.
   */
  chunk?(buf: Buffer, start: number, end: number, lineNumber: number): number;
  /** Optional: forgets header state (Zeek `#separator`, `#fields`…), as at the start of an input, before headers are replayed. */
  restart?(): void;
}

export type LogFormat = 'zeek-tsv' | 'zeek-json' | 'eve' | 'nfdump-csv' | 'syslog';

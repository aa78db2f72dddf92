// A worker thread of `analyzeStreams({ threads: N })` (see analyze-parallel.ts). It parses the
// chunks the main thread sends it, splits their events by partition (a hash of the source
// address) and sends every other partition its part straight to the worker owning it; it owns
// one partition and feeds that partition's parts, from every worker, to one full detector in
// chunk order. Loaded as one esbuild bundle when possible, so it must not use `import.meta`.

import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { linesOfChunk } from '../../core/io/line-reader.ts';
import type { IpKey } from '../../core/net/ip.ts';
import type { EngineConfigInput } from './engine/config.ts';
import { createDetector } from './engine/detector.ts';
import { FlowBatch } from './engine/flow-batch.ts';
import { hashString, mix32 } from './engine/sketches.ts';
import type { Findings, Indicator, SocEvent } from './engine/types.ts';
import { createParser } from './parsers/formats.ts';
import type { LineParser, LogFormat, ParseError, ParseSink } from './parsers/types.ts';

export interface WorkerSetup {
  /** This worker's number, which is also the partition it owns. */
  index: number;
  threads: number;
  /** A port to every other worker (null at `index`). */
  peers: Array<MessagePort | null>;
  /** Input names, by input number. */
  inputs: string[];
  config: EngineConfigInput;
  indicators: Indicator[];
  maxErrors: number;
}

/** A header line (its bytes as latin1 text) to replay into a parser before a chunk. */
export interface HeaderLine {
  text: string;
  line: number;
}

export interface ChunkMessage {
  t: 'chunk';
  chunk: number;
  input: number;
  format: LogFormat;
  /** Lines of the input before the chunk. */
  line: number;
  /** Header lines in force at the chunk's start. */
  headers: HeaderLine[];
  /** Whole lines in buffer[0, length). */
  buffer: ArrayBuffer;
  length: number;
}

export type ToWorker =
  | ChunkMessage
  /** No more chunks than `chunks`: finish once they are all consumed. */
  | { t: 'end'; chunks: number };

export interface InputCounts {
  records: number;
  skipped: number;
  rejected: number;
}

/** A parse error with its input's number, for sorting errors of all workers as one run reports them. */
export type NumberedError = ParseError & { index: number };

export type FromWorker =
  /** Buffers of parsed chunks, to be refilled; this worker's partition has consumed chunks [0, consumed). */
  | { t: 'progress'; buffers: ArrayBuffer[]; consumed: number }
  /** Findings of the partition; counts by input number and the first errors of the chunks this worker parsed. */
  | { t: 'done'; findings: Findings; inputs: InputCounts[]; errors: NumberedError[] }
  | { t: 'error'; message: string; stack?: string };

/** Events of one partition in parse order: columnar IPv4 flows, or events one by one. */
type Segment =
  | { t: 'flows'; buffer: ArrayBuffer; capacity: number; size: number }
  | { t: 'events'; events: SocEvent[] };

/** One chunk's events of one partition (possibly none: every partition waits for every chunk). */
interface Part {
  chunk: number;
  input: number;
  segments: Segment[];
}

/** Flows per part batch (120 KB). */
const PART_CAPACITY = 4096;

const SEED = 0x9e3779b9;

/**
 * Partition of an IPv4 source (as u32 or int32 bits). Seeded, unlike the NATS stream's
 * `partitionOf` (mix32(src) % n): those low bits would be the ones the partition's SourceTable
 * indexes sources by (mix32(src) & mask), leaving most of its slots unused.
 */
function partitionV4(src: number, n: number): number {
  return mix32(src ^ SEED) % n;
}

function partitionOf(src: IpKey, n: number): number {
  return partitionV4(typeof src === 'number' ? src : hashString(src), n);
}

if (!parentPort) throw new Error('analyze-worker.ts runs as a worker thread');
const port: MessagePort = parentPort;
const setup = workerData as WorkerSetup;
const n = setup.threads;
const own = setup.index;
const detector = createDetector({ config: setup.config, intel: setup.indicators });
const counts: InputCounts[] = setup.inputs.map(() => ({ records: 0, skipped: 0, rejected: 0 }));
const errors: NumberedError[] = [];

/** The parser of the input being parsed; chunks come in input order, so one at a time. */
let parsing: { input: number; parser: LineParser } | null = null;
/** While header lines are replayed: their errors were reported with the chunk that holds them. */
let replaying = false;

/** The parts of the chunk being parsed, by partition, with each one's open flow batch or event list. */
const building: Array<Array<FlowBatch | SocEvent[]>> = Array.from({ length: n }, () => []);
const openFlows: Array<FlowBatch | null> = new Array(n).fill(null);
const openEvents: Array<SocEvent[] | null> = new Array(n).fill(null);
/** Buffers of consumed part batches, to be filled again (parts travel both ways, so pools balance). */
const free: ArrayBuffer[] = [];
const MAX_FREE = 8 * n;

/** Parts that arrived before an earlier chunk's part, by chunk. */
const waiting = new Map<number, Part>();
let consumed = 0;
let total = -1;
/** Progress not yet reported to the main thread (see `report`). */
let parsedBuffers: ArrayBuffer[] = [];
let reported = 0;
let reporting = false;

const sink: ParseSink = {
  emit(event) {
    const p = partitionOf(event.src, n);
    let events = openEvents[p];
    if (!events) {
      events = [];
      openEvents[p] = events;
      openFlows[p] = null;
      (building[p] as Array<FlowBatch | SocEvent[]>).push(events);
    }
    // Parsers reuse their event objects.
    events.push({ ...event });
  },
  flows(batch) {
    const size = batch.size;
    const src = batch.src;
    for (let i = 0; i < size; i++) {
      const s = src[i] as number;
      const p = partitionV4(s, n);
      let part = openFlows[p];
      if (!part) part = openFlowBatch(p);
      const k = part.size++;
      part.ts[k] = batch.ts[i] as number;
      part.line[k] = batch.line[i] as number;
      part.src[k] = s;
      part.dst[k] = batch.dst[i] as number;
      part.srcPort[k] = batch.srcPort[i] as number;
      part.dstPort[k] = batch.dstPort[i] as number;
      part.proto[k] = batch.proto[i] as number;
      part.outcome[k] = batch.outcome[i] as number;
      if (k + 1 === PART_CAPACITY) openFlows[p] = null;
    }
  },
  reject(line, reason) {
    if (replaying) return;
    const input = (parsing as { input: number }).input;
    (counts[input] as InputCounts).rejected++;
    if (errors.length < setup.maxErrors)
      errors.push({ index: input, input: setup.inputs[input] as string, line, reason });
  },
};

function openFlowBatch(p: number): FlowBatch {
  const batch = new FlowBatch(PART_CAPACITY, free.pop());
  openFlows[p] = batch;
  openEvents[p] = null;
  (building[p] as Array<FlowBatch | SocEvent[]>).push(batch);
  return batch;
}

function parseChunk(message: ChunkMessage): void {
  if (parsing?.input !== message.input) {
    retireParser();
    parsing = {
      input: message.input,
      parser: createParser(message.format, setup.inputs[message.input] as string, sink),
    };
  }
  const parser = parsing.parser;
  // The headers in force at this chunk, on a parser that forgot those of its previous chunk.
  parser.restart?.();
  replaying = true;
  for (const header of message.headers) {
    const line = Buffer.from(header.text, 'latin1');
    parser.line(line, 0, line.length, header.line);
  }
  replaying = false;
  const buf = Buffer.from(message.buffer, 0, message.length);
  if (parser.chunk) parser.chunk(buf, 0, message.length, message.line);
  else linesOfChunk(buf, 0, message.length, message.line, (b, start, end, line) => parser.line(b, start, end, line));
  parsedBuffers.push(message.buffer);
  report();
  // Other partitions first, so their owners are not kept waiting by this one's detection.
  for (let p = 0; p < n; p++) {
    if (p === own) continue;
    const segments = takeSegments(p);
    const buffers = segments.flatMap((s) => (s.t === 'flows' ? [s.buffer] : []));
    setup.peers[p]?.postMessage({ chunk: message.chunk, input: message.input, segments } satisfies Part, buffers);
  }
  receive({ chunk: message.chunk, input: message.input, segments: takeSegments(own) });
}

function takeSegments(p: number): Segment[] {
  const parts = building[p] as Array<FlowBatch | SocEvent[]>;
  building[p] = [];
  openFlows[p] = null;
  openEvents[p] = null;
  return parts.map((part) =>
    part instanceof FlowBatch
      ? { t: 'flows', buffer: part.buffer, capacity: part.capacity, size: part.size }
      : { t: 'events', events: part },
  );
}

function retireParser(): void {
  if (!parsing) return;
  const count = counts[parsing.input] as InputCounts;
  count.records += parsing.parser.records;
  count.skipped += parsing.parser.skipped ?? 0;
  parsing = null;
}

/** Takes a part of this worker's partition and consumes every part that is next in chunk order. */
function receive(part: Part): void {
  waiting.set(part.chunk, part);
  const before = consumed;
  for (let next = waiting.get(consumed); next; next = waiting.get(consumed)) {
    waiting.delete(consumed);
    consume(next);
    consumed++;
  }
  if (consumed === before) return;
  report();
  if (consumed === total) finish();
}

/**
 * Reports progress once the messages at hand are handled, in one message: a message wakes the
 * mostly idle main thread, and on a busy machine each wake-up costs this thread its core for a
 * while (hundreds of µs measured per message, against ≈ 10 µs to a busy worker).
 */
function report(): void {
  if (reporting) return;
  reporting = true;
  setImmediate(() => {
    reporting = false;
    if (parsedBuffers.length === 0 && consumed === reported) return;
    const buffers = parsedBuffers;
    parsedBuffers = [];
    reported = consumed;
    port.postMessage({ t: 'progress', buffers, consumed } satisfies FromWorker, buffers);
  });
}

function consume(part: Part): void {
  for (const segment of part.segments) {
    if (segment.t === 'events') {
      for (const event of segment.events) detector.push(event);
      continue;
    }
    const batch = new FlowBatch(segment.capacity, segment.buffer);
    batch.size = segment.size;
    batch.input = setup.inputs[part.input] as string;
    detector.pushFlows(batch);
    if (free.length < MAX_FREE) free.push(segment.buffer);
  }
}

function finish(): void {
  retireParser();
  port.postMessage({ t: 'done', findings: detector.findings(), inputs: counts, errors } satisfies FromWorker);
}

/** Runs a message handler; a failure goes to the main thread, which stops the run. */
function guarded<T>(handle: (message: T) => void): (message: T) => void {
  return (message) => {
    try {
      handle(message);
    } catch (error) {
      const e = error as Error;
      port.postMessage({ t: 'error', message: e.message, stack: e.stack } satisfies FromWorker);
    }
  };
}

port.on(
  'message',
  guarded((message: ToWorker) => {
    if (message.t === 'chunk') parseChunk(message);
    else {
      total = message.chunks;
      if (consumed === total) finish();
    }
  }),
);
for (const peer of setup.peers) peer?.on('message', guarded(receive));

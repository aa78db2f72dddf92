// A worker thread of `analyzeStreams({ threads: N })` (see analyze-parallel.ts). It lives for
// any number of runs, one at a time: a run begins with a `run` message. It parses the
// chunks the main thread sends it and sends every other worker the chunk's part straight: the
// chunk's events whose source falls in that worker's partition (a hash of the address), IPv4
// flows in shared memory as the parser's kernel split them, other events one by one. It owns
// one partition and feeds that partition's parts, from every worker, to one full detector in
// chunk order. Loaded as one esbuild bundle when possible, so it must not use
// `import.meta`.

import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { linesOfChunk } from '../../core/io/line-reader.ts';
import type { EngineConfigInput } from './engine/config.ts';
import { createDetector, type Detector } from './engine/detector.ts';
import { FlowBatch, partitionOfSource } from './engine/flow-batch.ts';
import type { Findings, Indicator, SocEvent } from './engine/types.ts';
import { createParser } from './parsers/formats.ts';
import type { LineParser, LogFormat, ParseError, ParseSink } from './parsers/types.ts';

export interface WorkerSetup {
  /** This worker's number, which is also the partition it owns. */
  index: number;
  threads: number;
  /** A port to every other worker (null at `index`). */
  peers: Array<MessagePort | null>;
}

/** What one run analyses with. */
export interface RunSetup {
  /** Input names, by input number. */
  inputs: string[];
  config: EngineConfigInput;
  indicators: Indicator[];
  maxErrors: number;
}

export interface ChunkMessage {
  t: 'chunk';
  chunk: number;
  input: number;
  format: LogFormat;
  /**
   * Lines of the input before the chunk when the reader knows them (its first chunk), else -1:
   * lines are numbered from 1 in each chunk, and each chunk's offset is added where they are used.
   */
  line: number;
  /** Header lines in force at the chunk's start (their bytes as latin1 text), to replay into its parser. */
  headers: string[];
  /** Whole lines in buffer[start, end). */
  buffer: ArrayBuffer;
  start: number;
  end: number;
  /** Every chunk before this one has been consumed by every partition: their shared flows can be reused. */
  settled: number;
}

export type ToWorker =
  /** Begins a run: every chunk until its `end` belongs to it. */
  | ({ t: 'run' } & RunSetup)
  | ChunkMessage
  /** No more chunks than `chunks`: finish once they are all consumed. */
  | { t: 'end'; chunks: number };

export interface InputCounts {
  records: number;
  skipped: number;
  rejected: number;
}

/**
 * A parse error with its input's number (to sort the errors of all workers as one run reports them) and its chunk
 * (its line is the chunk's own until the main thread adds the chunk's offset).
 */
export type NumberedError = ParseError & { index: number; chunk: number };

export type FromWorker =
  /** Loaded and listening. */
  | { t: 'ready' }
  /** Buffers of parsed chunks, to be refilled; this worker's partition has consumed chunks [0, consumed). */
  | { t: 'progress'; buffers: ArrayBuffer[]; consumed: number }
  /** The run's findings of the partition; counts by input number and the first errors of the chunks this worker parsed. */
  | {
      t: 'done';
      findings: Findings;
      inputs: InputCounts[];
      errors: NumberedError[];
      /** Chunk number and line count of every chunk this worker parsed, in pairs. */
      chunkLines: number[];
    }
  | { t: 'error'; message: string; stack?: string };

/** A partition's events of a part, in parse order: its IPv4 flows in columns (shared memory), or events one by one. */
type Segment =
  | { t: 'flows'; buffer: SharedArrayBuffer; capacity: number; size: number }
  | { t: 'events'; events: SocEvent[] };

/** One chunk's events of one partition (possibly none: every partition waits for every chunk). */
interface Part {
  chunk: number;
  input: number;
  /** The chunk's `line` (see ChunkMessage) and its number of lines. */
  line: number;
  lines: number;
  segments: Segment[];
}

if (!parentPort) throw new Error('analyze-worker.ts runs as a worker thread');
const port: MessagePort = parentPort;
const { threads: n, index: own, peers } = workerData as WorkerSetup;

/**
 * Flows per shared batch: a partition's share of a chunk of conn.log (≈ 35000 flows), with room,
 * in one batch (2 threads: 600 KB; where 16384 opened a second, nearly empty one per chunk).
 */
const SHARED_CAPACITY = Math.ceil(40960 / n / 8) * 8;

/** The run in progress (null between runs), its detector, and its counts and first errors. */
let run: RunSetup | null = null;
let detector: Detector | null = null;
let counts: InputCounts[] = [];
let errors: NumberedError[] = [];

/** The parser of the input being parsed; chunks come in input order, so one at a time. */
let parsing: { input: number; parser: LineParser } | null = null;
/** The chunk being parsed, and the number and line count of each one parsed in this run. */
let parsingChunk = -1;
let chunkLines: number[] = [];
/** Lines of the current input before the next part to consume (see ChunkMessage.line). */
let linesBefore = 0;
/** While header lines are replayed: their errors were reported with the chunk that holds them. */
let replaying = false;

/**
 * The parts of the chunk being parsed, by partition, in parse order: shared flow batches and
 * events one by one; each partition's open shared batch and event list (one closes when the
 * other opens, so the order is kept).
 */
const building: Array<Array<FlowBatch | SocEvent[]>> = Array.from({ length: n }, () => []);
const openFlows: Array<FlowBatch | null> = new Array(n).fill(null);
const openEvents: Array<SocEvent[] | null> = new Array(n).fill(null);
/** Shared flow batches of this run's chunks, until every partition has consumed them; then free for reuse. */
let sharedInUse: Array<{ chunk: number; batch: FlowBatch }> = [];
const sharedFree: FlowBatch[] = [];

/**
 * Parts received and not yet consumed, by chunk; consumed in chunk order. A run ends once every
 * part of it is consumed, so what is here belongs to the run in progress or, when a peer started
 * the next run first, to that one.
 */
const waiting = new Map<number, Part>();
let consumed = 0;
let total = -1;
/** Progress not yet reported to the main thread (see `report`). */
let parsedBuffers: ArrayBuffer[] = [];
let reported = 0;

const sink: ParseSink = {
  partitions: n,
  emit(event) {
    const p = partitionOfSource(event.src, n);
    let events = openEvents[p];
    if (!events) {
      events = [];
      openEvents[p] = events;
      // Later flows go after this event, in a batch of their own.
      openFlows[p] = null;
      (building[p] as Array<FlowBatch | SocEvent[]>).push(events);
    }
    // Parsers reuse their event objects.
    events.push({ ...event });
  },
  flows(batch, p) {
    // The parser split its flows by partition; copied into shared memory for p's owner.
    let shared = openFlows[p];
    if (!shared || shared.capacity - shared.size < batch.size)
      shared = openSharedFlows(p, Math.max(SHARED_CAPACITY, Math.ceil(batch.size / 8) * 8));
    shared.append(batch, 0, batch.size);
  },
  reject(line, reason) {
    if (replaying) return;
    const input = (parsing as { input: number }).input;
    (counts[input] as InputCounts).rejected++;
    if (errors.length < (run as RunSetup).maxErrors)
      errors.push({
        index: input,
        input: (run as RunSetup).inputs[input] as string,
        line,
        reason,
        chunk: parsingChunk,
      });
  },
};

function openSharedFlows(p: number, capacity: number): FlowBatch {
  const reused = capacity === SHARED_CAPACITY ? sharedFree.pop() : undefined;
  const batch =
    reused ?? new FlowBatch(capacity, new SharedArrayBuffer(FlowBatch.bytes(capacity)) as unknown as ArrayBuffer);
  batch.size = 0;
  sharedInUse.push({ chunk: parsingChunk, batch });
  openFlows[p] = batch;
  openEvents[p] = null;
  (building[p] as Array<FlowBatch | SocEvent[]>).push(batch);
  return batch;
}

/** Frees the shared batches of chunks every partition has consumed (all of them between runs: `settled` Infinity). */
function settle(settled: number): void {
  if ((sharedInUse[0]?.chunk ?? settled) >= settled) return;
  const still: typeof sharedInUse = [];
  for (const used of sharedInUse) {
    if (used.chunk >= settled) still.push(used);
    else if (used.batch.capacity === SHARED_CAPACITY) sharedFree.push(used.batch);
  }
  sharedInUse = still;
}

function parseChunk(message: ChunkMessage): void {
  settle(message.settled);
  parsingChunk = message.chunk;
  if (parsing?.input !== message.input) {
    retireParser();
    parsing = {
      input: message.input,
      parser: createParser(message.format, (run as RunSetup).inputs[message.input] as string, sink),
    };
  }
  const parser = parsing.parser;
  // The headers in force at this chunk, on a parser that forgot those of its previous chunk.
  parser.restart?.();
  replaying = true;
  for (const header of message.headers) {
    const line = Buffer.from(header, 'latin1');
    parser.line(line, 0, line.length, 0);
  }
  replaying = false;
  const buf = Buffer.from(message.buffer);
  const lines = parser.chunk
    ? parser.chunk(buf, message.start, message.end, 0)
    : linesOfChunk(buf, message.start, message.end, 0, (b, start, end, line) => parser.line(b, start, end, line));
  chunkLines.push(message.chunk, lines);
  parsedBuffers.push(message.buffer);
  const part = { chunk: message.chunk, input: message.input, line: message.line, lines };
  // Other partitions first, so their owners are not kept waiting by this one's detection.
  for (let p = 0; p < n; p++) {
    if (p === own) continue;
    peers[p]?.postMessage({ ...part, segments: takeSegments(p) } satisfies Part);
  }
  waiting.set(message.chunk, { ...part, segments: takeSegments(own) });
  openFlows.fill(null);
  openEvents.fill(null);
}

function takeSegments(p: number): Segment[] {
  const parts = building[p] as Array<FlowBatch | SocEvent[]>;
  building[p] = [];
  return parts.map((part) =>
    part instanceof FlowBatch
      ? {
          t: 'flows',
          buffer: part.buffer as unknown as SharedArrayBuffer,
          capacity: part.capacity,
          size: part.size,
        }
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

/**
 * Does all the work at hand, parsing first: a parsed chunk's parts are what the other workers
 * wait for, while this partition's parts can wait (the main thread bounds how many are pending).
 * Messages are taken with `receiveMessageOnPort` in that order rather than as their events
 * come: in arrival order, a worker consuming a run of parts kept the others waiting for the
 * parts of the chunk it had not parsed yet (≈ 0.4 s idle per worker in a 2 s run).
 */
function pump(): void {
  for (;;) {
    const chunk = receiveMessageOnPort(port);
    if (chunk) {
      handle(chunk.message as ToWorker);
      continue;
    }
    for (const peer of peers) {
      for (let part = peer && receiveMessageOnPort(peer); part; part = receiveMessageOnPort(peer as MessagePort)) {
        const message = part.message as Part;
        waiting.set(message.chunk, message);
      }
    }
    const next = detector ? waiting.get(consumed) : undefined;
    if (!next) break;
    waiting.delete(consumed);
    consume(next);
    consumed++;
    report();
    if (consumed === total) finish();
  }
  report();
}

function handle(message: ToWorker): void {
  if (message.t === 'run') begin(message);
  else if (message.t === 'chunk') parseChunk(message);
  else {
    total = message.chunks;
    if (consumed === total) finish();
  }
}

function begin(setup: RunSetup): void {
  settle(Number.POSITIVE_INFINITY);
  run = setup;
  detector = createDetector({ config: setup.config, intel: setup.indicators });
  counts = setup.inputs.map(() => ({ records: 0, skipped: 0, rejected: 0 }));
  errors = [];
}

/** Returns parsed chunks' buffers and reports consumed chunks, in one message when there is news. */
function report(): void {
  if (parsedBuffers.length === 0 && consumed === reported) return;
  const buffers = parsedBuffers;
  parsedBuffers = [];
  reported = consumed;
  port.postMessage({ t: 'progress', buffers, consumed } satisfies FromWorker, buffers);
}

function consume(part: Part): void {
  const into = detector as Detector;
  if (part.line >= 0) linesBefore = part.line;
  const offset = linesBefore;
  linesBefore += part.lines;
  for (const segment of part.segments) {
    if (segment.t === 'events') {
      for (const event of segment.events) {
        event.line += offset;
        into.push(event);
      }
      continue;
    }
    const batch = new FlowBatch(segment.capacity, segment.buffer as unknown as ArrayBuffer);
    batch.size = segment.size;
    batch.input = (run as RunSetup).inputs[part.input] as string;
    into.pushFlows(batch, offset);
  }
}

/** Reports the run's results and forgets it. */
function finish(): void {
  retireParser();
  const findings = (detector as Detector).findings();
  port.postMessage({ t: 'done', findings, inputs: counts, errors, chunkLines } satisfies FromWorker);
  chunkLines = [];
  linesBefore = 0;
  run = null;
  detector = null;
  counts = [];
  errors = [];
  consumed = 0;
  reported = 0;
  total = -1;
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

// A message event starts the pump, which then takes every queued message itself.
port.on(
  'message',
  guarded((message: ToWorker) => {
    handle(message);
    pump();
  }),
);
for (const peer of peers)
  peer?.on(
    'message',
    guarded((part: Part) => {
      waiting.set(part.chunk, part);
      pump();
    }),
  );
port.postMessage({ t: 'ready' } satisfies FromWorker);

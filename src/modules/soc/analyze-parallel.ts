// `analyzeStreams({ threads: N > 1 })`, data-parallel as DuckDB scales a scan: parsing and
// detection are both split over N worker threads (analyze-worker.ts). This thread only reads: it
// reads a file straight into transferable buffers (recycled; other inputs are copied into them),
// cut at whole lines, and sends each chunk to the worker with the fewest chunks left to parse
// (then the fewest sent).
// It does not count lines: a worker numbers the lines of a
// chunk from 1, every worker learns every chunk's line count with its parts and adds the lines
// before a chunk to its evidence, and this thread does the same for parse errors at the end
// (`lineOffsets`), so line numbers are those of a one-thread run. Each worker parses its
// chunks and sends each worker the events whose source falls in its partition (a hash of the
// address): IPv4 flows as the parser's flow kernel split them, in shared memory (splitting them
// in JavaScript event by event cost each worker ≈ 0.1-0.2 s per 5 M flows; sharing every flow
// and letting each detector pick its own cost more), events parsed one by one split here. Each
// worker feeds its partition's parts to one detector in chunk order, so every source's events
// arrive in file order and the merged findings (mergeFindings) are those of one thread.
//
// Parser state that crosses lines: Zeek TSV `#` headers, which may repeat mid-file, are tracked
// here and sent with every chunk to be replayed into the worker's parser. nfdump CSV is parsed on
// one worker instead (its detection still split): besides its header line, its "Summary" line
// turns parsing off for the rest of the input, a state only its parser can tell. Format `auto` is
// decided here by AutoParser on the first lines, before any is sent.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { forEachChunk, forEachFileChunk } from '../../core/io/line-reader.ts';
import type { AnalyzeInput, AnalyzeOptions, AnalyzeResult } from './analyze.ts';
import type {
  ChunkMessage,
  FromWorker,
  InputCounts,
  NumberedError,
  RunSetup,
  ToWorker,
  WorkerSetup,
} from './analyze-worker.ts';
import { type EngineConfig, resolveEngineConfig } from './engine/config.ts';
import { mergeFindings } from './engine/detector.ts';
import { AutoParser } from './parsers/formats.ts';
import type { LogFormat } from './parsers/types.ts';

/**
 * Default bytes per chunk: enough lines (≈ 30000 conn records, 8000 EVE records) that a chunk's
 * messages cost little (5 M events, 2 threads: 4 MiB 2.15 s TSV / 3.3 s EVE, 1 MiB 2.24 s / 3.7 s).
 */
const CHUNK_BYTES = 4 << 20;
/** Chunks sent and not yet parsed, per worker, before the reader waits (their text: 4 × 4 MiB each). */
const IN_FLIGHT_PER_WORKER = 4;
/**
 * Chunks sent and not yet consumed by every partition, per worker, before the reader waits: their
 * parts (≈ 30 bytes a flow, a quarter of a TSV chunk's text) wait in the partitions' queues. More
 * than IN_FLIGHT_PER_WORKER, so the reader is held back by parsing, not by the consumption that
 * parsing first puts behind it (gating on consumption sent chunks in bursts: 30% idle, 5 M EVE).
 */
const UNCONSUMED_PER_WORKER = 16;

const NEWLINE = 10;
const HASH = 35;
const CARRIAGE_RETURN = 13;

/** How long finished workers idle before they are stopped (see WorkerPool.close). */
const QUIET_MS = 100;

/** Formats whose parser keeps state between lines that header replay cannot carry: parsed on one worker. */
const ONE_PARSER: ReadonlySet<LogFormat> = new Set(['nfdump-csv']);

/**
 * The engine config of one of n partitions. Each sees about 1/n of the sources and of the
 * (source, target) pairs, so 1/n of the source table, of the first-contact filter and of the
 * shard queues keeps the total memory of one detector and the same memory horizon (how long a first contact is
 * remembered); near those limits, evictions and filter false positives fall differently than
 * with one thread. Findings are capped per partition at the full `maxFindings` and the merge
 * keeps the first ones, as one detector would.
 */
export function partitionConfig(config: EngineConfig, n: number): EngineConfig {
  return {
    ...config,
    scan: {
      ...config.scan,
      maxTrackedSources: Math.ceil(config.scan.maxTrackedSources / n),
      firstContactFilterBits: Math.ceil(config.scan.firstContactFilterBits / n),
      // The queues of n detectors share the CPU cache: together, those of one (5 M TSV flows, 2 threads, 5 alternating
      // runs: 1.61-1.82 s with half the queue each, 1.65-2.12 s with a whole one each).
      shardQueueEvents: Math.ceil(config.scan.shardQueueEvents / n),
    },
  };
}

/** Runs on threads started for this run only, stopped after it (see AnalysisThreads for reuse). */
export async function analyzeInParallel(
  inputs: AnalyzeInput[],
  options: AnalyzeOptions,
  threads: number,
): Promise<Pick<AnalyzeResult, 'inputs' | 'errors' | 'findings'>> {
  const pool = new AnalysisThreads(threads);
  try {
    return await pool.analyze(inputs, options);
  } finally {
    await pool.close();
  }
}

/** Reads every input into the pool's run and merges the workers' results. */
async function runOn(
  pool: AnalysisThreads,
  inputs: AnalyzeInput[],
  options: AnalyzeOptions,
): Promise<Pick<AnalyzeResult, 'inputs' | 'errors' | 'findings'>> {
  const config = resolveEngineConfig(options.config);
  const maxErrors = options.maxErrors ?? 100;
  const names = inputs.map((input) => input.name);
  pool.begin({
    inputs: names,
    config: partitionConfig(config, pool.threads),
    indicators: options.indicators ?? [],
    maxErrors,
  });
  // Lines rejected here, before `auto` recognised a format.
  const errors: Array<Omit<NumberedError, 'chunk'>> = [];
  const rejected = inputs.map(() => 0);
  const formats: Array<LogFormat | null> = [];
  try {
    for (const [index, input] of inputs.entries()) {
      const reject = (line: number, reason: string) => {
        rejected[index] = (rejected[index] as number) + 1;
        if (errors.length < maxErrors) errors.push({ index, input: input.name, line, reason });
      };
      formats.push(await readInput(pool, input, index, options, reject));
    }
  } catch (error) {
    // An input that cannot be read ends the run: the workers finish what they have, ready for the next.
    await pool.finish().catch(() => undefined);
    throw error;
  }
  const done = await pool.finish();
  const offsets = pool.lineOffsets(done);
  const sum = (index: number, pick: (counts: InputCounts) => number) =>
    done.reduce((total, d) => total + pick(d.inputs[index] as InputCounts), 0);
  const order = new Map<string, number>();
  names.forEach((name, index) => {
    if (!order.has(name)) order.set(name, index);
  });
  return {
    inputs: inputs.map((input, index) => ({
      name: input.name,
      format: formats[index] ?? null,
      records: sum(index, (c) => c.records),
      rejected: (rejected[index] as number) + sum(index, (c) => c.rejected),
      skipped: sum(index, (c) => c.skipped),
    })),
    // Each part lists its first errors in line order: together, the first of the whole run.
    errors: [
      ...errors,
      ...done.flatMap((d) =>
        d.errors.map(({ chunk, ...error }) => ({ ...error, line: error.line + (offsets[chunk] as number) })),
      ),
    ]
      .sort((a, b) => a.index - b.index || a.line - b.line)
      .slice(0, maxErrors)
      .map(({ index: _, ...error }) => error),
    findings: mergeFindings(
      done.map((d) => d.findings),
      config,
      (name) => order.get(name) ?? 0,
    ),
  };
}

/** Reads one input and sends its chunks; returns its format (null when `auto` recognised none). */
async function readInput(
  pool: AnalysisThreads,
  input: AnalyzeInput,
  index: number,
  options: AnalyzeOptions,
  reject: (line: number, reason: string) => void,
): Promise<LogFormat | null> {
  const format = options.format ?? 'auto';
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  let cutter = format === 'auto' ? null : new InputCutter(pool, index, format, 0, chunkBytes);
  const auto = format === 'auto' ? formatDetector(input.name, reject) : null;
  let lines = 0;
  const onChunk = (buf: Buffer, start: number, end: number, owned?: boolean): Promise<void> | undefined => {
    if (cutter) return cutter.add(buf, start, end, owned);
    const detector = auto as AutoParser;
    for (let at = start; at < end; ) {
      const newline = buf.indexOf(NEWLINE, at);
      detector.line(buf, at, newline > at && buf[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline, ++lines);
      if (detector.format !== null) {
        cutter = new InputCutter(pool, index, detector.format, lines - 1, chunkBytes);
        return cutter.add(buf, at, end, owned);
      }
      at = newline + 1;
    }
    return undefined;
  };
  if (input.stream) await forEachChunk(input.stream, onChunk);
  // A file is read straight into the buffers sent to the workers.
  else await forEachFileChunk(input.path ?? input.name, onChunk, { size: chunkBytes, allocate: (b) => pool.buffer(b) });
  if (!cutter) return null;
  await cutter.finish();
  return cutter.format;
}

/**
 * AutoParser to recognise an input's format here: it reports the lines it rejects until it
 * recognises one; what it parses of that line is dropped, since a worker parses the line again.
 */
function formatDetector(name: string, reject: (line: number, reason: string) => void): AutoParser {
  const auto: AutoParser = new AutoParser(name, {
    emit() {},
    reject(line, reason) {
      if (auto.format === null) reject(line, reason);
    },
  });
  return auto;
}

/** The Zeek TSV directives ZeekTsvParser keeps state from. */
const STATEFUL_HEADERS = new Set(['#separator', '#unset_field', '#empty_field', '#path', '#fields']);

/**
 * Zeek TSV header lines in force at a point of an input: replayed into a parser, they put it in
 * the state in which it would read the next line in sequence.
 */
class ZeekHeaders {
  /** The latest line of each directive, in the order they were last seen. */
  private readonly latest = new Map<string, string>();
  /**
   * ZeekTsvParser reads a #fields line with the #separator and #path in force then, so those are
   * replayed before it even if changed since.
   */
  private fieldsContext: string[] = [];
  private snapshot: string[] | null = [];

  add(text: string): void {
    const directive = /^\S*/.exec(text)?.[0] ?? '';
    // Only what changes how later lines are read: comments and #open/#close would pile up otherwise.
    if (!STATEFUL_HEADERS.has(directive)) return;
    if (directive === '#fields') {
      this.fieldsContext = [this.latest.get('#separator'), this.latest.get('#path')].filter(
        (header): header is string => header !== undefined,
      );
    }
    this.latest.delete(directive);
    this.latest.set(directive, text);
    this.snapshot = null;
  }

  lines(): string[] {
    this.snapshot ??= [...this.fieldsContext, ...this.latest.values()];
    return this.snapshot;
  }
}

/** Cuts one input's whole lines into chunks and sends them to the workers. */
class InputCutter {
  private readonly headers: ZeekHeaders | null;
  /** The worker parsing every chunk of the input, for formats parsed on one worker. */
  private readonly worker: number | null;
  private buffer: ArrayBuffer | null = null;
  private bytes = new Uint8Array(0);
  private length = 0;
  /** Headers in force at the start of the chunk being filled. */
  private headersAtStart: string[] = [];
  private sent = false;

  constructor(
    private readonly pool: AnalysisThreads,
    private readonly input: number,
    readonly format: LogFormat,
    /** Lines of the input read before the first chunk (while `auto` recognised its format). */
    private readonly linesBefore: number,
    private readonly chunkBytes: number,
  ) {
    this.headers = format === 'zeek-tsv' ? new ZeekHeaders() : null;
    this.worker = ONE_PARSER.has(format) ? input % pool.threads : null;
  }

  /**
   * Takes buf[start, end), whole lines; waits whenever the workers are too far behind. A buffer
   * the reader handed over (`owned`) is sent as it is, not copied.
   */
  async add(buf: Buffer, start: number, end: number, owned = false): Promise<void> {
    if (owned && this.length === 0 && buf.byteOffset === 0 && buf.length === buf.buffer.byteLength) {
      const headers = this.headers?.lines() ?? [];
      if (this.headers) this.findHeaders(buf, start, end);
      await this.sendBuffer(buf.buffer as ArrayBuffer, start, end, headers);
      return;
    }
    let at = start;
    while (at < end) {
      if (!this.buffer) this.open(0);
      let cut = end;
      if (end - at > this.bytes.length - this.length) {
        // The whole lines that fit; a line longer than a chunk gets a chunk of its own.
        cut = buf.lastIndexOf(NEWLINE, at + this.bytes.length - this.length - 1) + 1;
        if (cut <= at) {
          if (this.length > 0) {
            await this.send();
            continue;
          }
          cut = buf.indexOf(NEWLINE, at) + 1;
          this.open(cut - at);
        }
      }
      if (this.headers) this.findHeaders(buf, at, cut);
      this.bytes.set(buf.subarray(at, cut), this.length);
      this.length += cut - at;
      at = cut;
      if (this.length === this.bytes.length) await this.send();
    }
  }

  /** Sends the last, partly filled chunk. */
  async finish(): Promise<void> {
    if (this.length > 0) await this.send();
  }

  /** A buffer from the pool of at least `bytes` (or the chunk size), replacing an empty current one. */
  private open(bytes: number): void {
    if (this.buffer) this.pool.recycle(this.buffer);
    this.buffer = this.pool.buffer(Math.max(bytes, this.chunkBytes));
    this.bytes = new Uint8Array(this.buffer);
    this.headersAtStart = this.headers?.lines() ?? [];
  }

  /**
   * Notes the header lines of buf[start, end) (whole lines), found by searching for `#` rather
   * than line by line: a `#` that starts a line.
   */
  private findHeaders(buf: Buffer, start: number, end: number): void {
    for (let hash = buf.indexOf(HASH, start); hash >= 0 && hash < end; hash = buf.indexOf(HASH, hash + 1)) {
      if (hash > start && buf[hash - 1] !== NEWLINE) continue;
      const newline = buf.indexOf(NEWLINE, hash);
      const lineEnd = newline > hash && buf[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
      this.headers?.add(buf.toString('latin1', hash, lineEnd));
    }
  }

  private async send(): Promise<void> {
    const buffer = this.buffer as ArrayBuffer;
    const length = this.length;
    this.buffer = null;
    this.length = 0;
    await this.sendBuffer(buffer, 0, length, this.headersAtStart);
  }

  /** Sends buffer[start, end) as the input's next chunk, read with `headers` in force. */
  private async sendBuffer(buffer: ArrayBuffer, start: number, end: number, headers: string[]): Promise<void> {
    const line = this.sent ? -1 : this.linesBefore;
    this.sent = true;
    await this.pool.send({ input: this.input, format: this.format, line, headers, buffer, start, end }, this.worker);
  }
}

type Done = Extract<FromWorker, { t: 'done' }>;

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** From source (tests, benchmarks), the worker's TypeScript bundled once per process: see `startWorker`. */
let bundle: string | undefined;

interface EsbuildSync {
  buildSync(options: Record<string, unknown>): { outputFiles: Array<{ text: string }> };
}

/** Run from source, this file is TypeScript; built, it is a chunk of dist/server/ with the worker's entry beside it. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_ENTRY = new URL(FROM_SOURCE ? './analyze-worker.ts' : './analyze-worker.js', import.meta.url);

/** The worker's TypeScript as one CommonJS bundle, by esbuild (a dev dependency: only the source needs it). */
function workerBundle(): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as EsbuildSync;
  bundle ??= esbuild.buildSync({
    entryPoints: [fileURLToPath(WORKER_ENTRY)],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    logLevel: 'silent',
  }).outputFiles[0]?.text;
  if (bundle === undefined) throw new Error('esbuild produced no worker bundle');
  return bundle;
}

/**
 * Starts a worker: built, the worker's own compiled entry; from source, its TypeScript bundled by esbuild into plain
 * JavaScript (≈ 20-60 ms, once), since registering a TypeScript loader in each new thread takes 350-600 ms, all of
 * it before the first chunk can be parsed.
 */
function startWorker(setup: WorkerSetup): Worker {
  // Node 20 unregisters a worker's V8 isolate before disposing of it, and a background TurboFan
  // job still running for it then aborts the whole process ("Assertion failed: (data.first) !=
  // nullptr" in NodePlatform::ForIsolate, seen in CI; fixed in later Node versions). Isolates
  // created after this flag compile on their own thread, so no such job exists; finished workers
  // also idle a moment before they are stopped, for any other background task.
  v8.setFlagsFromString('--no-concurrent-recompilation');
  const transferList = setup.peers.filter((peer): peer is MessagePort => peer !== null);
  if (!FROM_SOURCE) return new Worker(WORKER_ENTRY, { workerData: setup, transferList });
  return new Worker(workerBundle(), { eval: true, workerData: setup, transferList });
}

/**
 * Analysis worker threads, started once and used for any number of runs, one at a time: a
 * caller that analyses again and again (or a benchmark, like DuckDB's instance) pays for
 * starting threads and loading their code once. An input that cannot be read fails its run
 * only; a worker that fails fails every later run too.
 */
export class AnalysisThreads {
  private readonly workers: Worker[];
  /** Per run: chunks consumed by each worker's partition, each worker's results, chunks sent. */
  private consumed: number[];
  private done: Array<Done | undefined>;
  private chunks = 0;
  /** Per worker: chunks sent to it whose buffer it has not returned (not parsed yet, or not reported); chunks sent to it. */
  private unparsed: number[] = [];
  private sent: number[] = [];
  /** Per chunk sent: the lines before it when known (an input's first chunk), else -1. */
  private firstLines: number[] = [];
  /** Chunk buffers returned by the workers, for the next chunks (of this run or the next). */
  private readonly free: ArrayBuffer[] = [];
  private running: Promise<unknown> = Promise.resolve();
  private failure: Error | null = null;
  /** `close` was called (no new run), and the workers are being stopped (their exit is no failure). */
  private closing = false;
  private terminating = false;
  /** Workers that have loaded their code. */
  private loaded = 0;
  private waiter: Waiter | null = null;

  constructor(readonly threads: number) {
    const peers: Array<Array<MessagePort | null>> = Array.from({ length: threads }, () =>
      new Array(threads).fill(null),
    );
    for (let i = 0; i < threads; i++) {
      for (let j = i + 1; j < threads; j++) {
        const { port1, port2 } = new MessageChannel();
        (peers[i] as Array<MessagePort | null>)[j] = port1;
        (peers[j] as Array<MessagePort | null>)[i] = port2;
      }
    }
    this.consumed = [];
    this.done = [];
    this.workers = peers.map((ports, index) => {
      const worker = startWorker({ index, threads, peers: ports });
      worker.on('message', (message: FromWorker) => this.onMessage(index, message));
      worker.on('error', (error) =>
        this.fail(new Error(`analysis thread ${index}: ${error.message}`, { cause: error })),
      );
      worker.on('exit', (code) => {
        if (!this.terminating) this.fail(new Error(`analysis thread ${index} exited (code ${code})`));
      });
      return worker;
    });
  }

  /** Analyses the inputs, after any run still in progress; refused once `close` was called. */
  analyze(
    inputs: AnalyzeInput[],
    options: AnalyzeOptions,
  ): Promise<Pick<AnalyzeResult, 'inputs' | 'errors' | 'findings'>> {
    return this.next(() => runOn(this, inputs, options));
  }

  /** Runs `work` once what was asked for before it is over (one waiter at a time); refused once `close` was called. */
  private next<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the analysis threads are closed'));
    const result = this.running.then(work);
    this.running = result.catch(() => undefined);
    return result;
  }

  /** Starts a run on every worker. */
  begin(setup: RunSetup): void {
    if (this.failure) throw this.failure;
    this.consumed = new Array(this.threads).fill(0);
    this.unparsed = new Array(this.threads).fill(0);
    this.sent = new Array(this.threads).fill(0);
    this.done = new Array(this.threads).fill(undefined);
    this.chunks = 0;
    this.firstLines = [];
    for (const worker of this.workers) worker.postMessage({ t: 'run', ...setup } satisfies ToWorker);
  }

  /**
   * The lines before each chunk of the run in its input, from the line counts the workers report
   * (every chunk is parsed by one worker): what turns a chunk's line numbers into its input's.
   */
  lineOffsets(done: Done[]): number[] {
    const lines: number[] = [];
    for (const d of done)
      for (let i = 0; i < d.chunkLines.length; i += 2) lines[d.chunkLines[i] as number] = d.chunkLines[i + 1] as number;
    const offsets: number[] = [];
    let before = 0;
    this.firstLines.forEach((first, chunk) => {
      if (first >= 0) before = first;
      offsets.push(before);
      before += lines[chunk] ?? 0;
    });
    return offsets;
  }

  /** A buffer of at least `bytes` for a chunk: a returned one when possible. */
  buffer(bytes: number): ArrayBuffer {
    const at = this.free.findIndex((buffer) => buffer.byteLength >= bytes);
    return at < 0 ? new ArrayBuffer(bytes) : (this.free.splice(at, 1)[0] as ArrayBuffer);
  }

  /** Keeps a chunk buffer for the next chunks: as many as can be in flight, so a long-lived pool stays small. */
  recycle(buffer: ArrayBuffer): void {
    if (this.free.length < (IN_FLIGHT_PER_WORKER + 1) * this.threads) this.free.push(buffer);
  }

  /**
   * Numbers the chunk and sends it to worker `to` (default: the one with the fewest chunks left to
   * parse, then sent) once fewer than `IN_FLIGHT_PER_WORKER` chunks per worker are unparsed and fewer than
   * `UNCONSUMED_PER_WORKER` are unconsumed by some partition, so memory does not grow with the
   * input. Any worker can parse any chunk, and every partition consumes in chunk order whoever
   * parsed it, so a worker that loses its core for a while (to this thread, to a collector) gets
   * fewer chunks rather than holding the others back.
   */
  async send(message: Omit<ChunkMessage, 't' | 'chunk' | 'settled'>, to: number | null): Promise<void> {
    const unparsed = IN_FLIGHT_PER_WORKER * this.threads;
    const unconsumed = UNCONSUMED_PER_WORKER * this.threads;
    await this.until(
      () =>
        this.unparsed.reduce((sum, n) => sum + n, 0) < unparsed &&
        this.chunks - Math.min(...this.consumed) < unconsumed,
    );
    const chunk = this.chunks++;
    this.firstLines.push(message.line);
    let worker = to ?? 0;
    // Among those with the fewest chunks left to parse, the one sent the fewest: when parsing keeps up with reading,
    // all have none left at each send, and the first one got every chunk while the others idled (≈ 0.9 s of 2 s).
    if (to === null)
      for (let w = 1; w < this.threads; w++) {
        const fewer = (this.unparsed[w] as number) - (this.unparsed[worker] as number);
        if (fewer < 0 || (fewer === 0 && (this.sent[w] as number) < (this.sent[worker] as number))) worker = w;
      }
    this.unparsed[worker] = (this.unparsed[worker] as number) + 1;
    this.sent[worker] = (this.sent[worker] as number) + 1;
    const settled = Math.min(...this.consumed);
    (this.workers[worker] as Worker).postMessage({ t: 'chunk', chunk, settled, ...message } satisfies ChunkMessage, [
      message.buffer,
    ]);
  }

  /** Tells the workers that every chunk is sent and waits for their findings. */
  async finish(): Promise<Done[]> {
    for (const worker of this.workers) worker.postMessage({ t: 'end', chunks: this.chunks } satisfies ToWorker);
    await this.until(() => this.done.every((d) => d !== undefined));
    return this.done as Done[];
  }

  /** Stops the workers once the run in progress is over, after they have idled `QUIET_MS` (see `startWorker`). */
  async close(): Promise<void> {
    // At once, so a run asked for from now on is refused rather than queued behind the end.
    this.closing = true;
    await this.running;
    if (!this.failure) await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    this.terminating = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  /** Resolves once every worker has loaded its code and listens. */
  ready(): Promise<void> {
    return this.next(() => this.until(() => this.loaded === this.threads));
  }

  private onMessage(index: number, message: FromWorker): void {
    if (message.t === 'ready') this.loaded++;
    else if (message.t === 'progress') {
      for (const buffer of message.buffers) this.recycle(buffer);
      this.unparsed[index] = (this.unparsed[index] as number) - message.buffers.length;
      this.consumed[index] = message.consumed;
    } else if (message.t === 'done') this.done[index] = message;
    else {
      const error = new Error(`analysis thread ${index}: ${message.message}`);
      if (message.stack) error.stack = message.stack;
      this.fail(error);
      return;
    }
    const waiter = this.waiter;
    if (waiter?.ready()) {
      this.waiter = null;
      waiter.resolve();
    }
  }

  private until(ready: () => boolean): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (ready()) return undefined;
    return new Promise((resolve, reject) => {
      this.waiter = { ready, resolve, reject };
    });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }
}

// The detector split over two threads, for `analyzeStreams({ threads: 2 })`: this thread reads,
// parses and looks for malicious contacts (every event, with the intel); the worker
// (detect-worker.ts) runs scanner detection, which needs flows only. Flows cross as columnar
// batches whose single ArrayBuffer is transferred (not copied) and sent back to be refilled;
// flows the parser emits one by one cross as plain objects. Both halves see events in parse
// order, so the joined findings are the same as with one thread. At most `MAX_IN_FLIGHT` batches (plus those of the chunk being parsed) are
// queued: the reader waits for the worker, so memory does not grow with the input.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromDetector, ToDetector } from './detect-worker.ts';
import { createDetector, type Detector, type DetectorOptions, joinFindings } from './engine/detector.ts';
import { FlowBatch } from './engine/flow-batch.ts';
import type { Findings, SocEvent } from './engine/types.ts';

/** Events per transferred batch (480 KB): few messages, still a short queue. */
const CAPACITY = 16384;
/** Messages queued for the worker before the reader waits (flow batches: ≈ 3.8 MB). */
const MAX_IN_FLIGHT = 8;
/** Non-columnar events sent together. */
const EVENTS_PER_MESSAGE = 2048;

const WORKER_ENTRY = new URL('./detect-worker.ts', import.meta.url);

/** The worker as one CommonJS bundle (built once per process), or null when esbuild is unavailable. */
let bundle: string | null | undefined;

interface EsbuildSync {
  buildSync(options: Record<string, unknown>): { outputFiles: Array<{ text: string }> };
}

function workerBundle(): string | null {
  if (bundle === undefined) {
    try {
      // esbuild comes with tsx (which runs Khiên's TypeScript); resolved from there.
      const esbuild = createRequire(import.meta.resolve('tsx/esm/api'))('esbuild') as EsbuildSync;
      bundle =
        esbuild.buildSync({
          entryPoints: [fileURLToPath(WORKER_ENTRY)],
          bundle: true,
          format: 'cjs',
          platform: 'node',
          target: `node${process.versions.node.split('.')[0]}`,
          write: false,
          logLevel: 'silent',
        }).outputFiles[0]?.text ?? null;
    } catch {
      bundle = null;
    }
  }
  return bundle;
}

/**
 * Starts the worker. Its TypeScript is bundled by esbuild into plain JavaScript (≈ 20-60 ms,
 * once): registering tsx's loader in the new thread instead takes 350-600 ms, all of it
 * before the first flow can be counted. tsx's loader remains the fallback.
 */
function startWorker(options: DetectorOptions): Worker {
  const code = workerBundle();
  if (code !== null) return new Worker(code, { eval: true, workerData: options });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_ENTRY.href)}); });`;
  return new Worker(boot, { eval: true, workerData: options });
}

export class ThreadedDetector {
  private readonly worker: Worker;
  /** The malicious-contact half, on this thread. */
  private readonly contacts: Detector;
  private batch: FlowBatch | null = null;
  private readonly free: ArrayBuffer[] = [];
  private inFlight = 0;
  private events: SocEvent[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private done: ((scans: Findings) => void) | null = null;
  private fail: ((error: Error) => void) | null = null;

  constructor(options: DetectorOptions) {
    this.worker = startWorker({ config: options.config, only: 'scans' });
    this.contacts = createDetector({ ...options, only: 'contacts' });
    this.worker.on('message', (message: FromDetector) => {
      if (message.t === 'free') {
        this.inFlight--;
        if (message.buffer) this.free.push(message.buffer);
        if (this.inFlight < MAX_IN_FLIGHT) this.resume();
      } else if (message.t === 'findings') {
        const done = this.done;
        this.done = null;
        done?.(message.findings);
      } else {
        const error = new Error(`detector thread: ${message.message}`);
        if (message.stack) error.stack = message.stack;
        this.abort(error);
      }
    });
    this.worker.on('error', (error) => this.abort(error));
    this.worker.on('exit', (code) => {
      if (this.done) this.abort(new Error(`detector thread exited (code ${code}) before its findings`));
    });
  }

  /** Same as `Detector.push`; a flow is copied for the worker (parsers reuse theirs). */
  readonly push = (event: SocEvent): void => {
    this.contacts.push(event);
    if (event.kind !== 'flow') return;
    if (this.batch && this.batch.size > 0) this.sendBatch();
    this.events.push({ ...event });
    if (this.events.length >= EVENTS_PER_MESSAGE) this.sendEvents();
  };

  /** Same as `Detector.pushFlows`: the flows are copied into the batch being filled for the worker. */
  readonly pushFlows = (source: FlowBatch): void => {
    this.contacts.pushFlows(source);
    if (this.events.length > 0) this.sendEvents();
    let from = 0;
    while (from < source.size) {
      let batch = this.batch;
      if (!batch || batch.input !== source.input) {
        if (batch && batch.size > 0) this.sendBatch();
        batch = this.newBatch(source.input);
      }
      const count = Math.min(source.size - from, batch.capacity - batch.size);
      batch.append(source, from, count);
      from += count;
      if (batch.size === batch.capacity) this.sendBatch();
    }
  };

  /** A promise to await before parsing more while the worker is `MAX_IN_FLIGHT` batches behind. */
  backPressure(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  /** Sends what is left and waits for the worker's half of the findings; the worker then ends. */
  async findings(): Promise<Findings> {
    if (this.batch && this.batch.size > 0) this.sendBatch();
    if (this.events.length > 0) this.sendEvents();
    const scans = await new Promise<Findings>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.done = resolve;
      this.fail = reject;
      this.post({ t: 'end' });
    });
    return joinFindings(scans, this.contacts.findings());
  }

  /** Stops the worker (after `findings`, or on failure). */
  async close(): Promise<void> {
    this.done = null;
    await this.worker.terminate();
  }

  private newBatch(input: string): FlowBatch {
    const buffer = this.free.pop();
    const batch = new FlowBatch(CAPACITY, buffer);
    batch.input = input;
    this.batch = batch;
    return batch;
  }

  private sendBatch(): void {
    const batch = this.batch as FlowBatch;
    this.batch = null;
    this.inFlight++;
    const { buffer, capacity, size, input } = batch;
    this.post({ t: 'flows', buffer, capacity, size, input }, [buffer]);
  }

  private sendEvents(): void {
    const events = this.events;
    this.events = [];
    this.inFlight++;
    this.post({ t: 'events', events });
  }

  private post(message: ToDetector, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer);
  }

  private resume(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private abort(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.done = null;
    const fail = this.fail;
    this.fail = null;
    fail?.(error);
    // A reader waiting on back-pressure sees the failure on its next call.
    this.resume();
  }
}

// Runs the engine over log streams and intel files: the I/O layer the CLI (and batch imports
// on the server) use. Files may be gzip-compressed; `-` is stdin.

import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { forEachChunk, forEachFileChunk, forEachLine, MAX_LINE_BYTES, openInput } from '../../core/io/line-reader.ts';
import { type AnalysisThreads, analyzeInParallel } from './analyze-parallel.ts';
import type { EngineConfigInput } from './engine/config.ts';
import { createDetector } from './engine/detector.ts';
import type { FlowBatch } from './engine/flow-batch.ts';
import type { Findings, Indicator } from './engine/types.ts';
import { type IntelProblem, parseIntel } from './intel/parse-intel.ts';
import { AutoParser, createParser } from './parsers/formats.ts';
import type { LogFormat, ParseError } from './parsers/types.ts';

export interface AnalyzeInput {
  /** Name used in evidence and error reports. */
  name: string;
  /** A file path or `-`; ignored when `stream` is given. */
  path?: string;
  stream?: Readable | AsyncIterable<Buffer>;
}

export interface AnalyzeOptions {
  format?: LogFormat | 'auto';
  indicators?: Indicator[];
  config?: EngineConfigInput;
  /** Parse errors kept with their line numbers (all are counted). */
  maxErrors?: number;
  /**
   * 1 (default): read, parse and detect on this thread. N > 1: this thread reads; N worker
   * threads parse and detect, split by chunks and by source address (analyze-parallel.ts), with
   * the same result.
   */
  threads?: number;
  /**
   * Worker threads started beforehand (`new AnalysisThreads(n)`), used instead of starting
   * `threads` for this call: for a caller that analyses repeatedly. The caller closes them.
   */
  pool?: AnalysisThreads;
  /** With threads > 1: bytes of whole lines per chunk sent to a worker (default 4 MiB). */
  chunkBytes?: number;
  /** Stops the analysis (e.g. the client that sent the file went away): it rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface InputSummary {
  name: string;
  format: LogFormat | null;
  records: number;
  rejected: number;
  skipped: number;
}

export interface AnalyzeResult {
  events: number;
  rejected: number;
  skipped: number;
  errors: ParseError[];
  inputs: InputSummary[];
  findings: Findings;
}

const LONG_LINE = `line longer than ${MAX_LINE_BYTES / 2 ** 20} MiB, skipped`;

/** More threads than this are refused (see analyzeStreams). */
export const MAX_THREADS = 64;

export async function analyzeStreams(inputs: AnalyzeInput[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const threads = options.pool?.threads ?? options.threads ?? 1;
  // Every pair of workers shares a channel: far more threads than cores only adds overhead.
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS}, not ${threads}`);
  const run = options.pool
    ? await options.pool.analyze(inputs, options)
    : threads === 1
      ? await analyzeOnThisThread(inputs, options)
      : await analyzeInParallel(inputs, options, threads);
  const sum = (pick: (s: InputSummary) => number) => run.inputs.reduce((total, s) => total + pick(s), 0);
  return {
    events: sum((s) => s.records),
    rejected: sum((s) => s.rejected),
    skipped: sum((s) => s.skipped),
    errors: run.errors,
    inputs: run.inputs,
    findings: run.findings,
  };
}

async function analyzeOnThisThread(
  inputs: AnalyzeInput[],
  options: AnalyzeOptions,
): Promise<Pick<AnalyzeResult, 'inputs' | 'errors' | 'findings'>> {
  const detector = createDetector({ config: options.config, intel: options.indicators });
  const maxErrors = options.maxErrors ?? 100;
  const errors: ParseError[] = [];
  const summaries: InputSummary[] = [];
  for (const input of inputs) {
    let rejected = 0;
    const sink = {
      emit: detector.push,
      // One partition: the second argument of `flows` (the partition, 0) is not pushFlows' line offset.
      flows: (batch: FlowBatch) => detector.pushFlows(batch),
      reject(line: number, reason: string) {
        rejected++;
        if (errors.length < maxErrors) errors.push({ input: input.name, line, reason });
      },
    };
    const format = options.format ?? 'auto';
    const parser = format === 'auto' ? new AutoParser(input.name, sink) : createParser(format, input.name, sink);
    const read = { name: input.name, signal: options.signal };
    if (parser.chunk) {
      // Whole runs of lines per call; plain files are read without streams.
      let lineNumber = 0;
      const onChunk = (buf: Buffer, start: number, end: number) => {
        lineNumber = (parser.chunk as NonNullable<typeof parser.chunk>)(buf, start, end, lineNumber);
      };
      const chunked = { ...read, onLongLine: () => sink.reject(++lineNumber, LONG_LINE) };
      if (input.stream) await forEachChunk(input.stream, onChunk, chunked);
      else await forEachFileChunk(input.path ?? input.name, onChunk, undefined, chunked);
    } else {
      const stream = input.stream ?? openInput(input.path ?? input.name, read);
      await forEachLine(stream, (buf, start, end, line) => parser.line(buf, start, end, line), {
        ...read,
        onLongLine: (line) => sink.reject(line, LONG_LINE),
      });
    }
    summaries.push({
      name: input.name,
      format: parser instanceof AutoParser ? parser.format : (format as LogFormat),
      records: parser.records,
      rejected,
      skipped: parser.skipped ?? 0,
    });
  }
  return { inputs: summaries, errors, findings: detector.findings() };
}

export interface LoadedIntel {
  indicators: Indicator[];
  problems: Array<IntelProblem & { input: string }>;
  skipped: number;
}

/** Reads intel files of any supported format (gzip allowed); the file name is each indicator's source. */
export async function loadIntelFiles(paths: string[]): Promise<LoadedIntel> {
  const loaded: LoadedIntel = { indicators: [], problems: [], skipped: 0 };
  for (const path of paths) {
    const chunks: Buffer[] = [];
    for await (const chunk of openInput(path, { name: basename(path) })) chunks.push(chunk as Buffer);
    const parsed = parseIntel(Buffer.concat(chunks).toString('utf8'), basename(path));
    for (const indicator of parsed.indicators) loaded.indicators.push(indicator);
    loaded.problems.push(...parsed.rejected.map((p) => ({ ...p, input: path })));
    loaded.skipped += parsed.skipped;
  }
  return loaded;
}

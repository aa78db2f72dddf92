// Runs the engine over log streams and intel files: the I/O layer the CLI (and batch imports
// on the server) use. Files may be gzip-compressed; `-` is stdin.

import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { forEachChunk, forEachFileChunk, forEachLine, linesOfChunk, openInput } from '../../core/io/line-reader.ts';
import { ThreadedDetector } from './analyze-threaded.ts';
import type { EngineConfigInput } from './engine/config.ts';
import { createDetector, type Detector } from './engine/detector.ts';
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
   * 1 (default): read, parse and detect on this thread. 2: detection runs on a worker thread
   * while this one reads and parses (same findings, in the same order).
   */
  threads?: 1 | 2;
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

export async function analyzeStreams(inputs: AnalyzeInput[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const detectorOptions = { config: options.config, intel: options.indicators };
  if (options.threads === 2) {
    const detector = new ThreadedDetector(detectorOptions);
    try {
      return await analyzeWith(
        inputs,
        options,
        detector,
        () => detector.findings(),
        () => detector.backPressure(),
      );
    } finally {
      await detector.close();
    }
  }
  const detector = createDetector(detectorOptions);
  return analyzeWith(inputs, options, detector, () => detector.findings());
}

async function analyzeWith(
  inputs: AnalyzeInput[],
  options: AnalyzeOptions,
  detector: Pick<Detector, 'push' | 'pushFlows'>,
  findings: () => Findings | Promise<Findings>,
  backPressure: () => Promise<void> | undefined = () => undefined,
): Promise<AnalyzeResult> {
  const maxErrors = options.maxErrors ?? 100;
  const errors: ParseError[] = [];
  const summaries: InputSummary[] = [];
  for (const input of inputs) {
    let rejected = 0;
    const sink = {
      emit: detector.push,
      flows: detector.pushFlows,
      reject(line: number, reason: string) {
        rejected++;
        if (errors.length < maxErrors) errors.push({ input: input.name, line, reason });
      },
    };
    const format = options.format ?? 'auto';
    const parser = format === 'auto' ? new AutoParser(input.name, sink) : createParser(format, input.name, sink);
    if (parser.chunk) {
      // Whole runs of lines per call; plain files are read without streams.
      let lineNumber = 0;
      const onChunk = (buf: Buffer, start: number, end: number) => {
        lineNumber = (parser.chunk as NonNullable<typeof parser.chunk>)(buf, start, end, lineNumber);
        return backPressure();
      };
      if (input.stream) await forEachChunk(input.stream, onChunk);
      else await forEachFileChunk(input.path ?? input.name, onChunk);
    } else if (options.threads === 2) {
      // Runs of lines, so the reader can wait for the detector thread between them.
      let lineNumber = 0;
      const onLine = (buf: Buffer, start: number, end: number, line: number) => parser.line(buf, start, end, line);
      const onChunk = (buf: Buffer, start: number, end: number) => {
        lineNumber = linesOfChunk(buf, start, end, lineNumber, onLine);
        return backPressure();
      };
      if (input.stream) await forEachChunk(input.stream, onChunk);
      else await forEachFileChunk(input.path ?? input.name, onChunk);
    } else {
      const stream = input.stream ?? openInput(input.path ?? input.name);
      await forEachLine(stream, (buf, start, end, line) => parser.line(buf, start, end, line));
    }
    summaries.push({
      name: input.name,
      format: parser instanceof AutoParser ? parser.format : (format as LogFormat),
      records: parser.records,
      rejected,
      skipped: parser.skipped ?? 0,
    });
  }
  const sum = (pick: (s: InputSummary) => number) => summaries.reduce((total, s) => total + pick(s), 0);
  return {
    events: sum((s) => s.records),
    rejected: sum((s) => s.rejected),
    skipped: sum((s) => s.skipped),
    errors,
    inputs: summaries,
    findings: await findings(),
  };
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
    for await (const chunk of openInput(path)) chunks.push(chunk as Buffer);
    const parsed = parseIntel(Buffer.concat(chunks).toString('utf8'), basename(path));
    for (const indicator of parsed.indicators) loaded.indicators.push(indicator);
    loaded.problems.push(...parsed.rejected.map((p) => ({ ...p, input: path })));
    loaded.skipped += parsed.skipped;
  }
  return loaded;
}

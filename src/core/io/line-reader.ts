// Streaming input shared by every importer: files, `.gz` (detected by magic bytes, not by name)
// and `-` for stdin, delivered as raw byte chunks or as numbered lines without decoding, so
// byte-level parsers can work on the buffer directly.

import { createReadStream, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const READ_CHUNK = 1 << 20;

/** Longest line read by default: far beyond any log record, small enough to hold. */
export const MAX_LINE_BYTES = 1 << 20;
/**
 * Gzip expansion refused by default. Real logs compress 5-50×; deflate tops out near 1032× (a run of one byte),
 * so a bomb is caught after a few MiB of output, and a gentler one by the absolute bound.
 */
export const MAX_GZIP_RATIO = 200;
export const MAX_GZIP_BYTES = 64 * 1024 ** 3;
/** The ratio is judged only past this much output, so small, very repetitive files pass. */
const GZIP_RATIO_AFTER = 16 << 20;

/** An input over a reading limit (decompressed size, line length). `statusCode`: the HTTP layer answers 413. */
export class InputLimitError extends RangeError {
  readonly statusCode = 413;
  readonly code = 'INPUT_TOO_LARGE';
}

/** How an input is read; every field is optional. */
export interface InputOptions {
  /** The input as the user knows it, for error messages (default: its path). */
  name?: string;
  /** Stops the read: the pending call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Longest line, in bytes (default `MAX_LINE_BYTES`); a longer one is skipped up to its newline. */
  maxLineBytes?: number;
  /** Largest gzip expansion ratio (default `MAX_GZIP_RATIO`) and decompressed size (default `MAX_GZIP_BYTES`). */
  maxGzipRatio?: number;
  maxGzipBytes?: number;
}

/** Chunk readers: `onLongLine` is called, in order, where a skipped line was; without it such a line is an error. */
export interface ChunkOptions extends InputOptions {
  onLongLine?: () => void | Promise<void>;
}

/** Line readers: as `ChunkOptions`, with the skipped line's number. */
export interface LineOptions extends InputOptions {
  onLongLine?: (lineNumber: number) => void;
}

const mib = (bytes: number) =>
  bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function longLineError(options: InputOptions): InputLimitError {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  return new InputLimitError(`${options.name ?? 'input'}: a line is longer than ${mib(max)}`);
}

/** Opens a path (or `-` for stdin) as a stream of decompressed bytes. */
export function openInput(path: string, options: InputOptions = {}): Readable {
  const raw = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK });
  return decompressIfGzip(raw, { ...options, name: options.name ?? path });
}

/** Peeks at the first bytes and inserts gunzip (with its expansion bounded) when they carry the gzip magic number. */
export function decompressIfGzip(raw: Readable, options: InputOptions = {}): Readable {
  const out = new PassThrough({ highWaterMark: READ_CHUNK });
  const { signal } = options;
  if (signal) {
    // Destroyed with the signal's own reason (addAbortSignal would wrap it), so callers see what they aborted with.
    const stop = () => out.destroy(signal.reason);
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    out.once('close', () => signal.removeEventListener('abort', stop));
  }
  let head: Buffer = Buffer.alloc(0);
  const decide = (): void => {
    raw.off('data', onData);
    raw.off('end', onEnd);
    raw.off('error', onError);
    if (head.length < 2) {
      out.end(head);
      return;
    }
    raw.pause();
    raw.unshift(head);
    const done = (error: Error | null) => {
      if (error) out.destroy(error);
    };
    if (head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) pipeline(raw, ...gunzipBounded(options), out, done);
    else pipeline(raw, out, done);
  };
  const onData = (chunk: Buffer): void => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    if (head.length >= 2) decide();
  };
  const onEnd = decide;
  const onError = (error: Error) => out.destroy(error);
  raw.on('data', onData);
  raw.on('end', onEnd);
  raw.on('error', onError);
  // A reader that stops early (or is aborted) closes the file too.
  out.on('close', () => {
    if (!raw.destroyed && raw !== process.stdin) raw.destroy();
  });
  return out;
}

/** Gunzip followed by a meter that stops a decompression bomb by ratio or by size. */
function gunzipBounded(options: InputOptions): [Transform, Transform] {
  const gunzip = createGunzip({ chunkSize: READ_CHUNK });
  const maxRatio = options.maxGzipRatio ?? MAX_GZIP_RATIO;
  const maxBytes = options.maxGzipBytes ?? MAX_GZIP_BYTES;
  const name = options.name ?? 'input';
  let expanded = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      expanded += chunk.length;
      // bytesWritten: compressed bytes the engine took so far (it may run ahead of the output, never behind).
      const compressed = gunzip.bytesWritten;
      if (expanded > maxBytes)
        return callback(new InputLimitError(`${name}: decompresses to more than ${mib(maxBytes)}; refused`));
      if (expanded > GZIP_RATIO_AFTER && expanded > maxRatio * compressed)
        return callback(
          new InputLimitError(
            `${name}: gzip expands more than ${maxRatio}× (${mib(expanded)} from ${mib(compressed)}); refused as a decompression bomb`,
          ),
        );
      callback(null, chunk);
    },
  });
  return [gunzip, meter];
}

/** Receives each line as a byte range of `buf` (no trailing `\n` or `\r`), numbered from 1. */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNumber: number) => void;

/**
 * Splits a byte stream into lines without decoding them, numbered from 1 (a skipped long line keeps its number).
 * Returns the number of lines seen.
 */
export async function forEachLine(
  input: AsyncIterable<Buffer | string>,
  onLine: LineHandler,
  options: LineOptions = {},
): Promise<number> {
  let lineNumber = 0;
  const { onLongLine } = options;
  await forEachChunk(
    input,
    (buf, start, end) => {
      lineNumber = linesOfChunk(buf, start, end, lineNumber, onLine);
    },
    {
      ...options,
      onLongLine: onLongLine ? () => onLongLine(++lineNumber) : undefined,
    },
  );
  return lineNumber;
}

/**
 * Receives whole lines: buf[start, end) holds one or more lines, each ending with `\n` (a last
 * line without one gets it added), so a byte-level parser can walk many lines in one call.
 * The handler is done with `buf` when it returns, unless `owned` (see `BufferSource`): then
 * `buf` views a whole buffer of the handler's, which the reader never touches again. A promise
 * it returns is awaited before the next chunk (back-pressure, e.g. while another thread catches up).
 */
export type ChunkHandler = (buf: Buffer, start: number, end: number, owned?: boolean) => void | Promise<void>;

/**
 * Where `forEachFileChunk` reads a regular file into, when given: each read goes into a buffer
 * from `allocate` (at least `bytes` long), handed to the handler as its own. A reader that passes
 * chunks on to another thread then sends the very buffer the file was read into.
 */
export interface BufferSource {
  /** Bytes per read (4 MiB without a source). */
  size: number;
  allocate(bytes: number): ArrayBuffer;
}

const FILE_CHUNK = 4 << 20;

/**
 * Where the first line of buf[from, to) (whole lines) longer than `max` starts, or -1. Steps `max` bytes at a time,
 * looking back for a newline: a few probes per chunk, however many lines it holds.
 */
function findLongLine(buf: Buffer, from: number, to: number, max: number): number {
  let at = from;
  while (to - at > max + 1) {
    const newline = buf.lastIndexOf(NEWLINE, at + max);
    if (newline < at) return at;
    at = newline + 1;
  }
  return -1;
}

/**
 * Hands buf[from, to) (whole lines) to `onChunk`, leaving out lines longer than the limit (told to `onLongLine` in
 * their place). Returns whether `buf` was handed over (`owned`, delivered in one piece).
 */
async function deliver(
  buf: Buffer,
  from: number,
  to: number,
  owned: boolean,
  onChunk: ChunkHandler,
  options: ChunkOptions,
): Promise<boolean> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  let at = from;
  for (let long = findLongLine(buf, at, to, max); long >= 0; long = findLongLine(buf, at, to, max)) {
    if (long > at) await onChunk(buf, at, long);
    await skipped(options);
    at = buf.indexOf(NEWLINE, long) + 1;
  }
  if (at >= to) return false;
  const whole = owned && at === from;
  await onChunk(buf, at, to, whole);
  return whole;
}

async function skipped(options: ChunkOptions): Promise<void> {
  if (!options.onLongLine) throw longLineError(options);
  await options.onLongLine();
}

/**
 * Splits a byte stream into runs of whole lines (see `ChunkHandler`). Linear: a line spanning pieces is joined once,
 * and a line longer than the limit is dropped as it arrives, never held.
 */
export async function forEachChunk(
  input: AsyncIterable<Buffer | string>,
  onChunk: ChunkHandler,
  options: ChunkOptions = {},
): Promise<void> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  // The start of a line spanning pieces, kept as pieces; or, past the limit, skipping to its newline.
  let parts: Buffer[] = [];
  let carried = 0;
  let skipping = false;
  options.signal?.throwIfAborted();
  for await (const piece of input) {
    options.signal?.throwIfAborted();
    const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let from = 0;
    if (skipping || carried > 0) {
      const newline = buf.indexOf(NEWLINE);
      const length = carried + (newline < 0 ? buf.length : newline);
      if (skipping || length > max) {
        if (!skipping) await skipped(options);
        parts = [];
        carried = 0;
        skipping = newline < 0;
        if (skipping) continue;
      } else if (newline < 0) {
        parts.push(buf);
        carried += buf.length;
        continue;
      } else {
        parts.push(buf.subarray(0, newline + 1));
        const line = Buffer.concat(parts);
        parts = [];
        carried = 0;
        await onChunk(line, 0, line.length);
      }
      from = newline + 1;
    }
    const last = buf.lastIndexOf(NEWLINE);
    const whole = last >= from ? last + 1 : from;
    await deliver(buf, from, whole, false, onChunk, options);
    if (buf.length - whole > max) {
      await skipped(options);
      skipping = true;
    } else if (whole < buf.length) {
      parts.push(buf.subarray(whole));
      carried = buf.length - whole;
    }
  }
  if (carried > 0) await onChunk(Buffer.concat([...parts, Buffer.from('\n')]), 0, carried + 1);
}

/**
 * `forEachChunk` over a path: regular files are read into two reusable buffers (no stream, no
 * copy per chunk), or into buffers from `into`; `-` (stdin) and gzip files (detected by magic
 * bytes) go through `openInput`.
 */
export async function forEachFileChunk(
  path: string,
  onChunk: ChunkHandler,
  into?: BufferSource,
  options: ChunkOptions = {},
): Promise<void> {
  const named = { ...options, name: options.name ?? path };
  if (path === '-') return forEachChunk(openInput(path, named), onChunk, named);
  named.signal?.throwIfAborted();
  const max = named.maxLineBytes ?? MAX_LINE_BYTES;
  const file = await open(path, 'r');
  const allocate = (bytes: number) => (into ? Buffer.from(into.allocate(bytes)) : Buffer.allocUnsafe(bytes));
  // With `into`, the caller hands chunks on to other threads and has nothing else to do: it reads
  // synchronously, without a hop through the thread pool per chunk (5 M EVE events, 2 threads:
  // 3.27-3.73 s against 3.54-4.62 s, 4 alternating runs).
  const read = (buffer: Buffer, at: number) =>
    into
      ? Promise.resolve({ bytesRead: readSync(file.fd, buffer, at, buffer.length - at, null) })
      : file.read(buffer, at, buffer.length - at, null);
  try {
    // Two buffers: the next read runs (in the thread pool) while the current one is parsed. The carried partial line
    // is at most the line limit, so a buffer never grows past twice that.
    const size = Math.max(into?.size ?? FILE_CHUNK, 2);
    let current = allocate(size);
    let next = allocate(size);
    let filled = (await read(current, 0)).bytesRead;
    if (filled >= 2 && current[0] === GZIP_MAGIC_0 && current[1] === GZIP_MAGIC_1) {
      await file.close();
      return forEachChunk(openInput(path, named), onChunk, named);
    }
    let eof = filled === 0;
    // Inside a line longer than the limit: its bytes are dropped up to its newline.
    let skipping = false;
    while (!eof || filled > 0) {
      named.signal?.throwIfAborted();
      let from = 0;
      if (skipping) {
        const newline = current.subarray(0, filled).indexOf(NEWLINE);
        skipping = newline < 0;
        from = skipping ? filled : newline + 1;
      }
      const last = filled > from ? current.lastIndexOf(NEWLINE, filled - 1) : -1;
      const whole = last >= from ? last + 1 : from;
      const carry = filled - whole;
      if (carry > max) {
        // Lines before it first, then the long line in its place.
        const handedOver = await deliver(current, from, whole, into !== undefined, onChunk, named);
        await skipped(named);
        if (handedOver) current = allocate(size);
        skipping = true;
        if (eof) break;
        const { bytesRead } = await read(current, 0);
        eof = bytesRead === 0;
        filled = bytesRead;
        continue;
      }
      if (eof) {
        await deliver(current, from, whole, into !== undefined, onChunk, named);
        if (carry > 0) {
          const tail = Buffer.allocUnsafe(carry + 1);
          current.copy(tail, 0, whole, filled);
          tail[carry] = NEWLINE;
          await onChunk(tail, 0, carry + 1);
        }
        break;
      }
      if (next.length < carry * 2) next = allocate(Math.max(next.length, carry) * 2);
      current.copy(next, 0, whole, filled);
      const reading = read(next, carry);
      const handedOver = await deliver(current, from, whole, into !== undefined, onChunk, named);
      const { bytesRead } = await reading;
      eof = bytesRead === 0;
      const swap = current;
      current = next;
      // A handed-over buffer is the handler's.
      next = handedOver ? allocate(size) : swap;
      filled = carry + bytesRead;
    }
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** Calls `onLine` for each line of a chunk (see `ChunkHandler`), numbered after `lineNumber`; returns the last number. */
export function linesOfChunk(buf: Buffer, start: number, end: number, lineNumber: number, onLine: LineHandler): number {
  let n = lineNumber;
  let at = start;
  while (at < end) {
    let newline = buf.indexOf(NEWLINE, at);
    if (newline < 0 || newline >= end) newline = end;
    const lineEnd = newline > at && buf[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
    onLine(buf, at, lineEnd, ++n);
    at = newline + 1;
  }
  return n;
}

/** Convenience for small inputs: every line of a file (or stdin) as text. */
export async function readTextLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  await forEachLine(openInput(path), (buf, start, end) => lines.push(buf.toString('utf8', start, end)), {
    name: path,
  });
  return lines;
}

// Streaming input shared by every importer: files, `.gz` (detected by magic bytes, not by name)
// and `-` for stdin, delivered as raw byte chunks or as numbered lines without decoding, so
// byte-level parsers can work on the buffer directly.

import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const READ_CHUNK = 1 << 20;

/** Opens a path (or `-` for stdin) as a stream of decompressed bytes. */
export function openInput(path: string): Readable {
  const raw = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK });
  return decompressIfGzip(raw);
}

/** Peeks at the first bytes and inserts gunzip when they carry the gzip magic number. */
export function decompressIfGzip(raw: Readable): Readable {
  const out = new PassThrough({ highWaterMark: READ_CHUNK });
  let decided = false;
  let head: Buffer = Buffer.alloc(0);
  const decide = (): void => {
    decided = true;
    raw.off('data', onData);
    raw.off('end', onEnd);
    const isGzip = head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
    const target = isGzip ? createGunzip({ chunkSize: READ_CHUNK }) : out;
    if (isGzip) {
      target.on('error', (error) => out.destroy(error));
      target.pipe(out);
    }
    target.write(head);
    raw.pipe(target);
    if (raw.readableEnded) target.end();
  };
  const onData = (chunk: Buffer): void => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    if (head.length >= 2) decide();
  };
  const onEnd = (): void => {
    if (!decided) decide();
  };
  raw.on('data', onData);
  raw.on('end', onEnd);
  raw.on('error', (error) => out.destroy(error));
  return out;
}

/** Receives each line as a byte range of `buf` (no trailing `\n` or `\r`), numbered from 1. */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNumber: number) => void;

/**
 * Splits a byte stream into lines without decoding them. Lines never span chunks: a partial
 * tail is carried into the next chunk. Returns the number of lines seen.
 */
export async function forEachLine(input: AsyncIterable<Buffer | string>, onLine: LineHandler): Promise<number> {
  let carry: Buffer | null = null;
  let lineNumber = 0;
  for await (const piece of input) {
    let buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (carry) {
      buf = Buffer.concat([carry, buf]);
      carry = null;
    }
    let start = 0;
    let newline = buf.indexOf(NEWLINE, start);
    while (newline >= 0) {
      const end = newline > start && buf[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
      onLine(buf, start, end, ++lineNumber);
      start = newline + 1;
      newline = buf.indexOf(NEWLINE, start);
    }
    if (start < buf.length) carry = buf.subarray(start);
  }
  if (carry && carry.length > 0) {
    const end = carry[carry.length - 1] === CARRIAGE_RETURN ? carry.length - 1 : carry.length;
    onLine(carry, 0, end, ++lineNumber);
  }
  return lineNumber;
}

/** Convenience for small inputs: every line of a file (or stdin) as text. */
export async function readTextLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  await forEachLine(openInput(path), (buf, start, end) => lines.push(buf.toString('utf8', start, end)));
  return lines;
}

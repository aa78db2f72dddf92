// A gzip of zeros (2 MB that inflates to 2 GiB, no newline) pinned a CPU for hours: the reader joined its carry to
// every new chunk (quadratic), and held the whole line. Now: linear, a line over 1 MiB is skipped by number, a gzip
// that expands like a bomb is refused naming the file, and an abort stops a read.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forEachChunk,
  forEachFileChunk,
  forEachLine,
  InputLimitError,
  openInput,
} from '../../src/core/io/line-reader.ts';
import { analyzeStreams } from '../../src/modules/soc/analyze.ts';
import { zeekConnLine, zeekHeader } from '../../src/modules/soc/generator/writers.ts';

const dir = mkdtempSync(join(tmpdir(), 'khien-hostile-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1 << 20;
const ZEROS = Buffer.alloc(MiB);

/** `before`, then `mib` MiB of zero bytes (no newline), then `after`: gzipped when `gzip`. */
async function write(name: string, before: string, mib: number, after: string, gzip: boolean): Promise<string> {
  const path = join(dir, name);
  async function* body() {
    yield Buffer.from(before);
    for (let i = 0; i < mib; i++) yield ZEROS;
    yield Buffer.from(after);
  }
  if (gzip) await pipeline(Readable.from(body()), createGzip({ level: 1 }), createWriteStream(path));
  else await pipeline(Readable.from(body()), createWriteStream(path));
  return path;
}

/** Peak of `arrayBuffers` (Buffers live outside the JS heap) while `run` runs, above the level before it. */
async function peakBuffers<T>(run: () => Promise<T>): Promise<{ result: T; peak: number }> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
  }, 5);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

const GOOD = 'good 1\n';
const AFTER = '\ngood 3\ngood 4\n';

describe('line reader on hostile input', () => {
  let bomb: string;
  let longGz: string;
  let longPlain: string;
  beforeAll(async () => {
    bomb = await write('zeros.log.gz', '', 200, '', true);
    // Line 2 is 200 MiB long; lines 3 and 4 are good.
    longGz = await write('long.log.gz', GOOD, 200, AFTER, true);
    longPlain = await write('long.log', GOOD, 64, AFTER, false);
  }, 60_000);

  it('refuses a gzip that expands like a bomb, naming the file, after little output', async () => {
    const started = performance.now();
    const { result, peak } = await peakBuffers(() =>
      forEachChunk(openInput(bomb, { name: 'zeros.log.gz' }), () => undefined, { onLongLine: () => undefined }).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(result).toBeInstanceOf(InputLimitError);
    expect((result as Error).message).toMatch(/^zeros\.log\.gz: gzip expands more than 200×.*decompression bomb/);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(peak).toBeLessThan(64 * MiB);
  });

  it('refuses past an absolute decompressed size', async () => {
    const error = await forEachChunk(
      openInput(longGz, { maxGzipRatio: 2000, maxGzipBytes: 50 * MiB }),
      () => undefined,
      {
        onLongLine: () => undefined,
      },
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputLimitError);
    expect((error as Error).message).toBe(`${longGz}: decompresses to more than 50.0 MiB; refused`);
  });

  it('skips a 200 MiB line of a gzip in linear time and bounded memory, by number, and reads the next lines', async () => {
    const lines: Array<[number, string]> = [];
    const long: number[] = [];
    const started = performance.now();
    const { result: count, peak } = await peakBuffers(() =>
      forEachLine(
        openInput(longGz, { maxGzipRatio: 2000 }),
        (buf, start, end, n) => lines.push([n, buf.toString('latin1', start, end)]),
        { onLongLine: (n) => long.push(n) },
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(5);
    expect(long).toEqual([2]);
    expect(lines).toEqual([
      [1, 'good 1'],
      [3, 'good 3'],
      [4, 'good 4'],
    ]);
    expect(count).toBe(4);
    expect(peak).toBeLessThan(64 * MiB);
    console.log(`200 MiB line in gzip: ${seconds.toFixed(2)} s, peak arrayBuffers +${(peak / MiB).toFixed(1)} MiB`);
  });

  it('skips a 64 MiB line of a plain file in place, with buffers that never grow', async () => {
    const runs: string[] = [];
    const order: string[] = [];
    const started = performance.now();
    const { peak } = await peakBuffers(() =>
      forEachFileChunk(
        longPlain,
        (buf, start, end) => {
          runs.push(buf.toString('latin1', start, end));
          order.push('lines');
        },
        undefined,
        { onLongLine: () => void order.push('long') },
      ),
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(runs.join('')).toBe('good 1\ngood 3\ngood 4\n');
    expect(order).toEqual(['lines', 'long', 'lines']);
    // Two 4 MiB read buffers; the old reader doubled them to hold the whole line (>128 MiB).
    expect(peak).toBeLessThan(32 * MiB);
  });

  it('without a handler, a long line is an error naming the input', async () => {
    const error = await forEachFileChunk(longPlain, () => undefined, undefined, { name: 'long.log' }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(InputLimitError);
    expect((error as Error).message).toBe('long.log: a line is longer than 1.0 MiB');
  });

  it('finds long lines in the middle of a read and at the edges of pieces, keeping every other line', async () => {
    const lines = ['a', 'x'.repeat(40), 'b', 'y'.repeat(17), 'c', 'z'.repeat(100), 'd'];
    const text = `${lines.join('\n')}\n`;
    // Every piece size, so long lines start, end and span at every position of a piece.
    for (const size of [1, 2, 3, 7, 16, 41, 64, 1000]) {
      const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
        Buffer.from(text.slice(i * size, (i + 1) * size)),
      );
      const seen: Array<[number, string]> = [];
      await forEachLine(
        Readable.from(pieces),
        (buf, start, end, n) => seen.push([n, buf.toString('latin1', start, end)]),
        { maxLineBytes: 16, onLongLine: (n) => seen.push([n, 'LONG']) },
      );
      expect(seen, `pieces of ${size}`).toEqual(lines.map((line, i) => [i + 1, line.length > 16 ? 'LONG' : line]));
    }
    const path = join(dir, 'mixed.log');
    writeFileSync(path, text);
    for (const size of [8, 32, 64, 4096]) {
      const order: string[] = [];
      await forEachFileChunk(
        path,
        (buf, start, end) => void order.push(...buf.toString('latin1', start, end).split('\n').slice(0, -1)),
        { size, allocate: (bytes) => new ArrayBuffer(bytes) },
        { maxLineBytes: 16, onLongLine: () => void order.push('LONG') },
      );
      expect(order, `reads of ${size}`).toEqual(lines.map((line) => (line.length > 16 ? 'LONG' : line)));
    }
  });

  it('reports a long line of a log by its number and analyses the rest', async () => {
    const t0 = 1_700_000_000;
    const flow = (i: number) =>
      zeekConnLine(
        {
          ts: t0 + i,
          src: '10.0.0.1',
          srcPort: 40000 + i,
          dst: '10.0.1.1',
          dstPort: 22,
          proto: 'tcp',
          state: 'SF',
          origBytes: 1,
          respBytes: 1,
        },
        `C${i}`,
      ).trimEnd();
    const path = join(dir, 'conn.log');
    const before = [...zeekHeader('conn', t0).trimEnd().split('\n'), flow(1), flow(2)];
    writeFileSync(path, `${before.join('\n')}\n${'q'.repeat(3 * MiB)}\n${flow(3)}\n`);
    const gz = join(dir, 'conn.log.gz');
    await pipeline(createReadStream(path), createGzip(), createWriteStream(gz));
    // A file read in place, a gzip through a stream, a caller's stream; the format named or recognised.
    for (const [input, format] of [
      [{ name: 'conn.log', path }, 'zeek-tsv'],
      [{ name: 'conn.log', path }, 'auto'],
      [{ name: 'conn.log', path: gz }, 'zeek-tsv'],
      [{ name: 'conn.log', stream: createReadStream(path) }, 'zeek-tsv'],
    ] as const) {
      const result = await analyzeStreams([input], { format });
      expect(result.events, `${format} ${input.path ?? 'stream'}`).toBe(3);
      expect(result.errors).toEqual([
        { input: 'conn.log', line: before.length + 1, reason: 'line longer than 1 MiB, skipped' },
      ]);
    }
  });

  it('stops a read when its signal is aborted', async () => {
    // A source that never ends, as a client still sending would be.
    const endless = new Readable({
      read() {
        setTimeout(() => this.push(Buffer.from('line\n')), 1);
      },
    });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('client gone')), 50);
    const started = performance.now();
    const error = await forEachChunk(endless, () => undefined, { signal: abort.signal }).catch((e: Error) => e);
    expect((error as Error).message).toBe('client gone');
    expect(performance.now() - started).toBeLessThan(1500);

    // A file: stops between reads, not at the end of the file.
    const fileAbort = new AbortController();
    let chunks = 0;
    const fileError = await forEachFileChunk(
      longPlain,
      () => {
        chunks++;
        fileAbort.abort(new Error('stop'));
      },
      undefined,
      { signal: fileAbort.signal, onLongLine: () => undefined },
    ).catch((e: Error) => e);
    expect((fileError as Error).message).toBe('stop');
    expect(chunks).toBe(1);

    // A gzip stream waiting on its input.
    const gzAbort = new AbortController();
    const manyLines = join(dir, 'lines.log.gz');
    const block = Buffer.from('line\n'.repeat(MiB / 5));
    await pipeline(
      Readable.from(Array.from({ length: 50 }, () => block)),
      createGzip({ level: 1 }),
      createWriteStream(manyLines),
    );
    const gzStarted = performance.now();
    setTimeout(() => gzAbort.abort(new Error('gone')), 20);
    let gzChunks = 0;
    const gzError = await forEachChunk(openInput(manyLines, { signal: gzAbort.signal, maxGzipRatio: 2000 }), () => {
      gzChunks++;
      return new Promise((resolve) => setTimeout(resolve, 5));
    }).catch((e: Error) => e);
    expect((gzError as Error).message).toBe('gone');
    expect(gzChunks).toBeLessThan(20);
    expect(performance.now() - gzStarted).toBeLessThan(1500);
  });
});

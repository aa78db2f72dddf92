// The file reader hands out whole lines, also when its buffers are handed over (and sent away).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachFileChunk } from './line-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'khien-line-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Short lines, one longer than a read, and a last line without its newline.
const lines = ['first', 'x'.repeat(50), ...Array.from({ length: 40 }, (_, i) => `line ${i}`), 'y'.repeat(300), 'last'];
const text = lines.join('\n');

/** The lines a read delivers, and how many of its buffers were handed over. */
async function read(path: string, size?: number) {
  const seen: string[] = [];
  let handedOver = 0;
  const allocated = new Set<ArrayBuffer>();
  await forEachFileChunk(
    path,
    (buf, start, end, owned) => {
      seen.push(...buf.toString('utf8', start, end).split('\n').slice(0, -1));
      if (!owned) return;
      handedOver++;
      expect(allocated.has(buf.buffer as ArrayBuffer)).toBe(true);
      // Sent to another thread, as analyze-parallel does: the reader must not need it again.
      structuredClone(buf.buffer, { transfer: [buf.buffer as ArrayBuffer] });
    },
    size
      ? {
          size,
          allocate: (bytes) => {
            const buffer = new ArrayBuffer(bytes);
            allocated.add(buffer);
            return buffer;
          },
        }
      : undefined,
  );
  return { seen, handedOver };
}

describe('forEachFileChunk', () => {
  const plain = join(dir, 'plain.log');
  writeFileSync(plain, text);

  it('reads whole lines into reused buffers, or into buffers it hands over', async () => {
    expect((await read(plain)).seen).toEqual(lines);
    for (const size of [16, 64, 4096]) {
      const { seen, handedOver } = await read(plain, size);
      expect(seen, `reads of ${size} bytes`).toEqual(lines);
      expect(handedOver).toBeGreaterThan(0);
    }
  });

  it('reads a gzip file through a stream, handing nothing over', async () => {
    const gzip = join(dir, 'plain.log.gz');
    writeFileSync(gzip, gzipSync(text));
    expect(await read(gzip, 64)).toEqual({ seen: lines, handedOver: 0 });
  });
});

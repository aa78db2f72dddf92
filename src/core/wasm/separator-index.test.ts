import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { SeparatorIndex } from './separator-index.ts';

/** What the kernel must find, the slow way. */
function expected(bytes: Uint8Array, a: number, b: number) {
  const separators: number[] = [];
  const newlines: number[] = [];
  bytes.forEach((byte, i) => {
    if (byte === 10) newlines.push(separators.length);
    if (byte === 10 || byte === a || byte === b) separators.push(i);
  });
  return { separators, newlines };
}

function found(index: SeparatorIndex) {
  return {
    separators: [...index.separators.subarray(0, index.count)],
    newlines: [...index.newlines.subarray(0, index.lines)],
  };
}

describe('SeparatorIndex (WebAssembly SIMD)', () => {
  const index = SeparatorIndex.create(9) as SeparatorIndex;

  it('is available on this Node', () => {
    expect(index).not.toBeNull();
  });

  it('finds tabs and newlines of a Zeek line, with their offsets in the copy', () => {
    const line = Buffer.from('xx1717218000.5\t10.0.0.1\t-\n\t\nyy');
    index.index(line, 2, line.length - 2);
    expect(found(index)).toEqual({ separators: [12, 21, 23, 24, 25], newlines: [2, 4] });
    expect(index.text.toString('latin1', 0, 12)).toBe('1717218000.5');
  });

  it('agrees with a byte-by-byte scan on random inputs of every length around the 64-byte blocks', () => {
    const random = seededRandom(7);
    const quotes = SeparatorIndex.create(34, 92) as SeparatorIndex;
    for (let length = 0; length < 300; length++) {
      // Mostly separators in some inputs, none in others, bytes ≥ 128 too.
      const density = random();
      const bytes = Uint8Array.from({ length }, () =>
        random() < density ? ([9, 10, 34, 92][Math.floor(random() * 4)] as number) : Math.floor(random() * 256),
      );
      index.index(bytes, 0, length);
      expect(found(index)).toEqual(expected(bytes, 9, 9));
      quotes.index(bytes, 0, length);
      expect(found(quotes)).toEqual(expected(bytes, 34, 92));
    }
  });

  it('grows for a large input and still finds a separator in every byte', () => {
    const bytes = new Uint8Array(3 << 20).fill(9);
    bytes[bytes.length - 1] = 10;
    index.index(bytes, 0, bytes.length);
    expect(index.count).toBe(bytes.length);
    expect(index.lines).toBe(1);
    expect(index.separators[bytes.length - 1]).toBe(bytes.length - 1);
    // A small input after a large one sees none of the large one's bytes.
    index.index(Buffer.from('a\tb'), 0, 3);
    expect(found(index)).toEqual({ separators: [1], newlines: [] });
  });
});

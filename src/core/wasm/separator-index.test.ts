import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { type SeparatorBytes, SeparatorIndex } from './separator-index.ts';

/** What the kernel must find, the slow way. */
function expected(bytes: Uint8Array, { byte, followedBy, also }: SeparatorBytes) {
  const separators: number[] = [];
  const newlines: number[] = [];
  bytes.forEach((b, i) => {
    if (b === 10) newlines.push(separators.length);
    const followed = followedBy === undefined || (bytes[i + 1] ?? 0) === followedBy;
    if (b === 10 || (b === byte && followed) || b === also) separators.push(i);
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
  const tabs: SeparatorBytes = { byte: 9 };
  const jsonKeys: SeparatorBytes = { byte: 34, followedBy: 58, also: 92 };
  const index = SeparatorIndex.create(tabs) as SeparatorIndex;

  it('is available on this Node', () => {
    expect(index).not.toBeNull();
  });

  it('finds the closing quotes of JSON keys, and backslashes, not the quotes of values', () => {
    const keys = SeparatorIndex.create(jsonKeys) as SeparatorIndex;
    const line = Buffer.from('{"a":"x:y","bc":1,"d\\"":2}\n');
    keys.index(line, 0, line.length);
    expect(found(keys)).toEqual({ separators: [3, 14, 20, 22, 26], newlines: [4] });
  });

  it('finds tabs and newlines of a Zeek line, with their offsets in the copy', () => {
    const line = Buffer.from('xx1717218000.5\t10.0.0.1\t-\n\t\nyy');
    index.index(line, 2, line.length - 2);
    expect(found(index)).toEqual({ separators: [12, 21, 23, 24, 25], newlines: [2, 4] });
    expect(index.text.toString('latin1', 0, 12)).toBe('1717218000.5');
  });

  it('agrees with a byte-by-byte scan on random inputs of every length around the 64-byte blocks', () => {
    const random = seededRandom(7);
    const keys = SeparatorIndex.create(jsonKeys) as SeparatorIndex;
    const quotesBeforeColons: SeparatorBytes = { byte: 34, followedBy: 58 };
    const colons = SeparatorIndex.create(quotesBeforeColons) as SeparatorIndex;
    for (let length = 0; length < 300; length++) {
      // Mostly separators in some inputs, none in others, bytes ≥ 128 too.
      const density = random();
      const bytes = Uint8Array.from({ length }, () =>
        random() < density ? ([9, 10, 34, 92][Math.floor(random() * 4)] as number) : Math.floor(random() * 256),
      );
      index.index(bytes, 0, length);
      expect(found(index)).toEqual(expected(bytes, tabs));
      keys.index(bytes, 0, length);
      expect(found(keys)).toEqual(expected(bytes, jsonKeys));
      colons.index(bytes, 0, length);
      expect(found(colons)).toEqual(expected(bytes, quotesBeforeColons));
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

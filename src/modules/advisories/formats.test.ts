import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseAdvisoryFile } from './formats.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../tests/fixtures/advisories/${name}`, import.meta.url), 'utf8');

/** The offset V8 names, where its message names one. */
const v8Offset = (text: string) => {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const m = /at position (\d+)/.exec((e as Error).message);
    return m ? Number(m[1]) : undefined;
  }
};

describe('jsonErrorOffset', () => {
  it('locates the end of a document nested far deeper than a call stack allows', () => {
    const deep = `{"a":${'['.repeat(200_000)}`;
    expect(jsonErrorOffset(deep)).toBe(deep.length);
    expect(jsonErrorOffset(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}x`)).toBe(100_000 * 6 + 1);
  });

  it('finds where a real advisory stops being JSON, as V8 does, after each kind of damage', () => {
    const text = fixture('va-24-262-01.json');
    // Cut the file, drop a character, or replace one, at many places; wherever V8 names a position, agree with it.
    let compared = 0;
    for (let at = 1; at < text.length; at += 37) {
      for (const broken of [
        text.slice(0, at),
        text.slice(0, at) + text.slice(at + 1),
        `${text.slice(0, at)}}${text.slice(at + 1)}`,
      ]) {
        const expected = v8Offset(broken);
        if (expected === null) continue;
        if (expected !== undefined) {
          expect(jsonErrorOffset(broken), `damage at ${at}`).toBe(expected);
          compared++;
        } else expect(jsonErrorOffset(broken)).toBeLessThanOrEqual(broken.length);
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('names the first bad character of literals and numbers', () => {
    expect(jsonErrorOffset('{"a":tru}')).toBe(8);
    expect(jsonErrorOffset('[1,2,]')).toBe(5);
    expect(jsonErrorOffset('{"a":01}')).toBe(6);
  });
});

describe('parseAdvisoryFile', () => {
  it('refuses nesting deeper than any advisory without exhausting the stack', () => {
    const deep = `{"document":{"csaf_version":"2.0","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(() => parseAdvisoryFile(Buffer.from(deep), 'deep.json')).toThrow(/nested deeper than 64 levels/);
  });

  it('refuses the NUL character, naming where it is', () => {
    const doc = JSON.parse(fixture('va-24-262-01.json'));
    doc.vulnerabilities[0].notes[0].text = 'bad\u0000text';
    expect(() => parseAdvisoryFile(Buffer.from(JSON.stringify(doc)), 'nul.json')).toThrow(
      'nul.json: /vulnerabilities/0/notes/0/text: the NUL character (U+0000) is not allowed',
    );
  });

  it('keeps an unreadable range as written and matches it by name only', () => {
    const doc = JSON.parse(fixture('va-24-262-01.json'));
    doc.product_tree.branches[0].branches[0].branches[0].name = 'see the vendor advisory';
    const parsed = parseAdvisoryFile(Buffer.from(JSON.stringify(doc)), 'range.json');
    expect(parsed.products.find((p) => p.productRef === 'CSAFPID-0001')).toMatchObject({
      rangeText: 'see the vendor advisory',
      status: 'known_affected',
    });
  });
});

describe('parseAdvisoryFile bounds', () => {
  const csaf = (productIds: string[], vulnerabilities: unknown[]) =>
    Buffer.from(
      JSON.stringify({
        document: {
          category: 'csaf_security_advisory',
          csaf_version: '2.0',
          title: 'Bounds',
          publisher: { category: 'vendor', name: 'V', namespace: 'https://v.example' },
          tracking: {
            id: 'V-1',
            version: '1',
            status: 'final',
            initial_release_date: '2024-01-01T00:00:00Z',
            current_release_date: '2024-01-01T00:00:00Z',
            revision_history: [{ number: '1', date: '2024-01-01T00:00:00Z' }],
          },
        },
        product_tree: { full_product_names: productIds.map((id) => ({ name: `P ${id}`, product_id: id })) },
        vulnerabilities,
      }),
    );

  it('refuses more CVEs than a query can carry, with a 400 naming where', () => {
    const vulns = Array.from({ length: 70_000 }, (_, i) => ({ cve: `CVE-2024-${100000 + i}` }));
    expect(() => parseAdvisoryFile(csaf(['p1'], vulns), 'many.json')).toThrow(/vulnerabilities.*more than/);
  });

  it('gives every product of a wide document the remediations that name it', () => {
    // 20 000 products × 60 remediations: the remediations are indexed by product once, not scanned per product
    // (measured: 5.5 s for 20 remediations before, 1.5 s for 60 after).
    const ids = Array.from({ length: 20_000 }, (_, i) => `p${i}`);
    const vulns = [
      {
        cve: 'CVE-2024-0001',
        product_status: { known_affected: ids },
        // All name every product; only the last, a vendor fix, names p1 alone.
        remediations: Array.from({ length: 60 }, (_, r) => ({
          category: r === 59 ? 'vendor_fix' : r ? 'workaround' : 'mitigation',
          details: r === 59 ? 'Update' : `Step ${r}`,
          product_ids: r === 59 ? ['p1'] : ids,
        })),
      },
    ];
    const { products } = parseAdvisoryFile(csaf(ids, vulns), 'wide.json');
    expect(products).toHaveLength(20_000);
    // The vendor fix wins where there is one; otherwise the first remediation naming the product.
    expect(products.find((p) => p.productRef === 'p1')?.remediation).toBe('Update');
    expect(products.find((p) => p.productRef === 'p0')?.remediation).toBe('Step 0');
  }, 60_000);
});

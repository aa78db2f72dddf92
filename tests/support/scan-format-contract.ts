// The one test pattern every report format passes (parsers/formats/*.test.ts): the counts a parse gives equal the
// counts the test computes from the file itself, independently of the parser; reading in small pieces changes
// nothing; a cut or corrupted copy is refused or reported with its position, and nothing of a half record is kept.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import {
  type CollectedScan,
  collectScan,
  type ScanFormat,
  SEVERITIES,
  type Severity,
} from '../../src/modules/vulnerabilities/parsers/index.ts';
import { fixture, lineOf } from './scan-fixtures.ts';

/** What the test counts in the file with its own means (regular expressions, JSON.parse, a CSV split). */
export interface ExpectedCounts {
  /** Distinct hosts (host scanners) or websites (web scanners). */
  subjects: number;
  /** Findings by severity, informational included. */
  bySeverity: Record<Severity, number>;
  /** Findings a parse drops with an issue (rows without an address…); 0 by default. */
  dropped?: number;
}

export const noFindings = (): Record<Severity, number> => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });

export interface FormatCase {
  /** Path under the shared fixtures (`zap/0_zap_sample.xml`) or an absolute path. */
  file: string;
  format: ScanFormat;
  expected: (text: string) => ExpectedCounts;
  /**
   * Where a cut copy ends (a fraction of the file, default 0.6). A cut must land inside a record for the cut test to
   * mean something; formats whose records are lines (CSV, JSON Lines) report the cut line as an issue.
   */
  cutAt?: number;
  /**
   * Where garbage is put (a fraction of the text, default 0.5). In CSV, garbage inside a quoted field is only more text
   * of that field: a case whose middle is quoted puts it between rows.
   */
  garbageAt?: number;
}

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const pathOf = (file: string) => (file.startsWith('/') ? file : fixture(file));

/** Subjects the parse saw: hosts for host scanners, websites for web scanners. */
export const subjectsOf = (scan: CollectedScan) => scan.summary.hosts + scan.summary.websites;

/** Registers the pattern's tests for one fixture (call inside a describe). */
export function formatContract(c: FormatCase): void {
  const bytes = readFileSync(pathOf(c.file));
  const text = bytes.toString('utf8');

  it(`${c.file}: read as ${c.format}, with the counts the file itself gives`, async () => {
    const expected = c.expected(text);
    const scan = await collectScan(bytes);
    expect(scan.fatal).toBeNull();
    expect(scan.format).toBe(c.format);
    expect(subjectsOf(scan)).toBe(expected.subjects);
    expect(scan.summary.findingsBySeverity).toEqual(expected.bySeverity);
    expect(scan.summary.findings).toBe(SEVERITIES.reduce((n, s) => n + expected.bySeverity[s], 0));
    expect(scan.summary.droppedFindings).toBe(expected.dropped ?? 0);
    expect([...scan.hosts, ...scan.websites].every((r) => r.complete)).toBe(true);
    // Every finding says where it was read.
    for (const r of [...scan.hosts, ...scan.websites])
      for (const f of r.findings) expect(f.position.line, `${f.scannerId}`).toBeGreaterThan(0);
  });

  it(`${c.file}: the same result read in small pieces`, async () => {
    const whole = await collectScan(bytes);
    const size = Math.max(7, Math.floor(bytes.length / 97));
    expect(await collectScan(pieces(bytes, size))).toEqual(whole);
  });

  it(`${c.file}: a cut copy says where, and keeps no half record`, async () => {
    const whole = await collectScan(bytes);
    const cut = bytes.subarray(0, Math.floor(bytes.length * (c.cutAt ?? 0.6)));
    const scan = await collectScan(cut);
    if (scan.fatal) {
      expect(['truncated', 'not-well-formed']).toContain(scan.fatal.kind);
      expect(scan.fatal.line ?? scan.fatal.message.match(/line \d+/)?.[0]).toBeTruthy();
      expect(scan.summary.complete).toBe(false);
      // What the cut copy gives as complete is exactly what the whole file gives; the record open at the cut is not.
      const records = [...whole.hosts, ...whole.websites];
      for (const r of [...scan.hosts, ...scan.websites]) if (r.complete) expect(records).toContainEqual(r);
    } else {
      // Line-based formats: the cut line is reported with its position and refused.
      expect(scan.issues.length).toBeGreaterThan(0);
      expect(scan.issues.at(-1)?.line).toBeGreaterThan(0);
    }
    // Nothing the cut copy reports as complete is more than the whole file holds.
    expect(scan.summary.findings).toBeLessThanOrEqual(whole.summary.findings);
  });

  it(`${c.file}: garbage in the middle is reported at its line`, async () => {
    const middle = Math.floor(text.length * (c.garbageAt ?? 0.5));
    const broken = `${text.slice(0, middle)}\u0001<<{{"",,]]\n${text.slice(middle)}`;
    const line = lineOf(broken, middle);
    const scan = await collectScan(broken);
    if (scan.fatal) expect(scan.fatal.line).toBe(line);
    else {
      // Line-based formats report the garbage's line; an issue the file has anyway must not pass for that one.
      const before = (await collectScan(bytes)).issues.filter((i) => i.line === line).length;
      expect(scan.issues.filter((i) => i.line === line).length).toBeGreaterThan(before);
    }
  });
}

// Precision and recall against the synthetic generator's ground truth, on the same flows
// written as Zeek TSV, Zeek JSON and Suricata EVE.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AnalyzeResult, analyzeStreams, loadIntelFiles } from '../../src/modules/soc/analyze.ts';
import { type Dataset, type DatasetFormat, writeDataset } from '../../src/modules/soc/generator/write-dataset.ts';

const dir = mkdtempSync(join(tmpdir(), 'khien-soc-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const formats: DatasetFormat[] = ['zeek-tsv', 'zeek-json', 'eve'];

describe('detection against the generator ground truth', async () => {
  const dataset: Dataset = await writeDataset(dir, {
    seed: 7,
    durationSeconds: 3600,
    backgroundFlowsPerSecond: 40,
    gzip: true,
  });
  const truth = dataset.truth;
  const intel = await loadIntelFiles([dataset.intelFile]);
  const results = new Map<DatasetFormat, AnalyzeResult>();
  for (const format of formats) {
    results.set(
      format,
      await analyzeStreams(
        dataset.files[format].map((path) => ({ name: path, path })),
        { indicators: intel.indicators, config: { scan: { allowList: truth.allowList } } },
      ),
    );
  }

  it.each(formats)('%s: recall 1 and precision 1 on scanners, with the right kind', (format) => {
    const result = results.get(format) as AnalyzeResult;
    expect(result.rejected).toBe(0);
    const found = new Map(result.findings.scanners.map((s) => [s.ip, s]));
    const expected = new Set(truth.scanners.map((s) => s.ip));
    const truePositives = [...found.keys()].filter((ip) => expected.has(ip)).length;
    const recall = truePositives / expected.size;
    const precision = truePositives / found.size;
    expect(truth.scanners.length).toBe(50);
    expect(recall).toBe(1);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    for (const scanner of truth.scanners) expect(found.get(scanner.ip)?.kind, scanner.ip).toBe(scanner.kind);
  });

  it.each(formats)('%s: slow scans are caught by TRW alone and marked slow', (format) => {
    const scanners = (results.get(format) as AnalyzeResult).findings.scanners;
    const slow = truth.scanners.filter((s) => s.slow);
    expect(slow.length).toBe(2);
    for (const s of slow) {
      const finding = scanners.find((f) => f.ip === s.ip);
      expect(finding?.slow).toBe(true);
      expect(new Set(finding?.rules.map((r) => r.rule))).toEqual(new Set(['trw']));
    }
  });

  it.each(formats)('%s: benign heavy talkers and the allow-listed scanner are not flagged', (format) => {
    const result = results.get(format) as AnalyzeResult;
    const flagged = new Set(result.findings.scanners.map((s) => s.ip));
    for (const ip of [...truth.benignHeavyTalkers, ...truth.allowListedScanners])
      expect(flagged.has(ip), ip).toBe(false);
    expect(result.findings.stats.allowListed).toBe(1200);
  });

  it.each(formats)('%s: exactly the planted malicious contacts, no near misses', (format) => {
    const contacts = (results.get(format) as AnalyzeResult).findings.maliciousContacts;
    const found = contacts.map((c) => `${c.host} ${c.indicator}`).sort();
    expect(found).toEqual(truth.maliciousContacts.map((c) => `${c.host} ${c.indicator}`).sort());
    const hosts = new Set(contacts.map((c) => c.host));
    for (const miss of truth.nearMisses) expect(hosts.has(miss.host), miss.touched).toBe(false);
    for (const c of contacts) {
      expect(c.count).toBe(1);
      expect(c.source).toBe('intel.stix.json');
      expect(c.direction).toBe('outbound');
    }
  });

  it('every scanner finding explains itself with rule numbers and bounded evidence', () => {
    for (const s of (results.get('zeek-tsv') as AnalyzeResult).findings.scanners) {
      expect(s.rules.length).toBeGreaterThan(0);
      for (const rule of s.rules) expect(rule.observed).toBeGreaterThanOrEqual(rule.threshold);
      expect(s.evidence.length).toBeGreaterThan(0);
      expect(s.evidence.length).toBeLessThanOrEqual(5);
      expect(s.evidence.every((e) => e.src === s.ip && e.line > 8)).toBe(true);
      expect(s.firstSeen).toBeLessThanOrEqual(s.detectedAt);
    }
  });

  it('the three formats give the same scanner set', () => {
    const sets = formats.map((f) =>
      (results.get(f) as AnalyzeResult).findings.scanners.map((s) => `${s.ip}/${s.kind}/${s.slow}`).sort(),
    );
    expect(sets[1]).toEqual(sets[0]);
    expect(sets[2]).toEqual(sets[0]);
  });
});

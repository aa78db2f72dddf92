// analyzeStreams with threads: 2 (scanner detection on a worker thread) gives exactly the
// result of one thread: findings, evidence, stats and errors, for every format and path.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { type AnalyzeOptions, analyzeStreams, loadIntelFiles } from './analyze.ts';
import { type DatasetFormat, writeDataset } from './generator/write-dataset.ts';

const dir = mkdtempSync(join(tmpdir(), 'khien-soc-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyzeStreams threads: 2', async () => {
  const dataset = await writeDataset(dir, { seed: 11, durationSeconds: 1800, backgroundFlowsPerSecond: 60 });
  const intel = await loadIntelFiles([dataset.intelFile]);
  const options: AnalyzeOptions = {
    indicators: intel.indicators,
    config: { scan: { allowList: dataset.truth.allowList } },
  };
  const formats: DatasetFormat[] = ['zeek-tsv', 'zeek-json', 'eve'];

  it.each(formats)('%s files: the same result as one thread', async (format) => {
    const inputs = dataset.files[format].map((path) => ({ name: path, path }));
    const one = await analyzeStreams(inputs, { ...options, threads: 1 });
    const two = await analyzeStreams(inputs, { ...options, threads: 2 });
    expect(one.findings.scanners.length).toBeGreaterThan(0);
    expect(two).toEqual(one);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });

  it('streams, IPv6 flows, broken lines and line-by-line formats: the same result', async () => {
    const zeek = [
      '#separator \\x09',
      '#path\tconn',
      '#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state\thistory\tresp_pkts',
      ...Array.from({ length: 40 }, (_, i) => `1717218000.${i}\t198.51.100.7\t40000\t10.1.2.${i}\t22\ttcp\tS0\tS\t0`),
      ...Array.from(
        { length: 30 },
        (_, i) => `1717218001.${i}\t2001:db8::7\t40000\t2001:db8::1:${i}\t${i + 1}\ttcp\tREJ\tSr\t1`,
      ),
      'not\ta\tvalid\tline',
    ].join('\n');
    const syslog = Array.from(
      { length: 30 },
      (_, i) =>
        `<4>Jun  1 12:00:${String(i).padStart(2, '0')} fw1 kernel: DROP IN=eth0 OUT= SRC=203.0.113.9 DST=10.9.0.${i} LEN=44 PROTO=TCP SPT=40000 DPT=3389 SYN`,
    ).join('\n');
    const inputs = () => [
      { name: 'conn.log', stream: Readable.from([Buffer.from(zeek)]) },
      { name: 'fw.log', stream: Readable.from([Buffer.from(syslog)]) },
    ];
    const one = await analyzeStreams(inputs(), { ...options, threads: 1 });
    const two = await analyzeStreams(inputs(), { ...options, threads: 2 });
    expect(one.findings.scanners.map((s) => s.ip)).toContain('2001:db8::7');
    expect(one.rejected).toBe(1);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });

  it('a missing file fails the same way and stops the worker', async () => {
    const inputs = [{ name: join(dir, 'missing.log'), path: join(dir, 'missing.log') }];
    await expect(analyzeStreams(inputs, { format: 'zeek-tsv', threads: 2 })).rejects.toThrow(/ENOENT/);
  });
});

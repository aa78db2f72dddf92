// analyzeStreams with threads 2 and 3 (parsing and detection split over worker threads by chunk
// and by source address) gives exactly the result of one thread: findings, evidence, stats,
// counts and errors, with chunks small enough that their boundaries fall everywhere.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AnalyzeInput,
  type AnalyzeOptions,
  type AnalyzeResult,
  analyzeStreams,
  loadIntelFiles,
} from './analyze.ts';
import { AnalysisThreads } from './analyze-parallel.ts';
import type { Indicator } from './engine/types.ts';
import { Scenario } from './generator/scenario.ts';
import { writeDataset } from './generator/write-dataset.ts';
import { connectionUid, zeekConnFields, zeekConnLine, zeekHeader } from './generator/writers.ts';

const dir = mkdtempSync(join(tmpdir(), 'khien-soc-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs threads 1, 2 and 3 on fresh inputs; 2 and 3 must equal 1 (key order included). Returns the one-thread result. */
async function sameAsOneThread(inputs: () => AnalyzeInput[], options: AnalyzeOptions): Promise<AnalyzeResult> {
  const one = await analyzeStreams(inputs(), { ...options, threads: 1 });
  for (const threads of [2, 3]) {
    const many = await analyzeStreams(inputs(), { ...options, threads });
    expect(many, `threads ${threads}`).toEqual(one);
    expect(JSON.stringify(many), `threads ${threads}`).toBe(JSON.stringify(one));
  }
  return one;
}

function files(paths: string[]): () => AnalyzeInput[] {
  return () => paths.map((path) => ({ name: path, path }));
}

describe('analyzeStreams with threads > 1', async () => {
  const dataset = await writeDataset(join(dir, 'dataset'), {
    seed: 11,
    durationSeconds: 3600,
    backgroundFlowsPerSecond: 20,
    formats: ['zeek-tsv', 'zeek-json', 'eve'],
  });
  const truth = dataset.truth;
  const intel = await loadIntelFiles([dataset.intelFile]);
  const options: AnalyzeOptions = {
    indicators: intel.indicators,
    config: { scan: { allowList: truth.allowList } },
    chunkBytes: 64 * 1024,
  };
  const scannerIps = truth.scanners.map((s) => s.ip).sort();
  const contactPairs = truth.maliciousContacts.map((c) => `${c.host} ${c.indicator}`).sort();

  /** The generator's truth: every scanner found (and nothing else), every planted contact. */
  function expectTruth(result: AnalyzeResult): void {
    expect(result.rejected).toBe(0);
    expect(result.findings.scanners.map((s) => s.ip).sort()).toEqual(scannerIps);
    expect(result.findings.maliciousContacts.map((c) => `${c.host} ${c.indicator}`).sort()).toEqual(contactPairs);
    expect(result.findings.stats.flows).toBe(dataset.flows);
  }

  it.each(['zeek-tsv', 'eve'] as const)('generator data as %s: the same result as one thread', async (format) => {
    expect(readFileSync(dataset.files[format][0] as string).length).toBeGreaterThan(20 * 64 * 1024);
    const one = await sameAsOneThread(files(dataset.files[format]), { ...options, format });
    expectTruth(one);
  });

  it('format auto over Zeek TSV, Zeek JSON and EVE files, and lines before a recognisable one', async () => {
    const eve = readFileSync(dataset.files.eve[0] as string);
    const inputs = () => [
      ...files(dataset.files['zeek-tsv'])(),
      ...files(dataset.files['zeek-json'])(),
      { name: 'eve.json', stream: Readable.from([Buffer.from('garbage\n\nmore garbage\n'), eve]) },
    ];
    const one = await sameAsOneThread(inputs, options);
    expect(one.inputs.map((i) => i.format)).toEqual([
      ...Array(4).fill('zeek-tsv'),
      ...Array(4).fill('zeek-json'),
      'eve',
    ]);
    expect(one.errors).toEqual([
      { input: 'eve.json', line: 1, reason: 'unrecognised log format' },
      { input: 'eve.json', line: 3, reason: 'unrecognised log format' },
    ]);
    expect(one.findings.scanners.map((s) => s.ip).sort()).toEqual(scannerIps);
    expect(one.findings.stats.flows).toBe(3 * dataset.flows);
  });

  // Three Zeek conn logs concatenated, each with its own header: the generator's order, the same
  // fields in another order, and that order with a comma separator; malformed lines between.
  const scenario = new Scenario({ seed: 5, durationSeconds: 3600, backgroundFlowsPerSecond: 3 });
  const flows = [...scenario.flows()];
  const order = [...zeekConnFields.keys()].reverse();
  const reordered = (line: string, separator: string) => {
    const cells = line.slice(0, -1).split('\t');
    return `${order.map((i) => cells[i]).join(separator)}\n`;
  };
  const malformed = ['not\ta\tvalid\tline\n', `${'9'.repeat(12)}\tx\n`, `${'x'.repeat(300)}\n`];
  const parts: string[] = [];
  const third = Math.ceil(flows.length / 3);
  for (const [log, separator] of [
    [0, '\t'],
    [1, '\t'],
    [2, ','],
  ] as const) {
    const header = zeekHeader('conn', scenario.truth.start).replace(
      `#fields\t${zeekConnFields.join('\t')}`,
      `#fields\t${(log === 0 ? zeekConnFields : order.map((i) => zeekConnFields[i])).join(separator)}`,
    );
    parts.push(log === 2 ? header.replace('#separator \\x09', '#separator \\x2c') : header);
    flows.slice(log * third, (log + 1) * third).forEach((flow, i) => {
      const line = zeekConnLine(flow, connectionUid(log * third + i));
      parts.push(log === 0 ? line : reordered(line, separator));
      if (i % 97 === 13) parts.push(malformed[i % 3] as string);
    });
    parts.push('#close\t2024-06-01-00-10-00\n');
  }
  const concatenated = Buffer.from(parts.join(''));
  const concatenatedPath = join(dir, 'concatenated-conn.log');
  writeFileSync(concatenatedPath, concatenated);
  const zeekOptions: AnalyzeOptions = {
    format: 'zeek-tsv',
    config: { scan: { allowList: scenario.truth.allowList } },
    maxErrors: 1000,
  };
  const expectedErrors = (() => {
    const lines = parts.join('').split('\n');
    return lines.flatMap((line, i) => (malformed.includes(`${line}\n`) ? [i + 1] : []));
  })();

  it.each([
    ['one line per chunk', 64],
    ['a few lines per chunk', 1500],
    ['larger chunks', 20_000],
  ])('concatenated Zeek TSV logs with other #fields orders and broken lines, %s', async (_, chunkBytes) => {
    const one = await sameAsOneThread(files([concatenatedPath]), { ...zeekOptions, chunkBytes });
    expect(one.errors.map((e) => e.line)).toEqual(expectedErrors);
    expect(one.rejected).toBe(expectedErrors.length);
    expect(one.events).toBe(flows.length);
    expect(one.findings.scanners.map((s) => s.ip).sort()).toEqual(scenario.truth.scanners.map((s) => s.ip).sort());
  });

  it('a #separator changed after #fields: replayed headers keep the order the parser read them in', async () => {
    const fields = ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'conn_state'];
    const text = [
      '#separator \\x7c',
      '#path|conn',
      `#fields\t${fields.join('|')}`,
      '#separator \\x2c',
      ...Array.from({ length: 40 }, (_, i) => `1717218000.${i},198.51.100.8,40000,10.3.0.${i},445,tcp,S0`),
    ].join('\n');
    const one = await sameAsOneThread(() => [{ name: 'sep.log', stream: Readable.from([text]) }], {
      format: 'zeek-tsv',
      chunkBytes: 100,
    });
    expect(one.rejected).toBe(0);
    expect(one.findings.scanners.map((s) => s.ip)).toEqual(['198.51.100.8']);
  });

  it('a #path after #fields and thousands of comment lines: every chunk reads the same headers as one thread', async () => {
    const fields = ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'conn_state'];
    const text = [
      '#separator \\x09',
      `#fields\t${fields.join('\t')}`,
      '#path\tmyconn',
      ...Array.from({ length: 3000 }, (_, i) => `#c${i} comment`),
      ...Array.from(
        { length: 300 },
        (_, i) =>
          `1717218${i % 10}00.${i}\t198.51.100.${i % 10}\t40000\t10.3.${Math.floor(i / 100)}.${i % 100}\t445\ttcp\tS0`,
      ),
    ].join('\n');
    const one = await sameAsOneThread(() => [{ name: 'path.log', stream: Readable.from([text]) }], {
      format: 'zeek-tsv',
      chunkBytes: 200,
    });
    expect(one.events).toBe(300);
    expect(one.findings.stats.failedAttempts).toBe(300);
    expect(one.findings.scanners).toHaveLength(10);
  });

  it('beyond maxFindings, the same first scanners are kept as with one thread', async () => {
    const fields = ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'conn_state'];
    // 60 outside sources, one after another, each failing on 30 addresses of port 445.
    const lines = Array.from({ length: 60 * 30 }, (_, i) => {
      const source = Math.floor(i / 30);
      return `${1717218000 + i}.5\t198.51.100.${source}\t40000\t10.4.${source}.${i % 30}\t445\ttcp\tS0`;
    });
    const text = [`#fields\t${fields.join('\t')}`, ...lines].join('\n');
    const run = (threads: number) =>
      analyzeStreams([{ name: 'many.log', stream: Readable.from([text]) }], {
        format: 'zeek-tsv',
        config: { maxFindings: 20 },
        chunkBytes: 2000,
        threads,
      });
    const one = await run(1);
    const kept = one.findings.scanners.map((s) => s.ip);
    expect(kept).toEqual(Array.from({ length: 20 }, (_, s) => `198.51.100.${s}`));
    for (const threads of [2, 3]) {
      const many = await run(threads);
      expect(many.findings.scanners, `threads ${threads}`).toEqual(one.findings.scanners);
      expect(many.findings.stats.droppedFindings, `threads ${threads}`).toBeGreaterThanOrEqual(40);
    }
  });

  it('a gzip file and a stream cut anywhere: the same result', async () => {
    const gzipPath = join(dir, 'conn.log.gz');
    writeFileSync(gzipPath, gzipSync(concatenated));
    const pieces = () => {
      const out: Buffer[] = [];
      for (let at = 0, size = 1; at < concatenated.length; at += size, size = (size * 7 + 3) % 5000)
        out.push(concatenated.subarray(at, at + size));
      return out;
    };
    const options = { ...zeekOptions, chunkBytes: 3000 };
    const gz = await sameAsOneThread(files([gzipPath]), options);
    const stream = await sameAsOneThread(() => [{ name: gzipPath, stream: Readable.from(pieces()) }], options);
    expect(stream).toEqual(gz);
    expect(gz.errors.map((e) => e.line)).toEqual(expectedErrors);
  });

  // Times in whole seconds: findings of sources in different partitions tie on time, and must
  // still come in the order one thread found them.
  it('nfdump CSV (parsed on one worker): header, broken lines and the Summary block', async () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      i % 50 === 7
        ? 'broken,row'
        : `2024-06-01 10:00:${String(Math.floor(i / 30)).padStart(2, '0')},2024-06-01 10:00:59,0.000,198.51.100.${i % 3},10.2.${i >> 8}.${i & 255},40000,22,TCP,....S.,0,0`,
    );
    const csv = [
      'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos',
      ...rows,
      'Summary',
      'flows,bytes,packets,avg_bps,avg_pps,avg_bpp',
      '400,16000,400,0,0,40',
    ].join('\n');
    const one = await sameAsOneThread(() => [{ name: 'nf.csv', stream: Readable.from([Buffer.from(csv)]) }], {
      format: 'auto',
      chunkBytes: 500,
    });
    expect(one.inputs[0]?.format).toBe('nfdump-csv');
    expect(one.errors.map((e) => e.line)).toEqual(rows.flatMap((row, i) => (row === 'broken,row' ? [i + 2] : [])));
    expect(one.findings.scanners.map((s) => s.ip).sort()).toEqual(['198.51.100.0', '198.51.100.1', '198.51.100.2']);
  });

  it('a CIDR indicator matched as source from many partitions: one contact, counts and evidence merged', async () => {
    const header = zeekHeader('conn', 1717218000);
    const lines = Array.from({ length: 60 }, (_, i) =>
      zeekConnLine(
        {
          ts: 1717218000 + Math.floor(i / 10),
          src: `203.0.113.${(i * 37) % 250}`,
          srcPort: 40000 + i,
          dst: i % 2 ? '10.9.0.5' : `10.9.0.${i}`,
          dstPort: 443,
          proto: 'tcp',
          state: 'SF',
          origBytes: 10,
          respBytes: 10,
        },
        connectionUid(i),
      ),
    );
    const indicators: Indicator[] = [{ type: 'cidr', value: '203.0.113.0/24', source: 'test' }];
    const one = await sameAsOneThread(() => [{ name: 'c.log', stream: Readable.from([header, ...lines]) }], {
      format: 'zeek-tsv',
      indicators,
      chunkBytes: 400,
    });
    const inbound = one.findings.maliciousContacts.find((c) => c.host === '10.9.0.5');
    expect(inbound?.count).toBe(30);
    expect(inbound?.evidence.map((e) => e.line)).toEqual([10, 12, 14, 16, 18]);
    expect(one.findings.maliciousContacts.length).toBe(31);
  });

  it('streams with IPv6 flows and syslog (line by line): the same result', async () => {
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
    const one = await sameAsOneThread(
      () => [
        { name: 'conn.log', stream: Readable.from([Buffer.from(zeek)]) },
        { name: 'fw.log', stream: Readable.from([Buffer.from(syslog)]) },
      ],
      { chunkBytes: 300 },
    );
    expect(one.findings.scanners.map((s) => s.ip).sort()).toEqual(['198.51.100.7', '2001:db8::7', '203.0.113.9']);
    expect(one.rejected).toBe(1);
  });

  it('threads started once serve run after run, also after a run whose file is missing', async () => {
    const pool = new AnalysisThreads(2);
    try {
      const eve = files(dataset.files.eve);
      const one = await analyzeStreams(eve(), { ...options, format: 'eve' });
      const first = await analyzeStreams(eve(), { ...options, format: 'eve', pool });
      expect(first).toEqual(one);
      // Chunks of the first input are sent before the second one fails to open.
      const missing = { name: 'missing.log', path: join(dir, 'missing.log') };
      await expect(analyzeStreams([...eve(), missing], { ...options, format: 'eve', pool })).rejects.toThrow(/ENOENT/);
      const zeek = files([concatenatedPath]);
      const again = await analyzeStreams(zeek(), { ...zeekOptions, chunkBytes: 1500, pool });
      expect(again).toEqual(await analyzeStreams(zeek(), { ...zeekOptions, threads: 1 }));
      expect(again.errors.map((e) => e.line)).toEqual(expectedErrors);
      // Two runs asked for at once take turns.
      const [a, b] = await Promise.all([
        analyzeStreams(eve(), { ...options, format: 'eve', pool }),
        analyzeStreams(zeek(), { ...zeekOptions, pool }),
      ]);
      expect(a).toEqual(one);
      expect(b.events).toBe(flows.length);
    } finally {
      await pool.close();
    }
  });

  it('closing threads finishes the run already asked for and refuses later ones', async () => {
    const pool = new AnalysisThreads(2);
    const eve = files(dataset.files.eve);
    const running = analyzeStreams(eve(), { ...options, format: 'eve', pool });
    const closed = pool.close();
    await expect(analyzeStreams(eve(), { ...options, format: 'eve', pool })).rejects.toThrow(/closed/);
    await expect(pool.ready()).rejects.toThrow(/closed/);
    expect((await running).findings.scanners.map((s) => s.ip).sort()).toEqual(scannerIps);
    await closed;
  });

  it('a missing file fails the same way and stops the workers; threads must be a whole number ≥ 1', async () => {
    const inputs = [{ name: join(dir, 'missing.log'), path: join(dir, 'missing.log') }];
    await expect(analyzeStreams(inputs, { format: 'zeek-tsv', threads: 2 })).rejects.toThrow(/ENOENT/);
    await expect(analyzeStreams(inputs, { threads: 0 })).rejects.toThrow(RangeError);
    await expect(analyzeStreams(inputs, { threads: 1.5 })).rejects.toThrow(RangeError);
    await expect(analyzeStreams(inputs, { threads: 65 })).rejects.toThrow(RangeError);
  });
});

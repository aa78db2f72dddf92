// Scale-out ingestion through the real NATS JetStream server: generator logs published at the edge to two
// partitions, two workers storing findings in a real database, a crash between commit and ack, a restart.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/core/db/client.ts';
import { parseIpKey } from '../../src/core/net/ip.ts';
import { provinceDay } from '../../src/core/time.ts';
import { analyzeStreams, loadIntelFiles } from '../../src/modules/soc/analyze.ts';
import type { FlowEvent, NameEvent, SocEvent } from '../../src/modules/soc/engine/types.ts';
import { writeDataset } from '../../src/modules/soc/generator/write-dataset.ts';
import { importIntel, socSummary } from '../../src/modules/soc/soc.service.ts';
import { BatchEncoder, decodeBatch, partitionOf } from '../../src/modules/soc/stream/codec.ts';
import { partitionDurable, type StreamNames } from '../../src/modules/soc/stream/nats.ts';
import { createEventPublisher, publishLogFiles } from '../../src/modules/soc/stream/publish.ts';
import {
  type PartitionStats,
  SequenceSet,
  type StreamWorker,
  startStreamWorker,
} from '../../src/modules/soc/stream/worker.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { natsConnection } from '../support/nats.ts';

describe('event batch codec', () => {
  const flow: FlowEvent = {
    kind: 'flow',
    input: 'conn.log',
    line: 7,
    ts: 1717218000.123456,
    src: parseIpKey('203.0.113.9') as number,
    dst: parseIpKey('10.0.0.1') as number,
    srcPort: 51000,
    dstPort: 443,
    proto: 6,
    outcome: 1,
  };
  const v6: FlowEvent = {
    ...flow,
    input: 'eve.json',
    line: 2 ** 33,
    src: '2001:db8::1',
    dst: 'fe80::1',
    srcPort: -1,
    dstPort: 65535,
    proto: -1,
    outcome: 3,
    detail: 'ET SCAN Nmap — tiếng Việt',
  };
  const dns: NameEvent = {
    kind: 'dns',
    input: 'dns.log',
    line: 3,
    ts: 1,
    src: 1,
    dst: 2,
    srcPort: 5353,
    dstPort: 53,
    name: 'evil.example',
  };
  const http: NameEvent = {
    kind: 'http',
    input: 'http.log',
    line: 4,
    ts: 2,
    src: '::1',
    dst: 4294967295,
    srcPort: 1,
    dstPort: 80,
    name: 'x.example',
    url: 'http://x.example/a?b=c',
  };

  it('round-trips every event kind, IPv4 and IPv6, optional fields and odd ports', () => {
    const encoder = new BatchEncoder(16); // tiny start: exercises growth
    const events: SocEvent[] = [flow, v6, dns, http, flow];
    for (const e of events) encoder.add(e);
    const decoded: SocEvent[] = [];
    expect(decodeBatch(encoder.finish(), (e) => decoded.push({ ...e }))).toBe(5);
    const clean = (e: SocEvent) => JSON.parse(JSON.stringify(e)) as unknown; // decoded optional fields are undefined
    expect(decoded.map(clean)).toEqual(events.map(clean));
    expect(encoder.count).toBe(0);
    expect(() => decodeBatch(Uint8Array.of(9), () => {})).toThrow(/version/);
  });

  it('partitions by source only, stably and evenly', () => {
    expect(partitionOf(flow.src, 4)).toBe(partitionOf(flow.src, 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4096; i++) (counts[partitionOf(0x0a000000 + i, 4)] as number)++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
    expect(partitionOf('2001:db8::1', 3)).toBeLessThan(3);
  });

  it('tells a redelivered sequence from a new one, in any order', () => {
    const seen = new SequenceSet();
    for (const seq of [101, 102, 103, 1, 2, 50, 49, 51, 3]) expect(seen.add(seq)).toBe(true);
    for (const seq of [1, 2, 3, 49, 50, 51, 101, 103]) expect(seen.add(seq)).toBe(false);
    expect(seen.intervals).toBe(3);
    for (let seq = 4; seq <= 48; seq++) seen.add(seq);
    expect(seen.intervals).toBe(2);
  });
});

const nc = await natsConnection();

describe.runIf(nc).each(TEST_DATABASES)('NATS JetStream ingestion on %s', async (kind) => {
  const conn = nc as NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), 'khien-soc-stream-'));
  const dataset = await writeDataset(dir, {
    seed: 11,
    durationSeconds: 3600,
    backgroundFlowsPerSecond: 40,
    formats: ['zeek-tsv'],
  });
  const truth = dataset.truth;
  const files = dataset.files['zeek-tsv'];
  const config = { scan: { allowList: truth.allowList } };
  const direct = await analyzeStreams(
    files.map((path) => ({ name: path, path })),
    { indicators: (await loadIntelFiles([dataset.intelFile])).indicators, config },
  );
  const id = randomBytes(4).toString('hex');
  const names: StreamNames = {
    stream: `KHIEN_TEST_${id}`,
    subjectPrefix: `khien.test.${id}`,
    durablePrefix: 'khien-p',
  };
  const jsm = await jetstreamManager(conn);
  const database = await openTestDatabase(kind);
  const db = database.db;
  afterAll(async () => {
    await jsm.streams.delete(names.stream).catch(() => {});
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async () => {
    const rows = await queryRows<{ kind: string; ip: string; indicator: string | null }>(
      db,
      sql`select kind, host(ip) as ip, indicator from soc_findings`,
    );
    return {
      scanners: rows
        .filter((r) => r.kind === 'scanner')
        .map((r) => r.ip)
        .sort(),
      contacts: rows
        .filter((r) => r.kind === 'malicious_contact')
        .map((r) => `${r.ip} ${r.indicator}`)
        .sort(),
    };
  };
  const expected = {
    scanners: direct.findings.scanners.map((s) => s.ip).sort(),
    contacts: direct.findings.maliciousContacts.map((c) => `${c.host} ${c.indicator}`).sort(),
  };
  const day = provinceDay(new Date(truth.start * 1000));
  const summary = () => socSummary(db, { all: true }, { from: day, to: day });
  const total = (workers: StreamWorker[], pick: (s: PartitionStats) => number) =>
    workers.reduce((sum, w) => sum + [...w.stats.values()].reduce((t, s) => t + pick(s), 0), 0);
  const startWorkers = (ack: boolean) =>
    Promise.all(
      [0, 1].map((p) =>
        startStreamWorker(db, conn, {
          partitions: [p],
          names,
          config,
          flushSeconds: 0.2,
          // Short, so run 2 gets the crashed run's messages back soon, but well above how long a worker holds a
          // message unacked (a fetch of up to 1 s, then the flush: ~1 s on a busy machine). At 1.5 s a slow flush let
          // the server redeliver held messages again, and run 2 saw more redeliveries than messages.
          ackWaitMs: 5000,
          ack,
          untilIdle: ack,
        }),
      ),
    );

  it('publishes at the edge, detects in two workers, survives a crash before the ack without double counting', async () => {
    await importIntel(db, null, readFileSync(dataset.intelFile, 'utf8'), 'intel.stix.json');
    const publisher = await createEventPublisher(conn, {
      partitions: 2,
      names,
      limits: { maxBytes: 512 * 2 ** 20, maxAgeSeconds: 3600 },
    });
    const published = await publishLogFiles(publisher, files);
    expect(published.rejected).toBe(0);
    expect(published.events).toBe(direct.findings.stats.events);
    console.log(
      `publish: ${published.events} events, ${published.messages} messages, ${(published.bytes / published.events).toFixed(1)} B/event, ${Math.round(published.events / published.seconds)} events/s`,
    );

    // Run 1 stores its findings but "crashes" before acking anything.
    let started = performance.now();
    const crashed = await startWorkers(false);
    while (total(crashed, (s) => s.events) < published.events) await new Promise((r) => setTimeout(r, 50));
    const consumeSeconds = (performance.now() - started) / 1000;
    await Promise.all(crashed.map((w) => w.stop()));
    console.log(`consume (2 workers, ${kind}): ${Math.round(published.events / consumeSeconds)} events/s`);
    expect(total(crashed, (s) => s.acked)).toBe(0);
    expect(await stored()).toEqual(expected);
    const before = await summary();

    // Run 2: every unacked message comes again; the restarted workers resume from run 1's checkpoint, which holds
    // them all, so they only ack them.
    started = performance.now();
    const restarted = await startWorkers(true);
    await Promise.all(restarted.map((w) => w.done));
    expect(restarted.every((w) => [...w.stats.values()].every((s) => s.restored && s.resumedSeq > 0))).toBe(true);
    expect(total(restarted, (s) => s.duplicates)).toBe(published.messages);
    expect(total(restarted, (s) => s.events)).toBe(0);
    expect(total(restarted, (s) => s.acked)).toBe(published.messages);
    expect(total(restarted, (s) => s.bad)).toBe(0);

    expect(await stored()).toEqual(expected);
    const scannerIps = new Set(truth.scanners.map((s) => s.ip));
    for (const ip of scannerIps) expect(expected.scanners, ip).toContain(ip);
    expect(expected.contacts).toEqual(truth.maliciousContacts.map((c) => `${c.host} ${c.indicator}`).sort());
    const after = await summary();
    expect(after.scanningIps).toBe(expected.scanners.length);
    expect(after.maliciousContactIps).toBe(new Set(truth.maliciousContacts.map((c) => c.host)).size);
    expect(after).toEqual(before);

    for (const p of [0, 1]) {
      const info = await jsm.consumers.info(names.stream, partitionDurable(names, p));
      expect(info.num_pending, `p${p} pending`).toBe(0);
      expect(info.num_ack_pending, `p${p} unacked`).toBe(0);
    }
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(0); // work queue: acked messages are gone
    const ingests = await queryRows<{ source: string; events: number; finished: boolean }>(
      db,
      sql`select source, events, finished_at is not null as finished from soc_ingests order by source`,
    );
    expect(ingests.map((i) => i.source).sort()).toEqual([0, 1].map((p) => `nats p${p} ${provinceDay()}`));
    expect(ingests.reduce((sum, i) => sum + i.events, 0)).toBe(published.events);
    expect(ingests.every((i) => i.finished)).toBe(true);
  }, 180_000);
});

afterAll(async () => {
  await nc?.drain();
});

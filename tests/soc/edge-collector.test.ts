// `khien soc collect`: firewall syslog received at the edge goes through the real NATS JetStream server to a
// stream worker, which stores the scanner it shows; nothing is detected at the edge.

import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect as tcpConnect } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/core/db/client.ts';
import { startEdgeCollector } from '../../src/modules/soc/stream/collect.ts';
import type { StreamNames } from '../../src/modules/soc/stream/nats.ts';
import { startStreamWorker } from '../../src/modules/soc/stream/worker.ts';
import { openTestDatabase } from '../support/db.ts';
import { natsConnection } from '../support/nats.ts';

/** A FortiGate deny of a probe from 198.51.100.77 to port `port` of 10.2.0.8. */
function deny(port: number): string {
  const second = String(port % 60).padStart(2, '0');
  return `<189>1 2024-06-01T12:00:${second}+07:00 fgt - - - - date=2024-06-01 time=12:00:${second} devname="FGT" type="traffic" subtype="forward" srcip=198.51.100.77 srcport=${40000 + port} dstip=10.2.0.8 dstport=${port} proto=6 action="deny" sentpkt=1 rcvdpkt=0 tz="+0700"`;
}

const conn = await natsConnection();

describe.skipIf(!conn)('edge collector → NATS JetStream → stream worker', async () => {
  if (!conn) return;
  const id = randomBytes(4).toString('hex');
  const names: StreamNames = {
    stream: `KHIEN_EDGE_${id}`,
    subjectPrefix: `khien.edge.${id}`,
    durablePrefix: 'khien-p',
  };
  const jsm = await jetstreamManager(conn);
  const database = await openTestDatabase('pglite');
  afterAll(async () => {
    await jsm.streams.delete(names.stream).catch(() => {});
    await database.close();
    await conn.drain();
  });

  it('publishes what it receives over UDP and TCP, and the worker finds the scanner', async () => {
    const collector = await startEdgeCollector(conn, { partitions: 2, names, host: '127.0.0.1', syslogPort: 0 });
    const udp = createSocket('udp4');
    for (let port = 1; port <= 12; port++) udp.send(deny(port), collector.syslogUdpPort as number, '127.0.0.1');
    udp.send('<13>1 2024-06-01T12:00:00+07:00 host app - - - not a firewall line', collector.syslogUdpPort as number);
    const tcp = tcpConnect(collector.syslogTcpPort as number, '127.0.0.1');
    await new Promise((resolve) => tcp.once('connect', resolve));
    tcp.write(`${Array.from({ length: 8 }, (_, i) => deny(100 + i)).join('\n')}\n`);
    for (let i = 0; i < 100 && collector.stats.published < 20; i++) await new Promise((r) => setTimeout(r, 20));
    tcp.destroy();
    udp.close();
    await collector.close();
    expect(collector.stats).toEqual({ published: 20, dropped: 0, rejected: 0 });
    expect(collector.failure).toBeNull();
    // One source, so one partition holds all 20 events.
    expect((await jsm.streams.info(names.stream)).state.messages).toBeGreaterThan(0);

    const worker = await startStreamWorker(database.db, conn, {
      partitions: [0, 1],
      names,
      flushSeconds: 0.2,
      untilIdle: true,
    });
    await worker.done;
    expect([...worker.stats.values()].reduce((sum, s) => sum + s.events, 0)).toBe(20);
    const findings = await queryRows<{ kind: string; ip: string }>(
      database.db,
      sql`select kind, host(ip) as ip from soc_findings`,
    );
    expect(findings).toEqual([{ kind: 'scanner', ip: '198.51.100.77' }]);
  });
});

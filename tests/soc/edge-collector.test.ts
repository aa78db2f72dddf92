// `khien soc collect`: firewall syslog received at the edge goes through the real NATS JetStream server to a
// stream worker, which stores the scanner it shows; nothing is detected at the edge.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/core/db/client.ts';
import { parseAllowList } from '../../src/modules/soc/collectors/limits.ts';
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
    expect(collector.stats).toEqual({ published: 20, dropped: 0, failed: 0, rejected: 0 });
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

  it('drops what comes from a sender outside its --sources list', async () => {
    const collector = await startEdgeCollector(conn, {
      partitions: 2,
      names,
      host: '127.0.0.1',
      syslogPort: 0,
      limits: { allow: parseAllowList('192.0.2.0/24') },
    });
    const udp = createSocket('udp4');
    for (let port = 1; port <= 3; port++) udp.send(deny(port), collector.syslogUdpPort as number, '127.0.0.1');
    const tcp = tcpConnect(collector.syslogTcpPort as number, '127.0.0.1');
    const closed = new Promise((resolve) => tcp.once('close', resolve));
    tcp.on('error', () => {});
    tcp.write(`${deny(200)}\n`);
    await closed;
    await new Promise((r) => setTimeout(r, 200));
    udp.close();
    await collector.close();
    expect(collector.stats.published).toBe(0);
  });
});

const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(existsSync);
if (!NATS_SERVER) {
  if (process.env.KHIEN_REQUIRE_ALL === '1')
    throw new Error('nats-server required (KHIEN_REQUIRE_ALL=1) but not found');
  console.warn('SKIPPED: edge collector across a NATS restart — no nats-server binary (apt install nats-server)');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe.skipIf(!NATS_SERVER)('edge collector across a NATS server restart', () => {
  it('counts what failed while NATS was down and sends again once it is back', async () => {
    const port = await freePort();
    const store = mkdtempSync(join(tmpdir(), 'khien-nats-'));
    const start = async (): Promise<ChildProcess> => {
      const server = spawn(NATS_SERVER as string, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store]);
      const probe = async () => connect({ servers: `127.0.0.1:${port}`, timeout: 500 }).then((c) => c.close());
      for (let i = 0; ; i++) {
        try {
          await probe();
          return server;
        } catch (e) {
          if (i > 80) throw e;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const stop = async (server: ChildProcess) => {
      server.kill('SIGTERM');
      if (server.exitCode === null) await new Promise((resolve) => server.once('exit', resolve));
    };
    let server = await start();
    const nc = await connect({
      servers: `127.0.0.1:${port}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    const names: StreamNames = { stream: 'KHIEN_EDGE_RESTART', subjectPrefix: 'khien.restart', durablePrefix: 'p' };
    const collector = await startEdgeCollector(nc, {
      partitions: 1,
      names,
      host: '127.0.0.1',
      syslogPort: 0,
      lingerMs: 20,
      publishTimeoutMs: 300,
    });
    const udp = createSocket('udp4');
    const send = (ports: number[]) => {
      for (const p of ports) udp.send(deny(p), collector.syslogUdpPort as number, '127.0.0.1');
    };
    const stored = async () => {
      const jsm = await jetstreamManager(nc);
      return (await jsm.streams.info(names.stream)).state.messages;
    };
    try {
      send([1, 2, 3]);
      await until(() => collector.stats.published === 3, 'the first events');
      // The first batch only leaves after lingerMs: wait for the stream's acknowledgement before stopping the server,
      // or the batch is lost with it and counted as failed along with the events sent while NATS is down.
      await collector.flush();
      expect(collector.failure).toBeNull();
      expect(collector.stats.failed).toBe(0);
      const before = await stored();
      expect(before).toBe(1);
      const reconnected = (async () => {
        for await (const status of nc.status()) if (status.type === 'reconnect') return;
      })();
      await stop(server);
      send([4, 5, 6]);
      await until(() => collector.stats.failed === 3, 'the publishes to fail while NATS is down');
      server = await start();
      await reconnected;
      send([7, 8, 9]);
      await until(() => collector.stats.published === 9, 'the last events');
      await collector.close();
      expect(collector.stats).toEqual({ published: 9, dropped: 0, failed: 3, rejected: 0 });
      // The first and last messages are in the stream (the store survived the restart).
      expect(await stored()).toBeGreaterThan(before);
    } finally {
      udp.close();
      await nc.close();
      await stop(server);
      rmSync(store, { recursive: true, force: true });
    }
  }, 30_000);
});

// The syslog TCP listener had no cap on connections, no idle timeout and re-joined a partial message on every
// segment; neither collector could be limited to known senders. Each limit here, against a hostile client.
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllowList } from '../../src/modules/soc/collectors/limits.ts';
import { startNetflowCollector } from '../../src/modules/soc/collectors/netflow.ts';
import { type SyslogCollector, startSyslogCollector } from '../../src/modules/soc/collectors/syslog.ts';

const LINE = '<134>Oct 11 22:14:15 fw kernel: hello\n';

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A client connection, with whether (and when) the server closed it. */
async function client(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  const state = { closed: false, closedAt: 0, socket };
  socket.on('error', () => undefined);
  socket.on('close', () => {
    state.closed = true;
    state.closedAt = performance.now();
  });
  await new Promise<void>((resolve) => {
    socket.once('connect', () => resolve());
    socket.once('close', () => resolve());
  });
  return state;
}

const udpSend = (port: number, text: string) =>
  new Promise<void>((resolve, reject) => {
    const udp = createSocket('udp4');
    udp.send(Buffer.from(text), port, '127.0.0.1', (error) => {
      udp.close();
      if (error) reject(error);
      else resolve();
    });
  });

describe('syslog and NetFlow collectors under hostile clients', () => {
  let collector: SyslogCollector | undefined;
  const open: Socket[] = [];
  afterEach(async () => {
    for (const socket of open.splice(0)) socket.destroy();
    await collector?.close();
    collector = undefined;
  });
  const start = async (options: Parameters<typeof startSyslogCollector>[0]) => {
    collector = await startSyslogCollector({ port: 0, ...options });
    return collector;
  };

  it('refuses connections past the cap while the open ones keep working', async () => {
    const c = await start({ onEvent: () => undefined, maxConnections: 3 });
    const kept = await Promise.all([1, 2, 3].map(() => client(c.tcpPort)));
    open.push(...kept.map((k) => k.socket));
    const flood = await Promise.all(Array.from({ length: 20 }, () => client(c.tcpPort)));
    open.push(...flood.map((k) => k.socket));
    await until(() => flood.every((f) => f.closed));
    expect(c.stats.refused).toBe(20);
    for (const k of kept) k.socket.write(LINE);
    await until(() => c.stats.messages === 3);
    expect(kept.some((k) => k.closed)).toBe(false);
  });

  it('cuts a client sending a never-ending line at the per-connection cap, and one past the total', async () => {
    const c = await start({ onEvent: () => undefined, maxMessageBytes: 4096, maxBufferedBytes: 6000 });
    const endless = await client(c.tcpPort);
    const other = await client(c.tcpPort);
    open.push(endless.socket, other.socket);
    // Trickled in small writes, as the old listener re-joined them on each.
    const piece = Buffer.alloc(100, 0x61);
    let sent = 0;
    while (!endless.closed && sent < 1 << 20) {
      endless.socket.write(piece);
      sent += piece.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => endless.closed);
    expect(sent).toBeLessThan(64 * 1024);
    expect(c.stats.cut).toBe(1);
    expect(c.stats.messages).toBe(0);
    // An octet count over the cap is cut at once.
    const framed = await client(c.tcpPort);
    open.push(framed.socket);
    framed.socket.write('99999 <134>');
    await until(() => framed.closed);
    expect(c.stats.cut).toBe(2);
    // Two partial messages of 3500 bytes each pass the 6000 bytes held over all connections: the second is cut.
    other.socket.write('x'.repeat(3500));
    // Nothing to observe until it has arrived: give it time.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await client(c.tcpPort);
    open.push(third.socket);
    third.socket.write('y'.repeat(3500));
    await until(() => third.closed);
    expect(c.stats.cut).toBe(3);
    // The first one is still served.
    other.socket.write('\n');
    other.socket.write(LINE);
    await until(() => c.stats.messages === 2);
    expect(other.closed).toBe(false);
  });

  it('closes a silent connection after the idle timeout, not one that talks', async () => {
    const c = await start({ onEvent: () => undefined, idleMs: 200 });
    const silent = await client(c.tcpPort);
    const talking = await client(c.tcpPort);
    open.push(silent.socket, talking.socket);
    const opened = performance.now();
    const timer = setInterval(() => talking.socket.write(LINE), 50);
    try {
      await until(() => silent.closed, 2000);
    } finally {
      clearInterval(timer);
    }
    expect(silent.closedAt - opened).toBeGreaterThanOrEqual(150);
    expect(talking.closed).toBe(false);
    expect(c.stats.idle).toBe(1);
  });

  it('drops datagrams and connections from senders outside the allow-list, and counts them', async () => {
    const c = await start({ onEvent: () => undefined, allow: parseAllowList('10.0.0.0/8, 192.168.1.5') });
    await udpSend(c.udpPort, LINE);
    const denied = await client(c.tcpPort);
    open.push(denied.socket);
    denied.socket.write(LINE);
    await until(() => denied.closed && c.stats.denied === 2);
    expect(c.stats.messages).toBe(0);
    await c.close();

    const allowed = await start({ onEvent: () => undefined, allow: parseAllowList('127.0.0.0/8') });
    await udpSend(allowed.udpPort, LINE);
    const ok = await client(allowed.tcpPort);
    open.push(ok.socket);
    ok.socket.write(LINE);
    await until(() => allowed.stats.messages === 2);
    expect(allowed.stats.denied).toBe(0);

    const netflow = await startNetflowCollector({
      port: 0,
      onFlow: () => undefined,
      allow: parseAllowList('10.0.0.1'),
    });
    try {
      await udpSend(netflow.port, 'not netflow');
      await until(() => netflow.denied === 1);
      expect(netflow.stats).toMatchObject({ datagrams: 0 });
    } finally {
      await netflow.close();
    }
  });

  it('refuses a malformed allow-list instead of allowing everyone', () => {
    for (const bad of ['10.0.0.0/33', 'abc', '10.0.0.0/', '10.0.0.1/8/8', ' , '])
      expect(() => parseAllowList(bad), bad).toThrow(/KHIEN_COLLECTOR_ALLOW/);
    const list = parseAllowList('10.0.0.0/8,2001:db8::/32');
    expect(['10.1.2.3', '::ffff:10.9.9.9', '2001:db8::1'].map((a) => list.allows(a))).toEqual([true, true, true]);
    expect(['11.0.0.1', '2001:db9::1', 'garbage'].map((a) => list.allows(a))).toEqual([false, false, false]);
  });
});

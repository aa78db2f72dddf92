// Syslog listener (UDP datagrams, and TCP with RFC 6587 octet counting or newline framing)
// that parses firewall messages and hands the events to a callback.

import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { SocEvent } from '../engine/types.ts';
import { type SyslogOptions, SyslogParser } from '../parsers/syslog.ts';
import { COLLECTOR_DEFAULTS, type CollectorLimits } from './limits.ts';

export interface SyslogCollectorOptions extends SyslogOptions, CollectorLimits {
  /** Port for both UDP and TCP; 0 picks free ones (see the result). Default 514. */
  port?: number;
  host?: string;
  onEvent: (event: SocEvent) => void;
  /** Messages that could not be parsed, with the reason. */
  onReject?: (message: number, reason: string) => void;
}

export interface SyslogStats {
  /** Messages received, firewall events parsed, other messages skipped, messages rejected. */
  messages: number;
  events: number;
  skipped: number;
  rejected: number;
  /** Datagrams and connections from senders outside the allow-list, dropped. */
  denied: number;
  /** TCP connections refused because `maxConnections` were open. */
  refused: number;
  /** TCP connections cut: a message over `maxMessageBytes`, or `maxBufferedBytes` reached. */
  cut: number;
  /** TCP connections closed after `idleMs` of silence. */
  idle: number;
}

export interface SyslogCollector {
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly stats: SyslogStats;
  close(): Promise<void>;
}

/**
 * Splits a TCP stream into messages: RFC 6587 octet counting ("LEN SP MSG") or one message per line. Holds at most
 * one partial message, of at most `max` bytes, and copies each byte in at most once (no re-joining per segment, so
 * a sender trickling bytes costs linear work).
 */
class TcpFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of `pending` in use; the first `scanned` were searched for a newline already. */
  held = 0;
  private scanned = 0;

  constructor(
    private readonly max: number,
    private readonly handle: (message: Buffer) => void,
  ) {}

  /** False when a message is longer than the limit: the connection is to be cut. */
  push(chunk: Buffer): boolean {
    let at = 0;
    if (this.held > 0) {
      while (at < chunk.length) {
        const take = Math.min(chunk.length - at, this.max + 8 - this.held);
        if (take === 0) return false;
        this.grow(this.held + take);
        chunk.copy(this.pending, this.held, at, at + take);
        at += take;
        const scanFrom = this.scanned;
        this.held += take;
        const used = this.split(this.pending.subarray(0, this.held), scanFrom);
        if (used < 0) return false;
        this.pending.copyWithin(0, used, this.held);
        this.held -= used;
        this.scanned = this.held;
        if (this.held === 0) break;
      }
      if (at === chunk.length) return true;
    }
    const used = this.split(chunk.subarray(at), 0);
    const tail = chunk.length - at - used;
    if (used < 0 || tail > this.max + 8) return false;
    this.grow(tail);
    chunk.copy(this.pending, 0, at + used);
    this.held = tail;
    this.scanned = tail;
    return true;
  }

  /** Handles the whole messages at the start of `data`; returns the bytes they took, or -1 past the limit. */
  private split(data: Buffer, scanFrom: number): number {
    let at = 0;
    while (at < data.length) {
      const framed = /^(\d{1,6}) /.exec(data.toString('latin1', at, Math.min(at + 8, data.length)));
      if (framed) {
        const length = Number(framed[1]);
        if (length > this.max) return -1;
        const start = at + (framed[1] as string).length + 1;
        if (data.length < start + length) return at;
        this.handle(data.subarray(start, start + length));
        at = start + length;
        continue;
      }
      const newline = data.indexOf(10, at === 0 ? scanFrom : at);
      if (newline < 0) return data.length - at > this.max ? -1 : at;
      if (newline - at > this.max) return -1;
      if (newline > at) this.handle(data.subarray(at, newline));
      at = newline + 1;
    }
    return at;
  }

  private grow(bytes: number): void {
    if (this.pending.length >= bytes) return;
    const next = Buffer.allocUnsafe(Math.min(this.max + 8, Math.max(bytes, this.pending.length * 2, 4096)));
    this.pending.copy(next, 0, 0, this.held);
    this.pending = next;
  }
}

export async function startSyslogCollector(options: SyslogCollectorOptions): Promise<SyslogCollector> {
  const host = options.host ?? '127.0.0.1';
  const limits = {
    maxConnections: options.maxConnections ?? COLLECTOR_DEFAULTS.maxConnections,
    maxMessageBytes: options.maxMessageBytes ?? COLLECTOR_DEFAULTS.maxMessageBytes,
    maxBufferedBytes: options.maxBufferedBytes ?? COLLECTOR_DEFAULTS.maxBufferedBytes,
    idleMs: options.idleMs ?? COLLECTOR_DEFAULTS.idleMs,
  };
  const stats: SyslogStats = {
    messages: 0,
    events: 0,
    skipped: 0,
    rejected: 0,
    denied: 0,
    refused: 0,
    cut: 0,
    idle: 0,
  };
  const parser = new SyslogParser(
    'syslog',
    {
      emit: (event) => {
        stats.events++;
        options.onEvent(event);
      },
      reject: (message, reason) => {
        stats.rejected++;
        options.onReject?.(message, reason);
      },
    },
    options,
  );
  const handle = (message: Buffer): void => {
    stats.messages++;
    let end = message.length;
    while (end > 0 && (message[end - 1] === 10 || message[end - 1] === 13)) end--;
    const skippedBefore = parser.skipped;
    parser.line(message, 0, end, stats.messages);
    stats.skipped += parser.skipped - skippedBefore;
  };

  const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (message, remote) => {
    if (options.allow && !options.allow.allows(remote.address)) stats.denied++;
    else handle(message);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port ?? 514, host, () => resolve());
  });

  const sockets = new Set<Socket>();
  let buffered = 0;
  const tcp: Server = createServer((socket) => {
    if (options.allow && !options.allow.allows(socket.remoteAddress ?? '')) {
      stats.denied++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const framer = new TcpFramer(limits.maxMessageBytes, handle);
    socket.on('close', () => {
      sockets.delete(socket);
      buffered -= framer.held;
      framer.held = 0;
    });
    socket.setTimeout(limits.idleMs, () => {
      stats.idle++;
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const before = framer.held;
      const whole = framer.push(chunk);
      buffered += framer.held - before;
      if (!whole || buffered > limits.maxBufferedBytes) {
        stats.cut++;
        socket.destroy();
      }
    });
  });
  // Past this, Node closes new connections at once ('drop').
  tcp.maxConnections = limits.maxConnections;
  tcp.on('drop', () => stats.refused++);
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port ?? 514, host, () => resolve());
  });
  const tcpAddress = tcp.address();
  return {
    udpPort: udp.address().port,
    tcpPort: typeof tcpAddress === 'object' && tcpAddress ? tcpAddress.port : 0,
    stats,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

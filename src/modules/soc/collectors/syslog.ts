// Syslog listener (UDP datagrams, and TCP with RFC 6587 octet counting or newline framing)
// that parses firewall messages and hands the events to a callback.

import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { SocEvent } from '../engine/types.ts';
import { type SyslogOptions, SyslogParser } from '../parsers/syslog.ts';

export interface SyslogCollectorOptions extends SyslogOptions {
  /** Port for both UDP and TCP; 0 picks free ones (see the result). Default 514. */
  port?: number;
  host?: string;
  onEvent: (event: SocEvent) => void;
  /** Messages that could not be parsed, with the reason. */
  onReject?: (message: number, reason: string) => void;
}

export interface SyslogCollector {
  readonly udpPort: number;
  readonly tcpPort: number;
  /** Messages received, firewall events parsed, other messages skipped, messages rejected. */
  readonly stats: { messages: number; events: number; skipped: number; rejected: number };
  close(): Promise<void>;
}

/** Max bytes kept for one unterminated TCP message before it is cut (protects memory). */
const MAX_MESSAGE = 64 * 1024;

export async function startSyslogCollector(options: SyslogCollectorOptions): Promise<SyslogCollector> {
  const host = options.host ?? '127.0.0.1';
  const stats = { messages: 0, events: 0, skipped: 0, rejected: 0 };
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
  udp.on('message', handle);
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port ?? 514, host, () => resolve());
  });

  const sockets = new Set<Socket>();
  const tcp: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        // RFC 6587 octet counting: "LEN SP MSG"; otherwise one message per line.
        const framed = /^(\d{1,6}) /.exec(pending.subarray(0, 8).toString('latin1'));
        if (framed) {
          const length = Number(framed[1]);
          const start = (framed[1] as string).length + 1;
          if (pending.length < start + length) break;
          handle(pending.subarray(start, start + length));
          pending = pending.subarray(start + length);
          continue;
        }
        const newline = pending.indexOf(10);
        if (newline < 0) {
          if (pending.length > MAX_MESSAGE) {
            handle(pending.subarray(0, MAX_MESSAGE));
            pending = Buffer.alloc(0);
          }
          break;
        }
        if (newline > 0) handle(pending.subarray(0, newline));
        pending = pending.subarray(newline + 1);
      }
    });
  });
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

// UDP collector for NetFlow v5/v9 and IPFIX: decodes each datagram and hands the flows to a
// callback (typically a detector's push, or a queue towards the ingestion workers).

import { createSocket, type Socket } from 'node:dgram';
import type { FlowEvent } from '../engine/types.ts';
import { NetflowDecoder, type NetflowStats } from '../parsers/netflow.ts';
import type { SourceFilter } from './limits.ts';

export interface NetflowCollectorOptions {
  /** UDP port; 0 picks a free one (see `port` on the result). Default 2055. */
  port?: number;
  host?: string;
  onFlow: (flow: FlowEvent) => void;
  /** Exporters accepted; datagrams from others are dropped and counted (`denied`). Default: everyone. */
  allow?: SourceFilter;
}

export interface NetflowCollector {
  readonly port: number;
  readonly stats: NetflowStats;
  /** Datagrams dropped: their sender is not in `allow`. */
  readonly denied: number;
  close(): Promise<void>;
}

export async function startNetflowCollector(options: NetflowCollectorOptions): Promise<NetflowCollector> {
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const decoder = new NetflowDecoder();
  let denied = 0;
  socket.on('message', (datagram, remote) => {
    if (options.allow && !options.allow.allows(remote.address)) denied++;
    else decoder.decode(datagram, `${remote.address}:${remote.port}`, options.onFlow);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 2055, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // Large buffers: exporters send bursts of datagrams when flows expire together.
  socket.setRecvBufferSize(8 << 20);
  return {
    port: socket.address().port,
    stats: decoder.stats,
    get denied() {
      return denied;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

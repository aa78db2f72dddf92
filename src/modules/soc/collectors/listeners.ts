// The NetFlow/IPFIX (UDP) and firewall syslog (UDP+TCP) listeners together, as the server's live
// ingestion and the edge collector (`khien soc collect`) both start them.

import type { SocEvent } from '../engine/types.ts';
import type { CollectorLimits } from './limits.ts';
import { startNetflowCollector } from './netflow.ts';
import { startSyslogCollector } from './syslog.ts';

export interface ListenerOptions {
  netflowPort?: number;
  syslogPort?: number;
  host: string;
  onEvent: (event: SocEvent) => void;
  /** Syslog messages that could not be parsed. */
  onReject: (message: number, reason: string) => void;
  /** Allow-list (both listeners) and syslog TCP caps; defaults in limits.ts. */
  limits?: CollectorLimits;
}

export interface Listeners {
  netflowPort: number | undefined;
  syslogUdpPort: number | undefined;
  syslogTcpPort: number | undefined;
  close(): Promise<void>;
}

/** Starts the listeners whose port is given; if one cannot bind, none is left open. */
export async function startListeners(opts: ListenerOptions): Promise<Listeners> {
  const netflow =
    opts.netflowPort !== undefined
      ? await startNetflowCollector({
          port: opts.netflowPort,
          host: opts.host,
          onFlow: opts.onEvent,
          allow: opts.limits?.allow,
        })
      : null;
  const syslog =
    opts.syslogPort !== undefined
      ? await startSyslogCollector({
          ...opts.limits,
          port: opts.syslogPort,
          host: opts.host,
          onEvent: opts.onEvent,
          onReject: opts.onReject,
        }).catch(async (e: Error) => {
          await netflow?.close();
          throw e;
        })
      : null;
  return {
    netflowPort: netflow?.port,
    syslogUdpPort: syslog?.udpPort,
    syslogTcpPort: syslog?.tcpPort,
    async close() {
      await netflow?.close();
      await syslog?.close();
    },
  };
}

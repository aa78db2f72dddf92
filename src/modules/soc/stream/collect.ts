// Edge collector: the NetFlow/IPFIX and syslog listeners of the server, publishing to NATS JetStream instead of
// detecting in-process, so sensors near the traffic feed the central workers (`khien soc worker`).

import type { NatsConnection } from '@nats-io/transport-node';
import type { CollectorLimits } from '../collectors/limits.ts';
import { startListeners } from '../collectors/listeners.ts';
import type { SocEvent } from '../engine/types.ts';
import type { StreamNames } from './nats.ts';
import { createEventPublisher } from './publish.ts';

export interface EdgeCollectorOptions {
  partitions: number;
  names?: Partial<StreamNames>;
  host: string;
  netflowPort?: number;
  syslogPort?: number;
  /** Partial batches leave after this long without filling, so a quiet sensor's events are not held back. */
  lingerMs?: number;
  /** Unacknowledged publishes beyond which events are dropped and counted: UDP senders cannot be told to wait. */
  maxBacklog?: number;
  publishTimeoutMs?: number;
  /** The senders accepted (others dropped) and the syslog TCP caps, as for the server's own collectors. */
  limits?: CollectorLimits;
}

export interface EdgeCollectorStats {
  /** Events handed to the publisher. */
  published: number;
  /** Events dropped because too many publishes awaited acknowledgement (the stream did not keep up). */
  dropped: number;
  /** Published events whose message failed after its retries (NATS down, stream full); later ones are still sent. */
  failed: number;
  /** Syslog messages that could not be parsed. */
  rejected: number;
}

export async function startEdgeCollector(nc: NatsConnection, opts: EdgeCollectorOptions) {
  const maxBacklog = opts.maxBacklog ?? 256;
  const publisher = await createEventPublisher(nc, {
    partitions: opts.partitions,
    names: opts.names,
    lingerMs: opts.lingerMs ?? 1000,
    maxInFlight: maxBacklog,
    publishTimeoutMs: opts.publishTimeoutMs,
  });
  const counts = { published: 0, dropped: 0, rejected: 0 };
  const push = (event: SocEvent) => {
    // A failed publish does not stop the collector: the connection reconnects and later events go out.
    if (publisher.backlog >= maxBacklog) {
      counts.dropped++;
      return;
    }
    publisher.push(event);
    counts.published++;
  };
  const listeners = await startListeners({
    netflowPort: opts.netflowPort,
    syslogPort: opts.syslogPort,
    host: opts.host,
    limits: opts.limits,
    onEvent: push,
    onReject: () => {
      counts.rejected++;
    },
  });
  return {
    netflowPort: listeners.netflowPort,
    syslogUdpPort: listeners.syslogUdpPort,
    syslogTcpPort: listeners.syslogTcpPort,
    get stats(): EdgeCollectorStats {
      return { ...counts, failed: publisher.stats.failedEvents };
    },
    /** The first failed publish, if any (see `stats.failed`). */
    get failure() {
      return publisher.failure;
    },
    /**
     * Sends the events held for `lingerMs` now and waits until the stream has acknowledged everything published so
     * far; rejects with `failure` once a publish has failed. The collector keeps listening.
     */
    flush: () => publisher.flush(),
    /** Stops listening and waits until every published event is acknowledged or has failed (then in `stats.failed`). */
    async close() {
      await listeners.close();
      await publisher.flush().catch(() => {});
    },
  };
}

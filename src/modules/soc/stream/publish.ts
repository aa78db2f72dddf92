// Edge publisher: log lines are parsed where they are collected (same parsers as `khien soc analyze`) and the
// normalised events travel as compact batches, one subject per partition, to the stream workers.

import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { forEachLine, openInput } from '../../../core/io/line-reader.ts';
import type { SocEvent } from '../engine/types.ts';
import { AutoParser, createParser } from '../parsers/formats.ts';
import type { LogFormat, ParseError } from '../parsers/types.ts';
import { BatchEncoder, partitionOf } from './codec.ts';
import {
  defaultStreamLimits,
  ensureStream,
  partitionSubject,
  resolveNames,
  type StreamLimits,
  type StreamNames,
} from './nats.ts';

export interface PublisherOptions {
  partitions: number;
  names?: Partial<StreamNames>;
  limits?: StreamLimits;
  /** Events per message (one message is acked, stored and redelivered as a unit). */
  batchEvents?: number;
  /** Publishes awaiting the server's acknowledgement before `ready()` waits (back-pressure). */
  maxInFlight?: number;
  /** Partial batches are sent after this many ms without filling (live collectors); 0: only on flush. */
  lingerMs?: number;
  /** How long one publish waits for the stream's acknowledgement (NATS client default otherwise). */
  publishTimeoutMs?: number;
}

export interface PublisherStats {
  events: number;
  messages: number;
  bytes: number;
  /** Events of messages whose publish failed after its retries. */
  failedEvents: number;
}

export interface EventPublisher {
  /** Encodes the event at once (parsers reuse event objects) into its partition's batch. */
  push(event: SocEvent): void;
  /** Resolves when the number of unacknowledged publishes is under the limit; rejects after a failed publish. */
  ready(): Promise<void>;
  /** Sends partial batches and waits until the stream has acknowledged everything. */
  flush(): Promise<void>;
  readonly stats: PublisherStats;
  /** Publishes awaiting the server's acknowledgement (a source that cannot wait, like UDP, drops beyond a limit). */
  readonly backlog: number;
  /** The first failed publish, if any (`ready` and `flush` then reject; a live source may go on pushing). */
  readonly failure: Error | null;
}

const PUBLISH_ATTEMPTS = 3;

/** Creates the stream if missing, then returns a publisher bound to it. */
export async function createEventPublisher(nc: NatsConnection, opts: PublisherOptions): Promise<EventPublisher> {
  const names = resolveNames(opts.names);
  const partitions = opts.partitions;
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error('partitions must be a positive integer');
  await ensureStream(await jetstreamManager(nc), names, partitions, opts.limits ?? defaultStreamLimits);
  const js = jetstream(nc);
  const batchEvents = opts.batchEvents ?? 1000;
  const maxInFlight = opts.maxInFlight ?? 64;
  const run = randomUUID().slice(0, 12);
  const encoders = Array.from({ length: partitions }, () => new BatchEncoder());
  const subjects = Array.from({ length: partitions }, (_, p) => partitionSubject(names, p));
  const inFlight = new Set<Promise<void>>();
  const stats: PublisherStats = { events: 0, messages: 0, bytes: 0, failedEvents: 0 };
  let failure: Error | null = null;
  let sequence = 0;

  const send = (p: number): void => {
    const encoder = encoders[p] as BatchEncoder;
    const events = encoder.count;
    const data = encoder.finish();
    // The same msgID on every attempt: the stream's duplicate window drops a retry of a publish that did land.
    const msgID = `${run}.${sequence++}`;
    stats.messages++;
    stats.bytes += data.length;
    const publish = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await js.publish(subjects[p] as string, data, { msgID, timeout: opts.publishTimeoutMs });
          return;
        } catch (e) {
          if (attempt >= PUBLISH_ATTEMPTS) throw e;
        }
      }
    })()
      .catch((e: Error) => {
        stats.failedEvents += events;
        failure ??= new Error(`publish to ${subjects[p]} failed (stream full or unreachable?): ${e.message}`);
      })
      .finally(() => inFlight.delete(publish));
    inFlight.add(publish);
  };

  let linger: NodeJS.Timeout | null = null;
  const sendPartial = () => {
    for (let p = 0; p < partitions; p++) if ((encoders[p] as BatchEncoder).count > 0) send(p);
  };

  return {
    stats,
    get backlog() {
      return inFlight.size;
    },
    get failure() {
      return failure;
    },
    push(event) {
      const p = partitionOf(event.src, partitions);
      const encoder = encoders[p] as BatchEncoder;
      encoder.add(event);
      stats.events++;
      if (encoder.count >= batchEvents) send(p);
      else if (opts.lingerMs && !linger)
        linger = setTimeout(() => {
          linger = null;
          sendPartial();
        }, opts.lingerMs);
    },
    async ready() {
      while (inFlight.size >= maxInFlight && !failure) await Promise.race(inFlight);
      if (failure) throw failure;
    },
    async flush() {
      if (linger) clearTimeout(linger);
      linger = null;
      sendPartial();
      while (inFlight.size > 0) await Promise.race(inFlight);
      if (failure) throw failure;
    },
  };
}

/** Publishes events from any source (the server's collectors, a test) with back-pressure, then flushes. */
export async function publishEvents(
  publisher: EventPublisher,
  events: Iterable<SocEvent> | AsyncIterable<SocEvent>,
): Promise<void> {
  let n = 0;
  for await (const event of events) {
    publisher.push(event);
    if (++n % 1000 === 0) await publisher.ready();
  }
  await publisher.flush();
}

export interface PublishFilesResult extends PublisherStats {
  rejected: number;
  errors: ParseError[];
  inputs: Array<{ name: string; format: LogFormat | null; records: number; rejected: number }>;
  seconds: number;
}

/** Parses log files (gzip, `-` for stdin) and publishes their events; the CLI's `khien soc publish`. */
export async function publishLogFiles(
  publisher: EventPublisher,
  files: string[],
  opts: { format?: LogFormat | 'auto'; maxErrors?: number } = {},
): Promise<PublishFilesResult> {
  const started = performance.now();
  const before = { ...publisher.stats };
  const errors: ParseError[] = [];
  const inputs: PublishFilesResult['inputs'] = [];
  for (const name of files) {
    let rejected = 0;
    const sink = {
      emit: (e: SocEvent) => publisher.push(e),
      reject(line: number, reason: string) {
        rejected++;
        if (errors.length < (opts.maxErrors ?? 100)) errors.push({ input: name, line, reason });
      },
    };
    const format = opts.format ?? 'auto';
    const parser = format === 'auto' ? new AutoParser(name, sink) : createParser(format, name, sink);
    // Wait for the stream between 1 MiB chunks: memory stays bounded however fast the disk is.
    async function* paced() {
      for await (const chunk of openInput(name)) {
        await publisher.ready();
        yield chunk as Buffer;
      }
    }
    await forEachLine(paced(), (buf, start, end, line) => parser.line(buf, start, end, line));
    inputs.push({
      name,
      format: parser instanceof AutoParser ? parser.format : (format as LogFormat),
      records: parser.records,
      rejected,
    });
  }
  await publisher.flush();
  const s = publisher.stats;
  return {
    events: s.events - before.events,
    messages: s.messages - before.messages,
    bytes: s.bytes - before.bytes,
    failedEvents: s.failedEvents - before.failedEvents,
    rejected: inputs.reduce((t, i) => t + i.rejected, 0),
    errors,
    inputs,
    seconds: (performance.now() - started) / 1000,
  };
}

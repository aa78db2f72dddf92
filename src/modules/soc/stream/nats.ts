// The JetStream layout shared by publishers and workers: one work-queue stream, one subject and one durable
// pull consumer per partition. Names are configurable so tests (and several provinces on one server) do not collide.

import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { defaultStreamLimits, defaultStreamNames, type StreamLimits, type StreamNames } from './layout.ts';

export { defaultStreamLimits, defaultStreamNames, type StreamLimits, type StreamNames };

export const resolveNames = (names: Partial<StreamNames> = {}): StreamNames => ({ ...defaultStreamNames, ...names });
export const partitionSubject = (names: StreamNames, p: number) => `${names.subjectPrefix}.${p}`;
export const partitionDurable = (names: StreamNames, p: number) => `${names.durablePrefix}${p}`;

/**
 * The partition count is recorded in the stream's description (metadata needs NATS 2.10; CI runs 2.9): hashing by
 * another count would send one source's events to two workers.
 */
const describe = (partitions: number) => `Khiên SOC normalised events; partitions=${partitions}`;
const recordedPartitions = (description: string | undefined) =>
  Number(/partitions=(\d+)/.exec(description ?? '')?.[1] ?? 0);
const ns = (ms: number) => Math.round(ms * 1e6);

const isApiError = (e: unknown, code: number) => e instanceof JetStreamApiError && e.code === code;

/** Creates the stream if missing; refuses a stream created with another partition count. Returns the count. */
export async function ensureStream(
  jsm: JetStreamManager,
  names: StreamNames,
  partitions: number,
  limits: StreamLimits = defaultStreamLimits,
): Promise<number> {
  try {
    const info = await jsm.streams.info(names.stream);
    const recorded = recordedPartitions(info.config.description);
    if (recorded && recorded !== partitions)
      throw new Error(
        `stream ${names.stream} has ${recorded} partitions, not ${partitions}: events of one source would reach two workers`,
      );
    return recorded || partitions;
  } catch (e) {
    if (!isApiError(e, JetStreamApiCodes.StreamNotFound)) throw e;
  }
  await jsm.streams.add({
    name: names.stream,
    subjects: [`${names.subjectPrefix}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_bytes: limits.maxBytes,
    max_age: ns(limits.maxAgeSeconds * 1000),
    duplicate_window: ns(120_000),
    description: describe(partitions),
  });
  return partitions;
}

/** The partition count the stream was created with (throws when the stream does not exist). */
export async function streamPartitions(jsm: JetStreamManager, names: StreamNames): Promise<number> {
  const info = await jsm.streams.info(names.stream);
  const n = recordedPartitions(info.config.description);
  if (!n) throw new Error(`stream ${names.stream} records no partition count: not created by khien soc publish`);
  return n;
}

export interface ConsumerSettings {
  /** Longer than a flush interval plus a fetch, or messages are redelivered while still held for the next flush. */
  ackWaitMs: number;
  /** Unacked messages the server lets one partition's worker hold. */
  maxAckPending: number;
}

/** Creates partition p's durable pull consumer, or brings its ack settings up to date. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  names: StreamNames,
  p: number,
  settings: ConsumerSettings,
): Promise<void> {
  const durable = partitionDurable(names, p);
  try {
    const info = await jsm.consumers.info(names.stream, durable);
    if (info.config.ack_wait !== ns(settings.ackWaitMs) || info.config.max_ack_pending !== settings.maxAckPending)
      await jsm.consumers.update(names.stream, durable, {
        ack_wait: ns(settings.ackWaitMs),
        max_ack_pending: settings.maxAckPending,
      });
    return;
  } catch (e) {
    if (!isApiError(e, JetStreamApiCodes.ConsumerNotFound)) throw e;
  }
  await jsm.consumers.add(names.stream, {
    durable_name: durable,
    filter_subject: partitionSubject(names, p),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ns(settings.ackWaitMs),
    max_ack_pending: settings.maxAckPending,
  });
}

/**
 * Makes partition p's consumer deliver its unacknowledged messages again now and in stream order, by recreating it
 * (an explicit-ack consumer would otherwise send newer messages first and the dead worker's ones only after their
 * ack wait). Unacknowledged messages stay in the work queue meanwhile. Only for the one worker of the partition.
 */
export async function restartDelivery(
  jsm: JetStreamManager,
  names: StreamNames,
  p: number,
  settings: ConsumerSettings,
): Promise<void> {
  await jsm.consumers.delete(names.stream, partitionDurable(names, p));
  await ensureConsumer(jsm, names, p, settings);
}

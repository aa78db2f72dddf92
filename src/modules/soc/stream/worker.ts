// Stream worker: consumes some partitions of the event stream, one detector per partition per day, and stores
// findings with at-least-once delivery: a message is acked only after the flush whose snapshot covers it has
// committed. That flush also checkpoints the detector's state and the last sequence in it (checkpoint.ts), so a
// restarted worker (after kill -9 too) resumes the detector where the commit left it and skips the messages already
// in it: each event counts once, and a scan half-way to its threshold at the crash is still caught.

import { type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Db } from '../../../core/db/client.ts';
import { provinceDay } from '../../../core/time.ts';
import { type DailyRun, type DailyRunResume, loadEngineOptions, startDailyRun } from '../daily-run.ts';
import type { EngineConfigInput } from '../engine/config.ts';
import type { DetectorOptions } from '../engine/detector.ts';
import { loadCheckpoint, reopenIngest, saveCheckpoint } from './checkpoint.ts';
import { decodeBatch } from './codec.ts';
import {
  ensureConsumer,
  partitionDurable,
  resolveNames,
  restartDelivery,
  type StreamNames,
  streamPartitions,
} from './nats.ts';

export interface WorkerOptions {
  partitions: number[];
  names?: Partial<StreamNames>;
  /** Engine settings on top of the province's (e.g. the allow list of the province's own scanners). */
  config?: EngineConfigInput;
  /** How often findings are stored (and the messages they cover acked). */
  flushSeconds?: number;
  /** Messages per pull request. */
  fetchMessages?: number;
  /** Messages held unacked per partition before an early flush: bounds memory (each holds ≤ one batch). */
  maxUnacked?: number;
  /** Server-side redelivery timeout; must exceed a flush interval. Default max(60 s, 4 × flush interval). */
  ackWaitMs?: number;
  /** Stop once every partition has nothing pending or unacknowledged (batch replays, tests). */
  untilIdle?: boolean;
  /** false: never ack, to simulate a crash between commit and ack (tests). */
  ack?: boolean;
  now?: () => Date;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface PartitionStats {
  messages: number;
  events: number;
  /** Messages delivered again by the server (after a crash or an ack timeout). */
  redelivered: number;
  /** Redelivered messages already counted, by this process or in the checkpoint resumed: acked, not pushed twice. */
  duplicates: number;
  /** The sequence of the checkpoint resumed from (0: none), and whether its detector state was restored. */
  resumedSeq: number;
  restored: boolean;
  /** The latest checkpoint's size, and the time spent snapshotting, encoding and storing checkpoints. */
  checkpointBytes: number;
  checkpointMs: number;
  /** Undecodable messages, terminated so they are not redelivered forever. */
  bad: number;
  acked: number;
  flushes: number;
}

export interface StreamWorker {
  readonly stats: Map<number, PartitionStats>;
  /** Resolves when every partition loop has ended (after `stop()`, or when idle with `untilIdle`). */
  readonly done: Promise<void>;
  /** Stops fetching, stores a final snapshot, acks what it covers. */
  stop(): Promise<void>;
}

/**
 * Stream sequences already pushed into this process's detectors, as merged intervals (nearly always one or
 * two), so a message redelivered before its ack reached the server is not counted twice.
 */
export class SequenceSet {
  private readonly ranges: Array<[number, number]> = [];

  /** Adds seq; false when it was already present. */
  add(seq: number): boolean {
    const r = this.ranges;
    const last = r[r.length - 1];
    if (last && seq === last[1] + 1) {
      last[1] = seq;
      return true;
    }
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((r[mid] as [number, number])[1] < seq) lo = mid + 1;
      else hi = mid;
    }
    const at = r[lo];
    if (at && at[0] <= seq) return false;
    const before = r[lo - 1];
    if (before && before[1] === seq - 1) {
      before[1] = seq;
      if (at && at[0] === seq + 1) {
        before[1] = at[1];
        r.splice(lo, 1);
      }
    } else if (at && at[0] === seq + 1) at[0] = seq;
    else r.splice(lo, 0, [seq, seq]);
    return true;
  }

  get intervals(): number {
    return this.ranges.length;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startStreamWorker(db: Db, nc: NatsConnection, opts: WorkerOptions): Promise<StreamWorker> {
  const names = resolveNames(opts.names);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const count = await streamPartitions(jsm, names);
  for (const p of opts.partitions)
    if (!Number.isInteger(p) || p < 0 || p >= count)
      throw new Error(`partition ${p} is not in 0…${count - 1} (stream ${names.stream})`);
  const flushMs = (opts.flushSeconds ?? 30) * 1000;
  const ackWaitMs = opts.ackWaitMs ?? Math.max(60_000, 4 * flushMs);
  const maxUnacked = opts.maxUnacked ?? 500;
  const fetchMessages = Math.min(opts.fetchMessages ?? 100, maxUnacked);
  const expires = Math.min(Math.max(flushMs, 1000), 5000);
  const ack = opts.ack ?? true;
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? { info() {}, error() {} };
  for (const p of opts.partitions) await ensureConsumer(jsm, names, p, { ackWaitMs, maxAckPending: maxUnacked });

  // One engine load per day for all partitions: indicators and the intel index are shared.
  let engine: { day: string; options: Promise<DetectorOptions> } | null = null;
  const engineFor = (day: string) => {
    if (engine?.day !== day) engine = { day, options: loadEngineOptions(db, opts.config) };
    return engine.options;
  };

  let stopping = false;
  const fetching = new Set<{ stop(): void }>();
  const stats = new Map<number, PartitionStats>();

  const runPartition = async (p: number): Promise<void> => {
    const s: PartitionStats = {
      messages: 0,
      events: 0,
      redelivered: 0,
      duplicates: 0,
      bad: 0,
      acked: 0,
      flushes: 0,
      resumedSeq: 0,
      restored: false,
      checkpointBytes: 0,
      checkpointMs: 0,
    };
    stats.set(p, s);
    const key = `${names.stream}/${partitionDurable(names, p)}`;
    const point = await loadCheckpoint(db, key);
    if ((await jsm.consumers.info(names.stream, partitionDurable(names, p))).num_ack_pending > 0)
      await restartDelivery(jsm, names, p, { ackWaitMs, maxAckPending: maxUnacked });
    const consumer = await js.consumers.get(names.stream, partitionDurable(names, p));
    // Messages up to the checkpoint are in its state (or, when it was of another day, in that day's findings).
    const resumedSeq = point?.lastSeq ?? 0;
    let pushedSeq = resumedSeq;
    s.resumedSeq = resumedSeq;
    if (point?.error) log.error({ partition: p, error: point.error }, 'SOC stream: checkpoint unreadable, fresh state');
    const daily = (resume: DailyRunResume | undefined) =>
      startDailyRun(db, {
        source: (day) => `nats p${p} ${day}`,
        format: 'stream',
        engine: engineFor,
        now,
        resume,
        checkpoint: async (tx, at) => {
          const started = performance.now();
          s.checkpointBytes = await saveCheckpoint(tx, key, pushedSeq, at);
          s.checkpointMs += performance.now() - started;
        },
      });
    let run: DailyRun;
    try {
      run = await daily(point?.resume ?? undefined);
      s.restored = point?.resume?.day === run.day;
    } catch (err) {
      // Settings of another layout (source cap, filter size): the state cannot be put back.
      log.error({ err, partition: p }, 'SOC stream: checkpoint not restored, fresh state');
      run = await daily(undefined);
    }
    if (s.restored && point?.resume) await reopenIngest(db, point.resume.ingestId);
    if (point) log.info({ partition: p, resumedSeq, restored: s.restored, bytes: point.bytes }, 'SOC stream: resumed');
    const push = run.push.bind(run);
    const seen = new SequenceSet();
    const held: JsMsg[] = [];
    let lastFlush = Date.now();

    const flush = async (final: boolean) => {
      const covered = held.splice(0); // exactly the messages whose events are in the snapshot about to be taken
      await run.flush(final);
      if (ack) for (const m of covered) m.ack();
      s.acked += ack ? covered.length : 0;
      s.flushes++;
      lastFlush = Date.now();
    };

    while (!stopping) {
      let got = 0;
      try {
        const batch = await consumer.fetch({ max_messages: fetchMessages, expires });
        fetching.add(batch);
        try {
          for await (const m of batch) {
            got++;
            s.messages++;
            if (m.redelivered) s.redelivered++;
            if (m.seq <= resumedSeq || !seen.add(m.seq)) s.duplicates++;
            else {
              pushedSeq = m.seq;
              try {
                s.events += decodeBatch(m.data, push);
              } catch (err) {
                s.bad++;
                log.error({ err, partition: p, seq: m.seq }, 'SOC stream: undecodable message terminated');
                m.term();
                continue;
              }
            }
            held.push(m);
          }
        } finally {
          fetching.delete(batch);
        }
      } catch (err) {
        if (stopping) break;
        log.error({ err, partition: p }, 'SOC stream: fetch failed, retrying');
        await sleep(1000);
        continue;
      }
      const dayOver = provinceDay(now()) !== run.day;
      if (held.length >= maxUnacked || dayOver || (held.length > 0 && (got === 0 || Date.now() - lastFlush >= flushMs)))
        await flush(false);
      if (got === 0 && opts.untilIdle && held.length === 0) {
        const info = await consumer.info();
        if (info.num_pending === 0 && info.num_ack_pending === 0) break;
      }
    }
    await flush(true);
    if (ack) await nc.flush(); // the final acks reach the server before the caller closes the connection
    log.info({ partition: p, ...s }, 'SOC stream partition stopped');
  };

  const done = Promise.all(opts.partitions.map(runPartition)).then(() => undefined);
  return {
    stats,
    done,
    async stop() {
      stopping = true;
      for (const batch of fetching) batch.stop();
      await done;
    },
  };
}

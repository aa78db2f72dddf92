// Stream worker checkpoints in the database (soc_stream_checkpoints) rather than a JetStream KV bucket: the
// checkpoint must commit atomically with the findings, sightings and ingest totals it produced. In a KV bucket a
// crash between the database commit and the KV put would resume from an older state and count again what the
// database already holds (or the reverse).

import { deserialize, serialize } from 'node:v8';
import { deflateSync, inflateSync } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../core/db/client.ts';
import type { DailyRunResume } from '../daily-run.ts';
import type { DetectorSnapshot } from '../engine/snapshot.ts';
import { socIngests } from '../soc.schema.ts';
import { socStreamCheckpoints } from './stream.schema.ts';

export interface Checkpoint {
  day: string;
  /** Every message of the consumer up to this sequence is in the state (and its findings are stored). */
  lastSeq: number;
  bytes: number;
  /** Null when the state cannot be read (written by another engine version): detection then starts afresh. */
  resume: DailyRunResume | null;
  error?: string;
}

export async function loadCheckpoint(db: Db, consumer: string): Promise<Checkpoint | null> {
  const [row] = await db
    .select({
      day: socStreamCheckpoints.day,
      ingestId: socStreamCheckpoints.ingestId,
      lastSeq: socStreamCheckpoints.lastSeq,
      state: socStreamCheckpoints.state,
      events: socIngests.events,
      rejected: socIngests.rejected,
    })
    .from(socStreamCheckpoints)
    .innerJoin(socIngests, eq(socIngests.id, socStreamCheckpoints.ingestId))
    .where(eq(socStreamCheckpoints.consumer, consumer));
  if (!row) return null;
  const point = { day: row.day, lastSeq: row.lastSeq, bytes: row.state.length };
  try {
    const snapshot = deserialize(inflateSync(row.state)) as DetectorSnapshot;
    return {
      ...point,
      resume: { day: row.day, ingestId: row.ingestId, events: row.events, rejected: row.rejected, snapshot },
    };
  } catch (e) {
    return { ...point, resume: null, error: (e as Error).message };
  }
}

/** The ingest goes on: a graceful stop marked it finished. */
export async function reopenIngest(db: Db, ingestId: string): Promise<void> {
  await db.update(socIngests).set({ finishedAt: null }).where(eq(socIngests.id, ingestId));
}

/** Upserts the consumer's checkpoint; returns its size in bytes. */
export async function saveCheckpoint(
  tx: Db,
  consumer: string,
  lastSeq: number,
  point: { day: string; ingestId: string; snapshot: DetectorSnapshot },
): Promise<number> {
  // Level 1: the filter and table arrays are mostly zeros until the traffic fills them (8 MiB → tens of KiB).
  const state = deflateSync(serialize(point.snapshot), { level: 1 });
  const row = { consumer, day: point.day, ingestId: point.ingestId, lastSeq, state, updatedAt: new Date() };
  await tx
    .insert(socStreamCheckpoints)
    .values(row)
    .onConflictDoUpdate({
      target: socStreamCheckpoints.consumer,
      set: {
        day: sql`excluded.day`,
        ingestId: sql`excluded.ingest_id`,
        lastSeq: sql`excluded.last_seq`,
        state: sql`excluded.state`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
  return state.length;
}

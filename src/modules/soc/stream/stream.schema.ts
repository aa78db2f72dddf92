import { bigint, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../../core/db/columns.ts';
import { socIngests } from '../soc.schema.ts';

/**
 * A stream worker partition's checkpoint: its detector's state and the last stream sequence in it, written in the
 * same transaction as the findings and ingest totals that state produced (so they can never disagree), before the
 * messages it covers are acked. One row per consumer, overwritten at every flush.
 */
export const socStreamCheckpoints = pgTable('soc_stream_checkpoints', {
  /** `<stream>/<durable consumer>`. */
  consumer: text('consumer').primaryKey(),
  /** The province day of the detector (a checkpoint of another day is not resumed). */
  day: text('day').notNull(),
  ingestId: uuid('ingest_id')
    .notNull()
    .references(() => socIngests.id, { onDelete: 'cascade' }),
  /** Every message of the consumer up to this stream sequence is in `state`. */
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  /** The engine's DetectorSnapshot, v8-serialised and deflated. */
  state: bytea('state').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

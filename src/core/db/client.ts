import { mkdirSync, realpathSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { fromRoot } from '../paths.ts';
import * as schema from './schema.ts';

/** The query interface every module uses; identical on PGlite and PostgreSQL (transactions are the same type). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export type Database = {
  db: Db;
  kind: DatabaseKind;
  migrate(): Promise<void>;
  close(): Promise<void>;
};

const migrationsFolder = fromRoot('drizzle');

/**
 * PGlite's own start parameters, with a smaller shared memory. The defaults come from a server's postgresql.conf:
 * 128 MB of shared buffers and room for 100 connections, all allocated (and touched) inside the WebAssembly memory
 * at start, which never shrinks. PGlite is one backend, and the files it reads stay in the OS's page cache, so a
 * smaller buffer pool costs little (docs/memory.md has the figures).
 */
const PGLITE_START_PARAMS = [
  ...PGlite.defaultStartParams,
  ...['-c', 'shared_buffers=32MB', '-c', 'max_connections=10'],
];

/**
 * A PostgreSQL database's one-connection side pool, for tiny reads every request makes (the figure versions): they
 * never queue behind the main pool's connections, which the dashboards' aggregates can all hold at once.
 */
const sidePools = new WeakMap<object, pg.Pool>();

/** Runs `text` (no parameters) on the side pool of `db`; undefined for a database without one (PGlite). */
export function sideQuery<T>(db: Db): ((text: string) => Promise<T[]>) | undefined {
  const side = sidePools.get(db);
  return side && (async (text) => (await side.query(text)).rows as T[]);
}

/**
 * Opens the embedded database (PGlite, kept in `dataDir`, or in memory when `dataDir` is undefined)
 * or a PostgreSQL server when `url` is given. Both run the same migrations from `drizzle/`.
 */
export async function openDatabase(opts: { url?: string; dataDir?: string }): Promise<Database> {
  if (opts.url) {
    // JIT compilation costs ~0.3 s per dashboard query and never pays off for these short aggregates.
    const pool = new pg.Pool({ connectionString: opts.url, max: 10, options: '-c jit=off' });
    // An idle connection closed by the server (restart, admin command) must not crash the process: the pool drops
    // it and opens a new one for the next query.
    pool.on('error', () => {});
    // Fail fast with a clear message rather than on the first request.
    await pool.query('select 1');
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const side = new pg.Pool({ connectionString: opts.url, max: 1, options: '-c jit=off' });
    side.on('error', () => {});
    sidePools.set(db, side);
    return {
      db,
      kind: 'postgres',
      migrate: async () => {
        await migratePg(db as never, { migrationsFolder });
        await loadShippedData(db);
      },
      close: async () => {
        await Promise.all([pool.end(), side.end()]);
      },
    };
  }
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  // PGlite's file system fails on a symbolic link (a data folder moved to a larger disk): give it the real path.
  const dataDir = opts.dataDir && realpathSync(opts.dataDir);
  const client = new PGlite({ dataDir, startParams: PGLITE_START_PARAMS });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: async () => {
      await migratePglite(db as never, { migrationsFolder });
      await loadShippedData(db);
    },
    close: () => client.close(),
  };
}

/**
 * After the migrations, the data a release ships (the law as dated rules, national bodies, the holiday calendar:
 * `rules/`) is brought up to date. Imported when needed: that module itself writes through this one.
 */
async function loadShippedData(db: Db) {
  const { syncBuiltinRules } = await import('../../modules/rules/index.ts');
  await syncBuiltinRules(db);
}

/** Rows of a raw SQL query. (Drizzle's `execute` result type differs per driver; both carry `rows`.) */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

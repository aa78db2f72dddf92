import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/core/config.ts';
import { type Database, openDatabase } from '../../src/core/db/client.ts';

/**
 * The databases every database test runs against: the embedded PGlite always, and a real PostgreSQL server when
 * one answers at KHIEN_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres). CI sets
 * KHIEN_REQUIRE_POSTGRES=1 so a missing server fails the run instead of skipping.
 */
const ADMIN_URL = process.env.KHIEN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresAvailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const pgProblem = await postgresAvailable();
if (pgProblem) {
  if (process.env.KHIEN_REQUIRE_POSTGRES === '1')
    throw new Error(`PostgreSQL required but unreachable at ${ADMIN_URL}: ${pgProblem}`);
  console.warn(
    `SKIPPED: PostgreSQL tests — no server at ${ADMIN_URL} (${pgProblem}). Only the embedded database is tested.`,
  );
}

export type TestDbKind = 'pglite' | 'postgres';
export const TEST_DATABASES: TestDbKind[] = pgProblem ? ['pglite'] : ['pglite', 'postgres'];

/**
 * A fresh, migrated, empty database of the given kind; `close()` also drops the PostgreSQL database. With
 * `migrate: false`, a database never initialised (what a restore needs).
 */
export async function openTestDatabase(kind: TestDbKind, { migrate = true } = {}): Promise<Database> {
  if (kind === 'pglite') {
    const database = await openDatabase({});
    if (migrate) await database.migrate();
    return database;
  }
  const name = `khien_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  if (migrate) await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** One random key per test process: tests never write a key file. */
export const TEST_SECRET_KEY = randomBytes(32);

export const testConfig = (overrides: Partial<Config> = {}): Config =>
  loadConfig({ LOG_LEVEL: 'silent' }, { loginRatePerMinute: 1000, secretKey: TEST_SECRET_KEY, ...overrides });

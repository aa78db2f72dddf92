import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_DATABASES } from '../../../tests/support/db.ts';
import type { Database } from './client.ts';
import { uniqueViolation } from './conflict.ts';

describe.each(TEST_DATABASES)('unique violations on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.db.execute(sql`create table conflict_probe (k text primary key)`);
  });
  afterAll(() => database.close());

  it('turns the driver error Drizzle wraps into a 409 conflict', async () => {
    await database.db.execute(sql`insert into conflict_probe values ('a')`);
    const err = await database.db.execute(sql`insert into conflict_probe values ('a')`).catch((e: unknown) => e);
    const mapped = uniqueViolation(err);
    expect(mapped?.status).toBe(409);
    expect(mapped?.details).toEqual({ constraint: 'conflict_probe_pkey' });
  });

  it('leaves other database errors alone', async () => {
    const err = await database.db.execute(sql`select * from no_such_table`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(uniqueViolation(err)).toBeNull();
  });
});

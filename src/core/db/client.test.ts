import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from './client.ts';

// The embedded database's shared memory is allocated, and resident, from its start (docs/memory.md): a data folder's
// postgresql.conf, written by initdb as for a server, must not size it.
describe('the embedded database', () => {
  it('starts with a small shared memory, in a data folder as in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'khien-client-'));
    try {
      for (const dataDir of [dir, undefined]) {
        const database = await openDatabase({ dataDir });
        try {
          const [row] = await queryRows<{ shared_buffers: string; max_connections: string }>(
            database.db,
            sql`select current_setting('shared_buffers') as shared_buffers, current_setting('max_connections') as max_connections`,
          );
          expect(row).toEqual({ shared_buffers: '32MB', max_connections: '10' });
        } finally {
          await database.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a data folder reached through a symbolic link (moved to another disk), writing where it points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'khien-client-'));
    try {
      mkdirSync(join(dir, 'disk'));
      symlinkSync(join(dir, 'disk'), join(dir, 'link'));
      const database = await openDatabase({ dataDir: join(dir, 'link') });
      try {
        expect(await queryRows<{ one: number }>(database.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
      } finally {
        await database.close();
      }
      expect(readdirSync(join(dir, 'disk'))).toContain('PG_VERSION');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

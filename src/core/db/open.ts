import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { type Database, openDatabase } from './client.ts';

/**
 * Opens the configured database and applies pending migrations. The embedded database lives in one process at a
 * time (PGlite is not multi-process safe), so a lock file in the data folder refuses a second opener with a clear
 * message instead of corrupting the data.
 */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) {
    const database = await openDatabase({ url: config.databaseUrl });
    await database.migrate();
    return database;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const lock = join(config.dataDir, 'khien.lock');
  acquireLock(lock);
  try {
    const database = await openDatabase({ dataDir: join(config.dataDir, 'pglite') });
    await database.migrate();
    return {
      ...database,
      close: async () => {
        await database.close();
        rmSync(lock, { force: true });
      },
    };
  } catch (e) {
    rmSync(lock, { force: true });
    throw e;
  }
}

function acquireLock(path: string) {
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid))
      throw new Error(
        `The embedded database in ${path.replace(/khien\.lock$/, '')} is in use by process ${pid} (probably "khien serve"). ` +
          'Stop it first, or use the HTTP API / a PostgreSQL server (DATABASE_URL) for concurrent access.',
      );
    rmSync(path, { force: true }); // stale lock from a crashed process
  }
  const fd = openSync(path, 'wx');
  writeSync(fd, String(process.pid));
  closeSync(fd);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { type Database, openDatabase } from './client.ts';

/**
 * Opens the configured database and applies pending migrations (not with `migrate: false`: a restore creates the
 * schema itself, in an empty database). The embedded database lives in one process at a
 * time (PGlite is not multi-process safe), so a lock file in the data folder refuses a second opener with a clear
 * message instead of corrupting the data.
 */
export async function openConfiguredDatabase(config: Config, { migrate = true } = {}): Promise<Database> {
  if (config.databaseUrl) {
    const database = await openDatabase({ url: config.databaseUrl });
    if (migrate) await database.migrate();
    return database;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const lock = join(config.dataDir, 'khien.lock');
  acquireLock(lock);
  try {
    const database = await openDatabase({ dataDir: join(config.dataDir, 'pglite') });
    if (migrate) await database.migrate();
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
    if (pid && pid !== process.pid && isAlive(pid)) {
      const dir = path.replace(/khien\.lock$/, '');
      // A refusal the user can act on (CONFLICT), so the CLI prints it as one line.
      throw new AppError(
        'CONFLICT',
        `Cơ sở dữ liệu nhúng ở ${dir} đang được tiến trình ${pid} dùng, có lẽ là "khien serve": hãy dừng nó trước, ` +
          'hoặc dùng API HTTP hay máy chủ PostgreSQL qua DATABASE_URL để truy cập đồng thời / ' +
          `The embedded database in ${dir} is in use by process ${pid} (probably "khien serve"). ` +
          'Stop it first, or use the HTTP API / a PostgreSQL server (DATABASE_URL) for concurrent access.',
      );
    }
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

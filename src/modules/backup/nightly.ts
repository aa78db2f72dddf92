// The nightly backup of a running server (KHIEN_BACKUP_DIR): the only way to back up an embedded database in use,
// since `khien backup` cannot open it while the server holds it.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../core/config.ts';
import type { Database } from '../../core/db/client.ts';
import { dayStart, provinceDay } from '../../core/time.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { type BackupSummary, backupDatabase } from './backup.service.ts';

const NIGHTLY = /^khien-\d{4}-\d{2}-\d{2}\.backup\.gz$/;

/**
 * Writes today's backup (province day) into `dir` unless it is there already, then keeps the newest `keep` nightly
 * files. Returns the new file's summary and the files removed, or null when today's was already written.
 */
export async function runNightlyBackup(
  database: Pick<Database, 'db' | 'kind'>,
  opts: { dir: string; keep: number },
  now = new Date(),
): Promise<(BackupSummary & { removed: string[] }) | null> {
  mkdirSync(opts.dir, { recursive: true });
  const name = `khien-${provinceDay(now)}.backup.gz`;
  if (readdirSync(opts.dir).includes(name)) return null;
  const summary = await backupDatabase(database, join(opts.dir, name));
  // Names sort by day; only this feature's own files are ever removed.
  const nightly = readdirSync(opts.dir)
    .filter((f) => NIGHTLY.test(f))
    .sort();
  const removed = nightly.slice(0, Math.max(0, nightly.length - opts.keep));
  for (const f of removed) rmSync(join(opts.dir, f), { force: true });
  return { ...summary, removed };
}

/** From KHIEN_BACKUP_HOUR (province time) each day, polled every `intervalMs`; off when KHIEN_BACKUP_DIR is unset. */
export function registerNightlyBackup(
  app: FastifyInstance,
  deps: { database: Database; config: Pick<Config, 'backup'> },
  intervalMs = 600_000,
) {
  const backup = deps.config.backup;
  if (!backup) return;
  registerPeriodic(app, {
    name: 'nightly backup',
    intervalMs,
    job: async () => {
      const now = new Date();
      if (now.getTime() - dayStart(provinceDay(now)).getTime() < backup.hour * 3_600_000) return;
      const r = await runNightlyBackup(deps.database, backup, now);
      if (r)
        app.log.info(
          { file: r.file, bytes: r.bytes, rows: r.rows, auditHead: r.header.audit, removed: r.removed },
          'nightly backup written',
        );
    },
  });
}

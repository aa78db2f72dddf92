// `khien backup -o FILE` and `khien restore FILE` (docs/backup.md). main.ts creates the commands (name and
// description); these add the options and the action.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { fail, withDatabase } from '../../cli/context.ts';
import { type Config, loadConfig } from '../../core/config.ts';
import { parseSecretKey } from '../../core/crypto/secret-box.ts';
import { openConfiguredDatabase } from '../../core/db/open.ts';
import { BackupRefused, backupDatabase, restoreDatabase, type SecretKeyUse } from './backup.service.ts';

const size = (bytes: number) =>
  bytes < 1048576 ? `${(bytes / 1024).toFixed(0)} kB` : `${(bytes / 1048576).toFixed(1)} MB`;

/** The key sealing secrets as the server would use it; the key file is read, never created, here. */
function secretKey(config: Config): SecretKeyUse {
  if (config.secretKey) return { key: config.secretKey, source: 'KHIEN_SECRET_KEY' };
  const path = join(config.dataDir, 'secret.key');
  return {
    key: existsSync(path) ? parseSecretKey(readFileSync(path, 'utf8').trim()) : undefined,
    source: path,
  };
}

/** The embedded database held by a running server: the one error a backup of it is expected to meet. */
function explainInUse(e: unknown): never | undefined {
  const inUse = e instanceof Error ? /The embedded database in \S+ is in use by process \d+/.exec(e.message) : null;
  if (inUse)
    fail(
      'máy chủ đang dùng cơ sở dữ liệu nhúng nên không sao lưu được lúc này: dùng bản sao lưu hằng đêm ' +
        `(KHIEN_BACKUP_DIR) hoặc dừng máy chủ trước / ${inUse[0]}: it cannot be backed up while the server runs — ` +
        'use the nightly backup (KHIEN_BACKUP_DIR, docs/backup.md), or stop the server first',
    );
  return undefined;
}

export function registerBackupCommand(cmd: Command) {
  cmd.requiredOption('-o, --output <file>', 'the backup file to write (gzip)').action(async (o: { output: string }) => {
    const config = loadConfig();
    try {
      await withDatabase(async (database) => {
        const started = Date.now();
        const r = await backupDatabase(database, o.output);
        console.log(
          `Đã sao lưu / backed up ${r.rows} rows of ${r.header.tables.length} tables (${database.kind}) to ` +
            `${o.output}: ${size(r.bytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        console.log(`Nhật ký kiểm toán / audit log: ${r.header.audit.entries} entries, head ${r.header.audit.head}`);
        const key = secretKey(config).source;
        console.log(
          `Khoá bí mật KHÔNG có trong bản sao lưu / the secret key is NOT in the backup: keep ${key} separately ` +
            `(${r.header.sealed.count} sealed TOTP seeds need it)`,
        );
      });
    } catch (e) {
      explainInUse(e);
      throw e;
    }
  });
}

export function registerRestoreCommand(cmd: Command) {
  cmd
    .argument('<file>', 'a backup written by "khien backup" or the nightly backup')
    .option('--ignore-secret-key', 'restore even if the secret key in use cannot open the sealed TOTP seeds')
    .action(async (file: string, o: { ignoreSecretKey?: boolean }) => {
      const config = loadConfig();
      if (!existsSync(file)) fail(`no such file: ${file}`);
      let database: Awaited<ReturnType<typeof openConfiguredDatabase>>;
      try {
        database = await openConfiguredDatabase(config, { migrate: false });
      } catch (e) {
        explainInUse(e);
        throw e;
      }
      let refused: string | null = null;
      try {
        const r = await restoreDatabase(database, file, { ...secretKey(config), ignore: o.ignoreSecretKey });
        const h = r.header;
        console.log(
          `Đã khôi phục / restored ${r.rows} rows of ${h.tables.length} tables into ${database.kind} ` +
            `(backup of ${h.createdAt}, ${h.source}, Khiên ${h.khienVersion})`,
        );
        if (r.upgradedWith.length) console.log(`Nâng cấp / upgraded with ${r.upgradedWith.join(', ')}`);
        if (r.unreadableSeeds)
          console.log(
            `Cảnh báo / warning: ${r.unreadableSeeds} sealed TOTP seeds are unreadable with this key: ` +
              'those users must set up two-step sign-in again',
          );
        console.log(`Nhật ký kiểm toán / audit log: intact, ${r.audit.entries} entries, head ${r.audit.head}`);
      } catch (e) {
        if (!(e instanceof BackupRefused)) throw e;
        refused = e.message;
      } finally {
        await database.close();
      }
      if (refused) fail(refused);
    });
}

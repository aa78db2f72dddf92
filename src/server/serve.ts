import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pino from 'pino';
import type { Config } from '../core/config.ts';
import { openConfiguredDatabase } from '../core/db/open.ts';
import { auditHead } from '../modules/audit/index.ts';
import { countUsers } from '../modules/auth/index.ts';
import { describeEmail } from '../modules/notifications/index.ts';
import { parseAllowList, startLiveIngestion } from '../modules/soc/index.ts';
import { buildApp, WEB_DIST } from './app.ts';
import { removeStaleUploads } from './upload.ts';

export async function serve(config: Config) {
  const log = pino({ level: config.logLevel });
  // The web UI is built at install (`npm run build`, which npm install runs); without it the API still serves.
  if (!existsSync(`${WEB_DIST}/index.html`))
    log.warn('Giao diện web chưa được biên dịch, hãy chạy / the web UI is not built, run: npm run build:web');
  // A malformed allow-list stops the start rather than opening the collectors to everyone.
  const allow = config.collectorAllow ? parseAllowList(config.collectorAllow) : undefined;
  // Uploads being spooled when a previous run crashed (another running server's are kept).
  const leftovers = await removeStaleUploads();
  if (leftovers.length) log.info({ removed: leftovers }, 'removed temporary upload files left by a previous run');
  const database = await openConfiguredDatabase(config);
  const setup = { token: null as string | null };
  if ((await countUsers(database.db)) === 0) {
    setup.token = randomBytes(18).toString('base64url');
  }
  const app = await buildApp({ database, config, setup, logger: { level: config.logLevel } });
  const collectors =
    config.netflowPort !== undefined || config.syslogPort !== undefined
      ? await startLiveIngestion(database.db, {
          netflowPort: config.netflowPort,
          syslogPort: config.syslogPort,
          host: config.collectorHost,
          limits: {
            allow,
            maxConnections: config.syslogMaxConnections,
            idleMs: config.syslogIdleSeconds * 1000,
          },
          log,
        })
      : null;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await app.close();
    await collectors?.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  // The audit log's head, at start and daily, in the server log: shipped off this host, each line is a head hash
  // kept outside the database, for `khien audit verify --head` (see ARCHITECTURE, request path).
  const logAuditHead = async () => log.info({ auditHead: await auditHead(database.db) }, 'audit log head');
  await logAuditHead();
  setInterval(() => void logAuditHead().catch((err) => log.error({ err }, 'audit head')), 24 * 3600 * 1000).unref();
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  log.info(`Khiên đang chạy / running at ${base} (database: ${database.kind})`);
  log.info(describeEmail(config));
  if (setup.token) {
    // No default password exists: the first administrator is created with this one-time link.
    console.log(
      `\n  Chưa có tài khoản quản trị. Mở liên kết dùng một lần sau để tạo quản trị viên đầu tiên:\n` +
        `  No administrator yet. Open this one-time link to create the first administrator:\n\n` +
        `  ${base}/setup#token=${setup.token}\n`,
    );
  }
}

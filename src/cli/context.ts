import { loadConfig } from '../core/config.ts';
import type { Database } from '../core/db/client.ts';
import { openConfiguredDatabase } from '../core/db/open.ts';
import type { Actor } from '../modules/auth/scope.ts';

/** The actor recorded in the audit log for changes made from the command line (an operator with shell access). */
export const CLI_ACTOR: Actor = {
  userId: '00000000-0000-0000-0000-000000000000',
  username: 'cli',
  displayName: 'Command line',
  role: 'admin',
  organisationId: null,
  scopeIncludesChildren: true,
  ip: null,
};

/** Opens the configured database (embedded or DATABASE_URL) for one command and always closes it. */
export async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(loadConfig());
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

export function fail(message: string): never {
  console.error(`Lỗi / Error: ${message}`);
  process.exit(1);
}

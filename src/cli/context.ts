// What the commands share. Every command that registers options imports this file, so it loads the database and
// the organisations module only when a command uses them (`khien soc analyze` uses neither).
import type { Command } from 'commander';
import { CLI_USER_ID } from '../core/actor.ts';
import type { Database, Db } from '../core/db/client.ts';
import { provinceDay } from '../core/time.ts';
import type { Actor } from '../modules/auth/index.ts';
import { fail } from './errors.ts';

export { fail };

/** The actor recorded in the audit log for changes made from the command line (an operator with shell access). */
export const CLI_ACTOR: Actor = {
  userId: CLI_USER_ID,
  username: 'cli',
  displayName: 'Command line',
  role: 'admin',
  organisationId: null,
  scopeIncludesChildren: true,
  ip: null,
};

/** Opens the configured database (embedded or DATABASE_URL) for one command and always closes it. */
export async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const [{ loadConfig }, { openConfiguredDatabase }] = await Promise.all([
    import('../core/config.ts'),
    import('../core/db/open.ts'),
  ]);
  const database = await openConfiguredDatabase(loadConfig());
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** Adds the options of a period figure: `--from`, `--to` (dd/mm/yyyy or yyyy-mm-dd), `--org`, `--json`. */
export const withPeriodOptions = (cmd: Command) =>
  cmd
    .requiredOption('--from <date>', 'first day (dd/mm/yyyy or yyyy-mm-dd)')
    .requiredOption('--to <date>', 'last day (inclusive)')
    .option('--org <code>', 'organisation code: that organisation and its descendants (as of --as-of)')
    .option('--as-of <date>', 'figures as they stood on this day, on that day’s tree (default: --to)')
    .option('--json', 'print JSON');

export type PeriodOptions = { from: string; to: string; asOf?: string; org?: string; json?: boolean };

/** The id of the unit holding a code on a day (default today; codes are reused across periods), or a clear CLI error. */
export async function organisationIdByCode(db: Db, code: string, day = provinceDay()): Promise<string> {
  const { organisationByCodeOn } = await import('../modules/organisations/index.ts');
  const org = await organisationByCodeOn(db, code, day);
  if (!org) fail(`no organisation with code "${code}" on ${day}`);
  return org.id;
}

/** A day typed as dd/mm/yyyy or yyyy-mm-dd, checked to exist (31/02 is refused), as yyyy-mm-dd. */
export const isoDay = (d: string) => {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d);
  const iso = m ? `${m[3]}-${m[2]}-${m[1]}` : d;
  const t = Date.parse(`${iso}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== iso)
    fail(`invalid date "${d}" (dd/mm/yyyy or yyyy-mm-dd)`);
  return iso;
};

/** The period as the services take it. */
export const resolvePeriod = async (db: Db, o: PeriodOptions) => {
  const asOf = isoDay(o.asOf ?? o.to);
  return {
    from: isoDay(o.from),
    to: isoDay(o.to),
    asOf,
    organisationId: o.org ? await organisationIdByCode(db, o.org, asOf) : undefined,
  };
};

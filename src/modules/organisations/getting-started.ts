import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { organisationIdIn, type Scope, scopeOrganisationIds } from '../auth/index.ts';

/**
 * What a fresh install still lacks, as the caller sees it: the organisations in force today and the information
 * systems within the caller's scope, and whether any scan report or log was imported yet (province-wide counts,
 * nothing of their content). The overview turns zeros into "what to do first" instead of figures.
 */
export async function gettingStarted(db: Db, scope: Scope) {
  const ids = scopeOrganisationIds(scope);
  const day = provinceDay();
  const [row] = await queryRows<{ organisations: number; systems: number; scan_imports: number; soc_ingests: number }>(
    db,
    sql`select
      (select count(*)::int from organisations
        where ${organisationIdIn(sql`id`, ids)}
          and (valid_from is null or valid_from <= ${day}::date) and (valid_to is null or valid_to >= ${day}::date)
      ) as organisations,
      (select count(*)::int from information_systems where ${organisationIdIn(sql`organisation_id`, ids)}) as systems,
      (select count(*)::int from scan_imports) as scan_imports,
      (select count(*)::int from soc_ingests) as soc_ingests`,
  );
  return {
    organisations: Number(row?.organisations ?? 0),
    systems: Number(row?.systems ?? 0),
    scanImports: Number(row?.scan_imports ?? 0),
    socIngests: Number(row?.soc_ingests ?? 0),
  };
}

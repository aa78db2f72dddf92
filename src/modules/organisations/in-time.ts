import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { organisationIpRanges, organisations } from './organisations.schema.ts';

/** SQL condition: the unit (or range) is in force on `day`. */
export const inForceOn = (t: { validFrom: unknown; validTo: unknown }, day: string | SQL): SQL =>
  sql`(${t.validFrom} is null or ${t.validFrom} <= ${day}::date) and (${t.validTo} is null or ${t.validTo} >= ${day}::date)`;

/** The unit holding `code` on `day`, if any (codes are reused across periods: never look one up without a day). */
export async function organisationByCodeOn(db: Db, code: string, day: string) {
  const [row] = await db
    .select()
    .from(organisations)
    .where(and(eq(organisations.code, code), inForceOn(organisations, day)));
  return row ?? null;
}

/**
 * Which unit carries each organisation's records on `day`: itself while in force, else its successor's carrier
 * (a merged commune's history rolls up to the commune it merged into; a renamed unit to its new version).
 * Units with no successor map to themselves: their records keep their own name.
 */
export async function carriersOn(db: Db, day: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: organisations.id, validTo: organisations.validTo, successorId: organisations.successorId })
    .from(organisations);
  return carriersOf(rows, day);
}

/** carriersOn over units already loaded (a caller that reads the whole tree anyway). */
export function carriersOf(
  rows: { id: string; validTo: string | null; successorId: string | null }[],
  day: string,
): Map<string, string> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<string, string>();
  const carrier = (id: string, seen = new Set<string>()): string => {
    const known = out.get(id);
    if (known) return known;
    const r = byId.get(id);
    if (!r?.validTo || r.validTo >= day || !r.successorId || seen.has(id)) return id;
    seen.add(id);
    return carrier(r.successorId, seen);
  };
  for (const r of rows) out.set(r.id, carrier(r.id));
  return out;
}

/** The units that ended before `day`. */
export async function endedBefore(db: Db, day: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(sql`${organisations.validTo} < ${day}::date`);
  return new Set(rows.map((r) => r.id));
}

/** The IP ranges in force on `day` whose unit is in force too (attribution of a finding seen that day). */
export const rangesOn = (db: Db, day: string) =>
  db
    .select({ cidr: organisationIpRanges.cidr, organisationId: organisationIpRanges.organisationId })
    .from(organisationIpRanges)
    .innerJoin(organisations, eq(organisations.id, organisationIpRanges.organisationId))
    .where(and(inForceOn(organisationIpRanges, day), inForceOn(organisations, day)));

/**
 * A derived table `carrier(id, unit)` for SQL: each organisation that merged away by `day`, with the unit carrying
 * its records that day. Left-join it and group by `coalesce(carrier.unit, <organisation column>)` so a figure for
 * `day` names each record's unit of that day.
 */
export async function carrierTable(db: Db, day: string): Promise<SQL> {
  const moved = [...(await carriersOn(db, day))].filter(([id, unit]) => id !== unit);
  if (!moved.length) return sql`(select null::uuid as id, null::uuid as unit where false) as carrier`;
  return sql`(values ${sql.join(
    moved.map(([id, unit]) => sql`(${id}::uuid, ${unit}::uuid)`),
    sql`, `,
  )}) as carrier(id, unit)`;
}

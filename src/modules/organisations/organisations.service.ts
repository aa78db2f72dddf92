import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { auditActor } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor, Scope } from '../auth/index.ts';
import { users } from '../auth/index.ts';
import { inForceOn } from './in-time.ts';
import { type OrganisationInput, type ParsedOrganisationInput, ZOrganisationInput } from './organisations.input.ts';
import { organisationIpRanges, organisations } from './organisations.schema.ts';

export { type OrganisationInput, ZOrganisationInput };

type ParsedInput = ParsedOrganisationInput;

export type Organisation = typeof organisations.$inferSelect & { ipRanges: string[] };

/**
 * Canonical form of an IPv4/IPv6 CIDR, checked by PostgreSQL's own `cidr` parser (the column's type), so what we
 * accept is exactly what the database stores. Returns null with the parser's reason when invalid.
 */
export async function normaliseCidrs(
  db: Db,
  ranges: string[],
): Promise<{ ok: string[]; bad: { value: string; reason: string }[] }> {
  const ok: string[] = [];
  const bad: { value: string; reason: string }[] = [];
  for (const value of ranges) {
    try {
      const [row] = await queryRows<{ c: string }>(db, sql`select (${value})::cidr::text as c`);
      if (row) ok.push(row.c);
    } catch (e) {
      const reason = (e as { cause?: Error }).cause?.message ?? (e as Error).message;
      bad.push({ value, reason: reason.replace(/^.*?(invalid .*)$/s, '$1') });
    }
  }
  return { ok, bad };
}

/** Each unit with its IP ranges: those in force on `day`, or on the unit's last day when it has ended. */
async function withRanges(
  db: Db,
  rows: (typeof organisations.$inferSelect)[],
  day = provinceDay(),
): Promise<Organisation[]> {
  if (rows.length === 0) return [];
  const ranges = await db
    .select({ organisationId: organisationIpRanges.organisationId, cidr: organisationIpRanges.cidr })
    .from(organisationIpRanges)
    .innerJoin(organisations, eq(organisations.id, organisationIpRanges.organisationId))
    .where(
      and(
        inArray(
          organisationIpRanges.organisationId,
          rows.map((r) => r.id),
        ),
        inForceOn(organisationIpRanges, sql`least(${day}::date, coalesce(${organisations.validTo}, ${day}::date))`),
      ),
    )
    .orderBy(asc(organisationIpRanges.cidr));
  const byOrg = new Map<string, string[]>();
  for (const r of ranges) byOrg.set(r.organisationId, [...(byOrg.get(r.organisationId) ?? []), r.cidr]);
  return rows.map((r) => ({ ...r, ipRanges: byOrg.get(r.id) ?? [] }));
}

/** SQL condition limiting organisations to a scope; `undefined` means no limit. */
export const organisationScopeFilter = (scope: Scope) =>
  scope.all ? undefined : scope.organisationIds.length ? inArray(organisations.id, scope.organisationIds) : sql`false`;

/** The units in force on `asOf` (default today) that the scope may see; `asOf: null` = every period. */
export async function listOrganisations(
  db: Db,
  scope: Scope,
  asOf: string | null = provinceDay(),
): Promise<Organisation[]> {
  const rows = await db
    .select()
    .from(organisations)
    .where(and(organisationScopeFilter(scope), asOf ? inForceOn(organisations, asOf) : undefined))
    .orderBy(asc(organisations.name));
  return withRanges(db, rows, asOf ?? undefined);
}

/**
 * Refuses an id that names no unit (of any period) as a VALIDATION error on `field`, which the caller's page
 * translates with its own `key`: a form's organisation picker, a target's subtree, an assignment.
 */
export async function requireOrganisation(db: Db, id: string, field: string, key: string): Promise<void> {
  const [org] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, id));
  if (!org) throw new AppError('VALIDATION', 'Unknown organisation', { field }, { key });
}

/** The ministry owning an organisation's systems (a vertical body), or null for the province. */
export async function organisationOwnerBody(db: Db, scope: Scope, id: string): Promise<string | null> {
  return (await getOrganisation(db, scope, id)).ownerBodyCode;
}

export async function getOrganisation(db: Db, scope: Scope, id: string): Promise<Organisation> {
  const [row] = await db
    .select()
    .from(organisations)
    .where(and(eq(organisations.id, id), organisationScopeFilter(scope)));
  // Out of scope looks exactly like missing: an agency cannot even learn that another agency's id exists.
  if (!row) throw notFound('Organisation');
  const [org] = await withRanges(db, [row]);
  return org as Organisation;
}

/** SQL condition: a unit's validity overlaps the given period (codes are unique per period, not forever). */
const overlaps = (p: { validFrom: string | null; validTo: string | null }) =>
  sql`coalesce(${organisations.validFrom}, '0001-01-01'::date) <= ${p.validTo ?? '9999-12-31'}::date
    and coalesce(${organisations.validTo}, '9999-12-31'::date) >= ${p.validFrom ?? '0001-01-01'}::date`;

const codeTaken = (code: string) =>
  new AppError(
    'CONFLICT',
    `Code "${code}" is already used in that period`,
    { field: 'code' },
    { key: 'orgCodeTaken', params: { code } },
  );

async function assertNoCycle(db: Db, id: string, parentId: string | null) {
  if (!parentId) return;
  if (parentId === id)
    throw new AppError(
      'VALIDATION',
      'An organisation cannot be its own parent',
      { field: 'parentId' },
      { key: 'orgOwnParent' },
    );
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    with recursive up(id, parent_id) as (
      select id, parent_id from organisations where id = ${parentId}
      union select o.id, o.parent_id from organisations o join up on o.id = up.parent_id
    ) select id from up where id = ${id}`,
  );
  if (rows.length)
    throw new AppError(
      'VALIDATION',
      'The parent is inside this organisation’s own subtree',
      { field: 'parentId' },
      { key: 'orgParentCycle' },
    );
}

async function checkRanges(db: Db, input: ParsedInput, id: string | null): Promise<string[]> {
  const { ok, bad } = await normaliseCidrs(db, input.ipRanges);
  if (bad.length)
    throw new AppError(
      'VALIDATION',
      `Invalid IP range ${bad.map((b) => `"${b.value}"`).join(', ')}`,
      { field: 'ipRanges', invalid: bad },
      { key: 'ipRangeInvalidList', params: { ranges: bad.map((b) => b.value).join(', ') } },
    );
  const unique = [...new Set(ok)];
  if (unique.length) {
    const taken = await db
      .select({ cidr: organisationIpRanges.cidr, organisationId: organisationIpRanges.organisationId })
      .from(organisationIpRanges)
      .where(and(inArray(organisationIpRanges.cidr, unique), inForceOn(organisationIpRanges, provinceDay())));
    const clash = taken.filter((t) => t.organisationId !== id);
    if (clash.length)
      throw new AppError(
        'CONFLICT',
        `IP range already belongs to another organisation: ${clash.map((c) => c.cidr).join(', ')}`,
        { field: 'ipRanges' },
        { key: 'ipRangeTaken', params: { ranges: clash.map((c) => c.cidr).join(', ') } },
      );
  }
  return unique;
}

/** Sets a unit's ranges in force today (ranges that ended before are its history and stay). */
async function replaceRanges(
  tx: Db,
  organisationId: string,
  ranges: string[],
  unit: { validFrom: string | null; validTo: string | null },
) {
  await tx
    .delete(organisationIpRanges)
    .where(
      and(eq(organisationIpRanges.organisationId, organisationId), inForceOn(organisationIpRanges, provinceDay())),
    );
  if (ranges.length)
    await tx
      .insert(organisationIpRanges)
      .values(ranges.map((cidr) => ({ organisationId, cidr, validFrom: unit.validFrom, validTo: unit.validTo })));
}

async function assertSuccessor(db: Db, id: string | null, successorId: string | null) {
  if (!successorId) return;
  if (successorId === id)
    throw new AppError(
      'VALIDATION',
      'An organisation cannot succeed itself',
      { field: 'successorId' },
      { key: 'orgOwnSuccessor' },
    );
  const [row] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, successorId));
  if (!row)
    throw new AppError(
      'VALIDATION',
      'Unknown successor organisation',
      { field: 'successorId' },
      { key: 'organisationInvalid' },
    );
}

async function assertParentAllowed(db: Db, scope: Scope, parentId: string | null) {
  if (parentId)
    await getOrganisation(db, scope, parentId).catch(() => {
      throw new AppError(
        'VALIDATION',
        'Unknown parent organisation',
        { field: 'parentId' },
        { key: 'organisationInvalid' },
      );
    });
}

export async function createOrganisation(
  db: Db,
  actor: Actor,
  scope: Scope,
  raw: OrganisationInput,
): Promise<Organisation> {
  const input = ZOrganisationInput.parse(raw);
  await assertParentAllowed(db, scope, input.parentId);
  await assertSuccessor(db, null, input.successorId);
  const ranges = await checkRanges(db, input, null);
  const { ipRanges: _, ...fields } = input;
  const id = await db.transaction(async (tx) => {
    const [dup] = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.code, input.code), overlaps(input)));
    if (dup) throw codeTaken(input.code);
    const [row] = await tx.insert(organisations).values(fields).returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await replaceRanges(tx, row.id, ranges, input);
    await recordAudit(tx, auditActor(actor), {
      action: 'organisation.create',
      entityType: 'organisation',
      entityId: row.id,
      organisationId: row.id,
      after: { ...row, ipRanges: ranges },
    });
    return row.id;
  });
  return getOrganisation(db, scope, id);
}

export async function updateOrganisation(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  raw: OrganisationInput,
): Promise<Organisation> {
  const before = await getOrganisation(db, scope, id);
  const input = ZOrganisationInput.parse(raw);
  await assertParentAllowed(db, scope, input.parentId);
  await assertNoCycle(db, id, input.parentId);
  await assertSuccessor(db, id, input.successorId);
  const ranges = await checkRanges(db, input, id);
  const { ipRanges: _, ...fields } = input;
  await db.transaction(async (tx) => {
    const [dup] = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.code, input.code), sql`${organisations.id} <> ${id}`, overlaps(input)));
    if (dup) throw codeTaken(input.code);
    await tx
      .update(organisations)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(organisations.id, id));
    await replaceRanges(tx, id, ranges, input);
    const [after] = await tx.select().from(organisations).where(eq(organisations.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'organisation.update',
      entityType: 'organisation',
      entityId: id,
      organisationId: id,
      before,
      after: { ...after, ipRanges: ranges },
    });
  });
  return getOrganisation(db, scope, id);
}

export async function deleteOrganisation(db: Db, actor: Actor, scope: Scope, id: string): Promise<void> {
  const before = await getOrganisation(db, scope, id);
  await db.transaction(async (tx) => {
    const [child] = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.parentId, id))
      .limit(1);
    if (child)
      throw new AppError('CONFLICT', 'The organisation still has child organisations', undefined, {
        key: 'orgHasChildren',
        params: { name: before.name },
      });
    const [member] = await tx.select({ id: users.id }).from(users).where(eq(users.organisationId, id)).limit(1);
    if (member)
      throw new AppError('CONFLICT', 'Accounts still belong to the organisation', undefined, {
        key: 'orgHasAccounts',
        params: { name: before.name },
      });
    await tx.delete(organisations).where(eq(organisations.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'organisation.delete',
      entityType: 'organisation',
      entityId: id,
      organisationId: id,
      before,
    });
  });
}

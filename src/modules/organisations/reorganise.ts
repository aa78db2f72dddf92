import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { auditActor } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/format.ts';
import { AppError } from '../../core/errors.ts';
import { NUL_MESSAGE, nulColumn, readTable, type TableRow } from '../../core/tabular.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, organisationIdIn, users } from '../auth/index.ts';
import { inForceOn } from './in-time.ts';
import {
  ORGANISATION_TYPES,
  type OrganisationType,
  organisationIpRanges,
  organisations,
} from './organisations.schema.ts';

/**
 * A reorganisation (merger, split, rename, abolition) as a file: one row per old unit that closes and/or new unit
 * that opens on one effective date. Columns: effective, old_code, new_code, new_name, new_type, new_parent_code,
 * legal_basis. A row with `new_name` defines a new unit (repeated identically on each row of its predecessors);
 * a row without it points at a unit that continues; no `new_code` abolishes the old unit without successor.
 * Old codes are read as of the day before, new ones as of the effective date: codes are reused across periods.
 */
const COLUMNS: Record<string, string> = Object.fromEntries(
  [
    ['effective', 'Ngày hiệu lực', 'Effective'],
    ['old_code', 'Mã đơn vị cũ', 'Old code'],
    ['new_code', 'Mã đơn vị mới', 'New code'],
    ['new_name', 'Tên đơn vị mới', 'New name'],
    ['new_type', 'Loại đơn vị mới', 'New type'],
    ['new_parent_code', 'Mã đơn vị cấp trên mới', 'New parent code'],
    ['legal_basis', 'Căn cứ pháp lý', 'Legal basis'],
  ].flatMap(([key, vi, en]) => [
    [key as string, key as string],
    [vi as string, key as string],
    [en as string, key as string],
  ]),
);

/** A refused row: in English, and as a message key with its values (`errors.<key>` in the UI; days as dd/mm/yyyy). */
export type ReorganisationError = {
  row: number;
  column?: string;
  message: string;
  key?: string;
  params?: Record<string, string | number>;
};
type Unit = typeof organisations.$inferSelect;
type NewUnit = {
  code: string;
  name: string;
  type: OrganisationType;
  parentCode: string | null;
  basis: string;
  row: number;
};
export type ReorganisationReport = {
  effective: string | null;
  dryRun: boolean;
  applied: boolean;
  alreadyApplied: boolean;
  created: { code: string; name: string; type: string; parentCode: string | null }[];
  closed: { code: string; name: string; successorCode: string | null; successorName: string | null }[];
  /** What rolls up to a successor from the effective date on. */
  moves: { ipRanges: number; systems: number; computers: number; socFindings: number };
  /** Accounts attached to a closing unit: an administrator decides where each goes (never moved silently). */
  accountsToReview: { username: string; displayName: string; organisationCode: string }[];
  errors: ReorganisationError[];
};

const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export async function readReorganisation(file: Buffer): Promise<TableRow[]> {
  return readTable(file, COLUMNS);
}

/**
 * Checks a reorganisation and, unless `dryRun`, applies it in one transaction: new units from the effective date,
 * old units closed the day before with their successor, their IP ranges carried to the successor (closed for the
 * old unit, opened for the new one). Any error: nothing is written. Applying the same file again changes nothing.
 */
export async function reorganise(
  db: Db,
  actor: Actor,
  rows: TableRow[],
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<ReorganisationReport> {
  const errors: ReorganisationError[] = [];
  const report: ReorganisationReport = {
    effective: null,
    dryRun,
    applied: false,
    alreadyApplied: false,
    created: [],
    closed: [],
    moves: { ipRanges: 0, systems: 0, computers: 0, socFindings: 0 },
    accountsToReview: [],
    errors,
  };
  if (!rows.length) {
    errors.push({ row: 1, message: 'The file has no rows', key: 'reorganiseNoRows' });
    return report;
  }
  const effective = rows[0]?.cells.effective ?? '';
  // A day that exists (Date.parse takes 2025-02-30 for 2 March; the database would refuse it mid-way).
  if (!z.iso.date().safeParse(effective).success) {
    const row = rows[0]?.row ?? 2;
    throw new AppError(
      'VALIDATION',
      `Row ${row}: the effective date "${effective}" is not a day (yyyy-mm-dd)`,
      { row, column: 'effective', value: effective },
      { key: 'reorganiseBadDate', params: { row, value: effective } },
    );
  }
  report.effective = effective;
  const prev = dayBefore(effective);
  const before = await db.select().from(organisations).where(inForceOn(organisations, prev));
  const after = await db.select().from(organisations).where(inForceOn(organisations, effective));
  const oldByCode = new Map(before.map((o) => [o.code, o]));
  const nowByCode = new Map(after.map((o) => [o.code, o]));

  const newUnits = new Map<string, NewUnit>();
  const closing = new Map<string, { unit: Unit; successorCode: string | null; row: number }>();
  for (const { row, cells } of rows) {
    const fail = (column: string, message: string, key: string, params?: Record<string, string | number>) =>
      errors.push({ row, column, message, key, params });
    const nul = nulColumn(cells);
    if (nul) {
      fail(nul, NUL_MESSAGE, 'nulCharacter');
      continue;
    }
    if (cells.effective !== effective)
      fail('effective', `Every row must have the same effective date (${effective})`, 'reorganiseDateDiffers', {
        date: formatDay(effective),
      });
    const oldCode = cells.old_code?.trim() || null;
    const newCode = cells.new_code?.trim() || null;
    const newName = cells.new_name?.trim() || null;
    if (!oldCode && !newCode) {
      fail('old_code', 'A row needs an old unit, a new unit, or both', 'reorganiseEmptyRow');
      continue;
    }
    if (newName && newCode) {
      const type = cells.new_type?.trim() as OrganisationType;
      if (!ORGANISATION_TYPES.includes(type)) {
        fail(
          'new_type',
          `Unknown type "${cells.new_type ?? ''}" (expected one of: ${ORGANISATION_TYPES.join(', ')})`,
          'orgTypeUnknown',
          { value: cells.new_type ?? '' },
        );
        continue;
      }
      const def: NewUnit = {
        code: newCode,
        name: newName,
        type,
        parentCode: cells.new_parent_code?.trim() || null,
        basis: cells.legal_basis?.trim() ?? '',
        row,
      };
      const seen = newUnits.get(newCode);
      if (seen && (seen.name !== def.name || seen.type !== def.type || seen.parentCode !== def.parentCode))
        fail('new_name', `New unit ${newCode} is defined differently on row ${seen.row}`, 'reorganiseDefinedTwice', {
          code: newCode,
          row: seen.row,
        });
      else if (!seen) newUnits.set(newCode, def);
    } else if (newName && !newCode) fail('new_code', 'A new unit needs a code', 'reorganiseNeedsCode');
    if (oldCode) {
      const unit = oldByCode.get(oldCode);
      if (!unit)
        fail('old_code', `No unit with code ${oldCode} is in force on ${prev}`, 'reorganiseNoOldUnit', {
          code: oldCode,
          date: formatDay(prev),
        });
      else if (closing.has(oldCode))
        fail(
          'old_code',
          `Unit ${oldCode} already closes on row ${closing.get(oldCode)?.row}`,
          'reorganiseClosesTwice',
          {
            code: oldCode,
            row: closing.get(oldCode)?.row ?? 0,
          },
        );
      else closing.set(oldCode, { unit, successorCode: newCode, row });
    }
  }
  // Successors and parents exist on the effective date: new in this file, or in force and not closing.
  const continuing = (code: string) => {
    const u = nowByCode.get(code);
    return u && !closing.has(code) && u.validFrom !== effective ? u : null;
  };
  const rowOf = (code: string) => closing.get(code)?.row ?? newUnits.get(code)?.row ?? 0;
  for (const [code, c] of closing)
    if (c.successorCode && !newUnits.has(c.successorCode) && !continuing(c.successorCode))
      errors.push({
        row: c.row,
        column: 'new_code',
        message: `Successor ${c.successorCode} is neither new in this file nor in force on ${effective}`,
        key: 'reorganiseNoSuccessor',
        params: { code: c.successorCode, date: formatDay(effective) },
      });
    else if (c.successorCode === code && !newUnits.has(code))
      errors.push({
        row: c.row,
        column: 'new_code',
        message: `Unit ${code} cannot succeed itself`,
        key: 'reorganiseOwnSuccessor',
        params: { code },
      });
  for (const u of newUnits.values()) {
    if (u.parentCode && !newUnits.has(u.parentCode) && !continuing(u.parentCode))
      errors.push({
        row: u.row,
        column: 'new_parent_code',
        message: `Parent ${u.parentCode} is not in force on ${effective}`,
        key: 'reorganiseNoParent',
        params: { code: u.parentCode, date: formatDay(effective) },
      });
    const holder = nowByCode.get(u.code);
    if (holder && holder.validFrom !== effective && !closing.has(u.code))
      errors.push({
        row: u.row,
        column: 'new_code',
        message: `Code ${u.code} is held by "${holder.name}", which this file does not close`,
        key: 'reorganiseCodeHeld',
        params: { code: u.code, name: holder.name },
      });
  }
  // A closing unit takes its whole subtree with it: a child left behind would hang under a unit that no longer exists.
  for (const [code, c] of closing) {
    const left = before.filter((o) => o.parentId === c.unit.id && !closing.has(o.code));
    if (left.length)
      errors.push({
        row: c.row,
        column: 'old_code',
        message: `Unit ${code} closes but ${left.length} of its units do not (${left
          .slice(0, 5)
          .map((o) => o.code)
          .join(', ')}${left.length > 5 ? ', …' : ''})`,
        key: 'reorganiseLeftBehind',
        params: {
          code,
          count: left.length,
          codes: `${left
            .slice(0, 5)
            .map((o) => o.code)
            .join(', ')}${left.length > 5 ? ', …' : ''}`,
        },
      });
  }
  errors.sort((a, b) => a.row - b.row);

  // Applied already? Then every new unit exists from the effective date and every old one ended the day before.
  const existingNew = [...newUnits.keys()].filter((code) => nowByCode.get(code)?.validFrom === effective);
  if (existingNew.length === newUnits.size && [...closing.values()].every((c) => c.unit.validTo === prev)) {
    report.alreadyApplied = true;
    errors.length = 0;
    return report;
  }
  for (const code of existingNew)
    errors.push({
      row: rowOf(code),
      column: 'new_code',
      message: `Unit ${code} already exists from ${effective}`,
      key: 'reorganiseAlreadyExists',
      params: { code, date: formatDay(effective) },
    });

  const closingIds = [...closing.values()].map((c) => c.unit.id);
  report.created = [...newUnits.values()].map((u) => ({
    code: u.code,
    name: u.name,
    type: u.type,
    parentCode: u.parentCode,
  }));
  report.closed = [...closing.values()].map((c) => ({
    code: c.unit.code,
    name: c.unit.name,
    successorCode: c.successorCode,
    successorName: c.successorCode
      ? (newUnits.get(c.successorCode)?.name ?? nowByCode.get(c.successorCode)?.name ?? null)
      : null,
  }));
  if (closingIds.length) {
    const count = async (table: string) =>
      (
        await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from ${sql.identifier(table)}
            where ${organisationIdIn(sql`organisation_id`, closingIds)}`,
        )
      )[0]?.n ?? 0;
    report.moves = {
      ipRanges: (
        await db
          .select({ id: organisationIpRanges.id })
          .from(organisationIpRanges)
          .where(and(inArray(organisationIpRanges.organisationId, closingIds), inForceOn(organisationIpRanges, prev)))
      ).length,
      systems: await count('information_systems'),
      computers: await count('computers'),
      socFindings: await count('soc_finding_organisations'),
    };
    report.accountsToReview = (
      await db
        .select({ username: users.username, displayName: users.displayName, organisationId: users.organisationId })
        .from(users)
        .where(and(inArray(users.organisationId, closingIds), eq(users.disabled, false)))
    ).map((u) => ({
      username: u.username,
      displayName: u.displayName,
      organisationCode: before.find((o) => o.id === u.organisationId)?.code ?? '',
    }));
  }
  if (errors.length || dryRun) return report;

  await db.transaction(async (tx) => {
    const a = auditActor(actor);
    const idOf = new Map<string, string>();
    for (const u of after) if (!closing.has(u.code)) idOf.set(u.code, u.id);
    // Parents first: a new unit's parent may be new too.
    let pending = [...newUnits.values()];
    while (pending.length) {
      const ready = pending.filter((u) => !u.parentCode || idOf.has(u.parentCode));
      if (!ready.length)
        throw new AppError('VALIDATION', `New units form a parent cycle: ${pending.map((u) => u.code).join(', ')}`);
      for (const u of ready) {
        // A vertical body's new version keeps its ministry when every predecessor had the same one.
        const owners = new Set(
          [...closing.values()].filter((c) => c.successorCode === u.code).map((c) => c.unit.ownerBodyCode),
        );
        const ownerBodyCode = owners.size === 1 ? ([...owners][0] ?? null) : null;
        const [row] = await tx
          .insert(organisations)
          .values({
            code: u.code,
            name: u.name,
            type: u.type,
            parentId: u.parentCode ? (idOf.get(u.parentCode) ?? null) : null,
            ownerBodyCode,
            validFrom: effective,
          })
          .returning();
        if (!row) throw new AppError('INTERNAL', 'insert failed');
        idOf.set(u.code, row.id);
        await recordAudit(tx, a, {
          action: 'organisation.reorganise.create',
          entityType: 'organisation',
          entityId: row.id,
          organisationId: row.id,
          after: { ...row, legalBasis: u.basis },
        });
      }
      pending = pending.filter((u) => !ready.includes(u));
    }
    for (const c of closing.values()) {
      const successorId = c.successorCode ? (idOf.get(c.successorCode) ?? null) : null;
      await tx
        .update(organisations)
        .set({ validTo: prev, successorId, updatedAt: new Date() })
        .where(eq(organisations.id, c.unit.id));
      // The ranges go on serving the successor: closed for the old unit, opened for the new one.
      const ranges = await tx
        .select()
        .from(organisationIpRanges)
        .where(and(eq(organisationIpRanges.organisationId, c.unit.id), inForceOn(organisationIpRanges, prev)));
      if (ranges.length) {
        await tx
          .update(organisationIpRanges)
          .set({ validTo: prev })
          .where(and(eq(organisationIpRanges.organisationId, c.unit.id), inForceOn(organisationIpRanges, prev)));
        if (successorId)
          await tx
            .insert(organisationIpRanges)
            .values(
              ranges.map((r) => ({ organisationId: successorId, cidr: r.cidr, note: r.note, validFrom: effective })),
            );
      }
      await recordAudit(tx, a, {
        action: 'organisation.reorganise.close',
        entityType: 'organisation',
        entityId: c.unit.id,
        organisationId: c.unit.id,
        before: { validTo: c.unit.validTo, successorId: c.unit.successorId },
        after: { validTo: prev, successorId, successorCode: c.successorCode, ipRanges: ranges.map((r) => r.cidr) },
      });
    }
  });
  report.applied = true;
  return report;
}

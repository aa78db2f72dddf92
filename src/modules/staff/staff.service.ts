import { and, asc, eq, ne, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type ActorRef, auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import {
  type Cell,
  dayCell,
  exportRows,
  NUL_MESSAGE,
  nulColumn,
  readTable,
  type TableFormat,
  writeTable,
} from '../../core/tabular.ts';
import { foldedContains } from '../../core/text-search.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { inScope, organisationIdIn, type Scope, scopedOrganisationIds, scopeOrganisationIds } from '../auth/index.ts';
import { responseTeamMembers } from '../incidents/index.ts';
import { inForceOn, organisationByCodeOn, organisations } from '../organisations/index.ts';
import type { ZStaffImportReport, ZStaffMember, ZStaffPage } from './staff.contract.ts';
import {
  STAFF_DAY_RANGE,
  STAFF_DUTIES,
  type StaffInput,
  type StaffUpdate,
  ZStaffInput,
  type ZStaffQuery,
  ZStaffUpdate,
} from './staff.input.ts';
import { staffMembers } from './staff.schema.ts';

type StaffRow = typeof staffMembers.$inferSelect;
type StaffMember = z.output<typeof ZStaffMember>;
type ImportReport = z.output<typeof ZStaffImportReport>;

const notFound = () => new AppError('NOT_FOUND', 'Staff member not found', undefined, { key: 'staff.notFound' });
const overlapping = () =>
  new AppError(
    'CONFLICT',
    'This official already has an appointment at this organisation overlapping that period',
    undefined,
    { key: 'staff.overlap' },
  );

/** SQL: the appointment's period meets [from, to] (to null = open-ended). */
const overlaps = (from: string, to: string | null): SQL =>
  sql`${staffMembers.validFrom} <= coalesce(${to}::date, '9999-12-31'::date) and coalesce(${staffMembers.validTo}, '9999-12-31'::date) >= ${from}::date`;

const SORTS = {
  fullName: [asc(staffMembers.fullName)],
  organisation: [asc(organisations.name), asc(staffMembers.fullName)],
  validFrom: [asc(staffMembers.validFrom), asc(staffMembers.fullName)],
} as const;

/**
 * The register as it stood on `on` (default today): officials in force that day (or every appointment with `all`),
 * of the caller's scope narrowed to a subtree, searched by name, e-mail or position ignoring diacritics.
 */
export async function listStaff(
  db: Db,
  scope: Scope,
  query: z.output<typeof ZStaffQuery>,
): Promise<z.output<typeof ZStaffPage>> {
  const on = query.on ?? provinceDay();
  const ids = await scopedOrganisationIds(db, scope, query.organisationId, on);
  const where = and(
    organisationIdIn(sql`${staffMembers.organisationId}`, ids),
    query.all === 'true' ? undefined : inForceOn(staffMembers, on),
    query.duty ? eq(staffMembers.duty, query.duty) : undefined,
    query.q
      ? or(
          foldedContains(sql`${staffMembers.fullName}`, query.q),
          foldedContains(sql`${staffMembers.email}`, query.q),
          foldedContains(sql`coalesce(${staffMembers.position}, '')`, query.q),
        )
      : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({ staff: staffMembers, organisationName: organisations.name, organisationCode: organisations.code })
      .from(staffMembers)
      .innerJoin(organisations, eq(organisations.id, staffMembers.organisationId))
      .where(where)
      .orderBy(...SORTS[query.sort], asc(staffMembers.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(staffMembers).where(where),
  ]);
  const team = await teamRolesOn(
    db,
    rows.map((r) => r.staff.email),
    on,
  );
  return {
    total: total?.n ?? 0,
    items: rows.map((r) => view(r.staff, r.organisationName, r.organisationCode, on, team)),
  };
}

/** The response-team roster entries in force on `day`, by lower-case e-mail (membership shown beside an official). */
async function teamRolesOn(db: Db, emails: string[], day: string) {
  const out = new Map<string, { memberId: string; teamRole: string }>();
  if (!emails.length) return out;
  const rows = await db
    .select({ id: responseTeamMembers.id, email: responseTeamMembers.email, teamRole: responseTeamMembers.teamRole })
    .from(responseTeamMembers)
    .where(
      and(
        inForceOn(responseTeamMembers, day),
        sql`lower(${responseTeamMembers.email}) in (${sql.join(
          [...new Set(emails)].map((e) => sql`${e}`),
          sql`, `,
        )})`,
      ),
    )
    .orderBy(asc(responseTeamMembers.validFrom));
  for (const r of rows) out.set(r.email.toLowerCase(), { memberId: r.id, teamRole: r.teamRole });
  return out;
}

function view(
  s: StaffRow,
  organisationName: string,
  organisationCode: string,
  on: string,
  team: Map<string, { memberId: string; teamRole: string }>,
): StaffMember {
  return {
    id: s.id,
    organisationId: s.organisationId,
    organisationName,
    organisationCode,
    fullName: s.fullName,
    position: s.position,
    duty: s.duty,
    email: s.email,
    phone: s.phone,
    validFrom: s.validFrom,
    validTo: s.validTo,
    active: s.validFrom <= on && (s.validTo === null || s.validTo >= on),
    responseTeam: team.get(s.email) ?? null,
    updatedAt: s.updatedAt,
  };
}

async function viewOf(db: Db, s: StaffRow): Promise<StaffMember> {
  const [org] = await db
    .select({ name: organisations.name, code: organisations.code })
    .from(organisations)
    .where(eq(organisations.id, s.organisationId));
  const on = provinceDay();
  return view(s, org?.name ?? '', org?.code ?? '', on, await teamRolesOn(db, [s.email], on));
}

/** The organisation must exist and be the caller's to write (else it is "not found", as out-of-scope records are). */
async function checkOrganisation(db: Db, scope: Scope, organisationId: string) {
  const [org] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!org || !inScope(scope, organisationId))
    throw new AppError('NOT_FOUND', 'Organisation not found', undefined, { key: 'staff.organisationNotFound' });
}

async function findOverlap(
  db: Db,
  s: { organisationId: string; email: string; validFrom: string; validTo: string | null },
  except?: string,
) {
  const [row] = await db
    .select()
    .from(staffMembers)
    .where(
      and(
        eq(staffMembers.organisationId, s.organisationId),
        eq(staffMembers.email, s.email),
        overlaps(s.validFrom, s.validTo),
        except ? ne(staffMembers.id, except) : undefined,
      ),
    )
    .orderBy(asc(staffMembers.validFrom))
    .limit(1);
  return row ?? null;
}

export async function createStaff(db: Db, actor: ActorRef, scope: Scope, raw: StaffInput): Promise<StaffMember> {
  const input = ZStaffInput.parse(raw);
  await checkOrganisation(db, scope, input.organisationId);
  const row = await db.transaction(async (tx) => {
    if (await findOverlap(tx, input)) throw overlapping();
    const [created] = await tx
      .insert(staffMembers)
      .values({ ...input, createdBy: userRef(actor) })
      .returning();
    if (!created) throw new AppError('INTERNAL', 'Insert returned nothing');
    await recordAudit(tx, auditActor(actor), {
      action: 'staff.create',
      entityType: 'staff_member',
      entityId: created.id,
      organisationId: created.organisationId,
      after: created,
    });
    return created;
  });
  return viewOf(db, row);
}

async function getRow(db: Db, scope: Scope, id: string): Promise<StaffRow> {
  const [row] = await db
    .select()
    .from(staffMembers)
    .where(
      and(eq(staffMembers.id, id), organisationIdIn(sql`${staffMembers.organisationId}`, scopeOrganisationIds(scope))),
    );
  if (!row) throw notFound();
  return row;
}

export async function updateStaff(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: StaffUpdate,
): Promise<StaffMember> {
  const input = ZStaffUpdate.parse(raw);
  const row = await db.transaction(async (tx) => {
    const before = await getRow(tx, scope, id);
    if (input.organisationId && input.organisationId !== before.organisationId)
      await checkOrganisation(tx, scope, input.organisationId);
    const next = { ...before, ...input };
    if (next.validTo && next.validTo < next.validFrom)
      throw new AppError('VALIDATION', 'The period ends before it starts', undefined, { key: 'staff.periodReversed' });
    if (await findOverlap(tx, next, id)) throw overlapping();
    const [after] = await tx
      .update(staffMembers)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(staffMembers.id, id))
      .returning();
    if (!after) throw notFound();
    await recordAudit(tx, auditActor(actor), {
      action: 'staff.update',
      entityType: 'staff_member',
      entityId: id,
      organisationId: after.organisationId,
      before,
      after,
    });
    return after;
  });
  return viewOf(db, row);
}

/** Removes an appointment entered by mistake (one that ended is closed with `validTo` instead, keeping history). */
export async function deleteStaff(db: Db, actor: ActorRef, scope: Scope, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getRow(tx, scope, id);
    await tx.delete(staffMembers).where(eq(staffMembers.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'staff.delete',
      entityType: 'staff_member',
      entityId: id,
      organisationId: before.organisationId,
      before,
    });
  });
}

// ---- Import / export ---------------------------------------------------------------------------------------------

/** The file's columns: machine keys, Vietnamese and English headers (case-insensitive). */
const COLUMNS: { key: string; vi: string; en: string }[] = [
  { key: 'organisation_code', vi: 'Mã đơn vị', en: 'Organisation code' },
  { key: 'full_name', vi: 'Họ và tên', en: 'Full name' },
  { key: 'position', vi: 'Chức vụ', en: 'Position' },
  { key: 'duty', vi: 'Nhiệm vụ', en: 'Duty' },
  { key: 'email', vi: 'Thư điện tử', en: 'E-mail' },
  { key: 'phone', vi: 'Điện thoại', en: 'Phone' },
  { key: 'valid_from', vi: 'Từ ngày', en: 'Valid from' },
  { key: 'valid_to', vi: 'Đến ngày', en: 'Valid to' },
];
const HEADERS = Object.fromEntries(
  COLUMNS.flatMap((c) => [
    [c.key, c.key],
    [c.vi, c.key],
    [c.en, c.key],
  ]),
);

/** Duty as written in a file: the machine value or its Vietnamese name. */
const DUTY_WORDS: Record<string, (typeof STAFF_DUTIES)[number]> = {
  'chuyển đổi số': 'digital_transformation',
  'an toàn thông tin': 'information_security',
  'cả hai': 'both',
  ...Object.fromEntries(STAFF_DUTIES.map((d) => [d, d])),
};

/** Field names of the input schema → the file's column keys (a validation issue names the column). */
const FIELD_COLUMN: Record<string, string> = {
  organisationId: 'organisation_code',
  fullName: 'full_name',
  position: 'position',
  duty: 'duty',
  email: 'email',
  phone: 'phone',
  validFrom: 'valid_from',
  validTo: 'valid_to',
};

/** dd/mm/yyyy or yyyy-mm-dd; '' = none; undefined = not a date. */
function parseDay(v: string): string | null | undefined {
  if (!v) return null;
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const iso = dmy ? `${dmy[3]}-${dmy[2]?.padStart(2, '0')}-${dmy[1]?.padStart(2, '0')}` : v;
  const d = new Date(`${iso}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) &&
    !Number.isNaN(d.getTime()) &&
    d.toISOString().startsWith(iso) &&
    iso >= STAFF_DAY_RANGE.min &&
    iso <= STAFF_DAY_RANGE.max
    ? iso
    : undefined;
}

const SAME_FIELDS = ['fullName', 'position', 'duty', 'phone', 'validFrom', 'validTo'] as const;
const OPTIONAL_COLUMNS = { position: 'position', phone: 'phone', validTo: 'valid_to' } as const;

/**
 * Imports a CSV or XLSX register. Each row's organisation code is resolved among the units in force on the row's
 * valid-from day (codes are reused across periods); a row updates the appointment of the same organisation and
 * e-mail whose period meets the row's (so correcting dates or ending an appointment re-imports cleanly), else adds
 * one. Bad rows are reported with row number and column and skipped; good rows are written in one transaction.
 * Re-importing the same file changes nothing.
 */
export async function importStaff(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  file: Buffer,
  on = provinceDay(),
): Promise<ImportReport> {
  const rows = await readTable(file, HEADERS);
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
  const seen = new Map<string, number>();
  await db.transaction(async (tx) => {
    for (const { row, cells } of rows) {
      const fail = (
        column: string | undefined,
        message: string,
        key: string,
        params?: Record<string, string | number>,
      ) => report.errors.push({ row, column, message, key, params });
      const nul = nulColumn(cells);
      if (nul) {
        fail(nul, NUL_MESSAGE, 'nulCharacter');
        continue;
      }
      const validFrom = parseDay(cells.valid_from ?? '');
      const validTo = parseDay(cells.valid_to ?? '');
      if (validFrom === undefined || validTo === undefined) {
        fail(validFrom === undefined ? 'valid_from' : 'valid_to', 'Invalid date (expected dd/mm/yyyy)', 'dateInvalid');
        continue;
      }
      const day = validFrom ?? on;
      const code = cells.organisation_code ?? '';
      const org = code ? await organisationByCodeOn(tx, code, day) : null;
      if (!org || !inScope(scope, org.id)) {
        fail(
          'organisation_code',
          `No organisation of yours has code "${code}" on ${day}`,
          'staff.importOrganisationUnknown',
          { code, day: formatDay(day) },
        );
        continue;
      }
      const duty = DUTY_WORDS[(cells.duty ?? '').trim().toLowerCase()];
      if (!duty) {
        fail(
          'duty',
          `Unknown duty "${cells.duty ?? ''}" (expected one of: ${STAFF_DUTIES.join(', ')})`,
          'staff.importDutyUnknown',
          {
            value: cells.duty ?? '',
          },
        );
        continue;
      }
      const parsed = ZStaffInput.safeParse({
        organisationId: org.id,
        fullName: cells.full_name,
        position: cells.position,
        duty,
        email: cells.email,
        phone: cells.phone,
        validFrom: day,
        validTo,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const key = issue?.message ?? 'invalid';
        fail(FIELD_COLUMN[String(issue?.path[0] ?? '')], `Invalid value (${key})`, key);
        continue;
      }
      const input = parsed.data;
      const business = `${input.organisationId}|${input.email}`;
      if (seen.has(business)) {
        fail(
          'email',
          `The same official of the same organisation already appears on row ${seen.get(business)}`,
          'staff.importRepeated',
          {
            row: seen.get(business) ?? 0,
          },
        );
        continue;
      }
      seen.set(business, row);
      const existing = await findOverlap(tx, input);
      if (!existing) {
        const [created] = await tx
          .insert(staffMembers)
          .values({ ...input, createdBy: userRef(actor) })
          .returning();
        await recordAudit(tx, auditActor(actor), {
          action: 'staff.import.create',
          entityType: 'staff_member',
          entityId: created?.id ?? null,
          organisationId: input.organisationId,
          after: created,
        });
        report.created++;
        continue;
      }
      // A column the file leaves out keeps what the register holds; so does an empty start day (the import's day only
      // stands in for it to find the appointment — moving the start would rewrite who was in force before).
      const fields = Object.fromEntries(
        SAME_FIELDS.filter(
          (f) =>
            (f !== 'validFrom' || validFrom !== null) &&
            (!(f in OPTIONAL_COLUMNS) || OPTIONAL_COLUMNS[f as keyof typeof OPTIONAL_COLUMNS] in cells),
        ).map((f) => [f, input[f]]),
      ) as Partial<typeof input>;
      if (Object.entries(fields).every(([f, v]) => existing[f as keyof StaffRow] === v)) {
        report.unchanged++;
        continue;
      }
      // A later period of the same official may already exist beyond the row's: the unique key keeps them apart.
      if (await findOverlap(tx, { ...existing, ...fields }, existing.id)) {
        fail('valid_from', 'The period overlaps more than one appointment of this official here', 'staff.overlap');
        continue;
      }
      const [after] = await tx
        .update(staffMembers)
        .set({ ...fields, updatedAt: new Date() })
        .where(eq(staffMembers.id, existing.id))
        .returning();
      await recordAudit(tx, auditActor(actor), {
        action: 'staff.import.update',
        entityType: 'staff_member',
        entityId: existing.id,
        organisationId: input.organisationId,
        before: existing,
        after,
      });
      report.updated++;
    }
  });
  return report;
}

const formatDay = (iso: string) => iso.split('-').reverse().join('/');

/**
 * The officials the list's filters match (default: the register in force today, in scope) in the import's column
 * layout with Vietnamese headers, so the file imports back.
 */
export async function exportStaff(
  db: Db,
  scope: Scope,
  format: TableFormat,
  query: Omit<z.output<typeof ZStaffQuery>, 'limit' | 'offset'>,
): Promise<Buffer> {
  const rows = await exportRows((q) => listStaff(db, scope, q), query);
  type Item = z.output<typeof ZStaffMember>;
  const cell: Record<string, (i: Item) => Cell> = {
    organisation_code: (i) => i.organisationCode,
    full_name: (i) => i.fullName,
    position: (i) => i.position,
    duty: (i) => i.duty,
    email: (i) => i.email,
    phone: (i) => i.phone,
    valid_from: (i) => dayCell(i.validFrom),
    valid_to: (i) => dayCell(i.validTo),
  };
  return writeTable(
    format,
    'Cán bộ',
    COLUMNS.map((c) => ({
      key: c.key,
      header: c.vi,
      width: c.key === 'full_name' ? 28 : 18,
      value: (i: Item) => cell[c.key]?.(i) ?? null,
    })),
    rows,
  );
}

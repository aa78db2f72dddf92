import { and, eq, inArray } from 'drizzle-orm';
import { auditActor } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import {
  type Column,
  NUL_MESSAGE,
  nulColumn,
  readTable,
  type TableFormat,
  type TableRow,
  writeTable,
} from '../../core/tabular.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';

import type { Actor } from '../auth/index.ts';
import { inForceOn } from './in-time.ts';
import { INPUT_MESSAGES, ZOrganisationInput } from './organisations.input.ts';
import {
  ORGANISATION_TYPES,
  type OrganisationType,
  organisationIpRanges,
  organisations,
} from './organisations.schema.ts';
import { listOrganisations, normaliseCidrs, type Organisation } from './organisations.service.ts';

/** Column layout of the organisation-tree file (CSV/XLSX). Headers are Vietnamese; English keys are accepted too. */
const COLUMNS = [
  { key: 'code', header: 'Mã', en: 'Code' },
  { key: 'name', header: 'Tên cơ quan, đơn vị', en: 'Name' },
  { key: 'type', header: 'Loại', en: 'Type' },
  { key: 'parent_code', header: 'Mã đơn vị cấp trên', en: 'Parent code' },
  { key: 'head_name', header: 'Người đứng đầu', en: 'Head' },
  { key: 'head_title', header: 'Chức vụ', en: 'Head title' },
  { key: 'email', header: 'Thư điện tử', en: 'Email' },
  { key: 'phone', header: 'Điện thoại', en: 'Phone' },
  { key: 'address', header: 'Địa chỉ', en: 'Address' },
  { key: 'ip_ranges', header: 'Dải địa chỉ IP', en: 'IP ranges' },
  { key: 'valid_from', header: 'Hiệu lực từ', en: 'Valid from' },
  { key: 'valid_to', header: 'Hiệu lực đến', en: 'Valid to' },
  { key: 'successor_code', header: 'Mã đơn vị kế thừa', en: 'Successor code' },
  { key: 'owner_body_code', header: 'Mã Bộ, ngành chủ quản (cơ quan ngành dọc)', en: 'Owning ministry code' },
] as const;

/** Vietnamese labels of the organisation types, as written in export files and accepted on import. */
export const TYPE_LABELS_VI: Record<OrganisationType, string> = {
  province: 'Tỉnh',
  department: 'Sở, ban, ngành',
  district: 'Cấp huyện',
  commune: 'Cấp xã',
  party: 'Cơ quan Đảng',
  council: 'Hội đồng nhân dân',
  central: 'Cơ quan Trung ương',
  other: 'Khác',
};

const headerLookup = Object.fromEntries(
  COLUMNS.flatMap((c) => [
    [c.key, c.key],
    [c.header, c.key],
    [c.en, c.key],
  ]),
);
const typeLookup = new Map<string, OrganisationType>(
  ORGANISATION_TYPES.flatMap((t) => [
    [t, t],
    [TYPE_LABELS_VI[t].toLowerCase(), t],
  ]),
);

/** dd/mm/yyyy (how Vietnamese officials write dates) or ISO yyyy-mm-dd → ISO. */
function parseDate(v: string): string | null | undefined {
  if (!v) return null;
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const iso = dmy ? `${dmy[3]}-${dmy[2]?.padStart(2, '0')}-${dmy[1]?.padStart(2, '0')}` : v;
  const d = new Date(`${iso}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso)
    ? iso
    : undefined;
}
const formatDate = (iso: string | null) => (iso ? iso.split('-').reverse().join('/') : '');

/** A refused row: in English, and as a message key with its values (`errors.<key>` in the UI). */
export type RowError = {
  row: number;
  column?: string;
  message: string;
  key?: string;
  params?: Record<string, string | number>;
};
export type ImportReport = { created: number; updated: number; unchanged: number; errors: RowError[] };

type Candidate = {
  row: number;
  code: string;
  // undefined = the file has no such column: an existing organisation keeps its stored value.
  parentCode: string | null | undefined;
  successorCode: string | null | undefined;
  fields: Partial<typeof organisations.$inferInsert> &
    Pick<typeof organisations.$inferInsert, 'code' | 'name' | 'type'>;
  ranges: string[] | undefined;
};

/** Optional columns and the field each fills; a file without the column leaves the field as stored. */
const OPTIONAL_FIELDS = {
  headName: 'head_name',
  headTitle: 'head_title',
  email: 'email',
  phone: 'phone',
  address: 'address',
  validFrom: 'valid_from',
  validTo: 'valid_to',
  ownerBodyCode: 'owner_body_code',
} as const;

/**
 * Imports (upserts by code) an organisation tree. Each row is validated on its own; a bad row is reported with its
 * row number and skipped, together with any row beneath it in the tree, while every good row is written — all in
 * one transaction, so a failure midway leaves nothing half-written. Re-importing the same file changes nothing.
 */
export async function importOrganisations(db: Db, actor: Actor, file: Buffer, asOf?: string): Promise<ImportReport> {
  return importOrganisationRows(db, actor, await readTable(file, headerLookup), asOf);
}

/**
 * The import itself, from rows keyed by column (`code`, `name`, `parent_code`, …) — a file's or the demo data's.
 * Codes are matched among the units in force on `asOf` (default today): a code reused in another period names
 * another unit. A new unit's IP ranges take the unit's own validity.
 */
export async function importOrganisationRows(
  db: Db,
  actor: Actor,
  rows: TableRow[],
  asOf = provinceDay(),
): Promise<ImportReport> {
  const errors: RowError[] = [];
  const candidates: Candidate[] = [];
  const seenCodes = new Map<string, number>();
  const seenRanges = new Map<string, number>();

  for (const { row, cells } of rows) {
    const fail = (
      column: string | undefined,
      message: string,
      key?: string,
      params?: Record<string, string | number>,
    ) => errors.push({ row, column, message, key, params });
    const nul = nulColumn(cells);
    if (nul) {
      fail(nul, NUL_MESSAGE, 'nulCharacter');
      continue;
    }
    const type = typeLookup.get((cells.type ?? '').toLowerCase());
    if (!type) {
      fail(
        'type',
        `Unknown type "${cells.type ?? ''}" (expected one of: ${ORGANISATION_TYPES.join(', ')})`,
        'orgTypeUnknown',
        { value: cells.type ?? '' },
      );
      continue;
    }
    const validFrom = parseDate(cells.valid_from ?? '');
    const validTo = parseDate(cells.valid_to ?? '');
    if (validFrom === undefined || validTo === undefined) {
      fail(validFrom === undefined ? 'valid_from' : 'valid_to', 'Invalid date (expected dd/mm/yyyy)', 'dateInvalid');
      continue;
    }
    const rawRanges = (cells.ip_ranges ?? '').split(/[;\s,]+/).filter(Boolean);
    const parsed = ZOrganisationInput.safeParse({
      code: cells.code,
      name: cells.name,
      type,
      headName: cells.head_name,
      headTitle: cells.head_title,
      email: cells.email,
      phone: cells.phone,
      address: cells.address,
      ownerBodyCode: cells.owner_body_code,
      validFrom,
      validTo,
      ipRanges: rawRanges,
    });
    if (!parsed.success) {
      // The schema's messages are keys (organisations.input.ts): said in English here, in the reader's language by the UI.
      const issue = parsed.error.issues[0];
      const key = issue?.message ?? 'invalid';
      fail(String(issue?.path[0] ?? ''), INPUT_MESSAGES[key] ?? key, key);
      continue;
    }
    const d = parsed.data;
    const fields: Candidate['fields'] = { code: d.code, name: d.name, type: d.type };
    for (const [field, column] of Object.entries(OPTIONAL_FIELDS) as [keyof typeof OPTIONAL_FIELDS, string][])
      if (column in cells) fields[field] = d[field];
    if (seenCodes.has(fields.code)) {
      fail('code', `Code "${fields.code}" already appears on row ${seenCodes.get(fields.code)}`, 'importCodeRepeated', {
        code: fields.code,
        row: seenCodes.get(fields.code) ?? 0,
      });
      continue;
    }
    const { ok, bad } = await normaliseCidrs(db, rawRanges);
    if (bad.length) {
      fail('ip_ranges', `Invalid IP range "${bad[0]?.value}": ${bad[0]?.reason}`, 'ipRangeInvalidList', {
        ranges: bad.map((b) => b.value).join(', '),
      });
      continue;
    }
    const dupRange = ok.find((r) => seenRanges.has(r));
    if (dupRange) {
      fail(
        'ip_ranges',
        `IP range ${dupRange} already appears on row ${seenRanges.get(dupRange)}`,
        'importRangeRepeated',
        {
          range: dupRange,
          row: seenRanges.get(dupRange) ?? 0,
        },
      );
      continue;
    }
    seenCodes.set(fields.code, row);
    for (const r of ok) seenRanges.set(r, row);
    candidates.push({
      row,
      code: fields.code,
      parentCode: 'parent_code' in cells ? cells.parent_code || null : undefined,
      successorCode: 'successor_code' in cells ? cells.successor_code || null : undefined,
      fields,
      ranges: 'ip_ranges' in cells ? [...new Set(ok)] : undefined,
    });
  }

  return db.transaction(async (tx) => {
    const existing = await tx.select().from(organisations).where(inForceOn(organisations, asOf));
    const idByCode = new Map(existing.map((o) => [o.code, o.id]));
    const byCode = new Map(existing.map((o) => [o.code, o]));
    const current = inForceOn(organisationIpRanges, asOf);
    const rangeOwners = new Map(
      (await tx.select().from(organisationIpRanges).where(current)).map((r) => [r.cidr, r.organisationId] as const),
    );
    const rangesByOrg = new Map<string, string[]>();
    for (const [cidr, orgId] of rangeOwners) rangesByOrg.set(orgId, [...(rangesByOrg.get(orgId) ?? []), cidr]);
    const fileRows = new Map(candidates.map((c) => [c.code, c]));
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors };
    const placed = new Map<string, 'written' | 'unchanged'>();

    // Parents first: repeatedly take rows whose parent is already known (in the database or written just now).
    let pending = candidates;
    while (pending.length) {
      const next: Candidate[] = [];
      for (const c of pending) {
        if (c.parentCode && !idByCode.has(c.parentCode)) {
          next.push(c);
          continue;
        }
        const before = byCode.get(c.code);
        const parentId =
          c.parentCode === undefined
            ? (before?.parentId ?? null)
            : c.parentCode
              ? (idByCode.get(c.parentCode) ?? null)
              : null;
        const currentId = idByCode.get(c.code);
        const ranges = c.ranges ?? (before ? (rangesByOrg.get(before.id) ?? []) : []);
        const foreign = ranges.find(
          (r) => rangeOwners.has(r) && rangeOwners.get(r) !== currentId && !releasedByFile(r),
        );
        if (foreign) {
          errors.push({
            row: c.row,
            column: 'ip_ranges',
            message: `IP range ${foreign} belongs to another organisation`,
            key: 'ipRangeTaken',
            params: { ranges: foreign },
          });
          continue;
        }
        const values = { ...c.fields, parentId };
        if (!before) {
          const [row] = await tx.insert(organisations).values(values).returning();
          if (!row) throw new AppError('INTERNAL', 'insert failed');
          idByCode.set(c.code, row.id);
          await setRanges(row.id, ranges, row);
          await recordAudit(tx, auditActor(actor), {
            action: 'organisation.import.create',
            entityType: 'organisation',
            entityId: row.id,
            organisationId: row.id,
            after: { ...row, ipRanges: ranges },
          });
          report.created++;
          placed.set(c.code, 'written');
        } else {
          const oldRanges = [...(rangesByOrg.get(before.id) ?? [])].sort();
          const changed =
            Object.entries(values).some(([k, v]) => (before as Record<string, unknown>)[k] !== v) ||
            oldRanges.join() !== [...ranges].sort().join();
          if (!changed) {
            report.unchanged++;
            placed.set(c.code, 'unchanged');
            continue;
          }
          const [row] = await tx
            .update(organisations)
            .set({ ...values, updatedAt: new Date() })
            .where(eq(organisations.id, before.id))
            .returning();
          await setRanges(before.id, ranges, row ?? before);
          await recordAudit(tx, auditActor(actor), {
            action: 'organisation.import.update',
            entityType: 'organisation',
            entityId: before.id,
            organisationId: before.id,
            before: { ...before, ipRanges: oldRanges },
            after: { ...row, ipRanges: ranges },
          });
          report.updated++;
          placed.set(c.code, 'written');
        }
      }
      if (next.length === pending.length) {
        // Nothing more can be placed: the parents are missing, invalid, or form a cycle.
        for (const c of next) {
          const parentRow = rows.find((r) => r.cells.code === c.parentCode)?.row;
          errors.push({
            row: c.row,
            column: 'parent_code',
            message: parentRow
              ? `Parent "${c.parentCode}" (row ${parentRow}) could not be imported`
              : `Unknown parent code "${c.parentCode}"`,
            ...(parentRow
              ? { key: 'importParentRefused', params: { code: c.parentCode ?? '', row: parentRow } }
              : { key: 'importParentUnknown', params: { code: c.parentCode ?? '' } }),
          });
        }
        break;
      }
      pending = next;
    }
    // Successors last: a unit may be succeeded by one defined further down the file (a 2025 merger, say).
    for (const c of candidates) {
      const id = idByCode.get(c.code);
      if (!id || placed.get(c.code) === undefined || c.successorCode === undefined) continue;
      const successorId = c.successorCode ? idByCode.get(c.successorCode) : null;
      if (successorId === undefined || successorId === id) {
        const own = successorId === id;
        errors.push({
          row: c.row,
          column: 'successor_code',
          message: own ? 'An organisation cannot succeed itself' : `Unknown successor code "${c.successorCode}"`,
          key: own ? 'orgOwnSuccessor' : 'importSuccessorUnknown',
          params: own ? undefined : { code: c.successorCode ?? '' },
        });
        continue;
      }
      if ((byCode.get(c.code)?.successorId ?? null) === successorId) continue;
      await tx.update(organisations).set({ successorId, updatedAt: new Date() }).where(eq(organisations.id, id));
      if (placed.get(c.code) === 'unchanged') {
        report.unchanged--;
        report.updated++;
      }
      await recordAudit(tx, auditActor(actor), {
        action: 'organisation.import.successor',
        entityType: 'organisation',
        entityId: id,
        organisationId: id,
        before: { successorId: byCode.get(c.code)?.successorId ?? null },
        after: { successorId },
      });
    }
    errors.sort((a, b) => a.row - b.row);
    return report;

    // A range may move between organisations within one file: it is free if its current owner's row drops it.
    function releasedByFile(cidr: string) {
      const owner = rangeOwners.get(cidr);
      const ownerCode = existing.find((o) => o.id === owner)?.code;
      const ownerRow = ownerCode ? fileRows.get(ownerCode) : undefined;
      return !!ownerRow?.ranges && !ownerRow.ranges.includes(cidr);
    }
    async function setRanges(
      orgId: string,
      ranges: string[],
      unit: { validFrom: string | null; validTo: string | null },
    ) {
      const old = rangesByOrg.get(orgId) ?? [];
      if (old.length)
        await tx.delete(organisationIpRanges).where(and(eq(organisationIpRanges.organisationId, orgId), current));
      // Ranges moved here from another organisation are taken from it first (one owner at a time).
      if (ranges.length) {
        await tx.delete(organisationIpRanges).where(and(inArray(organisationIpRanges.cidr, ranges), current));
        await tx
          .insert(organisationIpRanges)
          .values(
            ranges.map((cidr) => ({ organisationId: orgId, cidr, validFrom: unit.validFrom, validTo: unit.validTo })),
          );
      }
      for (const r of old) rangeOwners.delete(r);
      for (const r of ranges) rangeOwners.set(r, orgId);
      rangesByOrg.set(orgId, ranges);
    }
  });
}

/** The tree in force on `asOf` (default today) as a file the import reads back. */
export async function exportOrganisations(db: Db, format: TableFormat, asOf = provinceDay()): Promise<Buffer> {
  const all = await listOrganisations(db, { all: true }, asOf);
  const codeById = new Map(all.map((o) => [o.id, o.code]));
  // Parents before children, so the file imports in one pass and reads like the tree.
  const ordered = treeOrder(all);
  const value: Record<(typeof COLUMNS)[number]['key'], (o: Organisation) => string> = {
    code: (o) => o.code,
    name: (o) => o.name,
    type: (o) => TYPE_LABELS_VI[o.type],
    parent_code: (o) => (o.parentId ? (codeById.get(o.parentId) ?? '') : ''),
    head_name: (o) => o.headName ?? '',
    head_title: (o) => o.headTitle ?? '',
    email: (o) => o.email ?? '',
    phone: (o) => o.phone ?? '',
    address: (o) => o.address ?? '',
    ip_ranges: (o) => o.ipRanges.join('; '),
    valid_from: (o) => formatDate(o.validFrom),
    valid_to: (o) => formatDate(o.validTo),
    successor_code: (o) => (o.successorId ? (codeById.get(o.successorId) ?? '') : ''),
    owner_body_code: (o) => o.ownerBodyCode ?? '',
  };
  const columns: Column<Organisation>[] = COLUMNS.map((c) => ({
    key: c.key,
    header: c.header,
    width: c.key === 'name' ? 40 : 18,
    value: value[c.key],
  }));
  return writeTable(format, 'Cơ quan, đơn vị', columns, ordered);
}

export function treeOrder<T extends { id: string; parentId: string | null; name: string }>(items: T[]): T[] {
  const children = new Map<string | null, T[]>();
  const ids = new Set(items.map((i) => i.id));
  for (const i of items) {
    const p = i.parentId && ids.has(i.parentId) ? i.parentId : null;
    children.set(p, [...(children.get(p) ?? []), i]);
  }
  const out: T[] = [];
  const walk = (p: string | null) => {
    for (const c of (children.get(p) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'vi'))) {
      out.push(c);
      walk(c.id);
    }
  };
  walk(null);
  return out;
}

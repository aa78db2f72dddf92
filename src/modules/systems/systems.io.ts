import { and, eq } from 'drizzle-orm';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import {
  type Cell,
  type Column,
  cellText,
  dayCell,
  exportRows,
  NUL_MESSAGE,
  nulColumn,
  readTable,
  type TableRow,
  writeTable,
  yesNo,
} from '../../core/tabular.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor, Scope } from '../auth/index.ts';
import { can } from '../auth/index.ts';
import { inForceOn, normaliseCidrs, organisationScopeFilter, organisations } from '../organisations/index.ts';
import { ruleBook } from '../rules/index.ts';
import { suggestLevel } from './level-criteria.ts';
import { type SystemListQuery, ZSystemInput } from './systems.input.ts';
import {
  DOSSIER_STATES,
  type DossierState,
  dossierEvents,
  ICS_WORKS_GRADES,
  INFRA_SCOPES,
  informationSystems,
  levelDossiers,
  SECRET_GRADES,
  SECURITY_HARMS,
  SYSTEM_TYPES,
} from './systems.schema.ts';
import { answersOf, listSystems, pageSystems, type SystemView, writeSystem } from './systems.service.ts';

/**
 * One file layout for the registry template, bulk import/export and the national-platform export (documented in
 * docs/national-platform-export.md). Vietnamese headers; English headers and the machine keys are accepted too.
 * Columns marked `out` are computed and ignored on import.
 */
const label = <T extends string>(values: readonly T[], vi: string[]) =>
  Object.fromEntries(values.map((v, i) => [v, vi[i] ?? v])) as Record<T, string>;
export const LABELS = {
  system_type: label(SYSTEM_TYPES, [
    'Nội bộ',
    'Phục vụ người dân, doanh nghiệp',
    'Cơ sở hạ tầng thông tin',
    'Điều khiển công nghiệp',
    'Khác',
  ]),
  state_secret_grade: label(SECRET_GRADES, ['Không', 'Mật', 'Tối mật', 'Tuyệt mật']),
  security_harm: label(SECURITY_HARMS, [
    'Không',
    'Gây tổn hại',
    'Tổn hại nghiêm trọng',
    'Tổn hại đặc biệt nghiêm trọng',
  ]),
  infrastructure_scope: label(INFRA_SCOPES, [
    'Không',
    'Một cơ quan, tổ chức',
    'Một ngành, một hoặc nhiều tỉnh',
    'Toàn quốc',
  ]),
  ics_works_grade: label(ICS_WORKS_GRADES, ['Không', 'IV', 'III', 'II', 'I', 'Đặc biệt']),
  dossier_state: label(DOSSIER_STATES, ['Dự thảo', 'Đã nộp', 'Đang thẩm định', 'Trả lại', 'Đã phê duyệt']),
};
type Enumerated = keyof typeof LABELS;

type ColumnDef = { key: string; header: string; en: string; out?: boolean };
export const SYSTEM_COLUMNS: ColumnDef[] = [
  { key: 'organisation_code', header: 'Mã cơ quan', en: 'Organisation code' },
  { key: 'organisation_name', header: 'Tên cơ quan', en: 'Organisation', out: true },
  { key: 'system_code', header: 'Mã hệ thống', en: 'System code' },
  { key: 'name', header: 'Tên hệ thống thông tin', en: 'System name' },
  { key: 'purpose', header: 'Mục đích', en: 'Purpose' },
  { key: 'system_type', header: 'Loại hệ thống', en: 'System type' },
  { key: 'info_public', header: 'Thông tin công cộng', en: 'Public information' },
  { key: 'info_private', header: 'Thông tin riêng', en: 'Private information' },
  { key: 'info_personal', header: 'Thông tin cá nhân', en: 'Personal data' },
  { key: 'state_secret_grade', header: 'Bí mật nhà nước', en: 'State secret grade' },
  {
    key: 'security_harm',
    header: 'Tổn hại tới quốc phòng, an ninh khi bị phá hoại',
    en: 'Harm to defence or security if sabotaged',
  },
  { key: 'online_service_level', header: 'Mức độ DVC trực tuyến', en: 'Online public service level' },
  { key: 'conditional_business', header: 'Kinh doanh có điều kiện', en: 'Conditional business' },
  { key: 'infrastructure_scope', header: 'Phạm vi hạ tầng', en: 'Infrastructure scope' },
  { key: 'ics_works_grade', header: 'Cấp công trình điều khiển', en: 'Controlled works grade' },
  { key: 'national_24x7', header: 'HTTT quốc gia 24/7', en: 'National system 24/7' },
  {
    key: 'national_database',
    header: 'Lưu trữ tập trung dữ liệu đặc biệt quan trọng của quốc gia',
    en: 'Vital national data store',
  },
  {
    key: 'national_security_works',
    header: 'Điều khiển công trình quan trọng liên quan đến an ninh quốc gia',
    en: 'Controls works important to national security',
  },
  { key: 'international_interconnect', header: 'Kết nối quốc tế', en: 'International interconnection' },
  { key: 'critical_list', header: 'HTTT quan trọng quốc gia', en: 'Critical national system' },
  { key: 'user_count', header: 'Số người sử dụng', en: 'User count' },
  { key: 'users_description', header: 'Đối tượng sử dụng', en: 'Users' },
  { key: 'hosting', header: 'Nơi đặt hệ thống', en: 'Hosting' },
  { key: 'owner_name', header: 'Chủ quản', en: 'Owner' },
  { key: 'operator_name', header: 'Đơn vị vận hành', en: 'Operator' },
  { key: 'in_service_from', header: 'Ngày đưa vào vận hành', en: 'In service from' },
  { key: 'hosts', header: 'Máy chủ, địa chỉ IP', en: 'Hosts' },
  { key: 'software', header: 'Phần mềm, phiên bản', en: 'Software' },
  { key: 'suggested_level', header: 'Cấp độ gợi ý', en: 'Suggested level', out: true },
  { key: 'suggested_rule', header: 'Căn cứ gợi ý', en: 'Suggested by', out: true },
  { key: 'proposed_level', header: 'Cấp độ đề xuất', en: 'Proposed level' },
  { key: 'dossier_state', header: 'Trạng thái hồ sơ', en: 'Dossier state' },
  { key: 'decision_number', header: 'Số quyết định phê duyệt', en: 'Approval decision number' },
  { key: 'decision_date', header: 'Ngày phê duyệt', en: 'Approval date' },
  { key: 'approved_level', header: 'Cấp độ được phê duyệt', en: 'Approved level', out: true },
  { key: 'plan_percent', header: 'Tỷ lệ triển khai phương án (%)', en: 'Plan implemented (%)', out: true },
  { key: 'plan_implemented', header: 'Đã triển khai đầy đủ phương án', en: 'Plan fully implemented', out: true },
];
const headerLookup = Object.fromEntries(
  SYSTEM_COLUMNS.flatMap((c) => [
    [c.key, c.key],
    [c.header, c.key],
    [c.en, c.key],
  ]),
);

const hostsText = (v: SystemView) =>
  v.hosts.map((h) => (h.hostname ? `${h.hostname}=${h.address}` : h.address)).join('; ');
const softwareText = (v: SystemView) =>
  v.software
    .map((s) => [s.name, s.vendor ?? '', s.version ?? '', s.cpe ?? ''].join('|').replace(/\|+$/, ''))
    .join('; ');

const VALUES: Record<string, (v: SystemView) => Cell> = {
  organisation_code: (v) => v.organisationCode,
  organisation_name: (v) => v.organisationName,
  system_code: (v) => v.code,
  name: (v) => v.name,
  purpose: (v) => v.purpose,
  system_type: (v) => LABELS.system_type[v.systemType],
  info_public: (v) => yesNo(v.infoPublic),
  info_private: (v) => yesNo(v.infoPrivate),
  info_personal: (v) => yesNo(v.infoPersonal),
  state_secret_grade: (v) => LABELS.state_secret_grade[v.stateSecretGrade],
  security_harm: (v) => LABELS.security_harm[v.securityHarm],
  online_service_level: (v) => v.onlineServiceLevel,
  conditional_business: (v) => yesNo(v.conditionalBusiness),
  infrastructure_scope: (v) => LABELS.infrastructure_scope[v.infrastructureScope],
  ics_works_grade: (v) => LABELS.ics_works_grade[v.icsWorksGrade],
  national_24x7: (v) => yesNo(v.national24x7),
  national_database: (v) => yesNo(v.nationalDatabase),
  national_security_works: (v) => yesNo(v.nationalSecurityWorks),
  international_interconnect: (v) => yesNo(v.internationalInterconnect),
  critical_list: (v) => yesNo(v.criticalList),
  user_count: (v) => v.userCount,
  users_description: (v) => v.usersDescription,
  hosting: (v) => v.hosting,
  owner_name: (v) => v.ownerName,
  operator_name: (v) => v.operatorName,
  in_service_from: (v) => dayCell(v.inServiceFrom),
  hosts: hostsText,
  software: softwareText,
  suggested_level: (v) => v.suggestion.level,
  suggested_rule: (v) => v.suggestion.legalBasis,
  proposed_level: (v) => v.status.dossier?.level ?? null,
  dossier_state: (v) => (v.status.dossier ? LABELS.dossier_state[v.status.dossier.state] : null),
  decision_number: (v) => v.status.dossier?.decisionNumber ?? null,
  decision_date: (v) => dayCell(v.status.dossier?.decisionDate),
  approved_level: (v) => v.status.approvedLevel,
  plan_percent: (v) => (v.status.approvedLevel ? v.status.plan.percent : null),
  plan_implemented: (v) => yesNo(v.status.plan.fullyImplemented),
};

export type ExportFormat = 'xlsx' | 'csv' | 'json';
/** The systems list's filters and sort (no paging). */
export type SystemExportQuery = Omit<SystemListQuery, 'limit' | 'offset'>;

/** The systems in scope in the documented layout; `template` gives the importable columns with no rows. */
export async function exportSystems(
  db: Db,
  scope: Scope,
  format: ExportFormat,
  template = false,
  query: SystemExportQuery = { sort: 'name' },
): Promise<Buffer> {
  const defs = template ? SYSTEM_COLUMNS.filter((c) => !c.out) : SYSTEM_COLUMNS;
  const items = template ? [] : await exportRows((q) => pageSystems(db, scope, q), query);
  if (format === 'json') {
    // JSON keeps days as the spreadsheet shows them (dd/mm/yyyy), which the import reads back.
    const json = (c: Cell) => (c !== null && typeof c === 'object' ? cellText(c) : c);
    const rows = items.map((v) => Object.fromEntries(defs.map((c) => [c.key, json(VALUES[c.key]?.(v) ?? null)])));
    return Buffer.from(JSON.stringify(rows, null, 2));
  }
  const columns: Column<SystemView>[] = defs.map((c) => ({
    key: c.key,
    header: c.header,
    width: c.key === 'name' || c.key === 'organisation_name' ? 40 : 18,
    value: (v) => VALUES[c.key]?.(v) ?? null,
  }));
  return writeTable(format, 'Hệ thống thông tin', columns, items);
}

/** A refused row: its number, the column, why in English, and the message key (and values) the UI translates. */
export type RowError = {
  row: number;
  column?: string;
  message: string;
  key?: string;
  params?: Record<string, string | number>;
};
export type ImportReport = { created: number; updated: number; unchanged: number; errors: RowError[] };

/** Rows of an uploaded file: JSON (an array of objects keyed by column; row n = n-th item) or CSV/XLSX. */
export async function readSystemRows(body: Buffer | unknown[]): Promise<TableRow[]> {
  const text = Buffer.isBuffer(body)
    ? body
        .subarray(0, 64)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trimStart()
    : '';
  if (Buffer.isBuffer(body) && !text.startsWith('[')) return readTable(body, headerLookup);
  let items: unknown;
  try {
    items = Buffer.isBuffer(body) ? JSON.parse(body.toString('utf8')) : body;
  } catch (e) {
    throw new AppError('VALIDATION', `Not readable JSON: ${(e as Error).message}`, undefined, {
      key: 'systems.importJson',
    });
  }
  if (!Array.isArray(items))
    throw new AppError('VALIDATION', 'Expected a JSON array of systems', undefined, { key: 'systems.importJson' });
  return items.map((item, i) => ({
    row: i + 1,
    cells: Object.fromEntries(
      Object.entries((item ?? {}) as Record<string, unknown>).flatMap(([k, v]) => {
        const key = headerLookup[k];
        return key ? [[key, v === null || v === undefined ? '' : String(v).trim()]] : [];
      }),
    ),
  }));
}

class RowProblem extends Error {
  constructor(
    readonly column: string,
    message: string,
    readonly key?: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
  }
}

/** What the shared request schema's message keys say, for the import report's English text (the UI translates the key). */
const INPUT_MESSAGES: Record<string, string> = {
  'systems.tooLong': 'too long',
  'systems.notANumber': 'expected a whole number',
  'systems.notNegative': 'may not be negative',
  'systems.invalidDate': 'not a real date',
  'systems.nameLength': 'the name has 2 to 300 characters',
  'systems.invalidAddress': 'not an IP address or range',
  'systems.required': 'required',
  'systems.invalidCpe': 'expected a CPE name (cpe:2.3:a:… or cpe:/a:…)',
  'systems.organisationRequired': 'an organisation is required',
};

function enumCell<K extends Enumerated>(cells: Record<string, string>, key: K): keyof (typeof LABELS)[K] | undefined {
  const raw = (cells[key] ?? '').toLowerCase();
  if (!raw) return undefined;
  const found = Object.entries(LABELS[key]).find(([k, l]) => k === raw || (l as string).toLowerCase() === raw);
  if (!found)
    throw new RowProblem(
      key,
      `Unknown value "${cells[key]}" (expected: ${Object.values(LABELS[key]).join(', ')})`,
      'systems.importUnknownValue',
      { value: cells[key] ?? '', expected: Object.values(LABELS[key]).join(', ') },
    );
  return found[0] as keyof (typeof LABELS)[K];
}
function boolCell(cells: Record<string, string>, key: string): boolean | undefined {
  const raw = (cells[key] ?? '').toLowerCase();
  if (!raw) return undefined;
  if (['có', 'co', 'x', 'yes', 'true', '1'].includes(raw)) return true;
  if (['không', 'khong', 'no', 'false', '0'].includes(raw)) return false;
  throw new RowProblem(key, `Expected Có or Không, not "${cells[key]}"`, 'systems.importYesNo', {
    value: cells[key] ?? '',
  });
}
function intCell(cells: Record<string, string>, key: string): number | undefined {
  const raw = (cells[key] ?? '').replace(/[.,\s](?=\d{3}\b)/g, '');
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw))
    throw new RowProblem(key, `Expected a whole number, not "${cells[key]}"`, 'systems.importWholeNumber', {
      value: cells[key] ?? '',
    });
  return Number(raw);
}
function dateCell(cells: Record<string, string>, key: string): string | undefined {
  const raw = cells[key] ?? '';
  if (!raw) return undefined;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  const iso = m ? `${m[3]}-${m[2]?.padStart(2, '0')}-${m[1]?.padStart(2, '0')}` : raw;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || !new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso))
    throw new RowProblem(key, `Expected a date dd/mm/yyyy, not "${raw}"`, 'systems.importDate', { value: raw });
  return iso;
}
const list = (s: string | undefined) =>
  (s ?? '')
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean);

/** A row's system fields, in the shape the registry API takes. */
function systemFields(cells: Record<string, string>, organisationId: string) {
  return {
    organisationId,
    code: cells.system_code,
    name: cells.name ?? '',
    purpose: cells.purpose,
    systemType: enumCell(cells, 'system_type'),
    infoPublic: boolCell(cells, 'info_public'),
    infoPrivate: boolCell(cells, 'info_private'),
    infoPersonal: boolCell(cells, 'info_personal'),
    stateSecretGrade: enumCell(cells, 'state_secret_grade'),
    securityHarm: enumCell(cells, 'security_harm'),
    onlineServiceLevel: intCell(cells, 'online_service_level'),
    conditionalBusiness: boolCell(cells, 'conditional_business'),
    infrastructureScope: enumCell(cells, 'infrastructure_scope'),
    icsWorksGrade: enumCell(cells, 'ics_works_grade'),
    national24x7: boolCell(cells, 'national_24x7'),
    nationalDatabase: boolCell(cells, 'national_database'),
    nationalSecurityWorks: boolCell(cells, 'national_security_works'),
    internationalInterconnect: boolCell(cells, 'international_interconnect'),
    criticalList: boolCell(cells, 'critical_list'),
    userCount: intCell(cells, 'user_count'),
    usersDescription: cells.users_description,
    hosting: cells.hosting,
    ownerName: cells.owner_name,
    operatorName: cells.operator_name,
    inServiceFrom: cells.in_service_from ? dateCell(cells, 'in_service_from') : null,
    hosts: list(cells.hosts).map((h) => {
      const [hostname, address] = h.includes('=') ? h.split('=', 2) : [null, h];
      return { hostname: hostname?.trim() || null, address: (address ?? '').trim() };
    }),
    software: list(cells.software).map((s) => {
      const [name, vendor, version, cpe] = s.split('|').map((x) => x.trim());
      return { name: name ?? '', vendor, version, cpe };
    }),
  };
}

/** The level/dossier part of a row, or null when the row leaves it empty. */
function dossierFields(cells: Record<string, string>) {
  const state = enumCell(cells, 'dossier_state') as DossierState | undefined;
  const level = intCell(cells, 'proposed_level');
  if (!state && level === undefined) return null;
  if (!state)
    throw new RowProblem('dossier_state', 'A proposed level needs a dossier state', 'systems.importStateNeeded');
  if (!level || level > 5)
    throw new RowProblem('proposed_level', 'Expected a level from 1 to 5', 'systems.importLevelRange');
  const decisionNumber = cells.decision_number || null;
  const decisionDate = dateCell(cells, 'decision_date') ?? null;
  if (state === 'approved' && (!decisionNumber || !decisionDate))
    throw new RowProblem(
      'decision_number',
      'An approved dossier needs the decision number and date',
      'systems.importDecisionNeeded',
    );
  return { state, level, decisionNumber, decisionDate };
}

type Parsed = ReturnType<typeof ZSystemInput.parse>;
const canonical = (s: Parsed) =>
  JSON.stringify({
    ...s,
    hosts: [...s.hosts].sort((a, b) => `${a.address} ${a.hostname}`.localeCompare(`${b.address} ${b.hostname}`)),
    software: [...s.software].sort((a, b) => `${a.name} ${a.version}`.localeCompare(`${b.name} ${b.version}`)),
  });

/**
 * Imports systems (upsert by system code, else by organisation code + system name). Each bad row is reported with
 * its row number and skipped; good rows are written in one transaction; re-importing the same file changes
 * nothing. Level and dossier-state columns are applied only for the Department (a changed state from an agency is
 * a row error), so the file can carry decisions recorded on the national platform back into Khiên.
 */
/** Imports systems; organisation codes are read as of `asOf` (default today: codes are reused across periods). */
export async function importSystems(
  db: Db,
  actor: Actor,
  scope: Scope,
  rows: TableRow[],
  asOf = provinceDay(),
): Promise<ImportReport> {
  const orgIds = new Map(
    (
      await db
        .select({ id: organisations.id, code: organisations.code })
        .from(organisations)
        .where(and(organisationScopeFilter(scope), inForceOn(organisations, asOf)))
    ).map((o) => [o.code, o.id]),
  );
  const existing = await listSystems(db, scope);
  const byCode = new Map(existing.filter((s) => s.code).map((s) => [s.code as string, s]));
  const byName = new Map(existing.map((s) => [`${s.organisationId}\n${s.name}`, s]));
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  const candidates: { row: number; input: Parsed; current?: SystemView; dossier: ReturnType<typeof dossierFields> }[] =
    [];

  for (const { row, cells } of rows) {
    try {
      const nul = nulColumn(cells);
      if (nul) throw new RowProblem(nul, NUL_MESSAGE, 'systems.importNul');
      const organisationId = orgIds.get(cells.organisation_code ?? '');
      if (!organisationId)
        throw new RowProblem(
          'organisation_code',
          `Unknown organisation code "${cells.organisation_code ?? ''}"`,
          'systems.importUnknownOrganisation',
          { code: cells.organisation_code ?? '' },
        );
      const parsed = ZSystemInput.safeParse(systemFields(cells, organisationId));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        // The shared schema's messages are keys: the report says them in English, the UI in the reader's language.
        const keyed = issue?.message.startsWith('systems.') ? issue.message : undefined;
        throw new RowProblem(
          String(issue?.path[0] ?? ''),
          `${issue?.path.join('.')}: ${(keyed && INPUT_MESSAGES[keyed]) ?? issue?.message}`,
          keyed,
        );
      }
      const { ok, bad } = await normaliseCidrs(
        db,
        parsed.data.hosts.map((h) => h.address),
      );
      if (bad.length)
        throw new RowProblem('hosts', `Invalid IP address or range "${bad[0]?.value}"`, 'systems.invalidHosts', {
          values: bad[0]?.value ?? '',
        });
      const input = { ...parsed.data, hosts: parsed.data.hosts.map((h, i) => ({ ...h, address: ok[i] as string })) };
      const current = (input.code && byCode.get(input.code)) || byName.get(`${organisationId}\n${input.name}`);
      const namesake = byName.get(`${organisationId}\n${input.name}`);
      if (namesake && current && namesake.id !== current.id)
        throw new RowProblem(
          'name',
          `The organisation already has another system named "${input.name}"`,
          'systems.duplicateName',
          { name: input.name },
        );
      if (input.code && !current) {
        const [taken] = await db
          .select({ id: informationSystems.id })
          .from(informationSystems)
          .where(eq(informationSystems.code, input.code));
        if (taken)
          throw new RowProblem('system_code', `System code "${input.code}" is already used`, 'systems.duplicateCode', {
            code: input.code,
          });
      }
      const key = current?.id ?? `${organisationId}\n${input.name}`;
      if (seen.has(key))
        throw new RowProblem(
          'name',
          `The same system already appears on row ${seen.get(key)}`,
          'systems.importDuplicateRow',
          { row: seen.get(key) ?? 0 },
        );
      seen.set(key, row);
      candidates.push({ row, input, current, dossier: dossierFields(cells) });
    } catch (e) {
      if (!(e instanceof RowProblem)) throw e;
      errors.push({
        row,
        column: e.column,
        message: e.message,
        ...(e.key ? { key: e.key } : {}),
        ...(e.params ? { params: e.params } : {}),
      });
    }
  }

  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors };
  await db.transaction(async (tx) => {
    for (const c of candidates) {
      const d = c.current?.status.dossier ?? null;
      const dossierChanged =
        !!c.dossier &&
        (!d ||
          d.state !== c.dossier.state ||
          d.level !== c.dossier.level ||
          d.decisionNumber !== c.dossier.decisionNumber ||
          d.decisionDate !== c.dossier.decisionDate);
      if (dossierChanged && !can(actor.role, 'dossier.appraise')) {
        errors.push({
          row: c.row,
          column: 'dossier_state',
          message: 'Only the Department may change the level or dossier state',
          key: 'systems.importDepartmentOnly',
        });
        continue;
      }
      const registryChanged = !c.current || canonical(ZSystemInput.parse(c.current)) !== canonical(c.input);
      if (!registryChanged && !dossierChanged) {
        report.unchanged++;
        continue;
      }
      const id = registryChanged
        ? await writeSystem(tx, c.input, c.current?.id ?? null, actor.displayName)
        : (c.current?.id as string);
      if (registryChanged)
        await recordAudit(tx, auditActor(actor), {
          action: c.current ? 'system.import.update' : 'system.import.create',
          entityType: 'information_system',
          entityId: id,
          organisationId: c.input.organisationId,
          before: c.current ?? null,
          after: c.input,
        });
      if (dossierChanged && c.dossier) await importDossier(tx, actor, id, c.input, d, c.dossier);
      if (c.current) report.updated++;
      else report.created++;
    }
  });
  errors.sort((a, b) => a.row - b.row);
  return report;
}

/** Records a level/dossier state brought in by a file: updates the open dossier, or files a new one. */
async function importDossier(
  tx: Db,
  actor: Actor,
  systemId: string,
  input: Parsed,
  current: SystemView['status']['dossier'],
  wanted: NonNullable<ReturnType<typeof dossierFields>>,
) {
  const suggestion = suggestLevel(await ruleBook(tx), answersOf(input), provinceDay());
  const now = new Date();
  const values = {
    ...wanted,
    suggestedLevel: suggestion.level,
    suggestedRuleId: suggestion.ruleId,
    approvedAt: wanted.state === 'approved' ? now : null,
    updatedAt: now,
  };
  const reopen = current && current.state !== 'approved';
  const [row] = reopen
    ? await tx.update(levelDossiers).set(values).where(eq(levelDossiers.id, current.id)).returning()
    : await tx
        .insert(levelDossiers)
        .values({ systemId, ...values })
        .returning();
  if (!row) throw new AppError('INTERNAL', 'dossier write failed');
  await tx.insert(dossierEvents).values({
    dossierId: row.id,
    action: 'import',
    fromState: reopen ? current.state : null,
    toState: wanted.state,
    actorId: userRef(actor),
    actorName: actor.displayName,
    comment: 'Nhập từ tệp / imported from a file',
    details: wanted,
    // An approval brought in by a file counts from its decision's date, like one recorded here.
    effectiveOn: wanted.state === 'approved' && wanted.decisionDate ? wanted.decisionDate : provinceDay(now),
  });
  await recordAudit(tx, auditActor(actor), {
    action: 'dossier.import',
    entityType: 'level_dossier',
    entityId: row.id,
    organisationId: input.organisationId,
    before: current,
    after: row,
  });
}

import { createHash } from 'node:crypto';
import { and, count, desc, eq, max, or, type SQL, sql } from 'drizzle-orm';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { type DocumentFormat, renderDocument } from '../../core/documents/index.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, inScope, organisationIdIn, type Scope, subtreeIds } from '../auth/index.ts';
import { issuerOf } from '../incidents/index.ts';
import { inspectionConclusion, inspections } from '../inspections/index.ts';
import { organisations } from '../organisations/index.ts';
import { type RuleBook, ruleBook } from '../rules/index.ts';
import { type PeriodicKind, reportPeriod } from './periods.ts';
import { type BuiltReport, buildPeriodicReport, reportSymbol } from './report-documents.ts';
import type { ReportDraftInput, ReportKind, ReportState } from './reports.input.ts';
import { officialReports } from './reports.schema.ts';

type ReportRow = typeof officialReports.$inferSelect;
type Unit = { id: string; code: string; parentId: string | null; validTo: string | null };

const notFound = () => new AppError('NOT_FOUND', 'Report not found', undefined, { key: 'reports.notFound' });

async function unitById(db: Db, id: string): Promise<Unit | null> {
  const [u] = await db
    .select({
      id: organisations.id,
      code: organisations.code,
      parentId: organisations.parentId,
      validTo: organisations.validTo,
    })
    .from(organisations)
    .where(eq(organisations.id, id));
  return u ?? null;
}

/** The province's own unit on a day (the unit with no parent), which speaks for the whole tree. */
export async function rootUnitOn(db: Db, day: string): Promise<string | null> {
  const [u] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(
      and(
        sql`${organisations.parentId} is null and ${organisations.type} = 'province'`,
        sql`(${organisations.validFrom} is null or ${organisations.validFrom} <= ${day})`,
        sql`(${organisations.validTo} is null or ${organisations.validTo} >= ${day})`,
      ),
    )
    .limit(1);
  return u?.id ?? null;
}

/** A unit the caller may report for: in scope, else "not found" (another agency's unit is not disclosed). */
async function visibleUnit(db: Db, scope: Scope, id: string): Promise<Unit> {
  const unit = inScope(scope, id) ? await unitById(db, id) : null;
  if (!unit)
    throw new AppError(
      'NOT_FOUND',
      'Organisation not found',
      { field: 'organisationId' },
      { key: 'reports.organisationNotFound' },
    );
  return unit;
}

/** The document's day: today, but never after the issuing unit's last day (a merged unit's report is dated then). */
const documentDay = (unit: Unit, today: string) => (unit.validTo && unit.validTo < today ? unit.validTo : today);

export type PeriodicRequest = {
  kind: PeriodicKind;
  year: number;
  half: 1 | 2 | null;
  /** Default: the caller's own unit, else the province's unit on the period's last day. */
  organisationId?: string | null;
  symbol?: string | null;
  number?: string | null;
  /** The document's day (default: today, see documentDay). */
  day?: string;
};

/** The unit issuing a periodic report: the one asked for, else the caller's, else the province in force on `asOf`. */
async function issuingUnit(db: Db, asked: string | null | undefined, asOf: string): Promise<string> {
  const id = asked ?? (await rootUnitOn(db, asOf));
  if (!id)
    throw new AppError(
      'VALIDATION',
      `No unit issues the report: name one (organisationId, --org) or load the organisation tree in force on ${asOf}`,
      { field: 'organisationId' },
      { key: 'reports.organisationRequired' },
    );
  return id;
}

/**
 * A periodic report of a unit, built from the figures of its period as of the period's end. The province's unit
 * (no parent) reports on everything the caller sees, as the modules' summaries without an organisation count;
 * any other unit on its subtree of that day.
 */
export async function periodicReport(
  db: Db,
  scope: Scope,
  actorOrganisationId: string | null,
  r: PeriodicRequest,
  now = new Date(),
  book?: RuleBook,
): Promise<BuiltReport & { organisationId: string }> {
  const rules = book ?? (await ruleBook(db));
  const half = r.kind === 'annual' ? null : r.half;
  const period = reportPeriod(rules, r.kind, r.year, half, provinceDay(now));
  const organisationId = await issuingUnit(db, r.organisationId ?? actorOrganisationId, period.asOf);
  const unit = await visibleUnit(db, scope, organisationId);
  const wholeScope = unit.parentId === null;
  const built = await buildPeriodicReport(db, rules, wholeScope ? scope : await unitScope(db, unit.id, period.asOf), {
    kind: r.kind,
    year: r.year,
    half,
    period,
    organisationId,
    wholeScope,
    day: r.day ?? documentDay(unit, provinceDay(now)),
    number: r.number ?? null,
    symbol: r.symbol ?? null,
  });
  return { ...built, organisationId };
}

/** A unit's report counts its own subtree, whoever reads it (visibility is checked on the unit). */
const unitScope = async (db: Db, id: string, day: string): Promise<Scope> => ({
  all: false,
  organisationIds: await subtreeIds(db, id, day),
});

/** A report as a file with its SHA-256. */
export async function renderReport(built: BuiltReport, format: DocumentFormat) {
  const file = await renderDocument(built.doc, format);
  return {
    file,
    fileName: `${built.fileStem}.${format}`,
    sha256: createHash('sha256').update(file).digest('hex'),
  };
}

// ——— the lifecycle ———

const periodicOf = (row: ReportRow): PeriodicKind | null => (row.kind === 'inspection_conclusion' ? null : row.kind);

async function buildFor(
  db: Db,
  scope: Scope,
  row: ReportRow,
  day?: string,
  number?: string | null,
): Promise<BuiltReport> {
  const kind = periodicOf(row);
  if (!kind) {
    // The inspections module writes the conclusion; the register gives it its number and symbol.
    const c = await inspectionConclusion(db, scope, row.inspectionId ?? '', day);
    return {
      doc: { ...c.doc, number: number ?? null, symbol: row.symbol },
      fileStem: c.fileStem,
      title: c.doc.excerpt ?? row.title,
      figures: {},
    };
  }
  return periodicReport(db, scope, null, {
    kind,
    year: row.year ?? 0,
    half: row.half === 1 || row.half === 2 ? row.half : null,
    organisationId: row.organisationId,
    symbol: row.symbol,
    number: number ?? null,
    day,
  });
}

function titleOf(kind: ReportKind, year: number | null, half: number | null): string {
  const h = half === 2 ? '6 tháng cuối năm' : '6 tháng đầu năm';
  if (kind === 'six_month') return `Kết quả công tác bảo đảm an toàn thông tin mạng ${h} ${year}`;
  if (kind === 'annual') return `Tình hình bảo đảm an toàn hệ thống thông tin theo cấp độ năm ${year}`;
  if (kind === 'monitoring') return `Kết quả giám sát an toàn hệ thống thông tin ${h} ${year}`;
  return 'Kết luận kiểm tra';
}

/** A conclusion's draft: issued by the inspecting unit (in the caller's scope), about the inspected agency. */
async function createConclusion(db: Db, actor: Actor, scope: Scope, input: ReportDraftInput) {
  const inspectionId = input.inspectionId ?? '';
  const c = await inspectionConclusion(db, scope, inspectionId);
  const [i] = await db
    .select({ inspector: inspections.inspectorOrganisationId })
    .from(inspections)
    .where(eq(inspections.id, inspectionId));
  if (!i) throw notFound();
  await visibleUnit(db, scope, i.inspector);
  return insertDraft(db, actor, conclusionOnce(inspectionId), {
    kind: 'inspection_conclusion',
    organisationId: i.inspector,
    subjectOrganisationId: c.organisationId,
    inspectionId,
    year: null,
    half: null,
    symbol: input.symbol ?? c.doc.symbol,
    title: c.doc.excerpt ?? titleOf('inspection_conclusion', null, null),
    createdBy: userRef(actor),
  });
}

/**
 * An inspection has one conclusion: a second draft is refused while another exists, whatever its state (checked
 * under a lock per inspection, so two drafts at the same moment cannot both pass).
 */
const conclusionOnce = (inspectionId: string) => async (tx: Db) => {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`report-conclusion:${inspectionId}`}))`);
  const [other] = await tx
    .select({ id: officialReports.id })
    .from(officialReports)
    .where(and(eq(officialReports.kind, 'inspection_conclusion'), eq(officialReports.inspectionId, inspectionId)))
    .limit(1);
  if (other)
    throw new AppError('CONFLICT', 'The inspection already has a conclusion', undefined, {
      key: 'reports.conclusionExists',
    });
};

async function insertDraft(
  db: Db,
  actor: Actor,
  check: ((tx: Db) => Promise<void>) | null,
  values: typeof officialReports.$inferInsert,
) {
  return db.transaction(async (tx) => {
    await check?.(tx);
    const [row] = await tx.insert(officialReports).values(values).returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'report.create',
      entityType: 'report',
      entityId: row.id,
      organisationId: row.organisationId,
      after: summaryOf(row),
    });
    return row.id;
  });
}

export async function createReport(db: Db, actor: Actor, scope: Scope, input: ReportDraftInput, now = new Date()) {
  if (input.kind === 'inspection_conclusion') return createConclusion(db, actor, scope, input);
  const book = await ruleBook(db);
  const half = input.kind === 'annual' ? null : ((input.half ?? 1) as 1 | 2);
  const year = input.year ?? 0;
  const period = reportPeriod(book, input.kind, year, half, provinceDay(now));
  const organisationId = await issuingUnit(db, input.organisationId ?? actor.organisationId, period.asOf);
  const unit = await visibleUnit(db, scope, organisationId);
  return insertDraft(db, actor, null, {
    kind: input.kind,
    organisationId,
    year,
    half,
    periodFrom: period.from,
    periodTo: period.to,
    symbol: input.symbol ?? reportSymbol((await issuerOf(db, book, unit.id, period.asOf)).body, unit.code),
    title: titleOf(input.kind, year, half),
    createdBy: userRef(actor),
  });
}

/** The row without its files (what the audit log and lists show). */
const summaryOf = ({ docx: _d, pdf: _p, figures: _f, ...rest }: ReportRow) => rest;

/** Reports of the caller's units, and conclusions about them. */
const visibleTo = (scope: Scope) => {
  const ids = scope.all ? null : scope.organisationIds;
  return or(
    organisationIdIn(sql`${officialReports.organisationId}`, ids),
    organisationIdIn(sql`${officialReports.subjectOrganisationId}`, ids),
  ) as SQL;
};

async function visibleReport(db: Db, scope: Scope, id: string): Promise<ReportRow> {
  const [row] = await db
    .select()
    .from(officialReports)
    .where(and(eq(officialReports.id, id), visibleTo(scope)));
  if (!row) throw notFound();
  return row;
}

export type ReportListQuery = {
  kind?: ReportKind;
  state?: ReportState;
  year?: number;
  limit: number;
  offset: number;
};

const userName = sql<string | null>`(select u.display_name from users u where u.id = ${officialReports.createdBy})`;

function listColumns() {
  return {
    id: officialReports.id,
    kind: officialReports.kind,
    state: officialReports.state,
    organisationId: officialReports.organisationId,
    organisationName: organisations.name,
    year: officialReports.year,
    half: officialReports.half,
    inspectionId: officialReports.inspectionId,
    periodFrom: officialReports.periodFrom,
    periodTo: officialReports.periodTo,
    symbol: officialReports.symbol,
    title: officialReports.title,
    createdBy: officialReports.createdBy,
    createdByName: userName,
    createdAt: officialReports.createdAt,
    approvedBy: officialReports.approvedBy,
    approvedByName: sql<string | null>`(select u.display_name from users u where u.id = ${officialReports.approvedBy})`,
    approvedAt: officialReports.approvedAt,
    issuedBy: officialReports.issuedBy,
    issuedAt: officialReports.issuedAt,
    issuedOn: officialReports.issuedOn,
    number: officialReports.number,
    recipients: officialReports.recipients,
    docxSha256: officialReports.docxSha256,
    pdfSha256: officialReports.pdfSha256,
  };
}

export async function listReports(db: Db, scope: Scope, q: ReportListQuery) {
  const conds: SQL[] = [visibleTo(scope)];
  if (q.kind) conds.push(eq(officialReports.kind, q.kind));
  if (q.state) conds.push(eq(officialReports.state, q.state));
  if (q.year) conds.push(eq(officialReports.year, q.year));
  const where = and(...conds);
  const items = await db
    .select(listColumns())
    .from(officialReports)
    .innerJoin(organisations, eq(organisations.id, officialReports.organisationId))
    .where(where)
    .orderBy(desc(officialReports.createdAt))
    .limit(q.limit)
    .offset(q.offset);
  const [total] = await db.select({ n: count() }).from(officialReports).where(where);
  return { items, total: total?.n ?? 0 };
}

/** A report with its figures: frozen when issued, else computed now (the draft's preview). */
export async function getReport(db: Db, scope: Scope, id: string) {
  const row = await visibleReport(db, scope, id);
  const [item] = await db
    .select({ ...listColumns(), frozen: officialReports.figures })
    .from(officialReports)
    .innerJoin(organisations, eq(organisations.id, officialReports.organisationId))
    .where(eq(officialReports.id, id));
  if (!item) throw notFound();
  const { frozen, ...report } = item;
  const figures = (item.state === 'issued' ? frozen : (await buildFor(db, scope, row)).figures) as Record<
    string,
    unknown
  >;
  return { ...report, figures };
}

/** The report's file: as issued (stored bytes), else a preview rendered now, unnumbered. */
export async function reportFile(db: Db, scope: Scope, id: string, format: DocumentFormat) {
  const row = await visibleReport(db, scope, id);
  if (row.state === 'issued') {
    const file = format === 'pdf' ? row.pdf : row.docx;
    const sha256 = format === 'pdf' ? row.pdfSha256 : row.docxSha256;
    if (!file || !sha256) throw notFound();
    return { file, sha256, fileName: `${fileStemOf(row)}.${format}` };
  }
  return renderReport(await buildFor(db, scope, row), format);
}

const fileStemOf = (row: ReportRow) =>
  `bao-cao-${row.numberYear ?? ''}-${row.number ?? 'du-thao'}-${row.symbol}`.replace(/[^\p{L}\p{N}.-]+/gu, '-');

/** Moves a report from `from` to its next state after `check`, audited in the same transaction. */
async function transition(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  from: ReportState,
  action: string,
  change: (row: ReportRow, tx: Db) => Promise<Partial<ReportRow>>,
) {
  const row = await visibleReport(db, scope, id);
  if (!inScope(scope, row.organisationId))
    throw new AppError('FORBIDDEN', 'Only the issuing unit approves and issues its reports', undefined, {
      key: 'reports.notIssuer',
    });
  if (row.state !== from)
    throw new AppError('CONFLICT', `The report is ${row.state}, not ${from}`, undefined, {
      key: from === 'draft' ? 'reports.notDraft' : 'reports.notApproved',
    });
  return db.transaction(async (tx) => {
    const values = await change(row, tx);
    const [after] = await tx
      .update(officialReports)
      .set(values)
      .where(and(eq(officialReports.id, id), eq(officialReports.state, from)))
      .returning();
    if (!after) throw new AppError('CONFLICT', 'The report changed meanwhile', undefined, { key: 'reports.changed' });
    await recordAudit(tx, auditActor(actor), {
      action,
      entityType: 'report',
      entityId: id,
      organisationId: row.organisationId,
      before: summaryOf(row),
      after: summaryOf(after),
    });
    return after.id;
  });
}

/** Approval by another user than the one who drafted it. */
export function approveReport(db: Db, actor: Actor, scope: Scope, id: string, now = new Date()) {
  return transition(db, actor, scope, id, 'draft', 'report.approve', async (row) => {
    if (row.createdBy === userRef(actor))
      throw new AppError('FORBIDDEN', 'Another user must approve a report one drafted', undefined, {
        key: 'reports.ownDraft',
      });
    return { state: 'approved', approvedBy: userRef(actor), approvedAt: now };
  });
}

/**
 * Issues an approved report today: the next number in the issuing unit's register of the calendar year, the
 * figures frozen, the DOCX and PDF rendered with that number and stored with their SHA-256.
 */
export function issueReport(db: Db, actor: Actor, scope: Scope, id: string, now = new Date()) {
  return transition(db, actor, scope, id, 'approved', 'report.issue', async (row, tx) => {
    const day = provinceDay(now);
    const year = Number(day.slice(0, 4));
    // Serialises numbering per unit: two issues at once cannot take the same number (the unique index is the guard).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`report-number:${row.organisationId}:${year}`}))`);
    const [last] = await tx
      .select({ n: max(officialReports.number) })
      .from(officialReports)
      .where(and(eq(officialReports.organisationId, row.organisationId), eq(officialReports.numberYear, year)));
    const number = (last?.n ?? 0) + 1;
    const built = await buildFor(tx, scope, row, day, String(number).padStart(2, '0'));
    const [docx, pdf] = [await renderReport(built, 'docx'), await renderReport(built, 'pdf')];
    return {
      state: 'issued',
      issuedBy: userRef(actor),
      issuedAt: now,
      issuedOn: day,
      numberYear: year,
      number,
      title: built.title,
      recipients: built.doc.recipients,
      figures: built.figures,
      docx: docx.file,
      docxSha256: docx.sha256,
      pdf: pdf.file,
      pdfSha256: pdf.sha256,
    };
  });
}

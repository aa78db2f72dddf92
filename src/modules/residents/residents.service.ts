import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { and, asc, count, desc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type AuditActor, auditActor, userRef } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { foldedContains } from '../../core/text-search.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { users } from '../auth/index.ts';
import type { ZReportQuery, ZWarningQuery } from './residents.contract.ts';
import {
  type GuidanceInput,
  REPORT_STATES,
  REPORT_TRANSITIONS,
  type ReportState,
  type ScamReportInput,
  WARNING_TRANSITIONS,
  type WarningInput,
  type WarningState,
  type ZReportTriage,
} from './residents.input.ts';
import { residentGuidance, residentWarnings, scamReports } from './residents.schema.ts';

// ---- Warnings ----------------------------------------------------------------------------------------------------

type WarningRow = typeof residentWarnings.$inferSelect;
const warningOut = (w: WarningRow) => ({
  id: w.id,
  title: w.title,
  summary: w.summary,
  body: w.body,
  category: w.category,
  state: w.state,
  publishedOn: w.publishedOn,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

export async function listWarnings(db: Db, query: z.output<typeof ZWarningQuery>) {
  const where: SQL[] = [];
  if (query.state) where.push(eq(residentWarnings.state, query.state));
  if (query.q)
    where.push(
      sql`(${foldedContains(sql`${residentWarnings.title}`, query.q)} or ${foldedContains(sql`${residentWarnings.summary}`, query.q)})`,
    );
  const filter = where.length ? and(...where) : undefined;
  const rows = await db
    .select()
    .from(residentWarnings)
    .where(filter)
    .orderBy(desc(residentWarnings.updatedAt), desc(residentWarnings.id))
    .limit(query.limit)
    .offset(query.offset);
  const [total] = await db.select({ n: count() }).from(residentWarnings).where(filter);
  return { items: rows.map(warningOut), total: Number(total?.n ?? 0) };
}

/** Locked until the transaction ends: two editors at once (publish and withdraw) take turns, each judging the latest. */
async function warningRow(db: Db, id: string) {
  const [row] = await db.select().from(residentWarnings).where(eq(residentWarnings.id, id)).for('update');
  if (!row) throw notFound('Warning');
  return row;
}

export async function createWarning(db: Db, actor: Actor | null, input: WarningInput) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(residentWarnings)
      .values({ ...input, publishedOn: input.publishedOn ?? null, createdBy: actor ? userRef(actor) : null })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await recordAudit(tx, auditActor(actor), {
      action: 'resident_warning.create',
      entityType: 'resident_warning',
      entityId: row.id,
      after: warningOut(row),
    });
    return warningOut(row);
  });
}

export async function updateWarning(db: Db, actor: Actor, id: string, input: WarningInput) {
  return db.transaction(async (tx) => {
    const before = await warningRow(tx, id);
    if (before.state === 'withdrawn')
      throw new AppError('CONFLICT', 'A withdrawn warning goes back to draft before it is changed', undefined, {
        key: 'residents.withdrawnReadOnly',
      });
    // A published warning keeps its day unless the author gives another.
    const [row] = await tx
      .update(residentWarnings)
      .set({ ...input, publishedOn: input.publishedOn ?? before.publishedOn, updatedAt: new Date() })
      .where(eq(residentWarnings.id, id))
      .returning();
    if (!row) throw notFound('Warning');
    await recordAudit(tx, auditActor(actor), {
      action: 'resident_warning.update',
      entityType: 'resident_warning',
      entityId: id,
      before: warningOut(before),
      after: warningOut(row),
    });
    return warningOut(row);
  });
}

export async function transitionWarning(db: Db, actor: Actor | null, id: string, to: WarningState) {
  return db.transaction(async (tx) => {
    const before = await warningRow(tx, id);
    if (!WARNING_TRANSITIONS[before.state].includes(to))
      throw new AppError('CONFLICT', `A ${before.state} warning cannot become ${to}`, undefined, {
        key: 'residents.badTransition',
        params: { from: before.state, to },
      });
    const publishedOn = to === 'published' ? (before.publishedOn ?? provinceDay()) : before.publishedOn;
    const [row] = await tx
      .update(residentWarnings)
      .set({ state: to, publishedOn, updatedAt: new Date() })
      .where(eq(residentWarnings.id, id))
      .returning();
    if (!row) throw notFound('Warning');
    await recordAudit(tx, auditActor(actor), {
      action: `resident_warning.${to}`,
      entityType: 'resident_warning',
      entityId: id,
      before: { state: before.state, publishedOn: before.publishedOn },
      after: { state: row.state, publishedOn: row.publishedOn },
    });
    return warningOut(row);
  });
}

// ---- Guidance ----------------------------------------------------------------------------------------------------

type GuidanceRow = typeof residentGuidance.$inferSelect;
const guidanceOut = (g: GuidanceRow) => ({
  id: g.id,
  title: g.title,
  body: g.body,
  position: g.position,
  published: g.published,
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
});

export async function listGuidance(db: Db) {
  const rows = await db
    .select()
    .from(residentGuidance)
    .orderBy(asc(residentGuidance.position), asc(residentGuidance.createdAt));
  return { items: rows.map(guidanceOut) };
}

export async function createGuidance(db: Db, actor: Actor | null, input: GuidanceInput) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(residentGuidance)
      .values({ ...input, createdBy: actor ? userRef(actor) : null })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await recordAudit(tx, auditActor(actor), {
      action: 'resident_guidance.create',
      entityType: 'resident_guidance',
      entityId: row.id,
      after: guidanceOut(row),
    });
    return guidanceOut(row);
  });
}

export async function updateGuidance(db: Db, actor: Actor, id: string, input: GuidanceInput) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(residentGuidance).where(eq(residentGuidance.id, id));
    if (!before) throw notFound('Guidance');
    const [row] = await tx
      .update(residentGuidance)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(residentGuidance.id, id))
      .returning();
    if (!row) throw notFound('Guidance');
    await recordAudit(tx, auditActor(actor), {
      action: 'resident_guidance.update',
      entityType: 'resident_guidance',
      entityId: id,
      before: guidanceOut(before),
      after: guidanceOut(row),
    });
    return guidanceOut(row);
  });
}

export async function deleteGuidance(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [before] = await tx.delete(residentGuidance).where(eq(residentGuidance.id, id)).returning();
    if (!before) throw notFound('Guidance');
    await recordAudit(tx, auditActor(actor), {
      action: 'resident_guidance.delete',
      entityType: 'resident_guidance',
      entityId: id,
      before: guidanceOut(before),
    });
  });
  return { ok: true as const };
}

// ---- What the public page shows ------------------------------------------------------------------------------------

/** Published warnings, newest first. */
export async function publishedWarnings(db: Db, limit = 100) {
  const rows = await db
    .select()
    .from(residentWarnings)
    .where(eq(residentWarnings.state, 'published'))
    .orderBy(desc(residentWarnings.publishedOn), desc(residentWarnings.createdAt))
    .limit(limit);
  return rows.map((w) => ({ ...warningOut(w), publishedOn: w.publishedOn ?? provinceDay(w.updatedAt) }));
}

/** One published warning, or null (a draft or withdrawn one is not there for the public). */
export async function publishedWarning(db: Db, id: string) {
  const [w] = await db
    .select()
    .from(residentWarnings)
    .where(and(eq(residentWarnings.id, id), eq(residentWarnings.state, 'published')));
  return w ? { ...warningOut(w), publishedOn: w.publishedOn ?? provinceDay(w.updatedAt) } : null;
}

export async function publishedGuidance(db: Db) {
  const rows = await db
    .select()
    .from(residentGuidance)
    .where(eq(residentGuidance.published, true))
    .orderBy(asc(residentGuidance.position), asc(residentGuidance.createdAt));
  return rows.map(guidanceOut);
}

// ---- Scam reports --------------------------------------------------------------------------------------------------

/** The form is refused when sent sooner than this after it was served (a person reads and types first)… */
export const FORM_MIN_AGE_MS = 3_000;
/** …or later than this (a token harvested once cannot be replayed for days). */
export const FORM_MAX_AGE_MS = 2 * 60 * 60_000;
/** The same content again within this window counts on the first report. */
export const DUPLICATE_WINDOW_MS = 24 * 60 * 60_000;

/** The form-token key, derived from the server secret so tokens survive a restart and no other use shares it. */
export const formTokenKey = (secret: Buffer) =>
  createHmac('sha256', secret).update('khien/residents/form-token').digest();

const tokenMac = (key: Buffer, issuedAt: number) =>
  createHmac('sha256', key).update(String(issuedAt)).digest('base64url');

/** A signed time token (`<ms>.<mac>`) for the report form's hidden field. */
export const formToken = (key: Buffer, issuedAt = Date.now()) => `${issuedAt}.${tokenMac(key, issuedAt)}`;

export type TokenCheck = 'ok' | 'invalid' | 'too_fast' | 'too_old';
/** Whether the token is ours (constant-time compare) and the form was sent neither too fast nor too late. */
export function checkFormToken(key: Buffer, token: string | undefined, now = Date.now()): TokenCheck {
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return 'invalid';
  const issuedAt = Number(m[1]);
  const given = Buffer.from(m[2] as string);
  const expected = Buffer.from(tokenMac(key, issuedAt));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  const age = now - issuedAt;
  if (age < FORM_MIN_AGE_MS) return 'too_fast';
  if (age > FORM_MAX_AGE_MS) return 'too_old';
  return 'ok';
}

/** Same report, same fingerprint: case, spacing and punctuation do not make a report new. */
function fingerprintOf(input: ScamReportInput) {
  const norm = (s: string | null | undefined) =>
    (s ?? '')
      .normalize('NFC')
      .toLowerCase()
      .replace(/[\s\p{P}]+/gu, ' ')
      .trim();
  return createHash('sha256')
    .update([input.category, norm(input.description), norm(input.suspect)].join('\u001f'))
    .digest('hex');
}

const REPORT_CODE_LOCK = 0x5ca3; // serialises the yearly numbering of report codes

/**
 * Files a resident's report in the Department's queue, or counts it on the same report received within the
 * duplicate window. Answers the code the resident can quote.
 */
export async function receiveReport(db: Db, input: ScamReportInput, ip: string | null) {
  const fingerprint = fingerprintOf(input);
  const who: AuditActor = { id: null, name: 'public', ip };
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REPORT_CODE_LOCK})`);
    const since = new Date(Date.now() - DUPLICATE_WINDOW_MS);
    const [same] = await tx
      .select({ id: scamReports.id, code: scamReports.code })
      .from(scamReports)
      .where(and(eq(scamReports.fingerprint, fingerprint), gt(scamReports.createdAt, since)))
      .limit(1);
    if (same) {
      await tx
        .update(scamReports)
        .set({ duplicates: sql`${scamReports.duplicates} + 1` })
        .where(eq(scamReports.id, same.id));
      await recordAudit(tx, who, { action: 'scam_report.duplicate', entityType: 'scam_report', entityId: same.id });
      return { code: same.code, duplicate: true };
    }
    const year = provinceDay().slice(0, 4);
    const [last] = await queryRows<{ n: number }>(
      tx,
      sql`select coalesce(max(substring(code from 9)::int), 0)::int as n from scam_reports where code like ${`PA-${year}-%`}`,
    );
    const code = `PA-${year}-${String((last?.n ?? 0) + 1).padStart(4, '0')}`;
    const [row] = await tx
      .insert(scamReports)
      .values({
        code,
        category: input.category,
        description: input.description,
        suspect: input.suspect ?? null,
        reporterName: input.reporterName ?? null,
        reporterContact: input.reporterContact ?? null,
        fingerprint,
      })
      .returning({ id: scamReports.id });
    if (!row) throw new Error('insert returned nothing');
    // The report's text stays in its row; the audit notes only that it arrived.
    await recordAudit(tx, who, {
      action: 'scam_report.receive',
      entityType: 'scam_report',
      entityId: row.id,
      after: { code, category: input.category },
    });
    return { code, duplicate: false };
  });
}

const reportColumns = {
  id: scamReports.id,
  code: scamReports.code,
  category: scamReports.category,
  description: scamReports.description,
  suspect: scamReports.suspect,
  reporterName: scamReports.reporterName,
  reporterContact: scamReports.reporterContact,
  duplicates: scamReports.duplicates,
  state: scamReports.state,
  triageNote: scamReports.triageNote,
  forwardedTo: scamReports.forwardedTo,
  handledByName: users.displayName,
  createdAt: scamReports.createdAt,
  updatedAt: scamReports.updatedAt,
};

export async function listReports(db: Db, query: z.output<typeof ZReportQuery>) {
  const where: SQL[] = [];
  if (query.state) where.push(eq(scamReports.state, query.state));
  if (query.category) where.push(eq(scamReports.category, query.category));
  if (query.q)
    where.push(
      sql`(${scamReports.code} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} or ${foldedContains(
        sql`${scamReports.description}`,
        query.q,
      )} or ${foldedContains(sql`coalesce(${scamReports.suspect}, '')`, query.q)})`,
    );
  const filter = where.length ? and(...where) : undefined;
  const items = await db
    .select(reportColumns)
    .from(scamReports)
    .leftJoin(users, eq(users.id, scamReports.handledBy))
    .where(filter)
    .orderBy(desc(scamReports.createdAt), desc(scamReports.id))
    .limit(query.limit)
    .offset(query.offset);
  const [total] = await db.select({ n: count() }).from(scamReports).where(filter);
  const byState = await db
    .select({ state: scamReports.state, n: count() })
    .from(scamReports)
    .groupBy(scamReports.state);
  const counts = Object.fromEntries(REPORT_STATES.map((s) => [s, 0])) as Record<ReportState, number>;
  for (const r of byState) counts[r.state] = Number(r.n);
  return { items, total: Number(total?.n ?? 0), counts };
}

export async function triageReport(db: Db, actor: Actor, id: string, input: z.output<typeof ZReportTriage>) {
  return db.transaction(async (tx) => {
    // Locked: two triagers at once take turns, so a forwarded report cannot be reopened by a stale click.
    const [before] = await tx.select().from(scamReports).where(eq(scamReports.id, id)).for('update');
    if (!before) throw notFound('Report');
    if (!REPORT_TRANSITIONS[before.state].includes(input.to))
      throw new AppError('CONFLICT', `A ${before.state} report cannot become ${input.to}`, undefined, {
        key: 'residents.badTransition',
        params: { from: before.state, to: input.to },
      });
    await tx
      .update(scamReports)
      .set({
        state: input.to,
        triageNote: input.note ?? before.triageNote,
        forwardedTo: input.to === 'forwarded' ? (input.forwardedTo ?? null) : before.forwardedTo,
        handledBy: userRef(actor),
        updatedAt: new Date(),
      })
      .where(eq(scamReports.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: `scam_report.${input.to}`,
      entityType: 'scam_report',
      entityId: id,
      before: { state: before.state, triageNote: before.triageNote, forwardedTo: before.forwardedTo },
      after: { state: input.to, triageNote: input.note ?? before.triageNote, forwardedTo: input.forwardedTo ?? null },
    });
    const [row] = await tx
      .select(reportColumns)
      .from(scamReports)
      .leftJoin(users, eq(users.id, scamReports.handledBy))
      .where(eq(scamReports.id, id));
    if (!row) throw notFound('Report');
    return row;
  });
}

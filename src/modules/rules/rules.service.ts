import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AuditActor } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { fromRoot } from '../../core/paths.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type BodyInput,
  parseRuleData,
  type RuleKind,
  type RuleVersion,
  ZBody,
  ZCalendarDay,
  ZLegalBasis,
  ZRuleVersion,
} from './kinds.ts';
import { forgetRuleBook, RuleBook, ruleBook } from './rule-book.ts';
import { calendarDays, competentBodies, legalRules, ruleSets } from './rules.schema.ts';

/** Loading a release's data is done by the system itself, not by a user. */
const SYSTEM: AuditActor = { id: null, name: 'system' };

/** The shipped data files: national rules, national bodies and the public-holiday calendar. */
export const RULES_DIR = fromRoot('rules');

const ZRuleFile = z.object({
  ruleSet: z.string(),
  version: z.union([z.number(), z.string()]),
  rules: z.array(ZRuleVersion).optional(),
  bodies: z.array(ZBody).optional(),
  days: z.array(ZCalendarDay).optional(),
});

export type RuleFile = z.output<typeof ZRuleFile> & { name: string; sha256: string };

/** The shipped data files, parsed and checked (each rule's data against its kind), in name order. */
function readRuleFiles(dir = RULES_DIR): RuleFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const raw = readFileSync(`${dir}/${name}`);
      const parsed = ZRuleFile.safeParse({ ruleSet: name.replace(/\.json$/, ''), ...JSON.parse(raw.toString('utf8')) });
      if (!parsed.success)
        throw new Error(
          `rules/${name}: ${parsed.error.issues
            .slice(0, 5)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')}`,
        );
      for (const [i, r] of (parsed.data.rules ?? []).entries())
        parseRuleData(r.kind, r.data, `rules/${name} rule ${i + 1} (${r.key})`);
      return { ...parsed.data, name, sha256: createHash('sha256').update(raw).digest('hex') };
    });
}

/** The columns of a rule version (a file's or an administrator's). */
const ruleRow = (r: RuleVersion, data: unknown) => ({
  kind: r.kind,
  key: r.key,
  validFrom: r.validFrom,
  validTo: r.validTo,
  document: r.basis.document,
  article: r.basis.article ?? null,
  clause: r.basis.clause ?? null,
  point: r.basis.point ?? null,
  textVi: r.vi,
  textEn: r.en,
  data,
  confirmed: r.confirmed,
  note: r.note,
});

/** A rule book straight from the data files, without a database (tests, and tools that only read the law). */
export function ruleBookFromFiles(dir = RULES_DIR): RuleBook {
  const files = readRuleFiles(dir);
  return new RuleBook(
    files.flatMap((f) =>
      (f.rules ?? []).map((r, i) => ({
        ...ruleRow(r, r.data),
        id: `${f.ruleSet}#${i}`,
        origin: 'national' as const,
        ruleSet: f.ruleSet,
        createdBy: null,
        createdAt: new Date(0),
      })),
    ),
    files.flatMap((f) => f.bodies ?? []),
    files.flatMap((f) => f.days ?? []),
  );
}

/**
 * Loads every changed file of `rules/` into the database (run after migrations): a file's national rows are
 * replaced by what it says now, so a release that corrects a rule corrects it everywhere; the province's own rows
 * are never touched. Unchanged files (same SHA-256) are skipped. One audit entry per changed file.
 */
export async function syncBuiltinRules(db: Db, dir = RULES_DIR): Promise<{ loaded: string[] }> {
  const loaded: string[] = [];
  for (const file of readRuleFiles(dir)) {
    const { sha256 } = file;
    const [seen] = await db.select().from(ruleSets).where(eq(ruleSets.name, file.ruleSet));
    if (seen?.sha256 === sha256) continue;
    await db.transaction(async (tx) => {
      if (file.rules) {
        await tx.delete(legalRules).where(and(eq(legalRules.origin, 'national'), eq(legalRules.ruleSet, file.ruleSet)));
        if (file.rules.length)
          await tx
            .insert(legalRules)
            .values(
              file.rules.map((r) => ({ ...ruleRow(r, r.data), origin: 'national' as const, ruleSet: file.ruleSet })),
            );
      }
      if (file.bodies?.length) {
        const codes = [...new Set(file.bodies.map((b) => b.code))];
        await tx
          .delete(competentBodies)
          .where(and(eq(competentBodies.origin, 'national'), sql`${competentBodies.code} in ${codes}`));
        await tx.insert(competentBodies).values(file.bodies.map((b) => ({ ...b, origin: 'national' as const })));
      }
      if (file.days?.length) {
        const national = file.days.map((d) => d.date);
        await tx
          .delete(calendarDays)
          .where(and(eq(calendarDays.origin, 'national'), notInArray(calendarDays.day, national)));
        for (const d of file.days) {
          const row = { kind: d.kind, name: d.name, legalBasis: d.legalBasis, confirmed: d.confirmed };
          // A day the province recorded itself stays the province's.
          await tx
            .insert(calendarDays)
            .values({ day: d.date, ...row, origin: 'national' })
            .onConflictDoUpdate({
              target: calendarDays.day,
              set: row,
              where: sql`${calendarDays.origin} = 'national'`,
            });
        }
      }
      const version = String(file.version);
      await tx
        .insert(ruleSets)
        .values({ name: file.ruleSet, version, sha256 })
        .onConflictDoUpdate({ target: ruleSets.name, set: { version, sha256, loadedAt: new Date() } });
      await recordAudit(tx, SYSTEM, {
        action: 'rules.load',
        entityType: 'rule_set',
        entityId: file.ruleSet,
        before: seen ? { version: seen.version, sha256: seen.sha256 } : null,
        after: {
          version,
          sha256,
          rules: file.rules?.length ?? 0,
          bodies: file.bodies?.length ?? 0,
          days: file.days?.length ?? 0,
        },
      });
    });
    loaded.push(file.ruleSet);
  }
  forgetRuleBook(db);
  return { loaded };
}

export const ZProvinceRule = ZRuleVersion.extend({ basis: ZLegalBasis });
export type ProvinceRuleInput = z.input<typeof ZProvinceRule>;

/**
 * An administrator adds a version of a rule for the province (a new key, or a key the national data has, which it
 * then supersedes from `validFrom` on). Past dates keep the rule that applied then. Audited.
 */
export async function addProvinceRule(db: Db, actor: AuditActor, raw: ProvinceRuleInput) {
  const r = ZProvinceRule.parse(raw);
  if (r.validTo && r.validTo < r.validFrom)
    throw new AppError('VALIDATION', 'validTo is before validFrom', { field: 'validTo' });
  let data: unknown;
  try {
    data = parseRuleData(r.kind as RuleKind, r.data, 'data');
  } catch (e) {
    throw new AppError('VALIDATION', (e as Error).message, { field: 'data' });
  }
  const row = await db.transaction(async (tx) => {
    const [dup] = await tx
      .select({ id: legalRules.id })
      .from(legalRules)
      .where(
        and(
          eq(legalRules.kind, r.kind),
          eq(legalRules.key, r.key),
          eq(legalRules.validFrom, r.validFrom),
          eq(legalRules.origin, 'province'),
        ),
      );
    if (dup) throw new AppError('CONFLICT', `The province already has a version of ${r.key} from ${r.validFrom}`);
    const [inserted] = await tx
      .insert(legalRules)
      .values({
        ...ruleRow(r, data),
        origin: 'province',
        createdBy: actor.name,
      })
      .returning();
    if (!inserted) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, actor, {
      action: 'rule.add',
      entityType: 'legal_rule',
      entityId: inserted.id,
      after: inserted,
    });
    return inserted;
  });
  forgetRuleBook(db);
  return row;
}

/** Adds or replaces the province's bodies (upsert by code + validFrom). Audited. */
export async function saveBodies(db: Db, actor: AuditActor, raw: BodyInput[]) {
  const bodies = raw.map((b, i) => {
    const r = ZBody.safeParse(b);
    if (!r.success)
      throw new AppError(
        'VALIDATION',
        `body ${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    return r.data;
  });
  await db.transaction(async (tx) => {
    for (const b of bodies) {
      const [before] = await tx
        .select()
        .from(competentBodies)
        .where(and(eq(competentBodies.code, b.code), eq(competentBodies.validFrom, b.validFrom)));
      if (before?.origin === 'national')
        throw new AppError(
          'CONFLICT',
          `${b.code} from ${b.validFrom} is national data; add a version from another date`,
        );
      const [after] = await tx
        .insert(competentBodies)
        .values({ ...b, origin: 'province' })
        .onConflictDoUpdate({ target: [competentBodies.code, competentBodies.validFrom], set: b })
        .returning();
      await recordAudit(tx, actor, {
        action: before ? 'body.update' : 'body.add',
        entityType: 'competent_body',
        entityId: after?.id ?? b.code,
        before: before ?? null,
        after,
      });
    }
  });
  forgetRuleBook(db);
  return { saved: bodies.length };
}

/** Adds days to the calendar (holidays announced for a new year, a province's own day off). Audited. */
export async function saveCalendarDays(db: Db, actor: AuditActor, raw: z.input<typeof ZCalendarDay>[]) {
  const days = z.array(ZCalendarDay).min(1).max(400).parse(raw);
  await db.transaction(async (tx) => {
    for (const d of days) {
      const row = {
        kind: d.kind,
        name: d.name,
        legalBasis: d.legalBasis,
        confirmed: d.confirmed,
        origin: 'province' as const,
      };
      await tx
        .insert(calendarDays)
        .values({ day: d.date, ...row })
        .onConflictDoUpdate({ target: calendarDays.day, set: row });
    }
    await recordAudit(tx, actor, { action: 'calendar.update', entityType: 'calendar', after: days });
  });
  forgetRuleBook(db);
  return { saved: days.length };
}

/** Every version of every rule (or of one kind), marking which one applies on `on`. */
export async function listRules(db: Db, query: { kind?: RuleKind; on: string }) {
  const book = await ruleBook(db);
  const applying = new Set(
    (query.kind ? [query.kind] : [...new Set(book.history().map((r) => r.kind))]).flatMap((k) =>
      book.on(k, query.on).map((r) => r.id),
    ),
  );
  return book.history(query.kind).map((r) => ({ ...r, appliesOn: applying.has(r.id) }));
}

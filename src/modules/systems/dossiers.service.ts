import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditActor } from '../auth/auth.service.ts';
import { can } from '../auth/permissions.ts';
import { type Actor, type Scope, subtreeIds } from '../auth/scope.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { type Authority, authorityFor, type RuleBook, ruleBook } from '../rules/index.ts';
import { DOSSIER_ACTIONS, DOSSIER_TRANSITIONS, type DossierAction } from './dossier-rules.ts';
import { suggestLevel } from './level-criteria.ts';
import {
  type DossierState,
  dossierAttachments,
  dossierEvents,
  informationSystems,
  levelDossiers,
} from './systems.schema.ts';
import { answersOf, getSystemRow, systemScopeFilter } from './systems.service.ts';

type DossierRow = typeof levelDossiers.$inferSelect;

/** The user behind an action, for columns referencing users; the command line is no user (its name is kept). */
export const userRef = (actor: Actor) => (actor.username === 'cli' ? null : actor.userId);

export const ZDossierInput = z.object({
  level: z.number().int().min(1).max(5).optional(),
  reason: z
    .string()
    .trim()
    .max(5000)
    .nullish()
    .transform((v) => v || null),
});
export type DossierInput = z.input<typeof ZDossierInput>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date yyyy-mm-dd');
export const ZTransitionInput = z.object({
  action: z.enum(DOSSIER_ACTIONS),
  comment: z.string().trim().max(5000).optional(),
  decisionNumber: z.string().trim().max(100).optional(),
  decisionDate: isoDate.optional(),
  appraisalRef: z.string().trim().max(200).optional(),
});
export type TransitionInput = z.input<typeof ZTransitionInput>;

/** Calendar days after a day (yyyy-mm-dd). */
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Due dates of the appraisal (calendar days) and of the approval decision (working days: weekends, public holidays
 * and Tết skipped by the calendar), counted from acceptance under the rule in force on the day of acceptance.
 */
function dueDates(book: RuleBook, d: DossierRow, authority: Authority | null) {
  if (!d.acceptedAt || !authority) return { appraisalDue: null, approvalDue: null };
  const accepted = provinceDay(d.acceptedAt);
  const appraisalDue = authority.appraisalDays ? plusDays(accepted, authority.appraisalDays) : null;
  const from = d.appraisedAt ? provinceDay(d.appraisedAt) : (appraisalDue ?? accepted);
  return { appraisalDue, approvalDue: book.calendar.addWorkingDays(from, authority.approvalWorkingDays) };
}

/** The dossier components the rules require for a level on a day, and whether each is attached. */
function components(book: RuleBook, level: number, day: string, attached: Set<string>) {
  return book
    .on('dossier_component', day)
    .filter((c) => c.data.levels.includes(level))
    .map((c) => ({
      component: c.data.component,
      requiredAt: c.data.requiredAt,
      vi: c.vi,
      en: c.en,
      legalBasis: c.legalBasis,
      confirmed: c.confirmed,
      attached: attached.has(c.data.component),
    }));
}

type Row = {
  d: DossierRow;
  s: { name: string; organisationId: string };
  orgName: string;
  ownerBodyCode: string | null;
};

/** The day whose rules govern a dossier: acceptance, else submission, else creation (a rule change mid-way does not move it). */
const rulesDay = (d: DossierRow) => provinceDay(d.acceptedAt ?? d.submittedAt ?? d.createdAt);

function summarise(book: RuleBook, r: Row, attached: Set<string>, today: string) {
  const { d } = r;
  const authority = authorityFor(book, d.level, rulesDay(d), r.ownerBodyCode);
  const due = dueDates(book, d, authority);
  const open = d.state === 'under_appraisal';
  return {
    ...d,
    systemName: r.s.name,
    organisationId: r.s.organisationId,
    organisationName: r.orgName,
    authority,
    components: components(book, d.level, rulesDay(d), attached),
    ...due,
    // Late when the appraisal (not yet recorded) or the approval decision is past its due date.
    overdue:
      open &&
      ((!!due.appraisalDue && !d.appraisedAt && due.appraisalDue < today) ||
        (!!due.approvalDue && due.approvalDue < today)),
  };
}
export type DossierSummary = ReturnType<typeof summarise>;

const dossierQuery = (db: Db) =>
  db
    .select({
      d: levelDossiers,
      s: informationSystems,
      orgName: organisations.name,
      ownerBodyCode: organisations.ownerBodyCode,
    })
    .from(levelDossiers)
    .innerJoin(informationSystems, eq(informationSystems.id, levelDossiers.systemId))
    .innerJoin(organisations, eq(organisations.id, informationSystems.organisationId));

export async function listDossiers(
  db: Db,
  scope: Scope,
  query: { state?: DossierState; organisationId?: string; systemId?: string } = {},
): Promise<DossierSummary[]> {
  const conds = [systemScopeFilter(scope)];
  if (query.state) conds.push(eq(levelDossiers.state, query.state));
  if (query.systemId) conds.push(eq(levelDossiers.systemId, query.systemId));
  if (query.organisationId)
    conds.push(inArray(informationSystems.organisationId, await subtreeIds(db, query.organisationId)));
  const rows = await dossierQuery(db)
    .where(and(...conds))
    .orderBy(desc(levelDossiers.updatedAt));
  const book = await ruleBook(db);
  const attached = await attachedComponents(
    db,
    rows.map((r) => r.d.id),
  );
  const today = provinceDay();
  return rows.map((r) => summarise(book, r, attached.get(r.d.id) ?? new Set(), today));
}

/** The components attached to each dossier. */
async function attachedComponents(db: Db, dossierIds: string[]) {
  const out = new Map<string, Set<string>>();
  if (!dossierIds.length) return out;
  const rows = await db
    .select({ dossierId: dossierAttachments.dossierId, component: dossierAttachments.component })
    .from(dossierAttachments)
    .where(inArray(dossierAttachments.dossierId, dossierIds));
  for (const r of rows) if (r.component) out.set(r.dossierId, (out.get(r.dossierId) ?? new Set()).add(r.component));
  return out;
}

async function getDossierRow(db: Db, scope: Scope, id: string) {
  const [row] = await dossierQuery(db).where(and(eq(levelDossiers.id, id), systemScopeFilter(scope)));
  if (!row) throw notFound('Dossier');
  return row;
}

/** An attachment without its content (lists, upload answers). */
const attachmentMeta = {
  id: dossierAttachments.id,
  filename: dossierAttachments.filename,
  component: dossierAttachments.component,
  mediaType: dossierAttachments.mediaType,
  size: dossierAttachments.size,
  sha256: dossierAttachments.sha256,
  createdAt: dossierAttachments.createdAt,
};

export async function getDossier(db: Db, scope: Scope, id: string) {
  const row = await getDossierRow(db, scope, id);
  const history = await db
    .select()
    .from(dossierEvents)
    .where(eq(dossierEvents.dossierId, id))
    .orderBy(asc(dossierEvents.at));
  const attachments = await db
    .select(attachmentMeta)
    .from(dossierAttachments)
    .where(eq(dossierAttachments.dossierId, id))
    .orderBy(asc(dossierAttachments.createdAt));
  const attached = new Set(attachments.flatMap((a) => (a.component ? [a.component] : [])));
  return { ...summarise(await ruleBook(db), row, attached, provinceDay()), history, attachments };
}

/** The aid's suggestion for the system now, and the officer's level with the reason required when it differs. */
function levelChoice(
  book: RuleBook,
  system: typeof informationSystems.$inferSelect,
  level: number | undefined,
  reason: string | null,
  day: string,
) {
  const suggestion = suggestLevel(book, answersOf(system), day);
  const chosen = level ?? suggestion.level;
  if (!chosen)
    throw new AppError('VALIDATION', 'No criterion matched the system; propose a level with a reason', {
      field: 'level',
    });
  if (chosen !== suggestion.level && !reason)
    throw new AppError(
      'VALIDATION',
      `A written reason is required when proposing level ${chosen} instead of the suggested ${suggestion.level ?? '—'}`,
      { field: 'reason' },
    );
  return { level: chosen, suggestedLevel: suggestion.level, suggestedRuleId: suggestion.ruleId, reason };
}

/** `at`: when the step happened, for records brought in after the fact (the demo's 2024 history); default now. */
export type StepOptions = { at?: Date };

export async function createDossier(
  db: Db,
  actor: Actor,
  scope: Scope,
  systemId: string,
  raw: DossierInput,
  { at = new Date() }: StepOptions = {},
) {
  const system = await getSystemRow(db, scope, systemId);
  const input = ZDossierInput.parse(raw);
  const choice = levelChoice(await ruleBook(db), system, input.level, input.reason, provinceDay(at));
  const id = await db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: levelDossiers.id })
      .from(levelDossiers)
      .where(and(eq(levelDossiers.systemId, systemId), ne(levelDossiers.state, 'approved')));
    if (open) throw new AppError('CONFLICT', 'The system already has a dossier in progress', { dossierId: open.id });
    const [row] = await tx
      .insert(levelDossiers)
      .values({ systemId, ...choice, createdAt: at, updatedAt: at })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await tx.insert(dossierEvents).values({
      dossierId: row.id,
      action: 'create',
      toState: 'draft',
      actorId: userRef(actor),
      actorName: actor.displayName,
      details: choice,
      at,
      effectiveOn: provinceDay(at),
    });
    await recordAudit(tx, auditActor(actor), {
      action: 'dossier.create',
      entityType: 'level_dossier',
      entityId: row.id,
      organisationId: system.organisationId,
      after: row,
    });
    return row.id;
  });
  return getDossier(db, scope, id);
}

/** Edits the proposed level and reason while the dossier is with the agency (draft or returned). */
export async function updateDossier(db: Db, actor: Actor, scope: Scope, id: string, raw: DossierInput) {
  const { d: before, s: system } = await getDossierRow(db, scope, id);
  if (before.state !== 'draft' && before.state !== 'returned')
    throw new AppError('CONFLICT', `A ${before.state} dossier cannot be edited`);
  const input = ZDossierInput.parse(raw);
  const choice = levelChoice(await ruleBook(db), system, input.level ?? before.level, input.reason, provinceDay());
  await db.transaction(async (tx) => {
    const [after] = await tx
      .update(levelDossiers)
      .set({ ...choice, updatedAt: new Date() })
      .where(eq(levelDossiers.id, id))
      .returning();
    // The dossier's own history shows a changed proposal too, not only the audit log.
    await tx.insert(dossierEvents).values({
      dossierId: id,
      action: 'update',
      fromState: before.state,
      toState: before.state,
      actorId: userRef(actor),
      actorName: actor.displayName,
      details: choice,
      effectiveOn: provinceDay(),
    });
    await recordAudit(tx, auditActor(actor), {
      action: 'dossier.update',
      entityType: 'level_dossier',
      entityId: id,
      organisationId: system.organisationId,
      before,
      after,
    });
  });
  return getDossier(db, scope, id);
}

/**
 * One step of the lifecycle (DOSSIER_TRANSITIONS): 403 when the role may not take it, 409 when the dossier is in
 * the wrong state or the level's authority forbids it, 400 when a required field (comment, decision…) is missing.
 */
export async function transitionDossier(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  raw: TransitionInput,
  { at = new Date() }: StepOptions = {},
) {
  const input = ZTransitionInput.parse(raw);
  const action: DossierAction = input.action;
  const row = await getDossierRow(db, scope, id);
  const { d, s: system } = row;
  const t = DOSSIER_TRANSITIONS[action];
  if (!can(actor.role, t.permission))
    throw new AppError('FORBIDDEN', `Your role may not ${action.replace('_', ' ')} a dossier`);
  if (!t.from.includes(d.state))
    throw new AppError('CONFLICT', `Cannot ${action.replace('_', ' ')} a dossier that is ${d.state}`, {
      state: d.state,
      allowedFrom: t.from,
    });
  const missing = t.requires.filter((f) => !input[f as keyof typeof input]);
  if (missing.length)
    throw new AppError('VALIDATION', `Required for ${action}: ${missing.join(', ')}`, { fields: missing });
  const now = at;
  const today = provinceDay(now);
  const book = await ruleBook(db);
  const rulesOn = action === 'submit' || action === 'resubmit' || action === 'accept' ? today : rulesDay(d);
  const authority = authorityFor(book, d.level, rulesOn, row.ownerBodyCode);
  if (!authority)
    throw new AppError('CONFLICT', `No appraisal authority is defined for level ${d.level} on ${rulesOn}`);
  const basis = authority.rule.legalBasis;
  if (action === 'record_appraisal' && !authority.appraisalDays)
    throw new AppError('CONFLICT', `Level ${d.level} has no separate appraisal step (${basis})`);
  if (action === 'approve' && authority.appraisalRequired && !d.appraisalRef)
    throw new AppError(
      'CONFLICT',
      `Level ${d.level} needs the appraisal opinion (${authority.appraisers.map((x) => x.en).join(', ')}) recorded before approval (${basis})`,
    );
  const attached = (await attachedComponents(db, [id])).get(id) ?? new Set<string>();
  const stage = action === 'approve' ? 'approval' : action === 'submit' || action === 'resubmit' ? 'submission' : null;
  const lacking = stage
    ? components(book, d.level, rulesOn, attached).filter(
        (c) => !c.attached && (c.requiredAt === stage || (stage === 'approval' && c.requiredAt === 'submission')),
      )
    : [];
  if (lacking.length)
    throw new AppError(
      'VALIDATION',
      `Missing dossier documents: ${lacking.map((c) => `${c.en} (${c.legalBasis})`).join('; ')}`,
      { components: lacking.map((c) => c.component) },
    );
  if (action === 'approve') {
    const decided = input.decisionDate as string;
    const earliest = provinceDay(d.appraisedAt ?? d.acceptedAt ?? d.submittedAt ?? d.createdAt);
    if (decided > today)
      throw new AppError('VALIDATION', `The decision date ${decided} is in the future`, { field: 'decisionDate' });
    if (decided < earliest)
      throw new AppError(
        'VALIDATION',
        `The decision date ${decided} is before the dossier's appraisal or acceptance (${earliest})`,
        {
          field: 'decisionDate',
        },
      );
  }

  const patch: Partial<DossierRow> = { state: t.to, updatedAt: now };
  if (action === 'submit' || action === 'resubmit') {
    Object.assign(patch, levelChoice(book, system, d.level, d.reason, today), { submittedAt: now });
  }
  if (action === 'accept') patch.acceptedAt = now;
  if (action === 'return') patch.returnComment = input.comment ?? null;
  if (action === 'record_appraisal') Object.assign(patch, { appraisalRef: input.appraisalRef, appraisedAt: now });
  if (action === 'approve')
    Object.assign(patch, { decisionNumber: input.decisionNumber, decisionDate: input.decisionDate, approvedAt: now });

  await db.transaction(async (tx) => {
    // The state in the WHERE clause makes two concurrent steps on one dossier refuse each other.
    const [after] = await tx
      .update(levelDossiers)
      .set(patch)
      .where(and(eq(levelDossiers.id, id), eq(levelDossiers.state, d.state)))
      .returning();
    if (!after) throw new AppError('CONFLICT', 'The dossier changed meanwhile; reload it');
    const { comment, ...details } = input;
    await tx.insert(dossierEvents).values({
      dossierId: id,
      action,
      fromState: d.state,
      toState: t.to,
      actorId: userRef(actor),
      actorName: actor.displayName,
      comment: comment || null,
      details,
      at: now,
      // An approval counts from its decision's date; every other step from the day it was taken.
      effectiveOn: action === 'approve' ? (input.decisionDate as string) : today,
    });
    await recordAudit(tx, auditActor(actor), {
      action: `dossier.${action}`,
      entityType: 'level_dossier',
      entityId: id,
      organisationId: system.organisationId,
      before: d,
      after,
    });
  });
  return getDossier(db, scope, id);
}

export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

/** Accepted documents, recognised by their first bytes (magic numbers), and the file extensions each may carry. */
const KINDS: { mediaType: string; ext: string[]; test: (b: Buffer) => boolean }[] = [
  { mediaType: 'application/pdf', ext: ['pdf'], test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: ['docx'],
    // A ZIP whose entries include the word/ folder (entry names are stored in clear in the local headers).
    test: (b) => b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) && b.includes('word/'),
  },
  {
    mediaType: 'image/png',
    ext: ['png'],
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    mediaType: 'image/jpeg',
    ext: ['jpg', 'jpeg'],
    test: (b) => b.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])),
  },
  {
    mediaType: 'image/tiff',
    ext: ['tif', 'tiff'],
    test: (b) => ['49492a00', '4d4d002a'].includes(b.subarray(0, 4).toString('hex')),
  },
];

/** States in which each side may add documents: the agency while it holds the dossier, the Department while appraising. */
function mayAttach(actor: Actor, state: DossierState) {
  return (
    (can(actor.role, 'dossier.prepare') && (state === 'draft' || state === 'returned')) ||
    (can(actor.role, 'dossier.appraise') && (state === 'submitted' || state === 'under_appraisal'))
  );
}

export async function addAttachment(
  db: Db,
  actor: Actor,
  scope: Scope,
  dossierId: string,
  rawName: string | undefined,
  content: Buffer,
  component: string | null = null,
  { at = new Date() }: StepOptions = {},
) {
  const { d, s: system } = await getDossierRow(db, scope, dossierId);
  if (component) {
    const known = (await ruleBook(db)).on('dossier_component', rulesDay(d)).map((c) => c.data.component);
    if (!known.includes(component))
      throw new AppError(
        'VALIDATION',
        `Unknown dossier component "${component}" (expected one of: ${known.join(', ')})`,
        {
          field: 'component',
        },
      );
  }
  if (!mayAttach(actor, d.state))
    throw new AppError('CONFLICT', `Documents cannot be added to a ${d.state} dossier now`);
  const filename = (rawName ?? '')
    .replace(/^.*[\\/]/, '')
    .trim()
    .slice(0, 200);
  if (!filename) throw new AppError('VALIDATION', 'The file name is required (?filename=)', { field: 'filename' });
  if (!content.length) throw new AppError('VALIDATION', 'The file is empty');
  if (content.length > ATTACHMENT_MAX_BYTES)
    throw new AppError('VALIDATION', `The file exceeds ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`);
  const kind = KINDS.find((k) => k.test(content));
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  if (!kind) throw new AppError('VALIDATION', 'Only PDF, DOCX, PNG, JPEG or TIFF documents are accepted');
  if (!kind.ext.includes(ext))
    throw new AppError('VALIDATION', `The content is ${kind.ext[0]?.toUpperCase()}, not what ".${ext}" says`);
  const sha256 = createHash('sha256').update(content).digest('hex');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(dossierAttachments)
      .values({
        dossierId,
        filename,
        mediaType: kind.mediaType,
        size: content.length,
        sha256,
        content,
        component,
        uploadedBy: userRef(actor),
        createdAt: at,
      })
      .returning(attachmentMeta);
    await tx.insert(dossierEvents).values({
      dossierId,
      action: 'attach',
      fromState: d.state,
      toState: d.state,
      actorId: userRef(actor),
      actorName: actor.displayName,
      details: { filename, sha256, component },
      at,
      effectiveOn: provinceDay(at),
    });
    await recordAudit(tx, auditActor(actor), {
      action: 'dossier.attachment.add',
      entityType: 'level_dossier',
      entityId: dossierId,
      organisationId: system.organisationId,
      after: row,
    });
    return row;
  });
}

export async function getAttachment(db: Db, scope: Scope, id: string) {
  const [row] = await db
    .select({ a: dossierAttachments })
    .from(dossierAttachments)
    .innerJoin(levelDossiers, eq(levelDossiers.id, dossierAttachments.dossierId))
    .innerJoin(informationSystems, eq(informationSystems.id, levelDossiers.systemId))
    .where(and(eq(dossierAttachments.id, id), systemScopeFilter(scope)));
  if (!row) throw notFound('Attachment');
  return row.a;
}

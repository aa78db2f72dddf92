import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditActor } from '../auth/auth.service.ts';
import { can } from '../auth/permissions.ts';
import { type Actor, type Scope, subtreeIds } from '../auth/scope.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import {
  addDays,
  addWorkingDays,
  authorityFor,
  DOSSIER_ACTIONS,
  DOSSIER_TRANSITIONS,
  type DossierAction,
  vnDate,
} from './dossier-rules.ts';
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

/** Due dates of the appraisal and the approval decision (NĐ 85 time limits), counted from acceptance. */
function dueDates(d: DossierRow) {
  const authority = authorityFor(d.level, vnDate(d.acceptedAt ?? d.createdAt));
  if (!d.acceptedAt || !authority) return { appraisalDue: null, approvalDue: null };
  const appraisalDue = authority.appraisalDays ? addDays(d.acceptedAt, authority.appraisalDays) : null;
  const approvalDue = addWorkingDays(d.appraisedAt ?? appraisalDue ?? d.acceptedAt, authority.approvalWorkingDays);
  return { appraisalDue: appraisalDue && vnDate(appraisalDue), approvalDue: vnDate(approvalDue) };
}

function summarise(d: DossierRow, system: { name: string; organisationId: string }, orgName: string, today: string) {
  const due = dueDates(d);
  const open = d.state === 'under_appraisal';
  const authority = authorityFor(d.level, vnDate(d.submittedAt ?? d.createdAt));
  return {
    ...d,
    systemName: system.name,
    organisationId: system.organisationId,
    organisationName: orgName,
    authority,
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
    .select({ d: levelDossiers, s: informationSystems, orgName: organisations.name })
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
  const today = vnDate(new Date());
  return rows.map((r) => summarise(r.d, r.s, r.orgName, today));
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
  return { ...summarise(row.d, row.s, row.orgName, vnDate(new Date())), history, attachments };
}

/** The aid's suggestion for the system now, and the officer's level with the reason required when it differs. */
function levelChoice(system: typeof informationSystems.$inferSelect, level: number | undefined, reason: string | null) {
  const suggestion = suggestLevel(answersOf(system), vnDate(new Date()));
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

export async function createDossier(db: Db, actor: Actor, scope: Scope, systemId: string, raw: DossierInput) {
  const system = await getSystemRow(db, scope, systemId);
  const input = ZDossierInput.parse(raw);
  const choice = levelChoice(system, input.level, input.reason);
  const id = await db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: levelDossiers.id })
      .from(levelDossiers)
      .where(and(eq(levelDossiers.systemId, systemId), ne(levelDossiers.state, 'approved')));
    if (open) throw new AppError('CONFLICT', 'The system already has a dossier in progress', { dossierId: open.id });
    const [row] = await tx
      .insert(levelDossiers)
      .values({ systemId, ...choice })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await tx.insert(dossierEvents).values({
      dossierId: row.id,
      action: 'create',
      toState: 'draft',
      actorId: userRef(actor),
      actorName: actor.displayName,
      details: choice,
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
  const choice = levelChoice(system, input.level ?? before.level, input.reason);
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
export async function transitionDossier(db: Db, actor: Actor, scope: Scope, id: string, raw: TransitionInput) {
  const input = ZTransitionInput.parse(raw);
  const action: DossierAction = input.action;
  const { d, s: system } = await getDossierRow(db, scope, id);
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
  const now = new Date();
  const authority = authorityFor(d.level, vnDate(now));
  if (!authority) throw new AppError('CONFLICT', `No appraisal authority is defined for level ${d.level}`);
  if (action === 'record_appraisal' && !authority.appraisalDays)
    throw new AppError('CONFLICT', `Level ${d.level} has no separate appraisal step (${authority.legalBasis})`);
  if (action === 'approve' && authority.externalAppraisalRequired && !d.appraisalRef)
    throw new AppError(
      'CONFLICT',
      `Level ${d.level} needs the appraisal by ${authority.appraiserEn} recorded before approval (${authority.legalBasis})`,
    );

  const patch: Partial<DossierRow> = { state: t.to, updatedAt: now };
  if (action === 'submit' || action === 'resubmit') {
    Object.assign(patch, levelChoice(system, d.level, d.reason), { submittedAt: now });
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
) {
  const { d, s: system } = await getDossierRow(db, scope, dossierId);
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
        uploadedBy: userRef(actor),
      })
      .returning(attachmentMeta);
    await tx.insert(dossierEvents).values({
      dossierId,
      action: 'attach',
      fromState: d.state,
      toState: d.state,
      actorId: userRef(actor),
      actorName: actor.displayName,
      details: { filename, sha256 },
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

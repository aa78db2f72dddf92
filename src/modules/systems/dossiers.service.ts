import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, ilike, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, can, type Scope, subtreeIds } from '../auth/index.ts';
import { organisations } from '../organisations/index.ts';
import { type Authority, authorityFor, type RuleBook, ruleBook } from '../rules/index.ts';
import { notifyDossierStep } from './dossier-notices.ts';
import { DOSSIER_TRANSITIONS, type DossierAction } from './dossier-rules.ts';
import { suggestLevel } from './level-criteria.ts';
import type { DossierEventKind } from './systems.contract.ts';
import {
  type DossierInput,
  type DossierListQuery,
  type TransitionInput,
  ZDossierInput,
  ZTransitionInput,
} from './systems.input.ts';
import {
  type DossierState,
  dossierAttachments,
  dossierEvents,
  informationSystems,
  levelDossiers,
} from './systems.schema.ts';
import { answersOf, containing, getSystemRow, systemScopeFilter } from './systems.service.ts';

export { type DossierInput, type TransitionInput, ZDossierInput, ZTransitionInput };

type DossierRow = typeof levelDossiers.$inferSelect;

/** The user behind an action, for columns referencing users; the command line is no user (its name is kept). */

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

/** Each sort key of the dossier list and the column it orders by. */
const DOSSIER_ORDER: Record<DossierListQuery['sort'], SQL> = {
  submitted: sql`${levelDossiers.submittedAt}`,
  updated: sql`${levelDossiers.updatedAt}`,
  name: sql`${informationSystems.name}`,
  organisation: sql`${organisations.name}`,
  level: sql`${levelDossiers.level}`,
  state: sql`case ${levelDossiers.state} when 'draft' then 1 when 'returned' then 2 when 'submitted' then 3
    when 'under_appraisal' then 4 when 'approved' then 5 else 0 end`,
};

/**
 * One page of the dossiers in scope with their due dates: searched by system name, filtered by state (`pending`:
 * submitted or under appraisal), organisation subtree or system; newest change first unless sorted otherwise.
 */
export async function listDossiers(
  db: Db,
  scope: Scope,
  query: Partial<DossierListQuery> = {},
): Promise<{ items: DossierSummary[]; total: number }> {
  const conds: (SQL | undefined)[] = [systemScopeFilter(scope)];
  if (query.state === 'pending') conds.push(inArray(levelDossiers.state, ['submitted', 'under_appraisal']));
  else if (query.state) conds.push(eq(levelDossiers.state, query.state));
  if (query.systemId) conds.push(eq(levelDossiers.systemId, query.systemId));
  if (query.organisationId)
    conds.push(inArray(informationSystems.organisationId, await subtreeIds(db, query.organisationId)));
  if (query.q)
    conds.push(
      or(ilike(informationSystems.name, containing(query.q)), ilike(informationSystems.code, containing(query.q))),
    );
  const where = and(...conds);
  const sort = query.sort ?? 'updated';
  const dir = query.dir ?? (sort === 'updated' ? 'desc' : 'asc');
  const order = DOSSIER_ORDER[sort];
  const [rows, [counted]] = await Promise.all([
    dossierQuery(db)
      .where(where)
      .orderBy(
        dir === 'desc' ? sql`${order} desc nulls last` : sql`${order} asc nulls last`,
        desc(levelDossiers.updatedAt),
        asc(levelDossiers.id),
      )
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0),
    db
      .select({ n: count() })
      .from(levelDossiers)
      .innerJoin(informationSystems, eq(informationSystems.id, levelDossiers.systemId))
      .innerJoin(organisations, eq(organisations.id, informationSystems.organisationId))
      .where(where),
  ]);
  const book = await ruleBook(db);
  const attached = await attachedComponents(
    db,
    rows.map((r) => r.d.id),
  );
  const today = provinceDay();
  return {
    items: rows.map((r) => summarise(book, r, attached.get(r.d.id) ?? new Set(), today)),
    total: Number(counted?.n ?? 0),
  };
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
  if (!row) throw new AppError('NOT_FOUND', 'Dossier not found', undefined, { key: 'systems.dossierNotFound' });
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
  // The columns hold one of DOSSIER_EVENT_KINDS and an object or null (the response schema checks both).
  const events = history.map((e) => ({
    ...e,
    action: e.action as DossierEventKind,
    details: e.details as Record<string, unknown> | null,
  }));
  return { ...summarise(await ruleBook(db), row, attached, provinceDay()), history: events, attachments };
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
    throw new AppError(
      'VALIDATION',
      'No criterion matched the system; propose a level with a reason',
      { field: 'level' },
      { key: 'systems.noCriterion' },
    );
  if (chosen !== suggestion.level && !reason)
    throw new AppError(
      'VALIDATION',
      `A written reason is required when proposing level ${chosen} instead of the suggested ${suggestion.level ?? '—'}`,
      { field: 'reason' },
      { key: 'systems.reasonRequired', params: { level: chosen, suggested: suggestion.level ?? '—' } },
    );
  return { level: chosen, suggestedLevel: suggestion.level, suggestedRuleId: suggestion.ruleId, reason };
}

/**
 * `at`: when the step happened, for records brought in after the fact (the demo's 2024 history); default now. Such
 * history notifies no one: only a step taken now asks someone to act.
 */
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
    if (open)
      throw new AppError(
        'CONFLICT',
        'The system already has a dossier in progress',
        { dossierId: open.id },
        { key: 'systems.dossierInProgress' },
      );
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
    throw new AppError('CONFLICT', `A ${before.state} dossier cannot be edited`, undefined, {
      key: 'systems.dossierNotEditable',
      params: { state: before.state },
    });
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
  { at }: StepOptions = {},
) {
  const live = at === undefined;
  const input = ZTransitionInput.parse(raw);
  const action: DossierAction = input.action;
  const row = await getDossierRow(db, scope, id);
  const { d, s: system } = row;
  const t = DOSSIER_TRANSITIONS[action];
  if (!can(actor.role, t.permission))
    throw new AppError('FORBIDDEN', `Your role may not ${action.replace('_', ' ')} a dossier`, undefined, {
      key: 'systems.actionForbidden',
      params: { action },
    });
  if (!t.from.includes(d.state))
    throw new AppError(
      'CONFLICT',
      `Cannot ${action.replace('_', ' ')} a dossier that is ${d.state}`,
      { state: d.state, allowedFrom: t.from },
      { key: 'systems.wrongState', params: { action, state: d.state } },
    );
  const missing = t.requires.filter((f) => !input[f as keyof typeof input]);
  if (missing.length)
    throw new AppError(
      'VALIDATION',
      `Required for ${action}: ${missing.join(', ')}`,
      { fields: missing },
      { key: 'systems.required' },
    );
  const now = at ?? new Date();
  const today = provinceDay(now);
  const book = await ruleBook(db);
  const rulesOn = action === 'submit' || action === 'resubmit' || action === 'accept' ? today : rulesDay(d);
  const authority = authorityFor(book, d.level, rulesOn, row.ownerBodyCode);
  if (!authority)
    throw new AppError('CONFLICT', `No appraisal authority is defined for level ${d.level} on ${rulesOn}`, undefined, {
      key: 'systems.noAuthority',
      params: { level: d.level, date: rulesOn },
    });
  const basis = authority.rule.legalBasis;
  if (action === 'record_appraisal' && !authority.appraisalDays)
    throw new AppError('CONFLICT', `Level ${d.level} has no separate appraisal step (${basis})`, undefined, {
      key: 'systems.noAppraisalStep',
      params: { level: d.level, basis },
    });
  if (action === 'approve' && authority.appraisalRequired && !d.appraisalRef)
    throw new AppError(
      'CONFLICT',
      `Level ${d.level} needs the appraisal opinion (${authority.appraisers.map((x) => x.en).join(', ')}) recorded before approval (${basis})`,
      undefined,
      {
        key: 'systems.appraisalFirst',
        params: { level: d.level, appraisers: authority.appraisers.map((x) => x.vi).join(', '), basis },
      },
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
      { key: 'systems.missingDocuments', params: { names: lacking.map((c) => c.vi).join('; ') } },
    );
  if (action === 'approve') {
    const decided = input.decisionDate as string;
    // Not before the appraisal opinion it rests on (or, without one, the acceptance), nor after today.
    const earliest = provinceDay(d.appraisedAt ?? d.acceptedAt ?? d.submittedAt ?? d.createdAt);
    if (decided > today)
      throw new AppError(
        'VALIDATION',
        `The decision date ${decided} is in the future`,
        { field: 'decisionDate' },
        { key: 'systems.decisionInFuture', params: { date: decided } },
      );
    if (decided < earliest)
      throw new AppError(
        'VALIDATION',
        `The decision date ${decided} is before the dossier's ${d.appraisedAt ? 'appraisal' : 'acceptance'} (${earliest})`,
        { field: 'decisionDate' },
        {
          key: d.appraisedAt ? 'systems.decisionBeforeAppraisal' : 'systems.decisionBeforeAcceptance',
          params: { date: earliest },
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
    if (!after)
      throw new AppError('CONFLICT', 'The dossier changed meanwhile; reload it', undefined, {
        key: 'systems.dossierChanged',
      });
    const { comment, ...details } = input;
    const [event] = await tx
      .insert(dossierEvents)
      .values({
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
      })
      .returning({ id: dossierEvents.id });
    await recordAudit(tx, auditActor(actor), {
      action: `dossier.${action}`,
      entityType: 'level_dossier',
      entityId: id,
      organisationId: system.organisationId,
      before: d,
      after,
    });
    // Whoever the step hands the dossier to is told, with the step (a step recorded after the fact asks no one).
    if (live && event)
      await notifyDossierStep(tx, action, summarise(book, { ...row, d: after }, attached, today), event.id);
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
        { field: 'component' },
        { key: 'systems.unknownComponent', params: { component } },
      );
  }
  if (!mayAttach(actor, d.state))
    throw new AppError('CONFLICT', `Documents cannot be added to a ${d.state} dossier now`, undefined, {
      key: 'systems.cannotAttach',
      params: { state: d.state },
    });
  const filename = (rawName ?? '')
    .replace(/^.*[\\/]/, '')
    .trim()
    .slice(0, 200);
  if (!filename)
    throw new AppError(
      'VALIDATION',
      'The file name is required (?filename=)',
      { field: 'filename' },
      { key: 'systems.filenameRequired' },
    );
  if (!content.length) throw new AppError('VALIDATION', 'The file is empty', undefined, { key: 'systems.fileEmpty' });
  if (content.length > ATTACHMENT_MAX_BYTES)
    throw new AppError('VALIDATION', `The file exceeds ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`, undefined, {
      key: 'systems.fileTooLarge',
      params: { mb: ATTACHMENT_MAX_BYTES / 1024 / 1024 },
    });
  const kind = KINDS.find((k) => k.test(content));
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  if (!kind)
    throw new AppError('VALIDATION', 'Only PDF, DOCX, PNG, JPEG or TIFF documents are accepted', undefined, {
      key: 'systems.fileType',
    });
  if (!kind.ext.includes(ext))
    throw new AppError(
      'VALIDATION',
      `The content is ${kind.ext[0]?.toUpperCase()}, not what ".${ext}" says`,
      undefined,
      {
        key: 'systems.fileMismatch',
        params: { kind: kind.ext[0]?.toUpperCase() ?? '', ext },
      },
    );
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
    if (!row) throw new AppError('INTERNAL', 'insert failed');
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
  if (!row) throw new AppError('NOT_FOUND', 'Attachment not found', undefined, { key: 'systems.attachmentNotFound' });
  return row.a;
}

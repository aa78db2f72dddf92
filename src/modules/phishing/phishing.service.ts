import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor, userRef } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { dayEnd, dayStart } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type Actor,
  can,
  organisationIdIn,
  type Scope,
  scopedOrganisationIds,
  scopeOrganisationIds,
  subtreeIds,
  users,
} from '../auth/index.ts';
import { organisations } from '../organisations/index.ts';
import { staffForPhishing } from '../staff/index.ts';
import type {
  ZPhishingCampaign,
  ZPhishingCampaignDetail,
  ZPhishingCampaignPage,
  ZPhishingCounts,
  ZPhishingSummary,
} from './phishing.contract.ts';
import {
  type PhishingCampaignInput,
  type PhishingEventKind,
  type PhishingListQuery,
  type PhishingState,
  type PhishingSummaryQuery,
  ZPhishingCampaignInput,
} from './phishing.input.ts';
import { phishingCampaigns, phishingRecipients } from './phishing.schema.ts';

type CampaignRow = typeof phishingCampaigns.$inferSelect;
type Counts = z.output<typeof ZPhishingCounts>;

const notFound = () =>
  new AppError('NOT_FOUND', 'Phishing exercise not found', undefined, { key: 'phishing.notFound' });
const changed = () =>
  new AppError('CONFLICT', 'The exercise changed meanwhile', undefined, { key: 'phishing.changed' });

// ---- Counting ----------------------------------------------------------------------------------------------------

/**
 * Counts over phishing_recipients `r`. A later step implies the earlier ones (a submit needs the page, which needs
 * the mail opened), so a blocked tracking image does not hide an opening that a click proves.
 */
const COUNTS = sql.raw(`
  count(*)::int as "recipients",
  count(r.sent_at)::int as "sent",
  count(coalesce(r.opened_at, r.clicked_at, r.submitted_at))::int as "opened",
  count(coalesce(r.clicked_at, r.submitted_at))::int as "clicked",
  count(r.submitted_at)::int as "submitted",
  count(r.reported_at)::int as "reported"`);

type RawCounts = Omit<Counts, 'openRate' | 'clickRate' | 'submitRate' | 'reportRate'>;
const rate = (n: number, of: number) => (of ? n / of : null);
const withRates = <T extends RawCounts>(c: T): T & Counts => ({
  ...c,
  openRate: rate(c.opened, c.sent),
  clickRate: rate(c.clicked, c.sent),
  submitRate: rate(c.submitted, c.sent),
  reportRate: rate(c.reported, c.sent),
});
const NO_COUNTS: Counts = withRates({ recipients: 0, sent: 0, opened: 0, clicked: 0, submitted: 0, reported: 0 });

/** Recipients' organisation in the caller's scope (null: all). */
const recipientsIn = (ids: string[] | null) => organisationIdIn(sql`r.organisation_id`, ids);

// ---- Recipients --------------------------------------------------------------------------------------------------

/** The register's officials of the chosen organisations and their units, in force that day; one per address. */
async function resolveRecipients(db: Db, organisationIds: string[], on: string) {
  const known = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(inArray(organisations.id, organisationIds));
  const missing = organisationIds.filter((id) => !known.some((k) => k.id === id));
  if (missing.length)
    throw new AppError(
      'VALIDATION',
      'Unknown organisation',
      { field: 'organisationIds', missing },
      {
        key: 'phishing.unknownOrganisation',
      },
    );
  const ids = new Set<string>();
  for (const id of organisationIds) for (const sub of await subtreeIds(db, id, on)) ids.add(sub);
  const staff = await staffForPhishing(db, { organisationIds: [...ids], on });
  const byEmail = new Map<string, (typeof staff)[number]>();
  for (const s of staff) {
    const email = s.email.trim().toLowerCase();
    if (email && !byEmail.has(email)) byEmail.set(email, { ...s, email });
  }
  if (!byEmail.size)
    throw new AppError(
      'VALIDATION',
      'No official of these organisations is in the register on that day',
      {
        field: 'organisationIds',
      },
      { key: 'phishing.noRecipients' },
    );
  return [...byEmail.values()];
}

async function replaceRecipients(tx: Db, campaignId: string, input: PhishingCampaignInput) {
  const people = await resolveRecipients(tx, input.organisationIds, input.recipientsOn);
  await tx.delete(phishingRecipients).where(eq(phishingRecipients.campaignId, campaignId));
  for (let i = 0; i < people.length; i += 500)
    await tx.insert(phishingRecipients).values(
      people.slice(i, i + 500).map((p) => ({
        campaignId,
        staffId: p.id,
        fullName: p.fullName,
        email: p.email,
        organisationId: p.organisationId,
      })),
    );
  return people.length;
}

// ---- Campaigns ---------------------------------------------------------------------------------------------------

const fields = (input: PhishingCampaignInput) => ({
  title: input.title,
  subject: input.subject,
  senderName: input.senderName,
  senderAddress: input.senderAddress,
  body: input.body,
  lessonText: input.lessonText,
  ratePerMinute: input.ratePerMinute,
  organisationIds: [...new Set(input.organisationIds)],
  recipientsOn: input.recipientsOn,
});

export async function createCampaign(db: Db, actor: Actor, raw: PhishingCampaignInput): Promise<CampaignRow> {
  const input = ZPhishingCampaignInput.parse(raw);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(phishingCampaigns)
      .values({ ...fields(input), createdBy: userRef(actor), updatedBy: userRef(actor) })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    const recipients = await replaceRecipients(tx, row.id, input);
    await recordAudit(tx, auditActor(actor), {
      action: 'phishing.create',
      entityType: 'phishing_campaign',
      entityId: row.id,
      after: { ...row, recipients },
    });
    return row;
  });
}

async function campaignRow(db: Db, id: string, lock = false) {
  const query = db.select().from(phishingCampaigns).where(eq(phishingCampaigns.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound();
  return row;
}

/** Changes the draft's mail, lesson or recipients; an approved exercise is frozen (it was approved as it was). */
export async function updateCampaign(db: Db, actor: Actor, id: string, raw: PhishingCampaignInput) {
  const input = ZPhishingCampaignInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await campaignRow(tx, id);
    if (before.state !== 'draft')
      throw new AppError('CONFLICT', 'Only a draft can be changed', undefined, { key: 'phishing.notDraft' });
    const [row] = await tx
      .update(phishingCampaigns)
      .set({ ...fields(input), updatedBy: userRef(actor), updatedAt: new Date() })
      .where(and(eq(phishingCampaigns.id, id), eq(phishingCampaigns.state, 'draft')))
      .returning();
    if (!row) throw changed();
    const recipients = await replaceRecipients(tx, id, input);
    await recordAudit(tx, auditActor(actor), {
      action: 'phishing.update',
      entityType: 'phishing_campaign',
      entityId: id,
      before,
      after: { ...row, recipients },
    });
    return row;
  });
}

/** A state change guarded by the state it starts from (two clicks at once: one wins, the other is told). */
async function move(
  db: Db,
  actor: Actor | null,
  id: string,
  from: PhishingState[],
  to: PhishingState,
  set: Partial<CampaignRow>,
  check?: (row: CampaignRow) => void,
) {
  return db.transaction(async (tx) => {
    // Locked: a change committed meanwhile waits for this one, so `check` judges the row that is moved.
    const before = await campaignRow(tx, id, true);
    check?.(before);
    if (!from.includes(before.state))
      throw new AppError('CONFLICT', `An exercise in state ${before.state} cannot become ${to}`, undefined, {
        key: 'phishing.badState',
        params: { from: before.state, to },
      });
    const [row] = await tx
      .update(phishingCampaigns)
      .set({ ...set, state: to, updatedAt: new Date() })
      .where(and(eq(phishingCampaigns.id, id), eq(phishingCampaigns.state, before.state)))
      .returning();
    if (!row) throw changed();
    await recordAudit(tx, auditActor(actor), {
      action: `phishing.${to}`,
      entityType: 'phishing_campaign',
      entityId: id,
      before: { state: before.state },
      after: { state: row.state, ...set },
    });
    return row;
  });
}

const ownDraft = (actor: Actor, row: CampaignRow) => row.createdBy === actor.userId || row.updatedBy === actor.userId;

/**
 * Four eyes: whoever wrote or last changed the draft cannot approve it, and the approver approves the version they
 * read (`seen`: its updatedAt) — a draft changed after they opened it is refused, not approved unseen.
 */
export const approveCampaign = (db: Db, actor: Actor, id: string, seen?: Date) =>
  move(db, actor, id, ['draft'], 'approved', { approvedBy: userRef(actor), approvedAt: new Date() }, (row) => {
    if (row.state === 'draft' && ownDraft(actor, row))
      throw new AppError('FORBIDDEN', 'Another user must approve an exercise one wrote or changed', undefined, {
        key: 'phishing.ownDraft',
      });
    if (row.state === 'draft' && seen && seen.getTime() !== row.updatedAt.getTime()) throw changed();
  });

/** Starts sending (the timer sends at the campaign's rate); only an approved exercise. */
export const launchCampaign = (db: Db, actor: Actor, id: string) =>
  move(db, actor, id, ['approved'], 'sending', { launchedAt: new Date() }, (row) => {
    if (row.state === 'draft')
      throw new AppError('CONFLICT', 'The exercise is not approved yet', undefined, { key: 'phishing.notApproved' });
  });

export const cancelCampaign = (db: Db, actor: Actor, id: string) =>
  move(db, actor, id, ['draft', 'approved', 'sending'], 'cancelled', { cancelledAt: new Date() });

/** Every mail sent or given up: the sender closes the exercise (events keep being recorded). */
export const completeCampaign = (db: Db, id: string, now: Date) =>
  move(db, null, id, ['sending'], 'completed', { completedAt: now });

// ---- Reading -----------------------------------------------------------------------------------------------------

/** Campaigns the caller may see: all for the Department; for an agency, those with a recipient in its scope. */
const visible = (ids: string[] | null): SQL =>
  ids === null
    ? sql`true`
    : sql`exists (select 1 from phishing_recipients r where r.campaign_id = c.id and ${recipientsIn(ids)})`;

export async function listCampaigns(
  db: Db,
  scope: Scope,
  query: PhishingListQuery,
): Promise<z.output<typeof ZPhishingCampaignPage>> {
  const ids = scopeOrganisationIds(scope);
  const where = sql.join(
    [
      visible(ids),
      query.state ? sql`c.state = ${query.state}` : sql`true`,
      query.q ? sql`(c.title ilike ${`%${query.q}%`} or c.subject ilike ${`%${query.q}%`})` : sql`true`,
    ],
    sql` and `,
  );
  const [total] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from phishing_campaigns c where ${where}`,
  );
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select c.id from phishing_campaigns c where ${where}
        order by c.created_at desc, c.id limit ${query.limit} offset ${query.offset}`,
  );
  const campaigns = rows.length
    ? await db
        .select()
        .from(phishingCampaigns)
        .where(
          inArray(
            phishingCampaigns.id,
            rows.map((r) => r.id),
          ),
        )
    : [];
  const counts = rows.length
    ? await queryRows<RawCounts & { campaignId: string }>(
        db,
        sql`select r.campaign_id as "campaignId", ${COUNTS} from phishing_recipients r
            where ${inArrayUuid(
              sql`r.campaign_id`,
              rows.map((r) => r.id),
            )} and ${recipientsIn(ids)} group by r.campaign_id`,
      )
    : [];
  const items = rows.map((r) => {
    const c = campaigns.find((x) => x.id === r.id) as CampaignRow;
    const n = counts.find((x) => x.campaignId === r.id);
    return {
      id: c.id,
      title: c.title,
      state: c.state,
      subject: c.subject,
      recipientsOn: c.recipientsOn,
      createdAt: c.createdAt,
      approvedAt: c.approvedAt,
      launchedAt: c.launchedAt,
      completedAt: c.completedAt,
      counts: n ? withRates(pickCounts(n)) : NO_COUNTS,
    };
  });
  return { items, total: total?.n ?? 0 };
}

const inArrayUuid = (column: SQL, ids: string[]) =>
  sql`${column} in (${sql.join(
    ids.map((i) => sql`${i}::uuid`),
    sql`, `,
  )})`;

const pickCounts = (c: RawCounts): RawCounts => ({
  recipients: c.recipients,
  sent: c.sent,
  opened: c.opened,
  clicked: c.clicked,
  submitted: c.submitted,
  reported: c.reported,
});

async function byOrganisation(db: Db, where: SQL) {
  const rows = await queryRows<RawCounts & { organisationId: string; organisationName: string }>(
    db,
    sql`select r.organisation_id as "organisationId", o.name as "organisationName", ${COUNTS}
        from phishing_recipients r join organisations o on o.id = r.organisation_id
        join phishing_campaigns c on c.id = r.campaign_id
        where ${where} group by r.organisation_id, o.name order by o.name`,
  );
  return rows.map((r) =>
    withRates({ ...pickCounts(r), organisationId: r.organisationId, organisationName: r.organisationName }),
  );
}

async function totals(db: Db, where: SQL): Promise<Counts> {
  const [row] = await queryRows<RawCounts>(
    db,
    sql`select ${COUNTS} from phishing_recipients r join phishing_campaigns c on c.id = r.campaign_id where ${where}`,
  );
  return row ? withRates(pickCounts(row)) : NO_COUNTS;
}

export async function getCampaign(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
): Promise<z.output<typeof ZPhishingCampaignDetail>> {
  const ids = scopeOrganisationIds(scope);
  const [seen] = await queryRows<{ id: string }>(
    db,
    sql`select c.id from phishing_campaigns c where c.id = ${id}::uuid and ${visible(ids)}`,
  );
  if (!seen) throw notFound();
  const row = await campaignRow(db, id);
  const where = sql`r.campaign_id = ${id}::uuid and ${recipientsIn(ids)}`;
  const people = [row.createdBy, row.approvedBy].filter((x): x is string => !!x);
  const names = people.length
    ? await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, people))
    : [];
  const nameOf = (u: string | null) => names.find((n) => n.id === u)?.name ?? null;
  const byDay = await queryRows<{ day: string; opened: number; clicked: number; submitted: number; reported: number }>(
    db,
    sql`select to_char(e.at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as day,
          count(*) filter (where e.kind = 'opened')::int as opened,
          count(*) filter (where e.kind = 'clicked')::int as clicked,
          count(*) filter (where e.kind = 'submitted')::int as submitted,
          count(*) filter (where e.kind = 'reported')::int as reported
        from phishing_recipients r
        cross join lateral (values ('opened', least(r.opened_at, r.clicked_at, r.submitted_at)),
                                   ('clicked', least(r.clicked_at, r.submitted_at)),
                                   ('submitted', r.submitted_at), ('reported', r.reported_at)) as e(kind, at)
        where ${where} and e.at is not null group by 1 order by 1`,
  );
  const writer = can(actor.role, 'phishing.write');
  const recipients = writer
    ? (
        await db
          .select({ r: phishingRecipients, organisationName: organisations.name })
          .from(phishingRecipients)
          .innerJoin(organisations, eq(organisations.id, phishingRecipients.organisationId))
          .where(eq(phishingRecipients.campaignId, id))
          .orderBy(organisations.name, phishingRecipients.fullName)
      ).map(({ r, organisationName }) => ({
        id: r.id,
        fullName: r.fullName,
        email: r.email,
        organisationId: r.organisationId,
        organisationName,
        sentAt: r.sentAt,
        sendAttempts: r.sendAttempts,
        sendError: r.sendError,
        openedAt: r.openedAt,
        clickedAt: r.clickedAt,
        submittedAt: r.submittedAt,
        reportedAt: r.reportedAt,
      }))
    : null;
  const own = ownDraft(actor, row);
  const approver = can(actor.role, 'phishing.approve');
  return {
    campaign: campaignView(row, nameOf(row.createdBy), nameOf(row.approvedBy)),
    totals: await totals(db, where),
    byOrganisation: await byOrganisation(db, where),
    byDay,
    recipients,
    actions: {
      edit: writer && row.state === 'draft',
      approve: approver && row.state === 'draft' && !own,
      launch: writer && row.state === 'approved',
      cancel: writer && ['draft', 'approved', 'sending'].includes(row.state),
    },
    approveBlocked: approver && row.state === 'draft' && own ? 'own_draft' : null,
  };
}

export const campaignView = (
  row: CampaignRow,
  createdByName: string | null = null,
  approvedByName: string | null = null,
): z.output<typeof ZPhishingCampaign> => ({ ...row, createdByName, approvedByName });

/** Results of the exercises launched in a period, per organisation and per launch month, in the caller's scope. */
export async function phishingSummary(
  db: Db,
  scope: Scope,
  query: PhishingSummaryQuery,
): Promise<z.output<typeof ZPhishingSummary>> {
  const ids = await scopedOrganisationIds(db, scope, query.organisationId, query.to);
  const where = sql`c.launched_at >= ${dayStart(query.from).toISOString()}::timestamptz
    and c.launched_at < ${dayEnd(query.to).toISOString()}::timestamptz
    and c.state in ('sending', 'completed') and ${recipientsIn(ids)}`;
  const months = await queryRows<RawCounts & { month: string }>(
    db,
    sql`select to_char(c.launched_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as month, ${COUNTS}
        from phishing_recipients r join phishing_campaigns c on c.id = r.campaign_id
        where ${where} group by 1 order by 1`,
  );
  return {
    from: query.from,
    to: query.to,
    totals: await totals(db, where),
    byOrganisation: await byOrganisation(db, where),
    byMonth: months.map((m) => withRates({ ...pickCounts(m), month: m.month })),
  };
}

// ---- Events from the public pages ---------------------------------------------------------------------------------

const EVENT_COLUMN = {
  opened: phishingRecipients.openedAt,
  clicked: phishingRecipients.clickedAt,
  submitted: phishingRecipients.submittedAt,
  reported: phishingRecipients.reportedAt,
} as const;
const EVENT_FIELD = {
  opened: 'openedAt',
  clicked: 'clickedAt',
  submitted: 'submittedAt',
  reported: 'reportedAt',
} as const;

/**
 * Records that a recipient did `kind` (its first time only; nothing else: no address, browser or content) and
 * answers what the landing page shows. A cancelled exercise, or one not sent yet, records nothing.
 */
export async function recordPhishingEvent(db: Db, recipientId: string, kind: PhishingEventKind, now = new Date()) {
  const [found] = await db
    .select({
      state: phishingCampaigns.state,
      lessonText: phishingCampaigns.lessonText,
      senderName: phishingCampaigns.senderName,
      sentAt: phishingRecipients.sentAt,
    })
    .from(phishingRecipients)
    .innerJoin(phishingCampaigns, eq(phishingCampaigns.id, phishingRecipients.campaignId))
    .where(eq(phishingRecipients.id, recipientId));
  if (!found) return null;
  if ((found.state === 'sending' || found.state === 'completed') && found.sentAt)
    await db
      .update(phishingRecipients)
      .set({ [EVENT_FIELD[kind]]: sql`coalesce(${EVENT_COLUMN[kind]}, ${now.toISOString()}::timestamptz)` })
      .where(eq(phishingRecipients.id, recipientId));
  return { lessonText: found.lessonText, senderName: found.senderName };
}

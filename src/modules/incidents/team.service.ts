import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { formatTimeDay } from '../../core/documents/format.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, can, inScope, type Scope, users } from '../auth/index.ts';
import { type Notice, notifyRoles } from '../notifications/index.ts';
import { organisations, requireOrganisation } from '../organisations/index.ts';
import { ruleBook } from '../rules/index.ts';
import { contactClock, periodicClock } from './clocks.ts';
import type { ZOnCallShift, ZShiftQuery, ZTeamMember, ZTeamOverview } from './incidents.contract.ts';
import {
  type ShiftInput,
  type TeamMemberInput,
  ZContactReported,
  ZShiftInput,
  ZTeamMemberInput,
} from './incidents.input.ts';
import { onCallShifts, responseTeamMembers } from './incidents.schema.ts';

type MemberRow = typeof responseTeamMembers.$inferSelect;

/** Who keeps the roster (team.write) is reminded of what it owes the coordinating body. */
const KEEPERS = ['admin', 'department'] as const;
const TEAM_PATH = '/incidents/team';

const memberNotFound = () =>
  new AppError('NOT_FOUND', 'Team member not found', undefined, { key: 'incidents.memberNotFound' });

const shiftColumns = {
  id: onCallShifts.id,
  memberId: onCallShifts.memberId,
  memberName: responseTeamMembers.fullName,
  phone: responseTeamMembers.phone,
  email: responseTeamMembers.email,
  startsAt: onCallShifts.startsAt,
  endsAt: onCallShifts.endsAt,
};

/** The shifts covering `now`: who answers the 24/7 line at this moment. */
export async function onCallNow(db: Db, now = new Date()): Promise<z.output<typeof ZOnCallShift>[]> {
  return db
    .select(shiftColumns)
    .from(onCallShifts)
    .innerJoin(responseTeamMembers, eq(responseTeamMembers.id, onCallShifts.memberId))
    .where(sql`${onCallShifts.startsAt} <= ${now} and ${onCallShifts.endsAt} > ${now}`)
    .orderBy(asc(onCallShifts.startsAt));
}

/**
 * The response team's page: the roster (who serves today, who is on call, each changed contact's 24-hour clock), the
 * rota from `from` for `days`, the next periodic report (form 05) and the coordinating body of the day.
 */
export async function teamOverview(
  db: Db,
  query: z.output<typeof ZShiftQuery>,
  now = new Date(),
): Promise<z.output<typeof ZTeamOverview>> {
  const from = query.from ? new Date(query.from) : now;
  const until = new Date(from.getTime() + query.days * 86_400_000);
  const today = provinceDay(now);
  const book = await ruleBook(db);
  const [rows, current, shifts] = await Promise.all([
    db
      .select({ member: responseTeamMembers, organisationName: organisations.name, userName: users.displayName })
      .from(responseTeamMembers)
      .innerJoin(organisations, eq(organisations.id, responseTeamMembers.organisationId))
      .leftJoin(users, eq(users.id, responseTeamMembers.userId))
      .orderBy(
        sql`array_position(array['lead','deputy','member','liaison'], ${responseTeamMembers.teamRole}::text)`,
        asc(responseTeamMembers.fullName),
      ),
    onCallNow(db, now),
    db
      .select(shiftColumns)
      .from(onCallShifts)
      .innerJoin(responseTeamMembers, eq(responseTeamMembers.id, onCallShifts.memberId))
      .where(sql`${onCallShifts.endsAt} > ${from} and ${onCallShifts.startsAt} < ${until}`)
      .orderBy(asc(onCallShifts.startsAt)),
  ]);
  const onCall = new Set(current.map((s) => s.memberId));
  const members: z.output<typeof ZTeamMember>[] = rows.map(({ member: m, organisationName, userName }) => ({
    ...m,
    organisationName,
    userName,
    active: m.validFrom <= today && (m.validTo === null || m.validTo >= today),
    onCall: onCall.has(m.id),
    contactClock: m.contactChangedAt ? contactClock(book, m.contactChangedAt, m.contactReportedAt, now) : null,
  }));
  const coordinator = book.body('national_incident_coordinator', today);
  return {
    members,
    onCallNow: current,
    shifts,
    periodicReport: periodicClock(book, now),
    coordinator: coordinator
      ? { name: coordinator.name, shortName: coordinator.shortName, confirmed: coordinator.confirmed }
      : null,
  };
}

/**
 * The team's page as a reader sees it. Members' phones and e-mails are personal: coordinators see them all, anyone
 * else those of its own organisations (as form 01), on the roster and the rota ahead. Who is on call now stays: it
 * is the 24/7 line every reader may call.
 */
export async function teamOverviewFor(
  db: Db,
  actor: Actor,
  scope: Scope,
  query: z.output<typeof ZShiftQuery>,
): Promise<z.output<typeof ZTeamOverview>> {
  const team = await teamOverview(db, query);
  if (can(actor.role, 'incident.manage')) return team;
  const visible = new Set(team.members.filter((m) => inScope(scope, m.organisationId)).map((m) => m.id));
  const hide = <T extends { phone: string | null; email: string | null }>(id: string, c: T) =>
    visible.has(id) ? c : { ...c, phone: null, email: null };
  return {
    ...team,
    members: team.members.map((m) => hide(m.id, m)),
    shifts: team.shifts.map((s) => hide(s.memberId, s)),
  };
}

async function checkMember(db: Db, v: z.output<typeof ZTeamMemberInput>) {
  await requireOrganisation(db, v.organisationId, 'organisationId', 'incidents.unknownOrganisation');
  if (v.userId) {
    const [u] = await db.select({ id: users.id }).from(users).where(eq(users.id, v.userId));
    if (!u) throw new AppError('VALIDATION', 'Unknown user', { field: 'userId' }, { key: 'incidents.unknownUser' });
  }
}

/** The reminder that a changed contact must reach the coordinating body within the rule's hours. */
async function remindContact(
  db: Db,
  m: MemberRow,
  changedAt: Date,
  state: 'changed' | 'near' | 'overdue',
  due: Date,
  now: Date,
) {
  const notice: Notice = {
    kind: state === 'overdue' ? 'team_contact_overdue' : 'team_contact_changed',
    title:
      state === 'overdue'
        ? `Quá hạn báo thay đổi đầu mối: ${m.fullName}`
        : `Báo thay đổi đầu mối ứng cứu sự cố: ${m.fullName}`,
    body: `Điện thoại/thư điện tử của ${m.fullName} đã thay đổi lúc ${formatTimeDay(changedAt)}; cần báo Cơ quan điều phối quốc gia trước ${formatTimeDay(due)} (TT 20/2017/TT-BTTTT, Điều 6 khoản 1 điểm b), rồi đánh dấu đã báo.`,
    link: TEAM_PATH,
    dedupeKey: `team-contact:${m.id}:${changedAt.toISOString()}:${state === 'overdue' ? `overdue:${provinceDay(now)}` : state}`,
    urgent: state !== 'changed',
  };
  return notifyRoles(db, KEEPERS, notice);
}

export async function createMember(db: Db, actor: Actor, raw: TeamMemberInput) {
  const v = ZTeamMemberInput.parse(raw);
  await checkMember(db, v);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(responseTeamMembers).values(v).returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'team.member.create',
      entityType: 'response_team_member',
      entityId: row.id,
      organisationId: row.organisationId,
      after: row,
    });
    return row;
  });
}

/**
 * Changes a roster entry. A changed phone or e-mail starts the 24-hour clock (contact_changed_at) and reminds the
 * roster's keepers until it is marked reported to the coordinating body. Audited.
 */
export async function updateMember(db: Db, actor: Actor, id: string, raw: TeamMemberInput) {
  const v = ZTeamMemberInput.parse(raw);
  await checkMember(db, v);
  const now = new Date();
  const { after, changed } = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(responseTeamMembers).where(eq(responseTeamMembers.id, id));
    if (!before) throw memberNotFound();
    const changed = before.phone !== v.phone || before.email.toLowerCase() !== v.email.toLowerCase();
    const [after] = await tx
      .update(responseTeamMembers)
      .set({ ...v, ...(changed ? { contactChangedAt: now } : {}) })
      .where(eq(responseTeamMembers.id, id))
      .returning();
    if (!after) throw memberNotFound();
    await recordAudit(tx, auditActor(actor), {
      action: 'team.member.update',
      entityType: 'response_team_member',
      entityId: id,
      organisationId: after.organisationId,
      before,
      after,
    });
    return { after, changed };
  });
  if (changed) {
    const clock = contactClock(await ruleBook(db), now, null, now);
    if (clock) await remindContact(db, after, now, 'changed', clock.dueAt, now);
  }
  return after;
}

export async function deleteMember(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [before] = await tx.delete(responseTeamMembers).where(eq(responseTeamMembers.id, id)).returning();
    if (!before) throw memberNotFound();
    await recordAudit(tx, auditActor(actor), {
      action: 'team.member.delete',
      entityType: 'response_team_member',
      entityId: id,
      organisationId: before.organisationId,
      before,
    });
  });
}

/** Records that the changed contact was reported to the coordinating body (which stops the reminders). Audited. */
export async function markContactReported(db: Db, actor: Actor, id: string, raw: z.input<typeof ZContactReported>) {
  const { at } = ZContactReported.parse(raw);
  const when = at ? new Date(at) : new Date();
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(responseTeamMembers).where(eq(responseTeamMembers.id, id));
    if (!before) throw memberNotFound();
    if (!before.contactChangedAt)
      throw new AppError('CONFLICT', 'No contact change to report', undefined, { key: 'incidents.noContactChange' });
    if (when < before.contactChangedAt || when > new Date())
      throw new AppError(
        'VALIDATION',
        'The report time must be between the change and now',
        { field: 'at' },
        {
          key: 'incidents.reportTime',
        },
      );
    const [after] = await tx
      .update(responseTeamMembers)
      .set({ contactReportedAt: when })
      .where(eq(responseTeamMembers.id, id))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'team.contact.reported',
      entityType: 'response_team_member',
      entityId: id,
      organisationId: before.organisationId,
      before: { contactChangedAt: before.contactChangedAt, contactReportedAt: before.contactReportedAt },
      after: { contactReportedAt: after?.contactReportedAt },
    });
    return after as MemberRow;
  });
}

export async function createShift(db: Db, actor: Actor, raw: ShiftInput) {
  const v = ZShiftInput.parse(raw);
  const [member] = await db
    .select({ id: responseTeamMembers.id, fullName: responseTeamMembers.fullName })
    .from(responseTeamMembers)
    .where(eq(responseTeamMembers.id, v.memberId));
  if (!member)
    throw new AppError('VALIDATION', 'Unknown team member', { field: 'memberId' }, { key: 'incidents.unknownMember' });
  const startsAt = new Date(v.startsAt);
  const endsAt = new Date(v.endsAt);
  return db.transaction(async (tx) => {
    // One member cannot hold two overlapping shifts: the rota would count them twice.
    const [overlap] = await tx
      .select({ id: onCallShifts.id })
      .from(onCallShifts)
      .where(
        and(
          eq(onCallShifts.memberId, v.memberId),
          sql`${onCallShifts.startsAt} < ${endsAt} and ${onCallShifts.endsAt} > ${startsAt}`,
        ),
      );
    if (overlap)
      throw new AppError(
        'CONFLICT',
        'The member already has a shift at that time',
        { field: 'startsAt' },
        {
          key: 'incidents.shiftOverlap',
        },
      );
    const [row] = await tx.insert(onCallShifts).values({ memberId: v.memberId, startsAt, endsAt }).returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'team.shift.create',
      entityType: 'on_call_shift',
      entityId: row.id,
      after: row,
    });
    return { ...row, memberName: member.fullName };
  });
}

export async function deleteShift(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [before] = await tx.delete(onCallShifts).where(eq(onCallShifts.id, id)).returning();
    if (!before) throw new AppError('NOT_FOUND', 'Shift not found', undefined, { key: 'incidents.shiftNotFound' });
    await recordAudit(tx, auditActor(actor), {
      action: 'team.shift.delete',
      entityType: 'on_call_shift',
      entityId: id,
      before,
    });
  });
}

/**
 * The team's part of the hourly deadline check: a changed contact near or past its 24 hours, and the periodic report
 * (form 05) within its reminder window, remind the roster's keepers. Idempotent (dedupe keys).
 */
export async function runTeamClockCheck(db: Db, now: Date) {
  const book = await ruleBook(db);
  let notices = 0;
  const pending = await db
    .select()
    .from(responseTeamMembers)
    .where(
      sql`${responseTeamMembers.contactChangedAt} is not null and (${responseTeamMembers.contactReportedAt} is null or ${responseTeamMembers.contactReportedAt} < ${responseTeamMembers.contactChangedAt})`,
    );
  for (const m of pending) {
    if (!m.contactChangedAt) continue;
    const clock = contactClock(book, m.contactChangedAt, null, now);
    if (clock && (clock.state === 'near' || clock.state === 'overdue'))
      notices += await remindContact(db, m, m.contactChangedAt, clock.state, clock.dueAt, now);
  }
  const periodic = periodicClock(book, now);
  if (periodic?.state === 'near')
    notices += await notifyRoles(db, KEEPERS, {
      kind: 'team_periodic_report',
      title: 'Sắp đến hạn báo cáo định kỳ ứng cứu sự cố (mẫu 05)',
      body: `Báo cáo định kỳ gửi Cơ quan điều phối quốc gia trước ${formatTimeDay(periodic.dueAt)} (${periodic.rule.legalBasis}).`,
      link: TEAM_PATH,
      dedupeKey: `team-periodic:${periodic.dueAt.toISOString()}`,
    });
  return { notices };
}

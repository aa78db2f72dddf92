import { and, asc, desc, eq, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type ActorRef, auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { foldedContains } from '../../core/text-search.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { inScope, organisationIdIn, type Scope, scopeOrganisationIds } from '../auth/index.ts';
import { responseTeamMembers } from '../incidents/index.ts';
import { notifyOrganisation } from '../notifications/index.ts';
import { inForceOn, organisations, requireOrganisation } from '../organisations/index.ts';
import { staffMembers } from '../staff/index.ts';
import { informationSystems, systemStatuses } from '../systems/index.ts';
import type { ZDrillDetail, ZDrillFinding, ZDrillPage, ZDrillParticipant, ZDrillTeam } from './drills.contract.ts';
import {
  DRILL_TRANSITIONS,
  type DrillInput,
  type DrillState,
  type DrillTeamInput,
  type DrillUpdate,
  type FindingInput,
  type ParticipantInput,
  type TaskInput,
  ZDrillInput,
  type ZDrillQuery,
  ZDrillTeamInput,
  ZDrillTeamUpdate,
  ZDrillTransition,
  ZDrillUpdate,
  ZFindingInput,
  ZParticipantInput,
  ZParticipantUpdate,
  ZTaskInput,
  ZTaskUpdate,
} from './drills.input.ts';
import { drillFindings, drillParticipants, drillSystems, drills, drillTeams } from './drills.schema.ts';

type DrillRow = typeof drills.$inferSelect;
type Detail = z.output<typeof ZDrillDetail>;

const dmy = (iso: string) => iso.split('-').reverse().join('/');
const notFound = () => new AppError('NOT_FOUND', 'Drill not found', undefined, { key: 'drills.notFound' });
const refuse = (message: string, key: string, params?: Record<string, string | number>) =>
  new AppError('CONFLICT', message, undefined, { key, params });

/**
 * SQL: the drill concerns the scope — organised by one of its units, or with a participant, a target system or a
 * remediation task of one of them. Another agency's drill is "not found".
 */
function visible(scope: Scope): SQL {
  const ids = scopeOrganisationIds(scope);
  if (ids === null) return sql`true`;
  return sql`(${organisationIdIn(sql`${drills.organiserId}`, ids)}
    or exists (select 1 from ${drillParticipants} p where p.drill_id = ${drills.id} and ${organisationIdIn(sql`p.organisation_id`, ids)})
    or exists (select 1 from ${drillSystems} ds join ${informationSystems} s on s.id = ds.system_id
               where ds.drill_id = ${drills.id} and ${organisationIdIn(sql`s.organisation_id`, ids)})
    or exists (select 1 from ${drillFindings} f where f.drill_id = ${drills.id} and ${organisationIdIn(sql`f.task_organisation_id`, ids)}))`;
}

const counts = {
  participants: sql<number>`(select count(*)::int from ${drillParticipants} p where p.drill_id = ${drills.id})`,
  attended: sql<number>`(select count(*)::int from ${drillParticipants} p where p.drill_id = ${drills.id} and p.attended)`,
  findings: sql<number>`(select count(*)::int from ${drillFindings} f where f.drill_id = ${drills.id})`,
};

export async function listDrills(
  db: Db,
  scope: Scope,
  query: z.output<typeof ZDrillQuery>,
): Promise<z.output<typeof ZDrillPage>> {
  const where = and(
    visible(scope),
    query.state ? eq(drills.state, query.state) : undefined,
    query.kind ? eq(drills.kind, query.kind) : undefined,
    query.year ? sql`extract(year from ${drills.drillDay}) = ${query.year}` : undefined,
    query.q ? foldedContains(sql`${drills.title}`, query.q) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({ drill: drills, organiserName: organisations.name, ...counts })
      .from(drills)
      .innerJoin(organisations, eq(organisations.id, drills.organiserId))
      .where(where)
      .orderBy(desc(drills.startsAt), asc(drills.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(drills).where(where),
  ]);
  return {
    total: total?.n ?? 0,
    items: rows.map((r) => ({
      ...summaryOf(r.drill, r.organiserName),
      participants: r.participants,
      attended: r.attended,
      findings: r.findings,
    })),
  };
}

const summaryOf = (d: DrillRow, organiserName: string) => ({
  id: d.id,
  title: d.title,
  kind: d.kind,
  state: d.state,
  organiserId: d.organiserId,
  organiserName,
  startsAt: d.startsAt,
  endsAt: d.endsAt,
  drillDay: d.drillDay,
});

async function getRow(db: Db, scope: Scope, id: string): Promise<DrillRow> {
  const [row] = await db
    .select()
    .from(drills)
    .where(and(eq(drills.id, id), visible(scope)));
  if (!row) throw notFound();
  return row;
}

const teamTotal = (t: {
  attackPoints: number | null;
  defencePoints: number | null;
  availabilityPoints: number | null;
}) => (t.attackPoints ?? 0) + (t.defencePoints ?? 0) + (t.availabilityPoints ?? 0);

/** A drill with its targets (level on the drill's day), teams and scores, participants, findings and tasks. */
export async function getDrill(db: Db, scope: Scope, id: string, today = provinceDay()): Promise<Detail> {
  const d = await getRow(db, scope, id);
  // A unit that only takes part (or holds a target or a task) sees its own people and findings, not other agencies'.
  const ids = scopeOrganisationIds(scope);
  const whole = ids === null || ids.includes(d.organiserId);
  const [org] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, d.organiserId));
  const systems = await db
    .select({ id: informationSystems.id, name: informationSystems.name, organisationName: organisations.name })
    .from(drillSystems)
    .innerJoin(informationSystems, eq(informationSystems.id, drillSystems.systemId))
    .innerJoin(organisations, eq(organisations.id, informationSystems.organisationId))
    .where(eq(drillSystems.drillId, id))
    .orderBy(asc(informationSystems.name));
  const statuses = await systemStatuses(
    db,
    systems.map((s) => s.id),
    d.drillDay,
  );
  const teams = await db.select().from(drillTeams).where(eq(drillTeams.drillId, id)).orderBy(asc(drillTeams.name));
  const participants = await db
    .select({ p: drillParticipants, organisationName: organisations.name })
    .from(drillParticipants)
    .innerJoin(organisations, eq(organisations.id, drillParticipants.organisationId))
    .where(
      and(
        eq(drillParticipants.drillId, id),
        whole ? undefined : organisationIdIn(sql`${drillParticipants.organisationId}`, ids),
      ),
    )
    .orderBy(asc(organisations.name), asc(drillParticipants.fullName));
  const findings = await db
    .select({ f: drillFindings, systemName: informationSystems.name, taskOrganisationName: organisations.name })
    .from(drillFindings)
    .leftJoin(informationSystems, eq(informationSystems.id, drillFindings.systemId))
    .leftJoin(organisations, eq(organisations.id, drillFindings.taskOrganisationId))
    .where(
      and(
        eq(drillFindings.drillId, id),
        whole
          ? undefined
          : or(
              organisationIdIn(sql`${drillFindings.taskOrganisationId}`, ids),
              organisationIdIn(sql`${informationSystems.organisationId}`, ids),
            ),
      ),
    )
    .orderBy(
      sql`array_position(array['critical','high','medium','low'], ${drillFindings.severity}::text)`,
      asc(drillFindings.createdAt),
    );
  return {
    ...summaryOf(d, org?.name ?? ''),
    participants: participants.length,
    attended: participants.filter((p) => p.p.attended).length,
    findings: findings.length,
    description: d.description,
    tools: d.tools,
    exploitationDepth: d.exploitationDepth,
    windowStartsAt: d.windowStartsAt,
    windowEndsAt: d.windowEndsAt,
    lessons: d.lessons,
    systems: systems.map((s) => ({ ...s, level: statuses.get(s.id)?.approvedLevel ?? null })),
    teams: teams.map(
      (t): z.output<typeof ZDrillTeam> => ({
        id: t.id,
        name: t.name,
        side: t.side,
        attackPoints: t.attackPoints,
        defencePoints: t.defencePoints,
        availabilityPoints: t.availabilityPoints,
        total: teamTotal(t),
      }),
    ),
    participantList: participants.map(
      ({ p, organisationName }): z.output<typeof ZDrillParticipant> => ({
        id: p.id,
        staffMemberId: p.staffMemberId,
        teamMemberId: p.teamMemberId,
        teamId: p.teamId,
        fullName: p.fullName,
        email: p.email,
        organisationId: p.organisationId,
        organisationName,
        role: p.role,
        attended: p.attended,
      }),
    ),
    findingList: findings.map(
      ({ f, systemName, taskOrganisationName }): z.output<typeof ZDrillFinding> => ({
        id: f.id,
        severity: f.severity,
        systemId: f.systemId,
        systemName,
        description: f.description,
        task:
          f.taskOrganisationId && f.taskDueOn && f.taskState
            ? {
                organisationId: f.taskOrganisationId,
                organisationName: taskOrganisationName ?? '',
                dueOn: f.taskDueOn,
                state: f.taskState,
                note: f.taskNote,
                doneAt: f.taskDoneAt,
                overdue: f.taskState !== 'done' && f.taskDueOn < today,
                ownTask: inScope(scope, f.taskOrganisationId),
              }
            : null,
        createdAt: f.createdAt,
      }),
    ),
    transitions: [...DRILL_TRANSITIONS[d.state]],
  };
}

async function checkSystems(db: Db, ids: string[]) {
  if (!ids.length) return;
  const found = await db
    .select({ id: informationSystems.id })
    .from(informationSystems)
    .where(inArray(informationSystems.id, ids));
  if (found.length !== ids.length)
    throw new AppError('VALIDATION', 'Unknown information system', undefined, { key: 'drills.systemUnknown' });
}

async function setSystems(db: Db, drillId: string, ids: string[]) {
  await db.delete(drillSystems).where(eq(drillSystems.drillId, drillId));
  if (ids.length) await db.insert(drillSystems).values(ids.map((systemId) => ({ drillId, systemId })));
}

export async function createDrill(db: Db, actor: ActorRef, scope: Scope, raw: DrillInput): Promise<Detail> {
  const { systemIds, ...input } = ZDrillInput.parse(raw);
  await requireOrganisation(db, input.organiserId, 'organiserId', 'drills.organisationUnknown');
  await checkSystems(db, systemIds);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(drills)
      .values({
        ...input,
        startsAt: new Date(input.startsAt),
        endsAt: new Date(input.endsAt),
        drillDay: provinceDay(new Date(input.startsAt)),
        windowStartsAt: input.windowStartsAt ? new Date(input.windowStartsAt) : null,
        windowEndsAt: input.windowEndsAt ? new Date(input.windowEndsAt) : null,
        createdBy: userRef(actor),
      })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'Insert returned nothing');
    await setSystems(tx, row.id, systemIds);
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.create',
      entityType: 'drill',
      entityId: row.id,
      organisationId: row.organiserId,
      after: { ...row, systemIds },
    });
    return row.id;
  });
  return getDrill(db, scope, id);
}

/** Plan fields change while planned or running; a completed drill takes only its lessons; a cancelled one nothing. */
export async function updateDrill(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: DrillUpdate,
): Promise<Detail> {
  const { systemIds, windowStartsAt, windowEndsAt, ...input } = ZDrillUpdate.parse(raw);
  await db.transaction(async (tx) => {
    const before = await getRow(tx, scope, id);
    const fields = Object.keys(input).concat(
      systemIds ? ['systemIds'] : [],
      windowStartsAt !== undefined ? ['windowStartsAt'] : [],
      windowEndsAt !== undefined ? ['windowEndsAt'] : [],
    );
    if (before.state === 'cancelled' || (before.state === 'completed' && fields.some((f) => f !== 'lessons')))
      throw refuse(`A ${before.state} drill cannot be changed`, 'drills.locked', { state: before.state });
    if (input.organiserId)
      await requireOrganisation(tx, input.organiserId, 'organiserId', 'drills.organisationUnknown');
    if (systemIds) await checkSystems(tx, systemIds);
    const startsAt = input.startsAt ? new Date(input.startsAt) : before.startsAt;
    const endsAt = input.endsAt ? new Date(input.endsAt) : before.endsAt;
    if (endsAt < startsAt)
      throw new AppError('VALIDATION', 'The drill ends before it starts', undefined, { key: 'drills.periodReversed' });
    const drillDay = provinceDay(startsAt);
    if (drillDay !== before.drillDay) await checkParticipantsOn(tx, id, drillDay);
    const [after] = await tx
      .update(drills)
      .set({
        ...input,
        startsAt,
        endsAt,
        drillDay,
        ...(windowStartsAt !== undefined ? { windowStartsAt: windowStartsAt ? new Date(windowStartsAt) : null } : {}),
        ...(windowEndsAt !== undefined ? { windowEndsAt: windowEndsAt ? new Date(windowEndsAt) : null } : {}),
        updatedAt: new Date(),
      })
      .where(eq(drills.id, id))
      .returning();
    if (systemIds) await setSystems(tx, id, systemIds);
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.update',
      entityType: 'drill',
      entityId: id,
      organisationId: before.organiserId,
      before,
      after: { ...after, ...(systemIds ? { systemIds } : {}) },
    });
  });
  return getDrill(db, scope, id);
}

/**
 * Participants are taken from the register and the roster in force on the drill's day: moving the drill to another
 * day must not leave anyone who was not registered then (targets count attendance as of the drill's day).
 */
async function checkParticipantsOn(db: Db, drillId: string, day: string) {
  const stale = await db
    .select({ fullName: drillParticipants.fullName })
    .from(drillParticipants)
    .leftJoin(staffMembers, and(eq(staffMembers.id, drillParticipants.staffMemberId), inForceOn(staffMembers, day)))
    .leftJoin(
      responseTeamMembers,
      and(eq(responseTeamMembers.id, drillParticipants.teamMemberId), inForceOn(responseTeamMembers, day)),
    )
    .where(
      and(
        eq(drillParticipants.drillId, drillId),
        or(
          and(isNotNull(drillParticipants.staffMemberId), isNull(staffMembers.id)),
          and(isNotNull(drillParticipants.teamMemberId), isNull(responseTeamMembers.id)),
        ),
      ),
    )
    .orderBy(asc(drillParticipants.fullName));
  if (stale.length)
    throw refuse(
      `Participants not registered on ${day}: ${stale.map((p) => p.fullName).join(', ')}`,
      'drills.moveLeavesParticipants',
      { day: dmy(day), names: stale.map((p) => p.fullName).join(', ') },
    );
}

export async function transitionDrill(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: z.input<typeof ZDrillTransition>,
): Promise<Detail> {
  const { to } = ZDrillTransition.parse(raw);
  await db.transaction(async (tx) => {
    const before = await getRow(tx, scope, id);
    if (!DRILL_TRANSITIONS[before.state].includes(to))
      throw refuse(`A ${before.state} drill cannot become ${to}`, 'drills.transitionRefused', {
        from: before.state,
        to,
      });
    await tx.update(drills).set({ state: to, updatedAt: new Date() }).where(eq(drills.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.transition',
      entityType: 'drill',
      entityId: id,
      organisationId: before.organiserId,
      before: { state: before.state },
      after: { state: to },
    });
  });
  return getDrill(db, scope, id);
}

/** Teams, participants and findings belong to a drill that still runs or has run (not cancelled). */
async function openRow(db: Db, scope: Scope, id: string, allowed: readonly DrillState[]) {
  const row = await getRow(db, scope, id);
  if (!allowed.includes(row.state))
    throw refuse(`Not possible while the drill is ${row.state}`, 'drills.wrongState', { state: row.state });
  return row;
}
const NOT_CANCELLED = ['planned', 'running', 'completed'] as const;
const HELD = ['running', 'completed'] as const;

export async function addTeam(db: Db, actor: ActorRef, scope: Scope, id: string, raw: DrillTeamInput): Promise<Detail> {
  const input = ZDrillTeamInput.parse(raw);
  await db.transaction(async (tx) => {
    const d = await openRow(tx, scope, id, NOT_CANCELLED);
    const [team] = await tx
      .insert(drillTeams)
      .values({ ...input, drillId: id })
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.team.add',
      entityType: 'drill',
      entityId: id,
      organisationId: d.organiserId,
      after: team,
    });
  });
  return getDrill(db, scope, id);
}

/** Changes a team's name, side or scores (scores only once the drill has started). */
export async function updateTeam(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  teamId: string,
  raw: z.input<typeof ZDrillTeamUpdate>,
): Promise<Detail> {
  const input = ZDrillTeamUpdate.parse(raw);
  const scoring = ['attackPoints', 'defencePoints', 'availabilityPoints'].some((k) => k in input);
  await db.transaction(async (tx) => {
    const d = await openRow(tx, scope, id, scoring ? HELD : NOT_CANCELLED);
    const [before] = await tx
      .select()
      .from(drillTeams)
      .where(and(eq(drillTeams.id, teamId), eq(drillTeams.drillId, id)));
    if (!before) throw notFound();
    const [after] = await tx.update(drillTeams).set(input).where(eq(drillTeams.id, teamId)).returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.team.update',
      entityType: 'drill',
      entityId: id,
      organisationId: d.organiserId,
      before,
      after,
    });
  });
  return getDrill(db, scope, id);
}

/**
 * Adds a participant from the register (an appointment in force on the drill's day) or from the response-team
 * roster (a member serving that day). The same person (e-mail) takes part once per drill.
 */
export async function addParticipant(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: ParticipantInput,
): Promise<Detail> {
  const input = ZParticipantInput.parse(raw);
  await db.transaction(async (tx) => {
    const d = await openRow(tx, scope, id, NOT_CANCELLED);
    const person = input.staffMemberId
      ? (
          await tx
            .select({
              fullName: staffMembers.fullName,
              email: staffMembers.email,
              organisationId: staffMembers.organisationId,
            })
            .from(staffMembers)
            .where(and(eq(staffMembers.id, input.staffMemberId), inForceOn(staffMembers, d.drillDay)))
        )[0]
      : (
          await tx
            .select({
              fullName: responseTeamMembers.fullName,
              email: responseTeamMembers.email,
              organisationId: responseTeamMembers.organisationId,
            })
            .from(responseTeamMembers)
            .where(
              and(eq(responseTeamMembers.id, input.teamMemberId ?? ''), inForceOn(responseTeamMembers, d.drillDay)),
            )
        )[0];
    if (!person)
      throw new AppError('VALIDATION', 'Not registered (in force) on the drill’s day', undefined, {
        key: 'drills.participantNotInForce',
        params: { day: dmy(d.drillDay) },
      });
    await checkTeam(tx, id, input.teamId);
    const email = person.email.trim().toLowerCase();
    const [dup] = await tx
      .select({ id: drillParticipants.id })
      .from(drillParticipants)
      .where(and(eq(drillParticipants.drillId, id), eq(drillParticipants.email, email)));
    if (dup) throw refuse('This person already takes part in the drill', 'drills.participantRepeated');
    const [row] = await tx
      .insert(drillParticipants)
      .values({
        drillId: id,
        staffMemberId: input.staffMemberId,
        teamMemberId: input.teamMemberId,
        teamId: input.teamId,
        role: input.role,
        fullName: person.fullName,
        email,
        organisationId: person.organisationId,
      })
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.participant.add',
      entityType: 'drill',
      entityId: id,
      organisationId: d.organiserId,
      after: row,
    });
  });
  return getDrill(db, scope, id);
}

async function checkTeam(db: Db, drillId: string, teamId: string | null) {
  if (!teamId) return;
  const [team] = await db
    .select({ id: drillTeams.id })
    .from(drillTeams)
    .where(and(eq(drillTeams.id, teamId), eq(drillTeams.drillId, drillId)));
  if (!team) throw new AppError('VALIDATION', 'No such team in this drill', undefined, { key: 'drills.teamUnknown' });
}

/** Team, role, attendance (attendance only once the drill has started). */
export async function updateParticipant(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  participantId: string,
  raw: z.input<typeof ZParticipantUpdate>,
): Promise<Detail> {
  const input = ZParticipantUpdate.parse(raw);
  await db.transaction(async (tx) => {
    const d = await openRow(tx, scope, id, input.attended !== undefined ? HELD : NOT_CANCELLED);
    const [before] = await tx
      .select()
      .from(drillParticipants)
      .where(and(eq(drillParticipants.id, participantId), eq(drillParticipants.drillId, id)));
    if (!before) throw notFound();
    if (input.teamId !== undefined) await checkTeam(tx, id, input.teamId);
    const [after] = await tx
      .update(drillParticipants)
      .set(input)
      .where(eq(drillParticipants.id, participantId))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.participant.update',
      entityType: 'drill',
      entityId: id,
      organisationId: d.organiserId,
      before,
      after,
    });
  });
  return getDrill(db, scope, id);
}

export async function removeParticipant(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  participantId: string,
): Promise<Detail> {
  await db.transaction(async (tx) => {
    const d = await openRow(tx, scope, id, NOT_CANCELLED);
    const [before] = await tx
      .delete(drillParticipants)
      .where(and(eq(drillParticipants.id, participantId), eq(drillParticipants.drillId, id)))
      .returning();
    if (!before) throw notFound();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.participant.remove',
      entityType: 'drill',
      entityId: id,
      organisationId: d.organiserId,
      before,
    });
  });
  return getDrill(db, scope, id);
}

export async function addFinding(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  raw: FindingInput,
): Promise<Detail> {
  const input = ZFindingInput.parse(raw);
  await db.transaction(async (tx) => {
    const d = await openRow(tx, scope, id, HELD);
    if (input.systemId) await checkSystems(tx, [input.systemId]);
    const [row] = await tx
      .insert(drillFindings)
      .values({ ...input, drillId: id, createdBy: userRef(actor) })
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.finding.add',
      entityType: 'drill',
      entityId: id,
      organisationId: d.organiserId,
      after: row,
    });
  });
  return getDrill(db, scope, id);
}

/** Turns a finding into a remediation task for an organisation, due on a day; its officers are notified. */
export async function createTask(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  findingId: string,
  raw: TaskInput,
): Promise<Detail> {
  const input = ZTaskInput.parse(raw);
  await db.transaction(async (tx) => {
    const d = await openRow(tx, scope, id, HELD);
    await requireOrganisation(tx, input.organisationId, 'organisationId', 'drills.organisationUnknown');
    const [before] = await tx
      .select()
      .from(drillFindings)
      .where(and(eq(drillFindings.id, findingId), eq(drillFindings.drillId, id)));
    if (!before) throw notFound();
    if (before.taskOrganisationId) throw refuse('The finding already has a remediation task', 'drills.taskExists');
    const [after] = await tx
      .update(drillFindings)
      .set({ taskOrganisationId: input.organisationId, taskDueOn: input.dueOn, taskState: 'open' })
      .where(eq(drillFindings.id, findingId))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.task.create',
      entityType: 'drill',
      entityId: id,
      organisationId: input.organisationId,
      before,
      after,
    });
    await notifyOrganisation(tx, input.organisationId, {
      kind: 'drill.task',
      title: `Khắc phục sau diễn tập: ${d.title}`,
      body: `${before.description.slice(0, 300)} — hạn ${dmy(input.dueOn)}`,
      link: `/drills/view?id=${id}`,
      dedupeKey: `drill-task:${findingId}`,
    });
  });
  return getDrill(db, scope, id);
}

export async function updateTask(
  db: Db,
  actor: ActorRef,
  scope: Scope,
  id: string,
  findingId: string,
  raw: z.input<typeof ZTaskUpdate>,
  { coordinator }: { coordinator: boolean },
): Promise<Detail> {
  const input = ZTaskUpdate.parse(raw);
  // The assigned organisation reports its own progress; the due day stays the Department's decision.
  if (!coordinator && input.dueOn)
    throw new AppError('FORBIDDEN', 'Only the Department re-dates a remediation task', undefined, {
      key: 'drills.dueOnByDepartment',
    });
  await db.transaction(async (tx) => {
    await getRow(tx, scope, id);
    const [before] = await tx
      .select()
      .from(drillFindings)
      .where(
        and(
          eq(drillFindings.id, findingId),
          eq(drillFindings.drillId, id),
          coordinator
            ? undefined
            : organisationIdIn(sql`${drillFindings.taskOrganisationId}`, scopeOrganisationIds(scope)),
        ),
      )
      .for('update');
    if (!before?.taskOrganisationId) throw notFound();
    const [after] = await tx
      .update(drillFindings)
      .set({
        ...(input.state ? { taskState: input.state, taskDoneAt: input.state === 'done' ? new Date() : null } : {}),
        ...(input.dueOn ? { taskDueOn: input.dueOn } : {}),
        ...(input.note !== undefined ? { taskNote: input.note } : {}),
      })
      .where(eq(drillFindings.id, findingId))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'drill.task.update',
      entityType: 'drill',
      entityId: id,
      organisationId: before.taskOrganisationId,
      before,
      after,
    });
  });
  return getDrill(db, scope, id);
}

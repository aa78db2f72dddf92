import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { auditActor } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/format.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { inVersionRange } from '../../core/version-range.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, inScope, type Role, type Scope, subtreeIds } from '../auth/index.ts';
import { notifyOrganisation, notifyRoles } from '../notifications/index.ts';
import type { ZEscalationReport } from './advisories.contract.ts';
import {
  type TargetAddition,
  type TargetResponseInput,
  ZRiskDecision,
  ZTargetAddition,
  ZTargetResponse,
} from './advisories.input.ts';
import { advisories, advisoryOrganisations, advisoryTargets } from './advisories.schema.ts';
import { advisoryNotFound, inScopeSql, lateSql, visibleAdvisory } from './advisory-sql.ts';
import { type Candidate, rowRange } from './targeting.ts';
import {
  addManual,
  defaultDeadlines,
  knownExploited,
  matchesOf,
  retarget,
  syncOrganisations,
} from './targets.store.ts';

/**
 * The acknowledgement loop: publish (agencies notified, deadlines set), acknowledge, answer per target, the
 * Department's decision on accepted risks, scan confirmation of patched computers, and escalation of late agencies
 * to their head. Every change is audited in its own transaction.
 */

/** Who decides an agency's risk acceptance: the Department (and the administrator). */
export const deciderRoles: readonly Role[] = ['admin', 'department'];

type Advisory = typeof advisories.$inferSelect;

const conflict = (message: string, key: string, params?: Record<string, string>) =>
  new AppError('CONFLICT', message, undefined, { key, params });

const requireState = (a: Advisory, states: Advisory['state'][], key: string) => {
  if (!states.includes(a.state)) throw conflict(`The advisory is ${a.state}`, key, { state: a.state });
};

/** Publishes a draft: targets it again, fills a missing day to act from the dated rule, notifies every agency. */
export async function publishAdvisory(db: Db, actor: Actor, id: string, now = new Date()) {
  const before = await visibleAdvisory(db, { all: true }, id);
  requireState(before, ['draft'], 'advisories.notDraft');
  const exploited = await knownExploited(db, before.cves);
  const rule = await defaultDeadlines(db, before.severity, exploited.length > 0, provinceDay(now));
  return db.transaction(async (tx) => {
    const [a] = await tx
      .update(advisories)
      .set({
        state: 'published',
        publishedAt: now,
        publishedBy: actor.userId,
        actBy: before.actBy ?? rule?.actBy ?? null,
      })
      .where(and(eq(advisories.id, id), eq(advisories.state, 'draft')))
      .returning();
    if (!a) throw conflict('The advisory was published meanwhile', 'advisories.notDraft', { state: 'published' });
    const targeting = await retarget(tx, a);
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.publish',
      entityType: 'advisory',
      entityId: id,
      before: { state: before.state, actBy: before.actBy },
      after: { state: a.state, actBy: a.actBy, knownExploited: exploited, ...targeting },
    });
    return a;
  });
}

/** Closes an advisory: no more answers; its figures stay. */
export async function closeAdvisory(db: Db, actor: Actor, id: string) {
  const before = await visibleAdvisory(db, { all: true }, id);
  requireState(before, ['draft', 'published'], 'advisories.closed');
  return db.transaction(async (tx) => {
    const [a] = await tx
      .update(advisories)
      .set({ state: 'closed', updatedAt: new Date() })
      .where(eq(advisories.id, id))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.close',
      entityType: 'advisory',
      entityId: id,
      before: { state: before.state },
      after: { state: 'closed' },
    });
    return a;
  });
}

/** The most computers one address range may add: 0.0.0.0/0 would otherwise make every computer a target. */
const MAX_RANGE_COMPUTERS = 5000;

/**
 * Targets again on demand, or adds the Department's own targets: every unit in force of an organisation subtree, or
 * every known computer in an address range. Already existing targets keep their answers.
 */
export async function addTargets(db: Db, actor: Actor, id: string, raw: TargetAddition) {
  const input = ZTargetAddition.parse(raw);
  const a = await visibleAdvisory(db, { all: true }, id);
  requireState(a, ['draft', 'published'], 'advisories.closed');
  let candidates: Candidate[] = [];
  if (input.kind === 'organisation') {
    const ids = input.includeChildren ? await subtreeIds(db, input.organisationId) : [input.organisationId];
    const today = provinceDay();
    const units = await queryRows<{ id: string; name: string }>(
      db,
      sql`select id, name from organisations where id in (${sql.join(
        ids.map((i) => sql`${i}::uuid`),
        sql`, `,
      )}) and (valid_from is null or valid_from <= ${today}::date) and (valid_to is null or valid_to >= ${today}::date)`,
    );
    const root = units.find((u) => u.id === input.organisationId);
    if (!root)
      throw new AppError(
        'VALIDATION',
        'No organisation in force with this id',
        { field: 'organisationId' },
        {
          key: 'advisories.unknownOrganisation',
        },
      );
    candidates = units.map((u) => ({
      key: `organisation:${u.id}`,
      reason: 'organisation',
      organisationId: u.id,
      systemId: null,
      computerId: null,
      findingId: null,
      cidr: null,
      matches: [{ via: 'organisation', addedFor: input.includeChildren ? `${root.name} (+)` : root.name }],
    }));
  } else if (input.kind === 'cidr') {
    const valid = await queryRows<{ ok: boolean }>(
      db,
      sql`select ${input.cidr}::text ~ '^[0-9a-fA-F:.]+/[0-9]{1,3}$' and family(${input.cidr}::inet) is not null as ok`,
    ).catch(() => []);
    if (!valid[0]?.ok)
      throw new AppError(
        'VALIDATION',
        `Not an address range: ${input.cidr}`,
        { field: 'cidr' },
        {
          key: 'advisories.invalidCidr',
        },
      );
    const found = await queryRows<{ id: string; organisationId: string | null }>(
      db,
      sql`select id, organisation_id as "organisationId" from computers where ip <<= ${input.cidr}::inet order by ip
        limit ${MAX_RANGE_COMPUTERS + 1}`,
    );
    if (found.length > MAX_RANGE_COMPUTERS)
      throw new AppError(
        'VALIDATION',
        `More than ${MAX_RANGE_COMPUTERS} scanned computers are in ${input.cidr}: name a narrower range`,
        { field: 'cidr' },
        { key: 'advisories.rangeTooLarge', params: { cidr: input.cidr, max: String(MAX_RANGE_COMPUTERS) } },
      );
    if (!found.length)
      throw new AppError(
        'VALIDATION',
        `No scanned computer is in ${input.cidr}`,
        { field: 'cidr' },
        {
          key: 'advisories.noComputersInRange',
          params: { cidr: input.cidr },
        },
      );
    candidates = found.map((c) => ({
      key: `computer:${c.id}`,
      reason: 'cidr',
      organisationId: c.organisationId,
      systemId: null,
      computerId: c.id,
      findingId: null,
      cidr: input.cidr,
      matches: [{ via: 'cidr', addedFor: input.cidr }],
    }));
  }
  return db.transaction(async (tx) => {
    const result = input.kind === 'match' ? await retarget(tx, a) : await addManual(tx, a, candidates);
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.targets',
      entityType: 'advisory',
      entityId: id,
      after: { ...input, ...result },
    });
    return result;
  });
}

/** The caller's part of an advisory for one organisation: its row, if in scope (else "not found"). */
async function partOf(db: Db, scope: Scope, advisoryId: string, organisationId: string) {
  if (!inScope(scope, organisationId)) throw advisoryNotFound();
  const [row] = await db
    .select()
    .from(advisoryOrganisations)
    .where(
      and(eq(advisoryOrganisations.advisoryId, advisoryId), eq(advisoryOrganisations.organisationId, organisationId)),
    );
  if (!row) throw advisoryNotFound();
  return row;
}

/** An agency acknowledges the advisory (for its own organisation, or one of its scope). Repeating it changes nothing. */
export async function acknowledgeAdvisory(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  input: { organisationId?: string | undefined },
) {
  const a = await visibleAdvisory(db, scope, id);
  const organisationId = input.organisationId ?? actor.organisationId;
  if (!organisationId)
    throw new AppError(
      'VALIDATION',
      'Name the organisation that acknowledges',
      { field: 'organisationId' },
      {
        key: 'advisories.organisationRequired',
      },
    );
  const row = await partOf(db, scope, id, organisationId);
  requireState(a, ['published'], 'advisories.notPublished');
  if (row.acknowledgedAt) return row;
  return db.transaction(async (tx) => {
    const [after] = await tx
      .update(advisoryOrganisations)
      .set({ acknowledgedAt: new Date(), acknowledgedBy: actor.userId })
      .where(
        and(
          eq(advisoryOrganisations.advisoryId, id),
          eq(advisoryOrganisations.organisationId, organisationId),
          isNull(advisoryOrganisations.acknowledgedAt),
        ),
      )
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.acknowledge',
      entityType: 'advisory',
      entityId: id,
      organisationId,
      after: { acknowledgedAt: after?.acknowledgedAt },
    });
    return after ?? row;
  });
}

/** A target the caller may act on: of an advisory it sees, of an organisation in its scope (else "not found"). */
async function targetInScope(db: Db, scope: Scope, advisoryId: string, targetId: string) {
  const a = await visibleAdvisory(db, scope, advisoryId);
  await followOwners(db, advisoryId);
  const [t] = await db
    .select()
    .from(advisoryTargets)
    .where(
      and(
        eq(advisoryTargets.id, targetId),
        eq(advisoryTargets.advisoryId, advisoryId),
        inScopeSql(sql`${advisoryTargets.organisationId}`, scope),
      ),
    );
  if (!t) throw new AppError('NOT_FOUND', 'Target not found', undefined, { key: 'advisories.targetNotFound' });
  return { a, t };
}

/** What a target is, in a notice: the system, the computer, or the organisation. */
async function targetLabel(db: Db, t: typeof advisoryTargets.$inferSelect) {
  const [row] = await queryRows<{ label: string | null }>(
    db,
    sql`select coalesce((select 'hệ thống ' || name from information_systems where id = ${t.systemId}),
        (select 'máy ' || host(ip) || coalesce(' (' || hostname || ')', '') from computers where id = ${t.computerId}),
        (select name from organisations where id = ${t.organisationId})) as label`,
  );
  return row?.label ?? t.targetKey;
}

/**
 * The agency's answer for one target, once it has acknowledged. Risk accepted waits for the Department (notified);
 * a new answer replaces the previous one and its decision. A computer reported patched counts only when a later
 * scan confirms it.
 */
export async function respondToTarget(
  db: Db,
  actor: Actor,
  scope: Scope,
  advisoryId: string,
  targetId: string,
  raw: TargetResponseInput,
) {
  const input = ZTargetResponse.parse(raw);
  const { a, t } = await targetInScope(db, scope, advisoryId, targetId);
  requireState(a, ['published'], 'advisories.notPublished');
  if (t.organisationId) {
    const [part] = await db
      .select()
      .from(advisoryOrganisations)
      .where(
        and(
          eq(advisoryOrganisations.advisoryId, advisoryId),
          eq(advisoryOrganisations.organisationId, t.organisationId),
        ),
      );
    if (!part?.acknowledgedAt)
      throw conflict('Acknowledge the advisory before reporting on its targets', 'advisories.acknowledgeFirst');
  }
  const now = new Date();
  return db.transaction(async (tx) => {
    const [after] = await tx
      .update(advisoryTargets)
      .set({
        response: input.response,
        responseNote: input.note ?? null,
        respondedBy: actor.userId,
        respondedAt: now,
        riskApproved: null,
        riskDecidedBy: null,
        riskDecidedAt: null,
        confirmedAt: null,
      })
      .where(eq(advisoryTargets.id, targetId))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.target.respond',
      entityType: 'advisory_target',
      entityId: targetId,
      organisationId: t.organisationId,
      before: { response: t.response, note: t.responseNote, riskDecision: t.riskApproved },
      after: { response: input.response, note: input.note ?? null },
    });
    if (input.response === 'risk_accepted') {
      const [org] = t.organisationId
        ? await queryRows<{ name: string }>(tx, sql`select name from organisations where id = ${t.organisationId}`)
        : [];
      await notifyRoles(
        tx,
        deciderRoles.filter((r) => r !== 'admin'),
        {
          kind: 'advisory_risk',
          title: `Đề nghị chấp nhận rủi ro: ${a.title}`.slice(0, 300),
          body: `${org?.name ?? 'Đơn vị'} đề nghị chấp nhận rủi ro đối với ${await targetLabel(tx, t)}: ${input.note}`,
          link: `/advisories/view?id=${a.id}`,
          dedupeKey: `advisory-risk:${targetId}:${now.toISOString()}`,
        },
      );
    }
    return after;
  });
}

/** The Department approves or rejects an agency's risk acceptance; the agency is told. */
export async function decideRisk(
  db: Db,
  actor: Actor,
  scope: Scope,
  advisoryId: string,
  targetId: string,
  raw: z.input<typeof ZRiskDecision>,
) {
  const input = ZRiskDecision.parse(raw);
  const { a, t } = await targetInScope(db, scope, advisoryId, targetId);
  requireState(a, ['published'], 'advisories.notPublished');
  if (!deciderRoles.includes(actor.role))
    throw new AppError('FORBIDDEN', 'The Department decides risk acceptances', undefined, {
      key: 'advisories.departmentDecides',
    });
  if (t.response !== 'risk_accepted' || t.riskApproved)
    throw conflict('No risk acceptance is waiting for a decision on this target', 'advisories.noPendingRisk');
  const decision = input.approve ? 'approved' : 'rejected';
  return db.transaction(async (tx) => {
    const [after] = await tx
      .update(advisoryTargets)
      .set({ riskApproved: decision, riskDecidedBy: actor.userId, riskDecidedAt: new Date() })
      .where(eq(advisoryTargets.id, targetId))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.target.risk',
      entityType: 'advisory_target',
      entityId: targetId,
      organisationId: t.organisationId,
      before: { riskDecision: null },
      after: { riskDecision: decision, note: input.note },
    });
    if (t.organisationId)
      await notifyOrganisation(tx, t.organisationId, {
        kind: 'advisory_risk_decision',
        title: `${input.approve ? 'Đồng ý' : 'Không đồng ý'} chấp nhận rủi ro: ${a.title}`.slice(0, 300),
        body:
          `Sở đã ${input.approve ? 'đồng ý' : 'không đồng ý'} đề nghị chấp nhận rủi ro đối với ${await targetLabel(tx, t)}` +
          `${input.note ? `: ${input.note}` : '.'}${input.approve ? '' : ' Đề nghị đơn vị xử lý và báo cáo lại.'}`,
        link: `/advisories/view?id=${a.id}`,
        dedupeKey: `advisory-risk-decision:${targetId}:${t.respondedAt?.toISOString() ?? ''}`,
      });
    return after;
  });
}

type Pending = {
  id: string;
  advisoryId: string;
  computerId: string;
  organisationId: string | null;
  createdAt: string | Date;
  matchDetail: unknown;
  cves: string[];
};

/**
 * Targets of open advisories follow their computer or system to the organisation that holds it now (an analyst
 * reassigned a computer, a scan attributed it anew): the agency that gave it up no longer sees or answers for it, the
 * one that holds it is concerned (and notified, once published). Run before every read; idempotent.
 */
export async function followOwners(db: Db, advisoryId?: string): Promise<number> {
  const moved = await queryRows<{ id: string; advisoryId: string; from: string | null; to: string | null }>(
    db,
    sql`select * from (select t.id, t.advisory_id as "advisoryId", t.organisation_id as "from",
        case when t.computer_id is not null then c.organisation_id else s.organisation_id end as "to"
      from advisory_targets t join advisories a on a.id = t.advisory_id
        left join computers c on c.id = t.computer_id left join information_systems s on s.id = t.system_id
      where a.state <> 'closed' and (t.computer_id is not null or t.system_id is not null)
        ${advisoryId ? sql`and t.advisory_id = ${advisoryId}` : sql``}) x
      where "from" is distinct from "to"`,
  );
  for (const id of new Set(moved.map((m) => m.advisoryId)))
    await db.transaction(async (tx) => {
      for (const m of moved.filter((x) => x.advisoryId === id)) {
        const rows = await tx
          .update(advisoryTargets)
          .set({ organisationId: m.to })
          .where(
            and(eq(advisoryTargets.id, m.id), sql`${advisoryTargets.organisationId} is not distinct from ${m.from}`),
          )
          .returning({ id: advisoryTargets.id });
        if (!rows.length) continue;
        await recordAudit(tx, auditActor(null), {
          action: 'advisory.target.move',
          entityType: 'advisory_target',
          entityId: m.id,
          organisationId: m.to,
          before: { organisationId: m.from },
          after: { organisationId: m.to },
        });
      }
      const [a] = await tx.select().from(advisories).where(eq(advisories.id, id));
      if (a) await syncOrganisations(tx, a);
    });
  return moved.length;
}

/**
 * Computers reported patched become remediated when scans confirm it (`confirmed_at`, the scan's time): every
 * finding the target matched is resolved by a scan, each software item it matched is gone from the computer or at a
 * version outside the range after a later scan, and (a target the Department added by range) a later scan shows no
 * finding with the advisory's CVEs. Run on every read of advisories and by the timer, after moving targets to the
 * organisation that holds them now ({@link followOwners}); idempotent.
 */
export async function confirmRemediations(db: Db, advisoryId?: string): Promise<number> {
  await followOwners(db, advisoryId);
  const pending = await queryRows<Pending>(
    db,
    sql`select t.id, t.advisory_id as "advisoryId", t.computer_id as "computerId", t.organisation_id as "organisationId",
        t.created_at as "createdAt", t.match_detail as "matchDetail", a.cves
      from advisory_targets t join advisories a on a.id = t.advisory_id
      where t.response = 'patched' and t.computer_id is not null and t.confirmed_at is null
        ${advisoryId ? sql`and t.advisory_id = ${advisoryId}` : sql``}`,
  );
  let confirmed = 0;
  for (const t of pending) {
    const at = await confirmationTime(db, t);
    if (!at) continue;
    await db.transaction(async (tx) => {
      const rows = await tx
        .update(advisoryTargets)
        .set({ confirmedAt: at })
        .where(
          and(
            eq(advisoryTargets.id, t.id),
            isNull(advisoryTargets.confirmedAt),
            eq(advisoryTargets.response, 'patched'),
          ),
        )
        .returning({ id: advisoryTargets.id });
      if (!rows.length) return;
      confirmed++;
      await recordAudit(tx, auditActor(null), {
        action: 'advisory.target.confirm',
        entityType: 'advisory_target',
        entityId: t.id,
        organisationId: t.organisationId,
        after: { confirmedAt: at },
      });
    });
  }
  return confirmed;
}

/** When scans confirmed a patched computer target, or null while they have not. */
async function confirmationTime(db: Db, t: Pending): Promise<Date | null> {
  const matches = matchesOf({ matchDetail: t.matchDetail });
  const times: Date[] = [];
  const findingIds = matches.flatMap((m) => (m.finding ? [m.finding.id] : []));
  if (findingIds.length) {
    const rows = await queryRows<{ status: string; resolvedAt: string | Date | null }>(
      db,
      sql`select status::text as status, resolved_at as "resolvedAt" from vuln_findings where id in (${sql.join(
        findingIds.map((f) => sql`${f}::uuid`),
        sql`, `,
      )})`,
    );
    // A finding deleted with its computer proves nothing; only a scan's resolution does.
    if (rows.length < findingIds.length || rows.some((r) => r.status !== 'resolved' || !r.resolvedAt)) return null;
    for (const r of rows) times.push(new Date(r.resolvedAt as string | Date));
  }
  const software = matches.filter((m) => m.item?.kind === 'software');
  const manual = !findingIds.length && !software.length;
  if (software.length || manual) {
    // The latest scan of the computer after the target was made, by the scanner whose list is in question.
    const scanners = [...new Set(software.map((m) => m.item?.scanner).filter((s): s is string => !!s))];
    const [scan] = await queryRows<{ at: string | Date | null }>(
      db,
      sql`select max(s.scanned_at) as at from scan_computers sc join scan_imports s on s.id = sc.scan_id
        where sc.computer_id = ${t.computerId} and s.scanned_at > ${new Date(t.createdAt).toISOString()}::timestamptz
          ${
            scanners.length
              ? sql`and split_part(s.format, '-', 1) in (${sql.join(
                  scanners.map((x) => sql`${x}`),
                  sql`, `,
                )})`
              : sql``
          }`,
    );
    if (!scan?.at) return null;
    const scannedAt = new Date(scan.at);
    for (const m of software) {
      const [now] = await queryRows<{ version: string | null; lastSeen: string | Date }>(
        db,
        sql`select version, last_seen as "lastSeen" from computer_software
          where id = ${m.item?.id ?? null}::uuid`,
      );
      const stillThere =
        now &&
        new Date(now.lastSeen) >= scannedAt &&
        (!now.version ||
          !m.product ||
          inVersionRange(now.version, rowRange({ rangeText: null, ...nullRange(m.product) })));
      if (stillThere) return null;
    }
    if (manual) {
      const [open] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from vuln_findings where computer_id = ${t.computerId}
          and status in ('open', 'fixed') and cves && array[${sql.join(
            t.cves.map((c) => sql`${c}`),
            sql`, `,
          )}]::text[]`,
      );
      if (t.cves.length && (open?.n ?? 0) > 0) return null;
    }
    times.push(scannedAt);
  }
  return times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null;
}

/** A matched product's bounds with absent ones as null (older match details may lack them). */
const nullRange = (p: NonNullable<ReturnType<typeof matchesOf>[number]['product']>) => ({
  version: p.version ?? null,
  versionStartIncluding: p.versionStartIncluding ?? null,
  versionStartExcluding: p.versionStartExcluding ?? null,
  versionEndIncluding: p.versionEndIncluding ?? null,
  versionEndExcluding: p.versionEndExcluding ?? null,
});

/**
 * The overdue check (hourly by the server, `khien advisories escalate`): each agency late on a published advisory
 * (not acknowledged by its day, or targets open after the day to act) is escalated once — its officers and the
 * Department are notified, naming the agency's head as recorded that day (`escalated_to`). Also confirms patched
 * computers that scans have since confirmed.
 */
export async function runAdvisoryEscalation(db: Db, now = new Date()): Promise<z.output<typeof ZEscalationReport>> {
  const confirmed = await confirmRemediations(db);
  const today = provinceDay(now);
  const late = await queryRows<{
    advisoryId: string;
    organisationId: string;
    title: string;
    name: string;
    headName: string | null;
    headTitle: string | null;
    acknowledgeBy: string | null;
    actBy: string | null;
    late: 'acknowledge' | 'act';
  }>(
    db,
    sql`select * from (select ao.advisory_id as "advisoryId", ao.organisation_id as "organisationId", a.title, o.name,
        o.head_name as "headName", o.head_title as "headTitle", ao.acknowledge_by::text as "acknowledgeBy",
        a.act_by::text as "actBy", ${lateSql('ao', 'a', today)} as late
      from advisory_organisations ao join advisories a on a.id = ao.advisory_id
        join organisations o on o.id = ao.organisation_id
      where a.state = 'published' and ao.escalated_at is null) x where late is not null`,
  );
  let notifications = 0;
  for (const l of late) {
    const head = l.headName ? `${l.headName}${l.headTitle ? `, ${l.headTitle}` : ''}` : null;
    const why =
      l.late === 'acknowledge'
        ? `chưa xác nhận đã nhận cảnh báo (hạn ${formatDay(l.acknowledgeBy ?? today)})`
        : `chưa xử lý xong các đối tượng bị ảnh hưởng (hạn ${formatDay(l.actBy ?? today)})`;
    const headText = head ? `Người đứng đầu chịu trách nhiệm: ${head}.` : 'Đơn vị chưa khai báo người đứng đầu.';
    await db.transaction(async (tx) => {
      const rows = await tx
        .update(advisoryOrganisations)
        .set({ escalatedAt: now, escalatedTo: head })
        .where(
          and(
            eq(advisoryOrganisations.advisoryId, l.advisoryId),
            eq(advisoryOrganisations.organisationId, l.organisationId),
            isNull(advisoryOrganisations.escalatedAt),
          ),
        )
        .returning({ id: advisoryOrganisations.advisoryId });
      if (!rows.length) return;
      const link = `/advisories/view?id=${l.advisoryId}`;
      notifications += await notifyOrganisation(tx, l.organisationId, {
        kind: 'advisory_overdue',
        title: `Quá hạn xử lý cảnh báo: ${l.title}`.slice(0, 300),
        body: `Đơn vị ${why}. ${headText}`,
        link,
        dedupeKey: `advisory-overdue:${l.advisoryId}:${l.organisationId}`,
        urgent: true,
      });
      notifications += await notifyRoles(tx, ['department'], {
        kind: 'advisory_overdue',
        title: `${l.name} quá hạn xử lý cảnh báo: ${l.title}`.slice(0, 300),
        body: `${l.name} ${why}. ${headText}`,
        link,
        dedupeKey: `advisory-overdue:${l.advisoryId}:${l.organisationId}`,
      });
      await recordAudit(tx, auditActor(null), {
        action: 'advisory.escalate',
        entityType: 'advisory',
        entityId: l.advisoryId,
        organisationId: l.organisationId,
        after: { late: l.late, escalatedTo: head, today },
      });
    });
  }
  return { today, escalated: late.length, notifications, confirmed };
}

/** Runs the overdue check every `intervalMs` while the server is up; the timer stops when the server closes. */
export function registerAdvisoryTimer(app: FastifyInstance, db: Db, intervalMs = 3_600_000) {
  registerPeriodic(app, { name: 'advisory escalation', intervalMs, job: () => runAdvisoryEscalation(db, new Date()) });
}

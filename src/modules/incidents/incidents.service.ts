import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gte, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor, userRef } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { formatDay, formatTimeDay } from '../../core/documents/format.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, can, inScope, PERMISSIONS, type Scope, scopedOrganisationIds, users } from '../auth/index.ts';
import { notifyRoles, notifyUsers } from '../notifications/index.ts';
import { organisations } from '../organisations/index.ts';
import { type RuleBook, ruleBook } from '../rules/index.ts';
import { informationSystems, systemStatuses } from '../systems/index.ts';
import { getVulnFinding } from '../vulnerabilities/index.ts';
import { type ClockView, incidentClocks } from './clocks.ts';
import type {
  ZIncident,
  ZIncidentAssignees,
  ZIncidentDetail,
  ZIncidentPage,
  ZIncidentQuery,
  ZIncidentRules,
} from './incidents.contract.ts';
import {
  type IncidentInput,
  type IncidentState,
  type IncidentStepInput,
  type IncidentTaskInput,
  type IncidentTaskUpdate,
  type IncidentTransition,
  type IncidentUpdate,
  type SeverityFactor,
  ZIncidentInput,
  ZIncidentStepInput,
  ZIncidentTaskInput,
  ZIncidentTaskUpdate,
  ZIncidentTransition,
  ZIncidentUpdate,
} from './incidents.input.ts';
import {
  incidentEvidence,
  incidentOrganisations,
  incidentReports,
  incidentSocFindings,
  incidentSteps,
  incidentSystems,
  incidents,
  incidentTasks,
  onCallShifts,
  responseTeamMembers,
  type SeverityBasis,
} from './incidents.schema.ts';

type IncidentRow = typeof incidents.$inferSelect;
type Incident = z.output<typeof ZIncident>;

/** Evidence files are kept in the database: bounded so one upload cannot fill it. */
export const EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;
const CODE_LOCK = 0x5c1d; // serialises the yearly numbering of incident codes

export const incidentNotFound = () =>
  new AppError('NOT_FOUND', 'Incident not found', undefined, { key: 'incidents.notFound' });

/** The link to an incident in the web UI (notifications carry it). */
export const incidentPath = (id: string) => `/incidents/view?id=${id}`;

/**
 * Incidents the scope may read: those its agencies operate and those that affect one of them. In the SQL, so another
 * agency's incident is "not found", whatever its id.
 */
export const incidentScopeFilter = (scope: Scope): SQL | undefined => {
  if (scope.all) return undefined;
  if (!scope.organisationIds.length) return sql`false`;
  const ids = scope.organisationIds;
  return or(
    inArray(incidents.organisationId, ids),
    sql`exists (select 1 from ${incidentOrganisations} io where io.incident_id = ${incidents.id} and ${inArray(
      sql`io.organisation_id`,
      ids,
    )})`,
  );
};

async function incidentRow(db: Db, scope: Scope, id: string): Promise<IncidentRow> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, id), incidentScopeFilter(scope)));
  if (!row) throw incidentNotFound();
  return row;
}

/** The operator (its agency, within scope) or a coordinator changes an incident; an affected agency only reads it. */
const mayEdit = (actor: Actor, scope: Scope, row: IncidentRow) =>
  can(actor.role, 'incident.manage') || (can(actor.role, 'incident.report') && inScope(scope, row.organisationId));

function assertEditable(actor: Actor, scope: Scope, row: IncidentRow) {
  if (!mayEdit(actor, scope, row))
    throw new AppError('FORBIDDEN', 'Only the operating agency or a coordinator changes this incident', undefined, {
      key: 'incidents.readOnly',
    });
  if (row.state === 'closed')
    throw new AppError('CONFLICT', 'The incident is closed', undefined, { key: 'incidents.closed' });
}

/** The transitions open to the caller now (closing also needs form 04 issued, checked when asked). */
function transitionsFor(actor: Actor, scope: Scope, row: IncidentRow): IncidentState[] {
  if (!mayEdit(actor, scope, row)) return [];
  const next: Record<IncidentState, IncidentState[]> = {
    open: ['responding', 'responded'],
    responding: ['responded'],
    responded: ['responding', 'closed'],
    closed: [],
  };
  return next[row.state].filter((s) => s !== 'closed' || can(actor.role, 'incident.manage'));
}

// ---- Severity ----------------------------------------------------------------------------------------------------

/**
 * The decision's rule (kind `incident_severity`, in force on the detection day): serious when one of the systems is
 * of the rule's levels (its approved level on that day) or on the critical list, at least one of the rule's factors
 * holds and, when the rule asks, the owner cannot cope; otherwise normal. Returns the basis stored with it.
 */
export async function decideSeverity(
  db: Db,
  book: RuleBook,
  i: { systemIds: string[]; factors: SeverityFactor[]; beyondCapability: boolean; detectedAt: Date },
): Promise<{ severity: 'serious' | 'normal'; basis: SeverityBasis }> {
  const day = provinceDay(i.detectedAt);
  const rule = book.on('incident_severity', day)[0] ?? null;
  const ids = [...new Set(i.systemIds)];
  const rows = ids.length
    ? await db
        .select({ id: informationSystems.id, name: informationSystems.name, critical: informationSystems.criticalList })
        .from(informationSystems)
        .where(inArray(informationSystems.id, ids))
        .orderBy(asc(informationSystems.name))
    : [];
  const statuses = await systemStatuses(db, ids, day, book);
  const systems = rows.map((s) => {
    const level = statuses.get(s.id)?.approvedLevel ?? null;
    const qualifies =
      !!rule && ((level !== null && rule.data.levels.includes(level)) || (rule.data.criticalList && s.critical));
    return { ...s, level, qualifies };
  });
  const serious =
    !!rule &&
    systems.some((s) => s.qualifies) &&
    i.factors.some((f) => rule.data.factors.includes(f)) &&
    (!rule.data.beyondCapability || i.beyondCapability);
  return {
    severity: serious ? 'serious' : 'normal',
    basis: {
      ruleKey: rule?.key ?? null,
      legalBasis: rule?.legalBasis ?? null,
      day,
      systems,
      factors: i.factors,
      beyondCapability: i.beyondCapability,
    },
  };
}

/** The rules the new-incident form explains, as of a day. */
export async function incidentRules(db: Db, on: string): Promise<z.output<typeof ZIncidentRules>> {
  const book = await ruleBook(db);
  const text = (r: {
    key: string;
    vi: string;
    en: string;
    legalBasis: string;
    confirmed: boolean;
    note: string | null;
  }) => ({
    key: r.key,
    vi: r.vi,
    en: r.en,
    legalBasis: r.legalBasis,
    confirmed: r.confirmed,
    note: r.note,
  });
  const severity = book.on('incident_severity', on)[0];
  return {
    on,
    severity: severity ? { ...text(severity), ...severity.data } : null,
    clocks: book.on('incident_clock', on).map((r) => ({
      ...text(r),
      clock: r.data.clock,
      amount: r.data.amount ?? null,
      unit: r.data.unit ?? null,
      dates: r.data.dates ?? null,
      form: r.data.form,
    })),
  };
}

// ---- Validation of references ------------------------------------------------------------------------------------

const unknownOrganisation = (field: string) =>
  new AppError(
    'VALIDATION',
    'Unknown organisation, or outside your scope',
    { field },
    {
      key: 'incidents.unknownOrganisation',
    },
  );

/**
 * Checks what an incident refers to: its operator must be in the caller's scope (an agency reports its own
 * incidents), the affected agencies must exist, and the systems must be ones the caller may see.
 */
async function checkReferences(
  db: Db,
  actor: Actor,
  scope: Scope,
  v: {
    organisationId?: string;
    systemId?: string | null;
    affectedOrganisationIds?: string[];
    affectedSystemIds?: string[];
  },
) {
  if (v.organisationId !== undefined) {
    const [org] = await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.id, v.organisationId));
    if (!org || !inScope(scope, org.id)) throw unknownOrganisation('organisationId');
  }
  if (v.affectedOrganisationIds?.length) {
    const found = await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(inArray(organisations.id, v.affectedOrganisationIds));
    if (found.length !== v.affectedOrganisationIds.length) throw unknownOrganisation('affectedOrganisationIds');
  }
  const systemIds = [...(v.systemId ? [v.systemId] : []), ...(v.affectedSystemIds ?? [])];
  if (systemIds.length) {
    const found = await db
      .select({ id: informationSystems.id, organisationId: informationSystems.organisationId })
      .from(informationSystems)
      .where(inArray(informationSystems.id, [...new Set(systemIds)]));
    // A coordinator names any system; an agency only those it may see (another agency's would be a guess).
    const visible = found.filter((s) => can(actor.role, 'incident.manage') || inScope(scope, s.organisationId));
    for (const [field, wanted] of [
      ['systemId', v.systemId ? [v.systemId] : []],
      ['affectedSystemIds', v.affectedSystemIds ?? []],
    ] as const)
      if (wanted.some((w) => !visible.some((s) => s.id === w)))
        throw new AppError(
          'VALIDATION',
          'Unknown information system, or outside your scope',
          { field },
          {
            key: 'incidents.unknownSystem',
          },
        );
  }
}

/** SC-<year of detection>-<number>: a case reported late still files under the year it happened. */
async function nextCode(tx: Db, detectedAt: Date): Promise<string> {
  const year = provinceDay(detectedAt).slice(0, 4);
  await tx.execute(sql`select pg_advisory_xact_lock(${CODE_LOCK})`);
  const [last] = await queryRows<{ n: number }>(
    tx,
    sql`select coalesce(max(substring(code from 9)::int), 0)::int as n from incidents where code like ${`SC-${year}-%`}`,
  );
  return `SC-${year}-${String((last?.n ?? 0) + 1).padStart(4, '0')}`;
}

async function replaceLinks(tx: Db, incidentId: string, orgIds: string[] | undefined, systemIds: string[] | undefined) {
  if (orgIds) {
    await tx.delete(incidentOrganisations).where(eq(incidentOrganisations.incidentId, incidentId));
    if (orgIds.length)
      await tx.insert(incidentOrganisations).values(orgIds.map((organisationId) => ({ incidentId, organisationId })));
  }
  if (systemIds) {
    await tx.delete(incidentSystems).where(eq(incidentSystems.incidentId, incidentId));
    if (systemIds.length)
      await tx.insert(incidentSystems).values(systemIds.map((systemId) => ({ incidentId, systemId })));
  }
}

// ---- Notices -----------------------------------------------------------------------------------------------------

const SEVERITY_VI = { serious: 'nghiêm trọng', normal: 'thông thường' } as const;
/** Who answers now: the members on call at `now` with a linked account. */
async function onCallUserIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .select({ userId: responseTeamMembers.userId })
    .from(onCallShifts)
    .innerJoin(responseTeamMembers, eq(responseTeamMembers.id, onCallShifts.memberId))
    .where(sql`${onCallShifts.startsAt} <= ${now} and ${onCallShifts.endsAt} > ${now}`);
  return rows.flatMap((r) => (r.userId ? [r.userId] : []));
}

/**
 * A new incident reaches the coordinators (Department, SOC); a serious one, or one that became serious, is urgent
 * and also reaches whoever of the response team is on call.
 */
async function announce(db: Db, row: IncidentRow, becameSerious: boolean) {
  const serious = row.severity === 'serious';
  const notice = {
    kind: serious ? 'incident_serious' : 'incident_new',
    title: `${serious ? 'Sự cố nghiêm trọng' : 'Sự cố mới'}: ${row.code} ${row.title}`,
    body: `Sự cố ${SEVERITY_VI[row.severity]} phát hiện lúc ${formatTimeDay(row.detectedAt)}. Mở sự cố để xem chi tiết và phân công ứng cứu.`,
    link: incidentPath(row.id),
    dedupeKey: `incident:${row.id}:${becameSerious ? 'serious' : 'new'}`,
    urgent: serious,
  };
  await notifyRoles(db, ['department', 'soc'], notice);
  if (serious) await notifyUsers(db, await onCallUserIds(db, new Date()), notice);
}

// ---- Create, update ----------------------------------------------------------------------------------------------

type Origin = { source: 'manual' | 'soc' | 'vulnerability'; socFindingId?: string; vulnFindingId?: string | null };

async function insertIncident(
  tx: Db,
  actor: Actor,
  v: z.output<typeof ZIncidentInput>,
  origin: Origin,
  book: RuleBook,
): Promise<IncidentRow> {
  const now = new Date();
  const detectedAt = new Date(v.detectedAt);
  const { severity, basis } = await decideSeverity(tx, book, {
    systemIds: [...(v.systemId ? [v.systemId] : []), ...v.affectedSystemIds],
    factors: v.severityFactors,
    beyondCapability: v.beyondCapability,
    detectedAt,
  });
  const { affectedOrganisationIds, affectedSystemIds, vulnFindingId: _, ...fields } = v;
  const [row] = await tx
    .insert(incidents)
    .values({
      ...fields,
      code: await nextCode(tx, detectedAt),
      detectedAt,
      beyondCapabilityAt: v.beyondCapability ? now : null,
      severity,
      severityBasis: basis,
      source: origin.source,
      socFindingId: origin.socFindingId ?? null,
      vulnFindingId: origin.vulnFindingId ?? null,
      createdBy: userRef(actor),
    })
    .returning();
  if (!row) throw new AppError('INTERNAL', 'insert failed');
  await replaceLinks(
    tx,
    row.id,
    affectedOrganisationIds.filter((o) => o !== row.organisationId),
    affectedSystemIds,
  );
  if (origin.socFindingId)
    await tx.insert(incidentSocFindings).values({ incidentId: row.id, findingId: origin.socFindingId });
  await recordAudit(tx, auditActor(actor), {
    action: 'incident.create',
    entityType: 'incident',
    entityId: row.id,
    organisationId: row.organisationId,
    after: { ...row, affectedOrganisationIds, affectedSystemIds },
  });
  return row;
}

/** Reports an incident (from scratch, or from a vulnerability finding the caller can see). Audited; coordinators told. */
export async function createIncident(db: Db, actor: Actor, scope: Scope, raw: IncidentInput): Promise<Incident> {
  const v = ZIncidentInput.parse(raw);
  await checkReferences(db, actor, scope, v);
  if (v.vulnFindingId) await getVulnFinding(db, actor, scope, v.vulnFindingId);
  const book = await ruleBook(db);
  const row = await db.transaction((tx) =>
    insertIncident(
      tx,
      actor,
      v,
      {
        source: v.vulnFindingId ? 'vulnerability' : 'manual',
        vulnFindingId: v.vulnFindingId,
      },
      book,
    ),
  );
  await announce(db, row, false);
  return row;
}

/**
 * Changes the report's fields (the operator or a coordinator). The severity is decided again from the new facts;
 * marking the incident beyond capability starts the initial report's clock. Audited with before and after.
 */
export async function updateIncident(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  raw: IncidentUpdate,
): Promise<Incident> {
  const v = ZIncidentUpdate.parse(raw);
  const before = await incidentRow(db, scope, id);
  assertEditable(actor, scope, before);
  await checkReferences(db, actor, scope, v);
  const book = await ruleBook(db);
  const result = await db.transaction(async (tx) => {
    const links = await linksOf(tx, id);
    const systemId = v.systemId !== undefined ? v.systemId : before.systemId;
    const affectedSystemIds = v.affectedSystemIds ?? links.systems;
    const beyondCapability = v.beyondCapability ?? before.beyondCapability;
    const detectedAt = v.detectedAt ? new Date(v.detectedAt) : before.detectedAt;
    const { severity, basis } = await decideSeverity(tx, book, {
      systemIds: [...(systemId ? [systemId] : []), ...affectedSystemIds],
      factors: (v.severityFactors ?? before.severityFactors) as SeverityFactor[],
      beyondCapability,
      detectedAt,
    });
    const { affectedOrganisationIds, affectedSystemIds: _, notifiedAt, detectedAt: __, ...fields } = v;
    const [after] = await tx
      .update(incidents)
      .set({
        ...fields,
        detectedAt,
        ...(notifiedAt !== undefined ? { notifiedAt: notifiedAt ? new Date(notifiedAt) : null } : {}),
        beyondCapabilityAt: beyondCapability ? (before.beyondCapabilityAt ?? new Date()) : null,
        severity,
        severityBasis: basis,
        updatedAt: new Date(),
      })
      .where(eq(incidents.id, id))
      .returning();
    if (!after) throw incidentNotFound();
    const organisationId = after.organisationId;
    await replaceLinks(
      tx,
      id,
      affectedOrganisationIds?.filter((o) => o !== organisationId),
      v.affectedSystemIds,
    );
    await recordAudit(tx, auditActor(actor), {
      action: 'incident.update',
      entityType: 'incident',
      entityId: id,
      organisationId,
      before: { ...before, affectedOrganisationIds: links.organisations, affectedSystemIds: links.systems },
      after: {
        ...after,
        affectedOrganisationIds: affectedOrganisationIds ?? links.organisations,
        affectedSystemIds,
      },
    });
    return after;
  });
  if (result.severity === 'serious' && before.severity !== 'serious') await announce(db, result, true);
  return result;
}

/** Sequential: `db` is a transaction here, and one connection runs one query at a time. */
async function linksOf(db: Db, id: string) {
  const orgs = await db
    .select({ id: incidentOrganisations.organisationId })
    .from(incidentOrganisations)
    .where(eq(incidentOrganisations.incidentId, id));
  const systems = await db
    .select({ id: incidentSystems.systemId })
    .from(incidentSystems)
    .where(eq(incidentSystems.incidentId, id));
  return { organisations: orgs.map((o) => o.id), systems: systems.map((s) => s.id) };
}

// ---- SOC escalation ----------------------------------------------------------------------------------------------

/** The SOC engine's scan kinds as the incident's Vietnamese title names them ("Rà quét ngang…"). */
const SCAN_KIND_VI: Record<string, string> = { horizontal: 'ngang', vertical: 'dọc', mixed: 'hỗn hợp' };

/** What the SOC hands over when it escalates a finding (its own tables stay its own). */
export type EscalatedFinding = {
  id: string;
  kind: 'scanner' | 'malicious_contact';
  ip: string;
  organisationId: string | null;
  /** Every organisation the finding concerns (the address's own, the agencies it swept). */
  organisationIds: string[];
  firstSeen: Date;
  lastSeen: Date;
  indicator: string | null;
  scanKind: string | null;
  note: string | null;
};

/**
 * Escalation of a SOC finding, inside the SOC's triage transaction: linked to `incidentId` when given, otherwise a
 * new incident made from the finding's fields (operator: the finding's organisation; the other organisations it
 * concerns are affected). Returns the incident's id; notifications follow the commit (`announceEscalation`).
 */
export async function escalateSocFinding(
  tx: Db,
  actor: Actor,
  f: EscalatedFinding,
  incidentId?: string,
): Promise<{ incident: IncidentRow; created: boolean }> {
  if (incidentId) {
    const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
    if (!incident) throw incidentNotFound();
    if (incident.state === 'closed')
      throw new AppError('CONFLICT', 'The incident is closed', undefined, { key: 'incidents.closed' });
    const linked = await tx
      .insert(incidentSocFindings)
      .values({ incidentId, findingId: f.id })
      .onConflictDoNothing()
      .returning();
    if (linked.length)
      await recordAudit(tx, auditActor(actor), {
        action: 'incident.link_finding',
        entityType: 'incident',
        entityId: incidentId,
        organisationId: incident.organisationId,
        after: { socFindingId: f.id },
      });
    return { incident, created: false };
  }
  if (!f.organisationId)
    throw new AppError(
      'CONFLICT',
      'The finding belongs to no organisation: link it to an existing incident (incidentId) or report one by hand',
      { field: 'incidentId' },
      { key: 'incidents.findingWithoutOrganisation' },
    );
  const scanner = f.kind === 'scanner';
  const scanKind = f.scanKind && SCAN_KIND_VI[f.scanKind];
  const title = scanner
    ? `Rà quét ${scanKind ? `${scanKind} ` : ''}từ địa chỉ ${f.ip}`
    : `Kết nối tới địa chỉ độc hại ${f.indicator ?? ''} từ ${f.ip}`.replace(/\s+/g, ' ');
  const v = ZIncidentInput.parse({
    title: title.slice(0, 300),
    organisationId: f.organisationId,
    detectedAt: f.firstSeen.toISOString(),
    type: scanner ? 'other' : 'malware',
    description: [
      `Chuyển từ cảnh báo SOC (${scanner ? 'nguồn rà quét' : 'kết nối độc hại'}) ${f.ip}${
        f.indicator ? `, chỉ dấu ${f.indicator}` : ''
      }; ghi nhận từ ${formatTimeDay(f.firstSeen)} đến ${formatTimeDay(f.lastSeen)}.`,
      f.note ? `Ghi chú của SOC: ${f.note}` : null,
    ]
      .filter(Boolean)
      .join('\n'),
    affectedOrganisationIds: f.organisationIds,
  });
  const incident = await insertIncident(tx, actor, v, { source: 'soc', socFindingId: f.id }, await ruleBook(tx));
  return { incident, created: true };
}

/** After the escalation committed: a new incident is announced like any other. */
export const announceEscalation = (db: Db, r: { incident: IncidentRow; created: boolean }) =>
  r.created ? announce(db, r.incident, false) : Promise.resolve();

/** The incidents a SOC finding was escalated to, as far as the caller may see them. */
export async function incidentsOfSocFinding(db: Db, scope: Scope, findingId: string) {
  return db
    .select({ id: incidents.id, code: incidents.code, title: incidents.title, state: incidents.state })
    .from(incidentSocFindings)
    .innerJoin(incidents, eq(incidents.id, incidentSocFindings.incidentId))
    .where(and(eq(incidentSocFindings.findingId, findingId), incidentScopeFilter(scope)))
    .orderBy(asc(incidents.code));
}

// ---- Reading -----------------------------------------------------------------------------------------------------

/**
 * What the clocks and the close check read per incident: the first issue of form 03, and the first form 04 issued
 * after the latest end of the response (one from before the response was taken up again describes another end).
 */
async function firstIssues(db: Db, ids: string[]) {
  const out = new Map<string, Partial<Record<'03' | '04', Date>>>();
  if (!ids.length) return out;
  const rows = await db
    .select({
      incidentId: incidentReports.incidentId,
      form: incidentReports.form,
      at: sql<Date>`min(${incidentReports.issuedAt})`.mapWith(incidentReports.issuedAt),
    })
    .from(incidentReports)
    .innerJoin(incidents, eq(incidents.id, incidentReports.incidentId))
    .where(
      and(
        inArray(incidentReports.incidentId, ids),
        or(
          eq(incidentReports.form, '03'),
          and(eq(incidentReports.form, '04'), gte(incidentReports.issuedAt, incidents.responseEndedAt)),
        ),
      ),
    )
    .groupBy(incidentReports.incidentId, incidentReports.form);
  for (const r of rows) out.set(r.incidentId, { ...out.get(r.incidentId), [r.form]: r.at });
  return out;
}

const clocksOf = (book: RuleBook, row: IncidentRow, issued: Partial<Record<'03' | '04', Date>>, now: Date) =>
  incidentClocks(book, { ...row, issued }, now);

const SORTS: Record<z.output<typeof ZIncidentQuery>['sort'], SQL> = {
  detectedAt: sql`${incidents.detectedAt}`,
  code: sql`${incidents.code}`,
  title: sql`lower(${incidents.title})`,
  severity: sql`${incidents.severity}`,
  state: sql`array_position(array['open','responding','responded','closed'], ${incidents.state}::text)`,
  organisation: sql`lower(${organisations.name})`,
};

/** One page of incidents the caller may read, searched and filtered, each with its clocks. */
export async function listIncidents(
  db: Db,
  scope: Scope,
  query: z.output<typeof ZIncidentQuery>,
  now = new Date(),
): Promise<z.output<typeof ZIncidentPage>> {
  const within = query.organisationId ? await scopedOrganisationIds(db, scope, query.organisationId) : null;
  const like = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = and(
    incidentScopeFilter(scope),
    query.state ? eq(incidents.state, query.state) : undefined,
    query.severity ? eq(incidents.severity, query.severity) : undefined,
    like ? or(ilike(incidents.title, like), ilike(incidents.code, like)) : undefined,
    within
      ? within.length
        ? or(
            inArray(incidents.organisationId, within),
            sql`exists (select 1 from ${incidentOrganisations} io where io.incident_id = ${incidents.id} and ${inArray(
              sql`io.organisation_id`,
              within,
            )})`,
          )
        : sql`false`
      : undefined,
  );
  const order = SORTS[query.sort];
  const [rows, [total]] = await Promise.all([
    db
      .select({ incident: incidents, organisationName: organisations.name, systemName: informationSystems.name })
      .from(incidents)
      .innerJoin(organisations, eq(organisations.id, incidents.organisationId))
      .leftJoin(informationSystems, eq(informationSystems.id, incidents.systemId))
      .where(where)
      .orderBy(query.dir === 'asc' ? asc(order) : desc(order), desc(incidents.code))
      .limit(query.limit)
      .offset(query.offset),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(incidents)
      .innerJoin(organisations, eq(organisations.id, incidents.organisationId))
      .where(where),
  ]);
  const book = await ruleBook(db);
  const issued = await firstIssues(
    db,
    rows.map((r) => r.incident.id),
  );
  return {
    total: total?.n ?? 0,
    items: rows.map(({ incident: r, organisationName, systemName }) => ({
      id: r.id,
      code: r.code,
      title: r.title,
      organisationId: r.organisationId,
      organisationName,
      systemName,
      detectedAt: r.detectedAt,
      type: r.type,
      severity: r.severity,
      state: r.state,
      source: r.source,
      affectedOnly: !inScope(scope, r.organisationId),
      clocks: clocksOf(book, r, issued.get(r.id) ?? {}, now),
    })),
  };
}

/** One incident with its links, timeline, tasks, evidence, reports, clocks and what the caller may do. */
export async function getIncident(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  now = new Date(),
): Promise<z.output<typeof ZIncidentDetail>> {
  const row = await incidentRow(db, scope, id);
  const [org] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, row.organisationId));
  const [system] = row.systemId
    ? await db
        .select({ name: informationSystems.name })
        .from(informationSystems)
        .where(eq(informationSystems.id, row.systemId))
    : [];
  const [affectedOrganisations, affectedSystems, socFindings, steps, tasks, evidence, reports] = await Promise.all([
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(incidentOrganisations)
      .innerJoin(organisations, eq(organisations.id, incidentOrganisations.organisationId))
      .where(eq(incidentOrganisations.incidentId, id))
      .orderBy(asc(organisations.name)),
    db
      .select({ id: informationSystems.id, name: informationSystems.name, organisationName: organisations.name })
      .from(incidentSystems)
      .innerJoin(informationSystems, eq(informationSystems.id, incidentSystems.systemId))
      .innerJoin(organisations, eq(organisations.id, informationSystems.organisationId))
      .where(eq(incidentSystems.incidentId, id))
      .orderBy(asc(informationSystems.name)),
    db
      .select({ id: incidentSocFindings.findingId })
      .from(incidentSocFindings)
      .where(eq(incidentSocFindings.incidentId, id)),
    db
      .select({
        id: incidentSteps.id,
        step: incidentSteps.step,
        at: incidentSteps.at,
        note: incidentSteps.note,
        actorName: users.displayName,
        createdAt: incidentSteps.createdAt,
      })
      .from(incidentSteps)
      .leftJoin(users, eq(users.id, incidentSteps.actorId))
      .where(eq(incidentSteps.incidentId, id))
      .orderBy(asc(incidentSteps.at), asc(incidentSteps.createdAt)),
    db
      .select({
        id: incidentTasks.id,
        title: incidentTasks.title,
        memberId: incidentTasks.memberId,
        memberName: responseTeamMembers.fullName,
        assigneeId: incidentTasks.assigneeId,
        assigneeName: users.displayName,
        dueOn: incidentTasks.dueOn,
        doneAt: incidentTasks.doneAt,
        createdAt: incidentTasks.createdAt,
      })
      .from(incidentTasks)
      .leftJoin(responseTeamMembers, eq(responseTeamMembers.id, incidentTasks.memberId))
      .leftJoin(users, eq(users.id, incidentTasks.assigneeId))
      .where(eq(incidentTasks.incidentId, id))
      .orderBy(asc(incidentTasks.createdAt)),
    db
      .select({
        id: incidentEvidence.id,
        fileName: incidentEvidence.fileName,
        mediaType: incidentEvidence.mediaType,
        size: incidentEvidence.size,
        sha256: incidentEvidence.sha256,
        note: incidentEvidence.note,
        uploadedByName: users.displayName,
        uploadedAt: incidentEvidence.uploadedAt,
      })
      .from(incidentEvidence)
      .leftJoin(users, eq(users.id, incidentEvidence.uploadedBy))
      .where(eq(incidentEvidence.incidentId, id))
      .orderBy(asc(incidentEvidence.uploadedAt)),
    db
      .select({
        id: incidentReports.id,
        form: incidentReports.form,
        issuedAt: incidentReports.issuedAt,
        recipients: incidentReports.recipients,
        sha256: incidentReports.sha256,
      })
      .from(incidentReports)
      .where(eq(incidentReports.incidentId, id))
      .orderBy(asc(incidentReports.issuedAt)),
  ]);
  const book = await ruleBook(db);
  const issued = (await firstIssues(db, [id])).get(id) ?? {};
  const severityRule = book.on('incident_severity', provinceDay(row.detectedAt))[0] ?? null;
  const today = provinceDay(now);
  return {
    ...row,
    organisationName: org?.name ?? '',
    systemName: system?.name ?? null,
    affectedOrganisations,
    affectedSystems,
    socFindingIds: socFindings.map((f) => f.id),
    steps,
    tasks: tasks.map((t) => ({ ...t, overdue: !t.doneAt && !!t.dueOn && t.dueOn < today })),
    evidence,
    reports,
    clocks: clocksOf(book, row, issued, now),
    severityRule: severityRule
      ? {
          key: severityRule.key,
          vi: severityRule.vi,
          en: severityRule.en,
          legalBasis: severityRule.legalBasis,
          confirmed: severityRule.confirmed,
          note: severityRule.note,
        }
      : null,
    access: {
      edit: mayEdit(actor, scope, row) && row.state !== 'closed',
      manage: can(actor.role, 'incident.manage'),
      transitions: transitionsFor(actor, scope, row).filter(
        (s): s is 'responding' | 'responded' | 'closed' => s !== 'open',
      ),
    },
  };
}

// ---- Transitions -------------------------------------------------------------------------------------------------

/**
 * Moves an incident: open → responding → responded (records when the response ended; the closing report's clock
 * starts) → closed. Closing is a coordinator's and needs form 04 issued for the incident (TT 20/2017 Art. 9.2.b:
 * the case counts as handled only with the closing report). A response can be taken up again (responded →
 * responding). Audited.
 */
export async function transitionIncident(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  raw: IncidentTransition,
): Promise<Incident> {
  const { to, at } = ZIncidentTransition.parse(raw);
  const before = await incidentRow(db, scope, id);
  if (!mayEdit(actor, scope, before))
    throw new AppError('FORBIDDEN', 'Only the operating agency or a coordinator changes this incident', undefined, {
      key: 'incidents.readOnly',
    });
  if (to === 'closed' && !can(actor.role, 'incident.manage'))
    throw new AppError('FORBIDDEN', 'Closing an incident is for the coordinators', undefined, {
      key: 'incidents.closeManageOnly',
    });
  if (!transitionsFor(actor, scope, before).includes(to))
    throw new AppError('CONFLICT', `An incident in state ${before.state} cannot move to ${to}`, undefined, {
      key: 'incidents.wrongState',
      params: { from: before.state, to },
    });
  const when = at ? new Date(at) : new Date();
  checkRecordedTime(when, before.detectedAt);
  return db.transaction(async (tx) => {
    if (to === 'closed') {
      const closing = (await firstIssues(tx, [id])).get(id)?.['04'];
      if (!closing)
        throw new AppError('CONFLICT', 'Closing needs the closing report (form 04) issued first', undefined, {
          key: 'incidents.closingReportRequired',
        });
    }
    const [after] = await tx
      .update(incidents)
      .set({
        state: to,
        updatedAt: new Date(),
        ...(to === 'responded' ? { responseEndedAt: when } : {}),
        ...(to === 'responding' ? { responseEndedAt: null } : {}),
        ...(to === 'closed' ? { closedAt: when } : {}),
      })
      // The state read above must still hold: two people moving it at once cannot both succeed.
      .where(and(eq(incidents.id, id), eq(incidents.state, before.state)))
      .returning();
    if (!after)
      throw new AppError('CONFLICT', 'The incident changed meanwhile', undefined, { key: 'incidents.changed' });
    await recordAudit(tx, auditActor(actor), {
      action: 'incident.transition',
      entityType: 'incident',
      entityId: id,
      organisationId: after.organisationId,
      before: { state: before.state, responseEndedAt: before.responseEndedAt, closedAt: before.closedAt },
      after: { state: after.state, responseEndedAt: after.responseEndedAt, closedAt: after.closedAt },
    });
    return after;
  });
}

/** Clock skew tolerated between a browser and the server. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * A step or a state change happened between the detection and now: a time in the future would move the statutory
 * clocks (the closing report's days run from the response's end).
 */
function checkRecordedTime(when: Date, detectedAt: Date) {
  if (when < detectedAt)
    throw new AppError(
      'VALIDATION',
      'The time is before the detection',
      { field: 'at' },
      {
        key: 'incidents.beforeDetection',
      },
    );
  if (when.getTime() > Date.now() + FUTURE_TOLERANCE_MS)
    throw new AppError('VALIDATION', 'The time is in the future', { field: 'at' }, { key: 'incidents.inFuture' });
}

// ---- Timeline, tasks, evidence -----------------------------------------------------------------------------------

/** Records a response step (TT 20/2017 Art. 11) with its time, note and who recorded it. Audited. */
export async function addStep(db: Db, actor: Actor, scope: Scope, id: string, raw: IncidentStepInput) {
  const v = ZIncidentStepInput.parse(raw);
  const incident = await incidentRow(db, scope, id);
  assertEditable(actor, scope, incident);
  const at = new Date(v.at);
  checkRecordedTime(at, incident.detectedAt);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(incidentSteps)
      .values({ incidentId: id, step: v.step, at, note: v.note, actorId: actor.userId })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'incident.step',
      entityType: 'incident',
      entityId: id,
      organisationId: incident.organisationId,
      after: row,
    });
    return { ...row, actorName: actor.displayName };
  });
}

/** A task's owner: a team member, or a user among those `incidentAssignees` offers (never another agency's). */
async function checkOwner(db: Db, incident: IncidentRow, v: { memberId?: string | null; assigneeId?: string | null }) {
  if (v.memberId) {
    const [m] = await db
      .select({ id: responseTeamMembers.id })
      .from(responseTeamMembers)
      .where(eq(responseTeamMembers.id, v.memberId));
    if (!m)
      throw new AppError(
        'VALIDATION',
        'Unknown team member',
        { field: 'memberId' },
        { key: 'incidents.unknownMember' },
      );
  }
  if (v.assigneeId) {
    const [u] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, v.assigneeId), eq(users.disabled, false), assignableUser(incident)));
    if (!u) throw new AppError('VALIDATION', 'Unknown user', { field: 'assigneeId' }, { key: 'incidents.unknownUser' });
  }
}

/** The users who may own a task: the operating agency's and the coordinators (who may manage every incident). */
const assignableUser = (incident: IncidentRow) =>
  or(eq(users.organisationId, incident.organisationId), inArray(users.role, [...PERMISSIONS['incident.manage']]));

/** Tells a task's owner (the user, or the member's linked account) that it is theirs. */
async function notifyTaskOwner(db: Db, incident: IncidentRow, task: typeof incidentTasks.$inferSelect) {
  const [member] = task.memberId
    ? await db
        .select({ userId: responseTeamMembers.userId })
        .from(responseTeamMembers)
        .where(eq(responseTeamMembers.id, task.memberId))
    : [];
  const owners = [task.assigneeId, member?.userId].filter((u): u is string => !!u);
  await notifyUsers(db, owners, {
    kind: 'incident_task',
    title: `Nhiệm vụ ứng cứu sự cố ${incident.code}: ${task.title}`,
    body: task.dueOn ? `Hạn hoàn thành: ${formatDay(task.dueOn)}.` : 'Nhiệm vụ được giao cho bạn trong ứng cứu sự cố.',
    link: incidentPath(incident.id),
    dedupeKey: `incident-task:${task.id}:${task.memberId ?? ''}:${task.assigneeId ?? ''}`,
    urgent: incident.severity === 'serious',
  });
}

/** Adds a task with its owner (a team member by default, or a user) and due day; the owner is notified. Audited. */
export async function addTask(db: Db, actor: Actor, scope: Scope, id: string, raw: IncidentTaskInput) {
  const v = ZIncidentTaskInput.parse(raw);
  const incident = await incidentRow(db, scope, id);
  assertEditable(actor, scope, incident);
  await checkOwner(db, incident, v);
  const task = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(incidentTasks)
      .values({ incidentId: id, ...v, createdBy: userRef(actor) })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'incident.task.create',
      entityType: 'incident',
      entityId: id,
      organisationId: incident.organisationId,
      after: row,
    });
    return row;
  });
  await notifyTaskOwner(db, incident, task);
  return task;
}

/** Marks a task done (or not), renames, reassigns or re-dates it. Audited. */
export async function updateTask(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  taskId: string,
  raw: IncidentTaskUpdate,
) {
  const v = ZIncidentTaskUpdate.parse(raw);
  const incident = await incidentRow(db, scope, id);
  assertEditable(actor, scope, incident);
  await checkOwner(db, incident, v);
  const { done, ...fields } = v;
  const result = await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(incidentTasks)
      .where(and(eq(incidentTasks.id, taskId), eq(incidentTasks.incidentId, id)));
    if (!before) throw new AppError('NOT_FOUND', 'Task not found', undefined, { key: 'incidents.taskNotFound' });
    const [after] = await tx
      .update(incidentTasks)
      .set({
        ...fields,
        ...(done === undefined ? {} : { doneAt: done ? (before.doneAt ?? new Date()) : null }),
      })
      .where(eq(incidentTasks.id, taskId))
      .returning();
    if (!after) throw new AppError('NOT_FOUND', 'Task not found', undefined, { key: 'incidents.taskNotFound' });
    await recordAudit(tx, auditActor(actor), {
      action: 'incident.task.update',
      entityType: 'incident',
      entityId: id,
      organisationId: incident.organisationId,
      before,
      after,
    });
    return { before, after };
  });
  const reassigned =
    result.after.memberId !== result.before.memberId || result.after.assigneeId !== result.before.assigneeId;
  if (reassigned) await notifyTaskOwner(db, incident, result.after);
  return result.after;
}

/** Evidence media types worth naming; anything else is kept as bytes. */
const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  pcap: 'application/vnd.tcpdump.pcap',
  pcapng: 'application/vnd.tcpdump.pcap',
  zip: 'application/zip',
  gz: 'application/gzip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  eml: 'message/rfc822',
};

/** Keeps an evidence file with its SHA-256 (bounded size; never changed or removed afterwards). Audited. */
export async function addEvidence(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  input: { fileName: string; note?: string; content: Buffer },
) {
  const incident = await incidentRow(db, scope, id);
  assertEditable(actor, scope, incident);
  const fileName = input.fileName.replace(/^.*[\\/]/, '').trim();
  if (!fileName)
    throw new AppError(
      'VALIDATION',
      'The file name is required (?fileName=)',
      { field: 'fileName' },
      {
        key: 'incidents.fileNameRequired',
      },
    );
  if (!input.content.length)
    throw new AppError('VALIDATION', 'The file is empty', undefined, { key: 'incidents.fileEmpty' });
  if (input.content.length > EVIDENCE_MAX_BYTES)
    throw new AppError('VALIDATION', `The file exceeds ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB`, undefined, {
      key: 'incidents.fileTooLarge',
      params: { mb: EVIDENCE_MAX_BYTES / 1024 / 1024 },
    });
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const ext = fileName.includes('.') ? (fileName.split('.').pop()?.toLowerCase() ?? '') : '';
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(incidentEvidence)
      .values({
        incidentId: id,
        fileName,
        mediaType: MEDIA_TYPES[ext] ?? 'application/octet-stream',
        size: input.content.length,
        sha256,
        content: input.content,
        note: input.note?.trim() || null,
        uploadedBy: userRef(actor),
      })
      .returning({
        id: incidentEvidence.id,
        fileName: incidentEvidence.fileName,
        mediaType: incidentEvidence.mediaType,
        size: incidentEvidence.size,
        sha256: incidentEvidence.sha256,
        note: incidentEvidence.note,
        uploadedAt: incidentEvidence.uploadedAt,
      });
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'incident.evidence',
      entityType: 'incident',
      entityId: id,
      organisationId: incident.organisationId,
      after: row,
    });
    return { ...row, uploadedByName: actor.displayName };
  });
}

/** An evidence file of an incident the caller may read. */
export async function getEvidence(db: Db, scope: Scope, id: string, evidenceId: string) {
  await incidentRow(db, scope, id);
  const [row] = await db
    .select()
    .from(incidentEvidence)
    .where(and(eq(incidentEvidence.id, evidenceId), eq(incidentEvidence.incidentId, id)));
  if (!row) throw new AppError('NOT_FOUND', 'Evidence not found', undefined, { key: 'incidents.evidenceNotFound' });
  return row;
}

/**
 * Who may own a task of this incident: the response team serving today (on call now first), then the operating
 * agency's users and the coordinators.
 */
export async function incidentAssignees(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  now = new Date(),
): Promise<z.output<typeof ZIncidentAssignees>> {
  const incident = await incidentRow(db, scope, id);
  if (!mayEdit(actor, scope, incident))
    throw new AppError('FORBIDDEN', 'Only the operating agency or a coordinator assigns tasks', undefined, {
      key: 'incidents.readOnly',
    });
  const today = provinceDay(now);
  const [members, onCall, people] = await Promise.all([
    db
      .select({
        id: responseTeamMembers.id,
        fullName: responseTeamMembers.fullName,
        organisationName: organisations.name,
        teamRole: responseTeamMembers.teamRole,
      })
      .from(responseTeamMembers)
      .innerJoin(organisations, eq(organisations.id, responseTeamMembers.organisationId))
      .where(
        and(
          sql`${responseTeamMembers.validFrom} <= ${today}`,
          or(isNull(responseTeamMembers.validTo), sql`${responseTeamMembers.validTo} >= ${today}`),
        ),
      )
      .orderBy(asc(responseTeamMembers.fullName)),
    db
      .select({ memberId: onCallShifts.memberId })
      .from(onCallShifts)
      .where(sql`${onCallShifts.startsAt} <= ${now} and ${onCallShifts.endsAt} > ${now}`),
    db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(and(eq(users.disabled, false), assignableUser(incident)))
      .orderBy(asc(users.displayName)),
  ]);
  const onCallIds = new Set(onCall.map((s) => s.memberId));
  return {
    members: members
      .map((m) => ({ ...m, onCall: onCallIds.has(m.id) }))
      .sort((a, b) => Number(b.onCall) - Number(a.onCall)),
    users: people,
  };
}

// ---- Deadline check ----------------------------------------------------------------------------------------------

const CLOCK_VI: Record<ClockView['clock'], string> = {
  notification: 'Thông báo sự cố',
  initial_report: 'Báo cáo ban đầu (mẫu 03)',
  closing_report: 'Báo cáo kết thúc ứng phó (mẫu 04)',
  periodic_report: 'Báo cáo định kỳ (mẫu 05)',
  contact_change: 'Cập nhật đầu mối liên lạc',
};
export const clockName = (c: ClockView['clock']) => CLOCK_VI[c];

/**
 * The incidents' part of the hourly deadline check: every clock of an incident not closed that is near its due time
 * tells the operating agency once; one overdue tells it and the coordinators, once a day. Idempotent (dedupe keys).
 */
export async function runIncidentClockCheck(db: Db, now: Date) {
  const today = provinceDay(now);
  const book = await ruleBook(db);
  const open = await db.select().from(incidents).where(sql`${incidents.state} <> 'closed'`);
  const issued = await firstIssues(
    db,
    open.map((i) => i.id),
  );
  let notices = 0;
  for (const row of open)
    for (const c of clocksOf(book, row, issued.get(row.id) ?? {}, now)) {
      if (c.state !== 'near' && c.state !== 'overdue') continue;
      const overdue = c.state === 'overdue';
      const notice = {
        kind: overdue ? 'incident_clock_overdue' : 'incident_clock_near',
        title: `${overdue ? 'Quá hạn' : 'Sắp đến hạn'}: ${CLOCK_VI[c.clock]} — sự cố ${row.code}`,
        body: `Hạn ${formatTimeDay(c.dueAt)} (${c.rule.legalBasis}). Sự cố: ${row.title}.`,
        link: incidentPath(row.id),
        dedupeKey: `incident-clock:${row.id}:${c.clock}:${overdue ? `overdue:${today}` : 'near'}`,
        urgent: overdue || row.severity === 'serious',
      };
      const officers = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.organisationId, row.organisationId), eq(users.role, 'agency')));
      notices += await notifyUsers(
        db,
        [...officers.map((u) => u.id), ...(row.createdBy ? [row.createdBy] : [])],
        notice,
      );
      if (overdue) notices += await notifyRoles(db, ['department', 'soc'], notice);
    }
  return { incidents: open.length, notices };
}

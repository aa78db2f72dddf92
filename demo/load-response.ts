import { eq } from 'drizzle-orm';
import type { Db } from '../src/core/db/client.ts';
import { provinceDay } from '../src/core/time.ts';
import {
  acknowledgeAdvisory,
  createAdvisory,
  getAdvisory,
  listAdvisories,
  publishAdvisory,
  respondToTarget,
} from '../src/modules/advisories/index.ts';
import { type Actor, actorFromUser, resolveScope, type Scope, users } from '../src/modules/auth/index.ts';
import {
  addStep,
  addTask,
  createIncident,
  createMember,
  createShift,
  issueIncidentForm,
  listIncidents,
  markContactReported,
  teamOverview,
  transitionIncident,
  updateIncident,
  updateMember,
  updateTask,
} from '../src/modules/incidents/index.ts';
import { organisationByCodeOn } from '../src/modules/organisations/index.ts';
import { type BodyRole, ruleBook } from '../src/modules/rules/index.ts';
import { listSocFindings, triageSocFinding } from '../src/modules/soc/index.ts';
import { listSystems } from '../src/modules/systems/index.ts';
import {
  ADVISORY_ACKNOWLEDGEMENTS,
  apacheAdvisory,
  communePortalIncident,
  contactIncident,
  type DemoIncident,
  type DemoMember,
  defacementIncident,
  type NarrativeContext,
  type OrgRef,
  phishingIncident,
  ROTA,
  TEAM_LAO_CAI,
  TEAM_YEN_BAI,
} from './response-data.ts';

/**
 * The demo's incident response and advisories, through the real services and acting as the demo accounts (the SOC
 * analyst escalates, the Department keeps the roster and coordinates, an agency reports and acknowledges), so every
 * record, audit entry and notification is what the product itself makes. Loading again adds nothing: members are
 * known by name, unit and start, incidents by title, the advisory by its number, shifts by their start.
 */

const ALL: Scope = { all: true };
const WEEK_MS = 7 * 86_400_000;

export type ResponseCounts = { members: number; shifts: number; incidents: number; advisories: number };

async function demoAccount(db: Db, username: string): Promise<{ actor: Actor; scope: Scope }> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  if (!user) throw new Error(`demo account ${username} is missing`);
  const actor = actorFromUser(user, null);
  return { actor, scope: await resolveScope(db, actor) };
}

async function orgId(db: Db, ref: OrgRef): Promise<string> {
  const org = await organisationByCodeOn(db, ref.code, ref.on);
  if (!org) throw new Error(`demo organisation ${ref.code} is not in force on ${ref.on}`);
  return org.id;
}

async function narrativeContext(db: Db): Promise<NarrativeContext> {
  const book = await ruleBook(db);
  const name = (role: BodyRole, day: string) => {
    const body = book.body(role, day);
    if (!body) throw new Error(`no ${role} on ${day}`);
    return body;
  };
  return {
    coordinator: (day) => name('national_incident_coordinator', day).shortName,
    provinceCommittee: (day) => name('province_committee', day).name,
    securityAuthority: (day) => name('ministry_security_authority', day).name,
  };
}

/** Adds the roster entries not there yet; a member with a previous phone then changes it (the contact clock). */
async function loadMembers(db: Db, members: DemoMember[]): Promise<number> {
  const { actor } = await demoAccount(db, 'demo.department');
  const roster = (await teamOverview(db, { days: 1 })).members;
  let added = 0;
  for (const m of members) {
    const organisationId = await orgId(db, m.organisation);
    if (
      roster.some(
        (r) => r.fullName === m.fullName && r.validFrom === m.validFrom && r.organisationId === organisationId,
      )
    )
      continue;
    const userId = m.username ? (await demoAccount(db, m.username)).actor.userId : null;
    const input = {
      userId,
      fullName: m.fullName,
      organisationId,
      teamRole: m.teamRole,
      position: m.position,
      expertise: m.expertise,
      phone: m.previousPhone ?? m.phone,
      email: m.email,
      validFrom: m.validFrom,
      validTo: m.validTo,
    };
    const row = await createMember(db, actor, input);
    if (m.previousPhone) {
      await updateMember(db, actor, row.id, { ...input, phone: m.phone });
      // Reported to the coordinating body at once, so the demo's reminder does not turn into a daily overdue notice.
      await markContactReported(db, actor, row.id, {});
    }
    added++;
  }
  return added;
}

/** The Monday 08:00 (province time) that starts the week of `now`. */
function weekStart(now: Date): Date {
  const day = provinceDay(now);
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = new Date(Date.parse(`${day}T00:00:00Z`) - weekday * 86_400_000).toISOString().slice(0, 10);
  const start = new Date(`${monday}T08:00:00+07:00`);
  return start > now ? new Date(start.getTime() - WEEK_MS) : start;
}

/**
 * The 24/7 rota from last week to three weeks ahead, one member a week in turn by the week's number: the same weeks
 * get the same members whenever the demo is loaded, and a week that already has a shift is left as it is.
 */
async function loadRota(db: Db, now = new Date()): Promise<number> {
  const { actor } = await demoAccount(db, 'demo.department');
  const first = new Date(weekStart(now).getTime() - WEEK_MS);
  const team = await teamOverview(db, { from: first.toISOString(), days: 35 }, now);
  let added = 0;
  for (let w = 0; w < 5; w++) {
    const startsAt = new Date(first.getTime() + w * WEEK_MS);
    if (team.shifts.some((s) => s.startsAt.getTime() === startsAt.getTime())) continue;
    const name = ROTA[Math.round(startsAt.getTime() / WEEK_MS) % ROTA.length];
    const member = team.members.find((m) => m.fullName === name && m.active);
    if (!member) throw new Error(`rota member ${name} is not on the roster`);
    await createShift(db, actor, {
      memberId: member.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + WEEK_MS).toISOString(),
    });
    added++;
  }
  return added;
}

async function incidentTitles(db: Db): Promise<Set<string>> {
  const page = await listIncidents(db, ALL, { sort: 'detectedAt', dir: 'asc', limit: 500, offset: 0 });
  return new Set(page.items.map((i) => i.title));
}

async function systemId(db: Db, name: string): Promise<string> {
  const found = (await listSystems(db, ALL, { q: name })).find((s) => s.name === name);
  if (!found) throw new Error(`demo system "${name}" is missing`);
  return found.id;
}

/** The report's fields with their references resolved (no operator: the one it was opened for stays). */
async function reportFields(db: Db, d: DemoIncident) {
  const system = d.system ? await systemId(db, d.system) : null;
  return {
    ...d.fields,
    ...(d.organisation ? { organisationId: await orgId(db, d.organisation) } : {}),
    systemId: system,
    affectedOrganisationIds: await Promise.all(d.affectedOrganisations.map((o) => orgId(db, o))),
    affectedSystemIds: system ? [system] : [],
  };
}

/** The response as the coordinator records it: notified, the timeline in order (steps, moves, forms), the tasks. */
async function recordResponse(db: Db, id: string, d: DemoIncident) {
  const { actor, scope } = await demoAccount(db, d.coordinator);
  if (d.notifiedAt) await updateIncident(db, actor, scope, id, { notifiedAt: d.notifiedAt });
  for (const e of d.events) {
    if ('step' in e) await addStep(db, actor, scope, id, e);
    else if ('to' in e) await transitionIncident(db, actor, scope, id, e);
    else await issueIncidentForm(db, actor, scope, id, e.form, 'docx', new Date(e.at));
  }
  const roster = (await teamOverview(db, { days: 1 })).members.filter((m) => m.active);
  for (const t of d.tasks) {
    const member = t.member ? roster.find((m) => m.fullName === t.member) : undefined;
    if (t.member && !member) throw new Error(`task owner ${t.member} is not on the roster`);
    const assignee = t.assignee ? (await demoAccount(db, t.assignee)).actor.userId : null;
    const task = await addTask(db, actor, scope, id, {
      title: t.title,
      memberId: member?.id ?? null,
      assigneeId: assignee,
      dueOn: t.dueOn,
    });
    if (t.done) await updateTask(db, actor, scope, id, task.id, { done: true });
  }
}

/** Reports an incident (as its reporter) and records its response, unless one with its title exists. */
async function loadIncident(db: Db, d: DemoIncident, titles: Set<string>): Promise<number> {
  if (titles.has(d.fields.title)) return 0;
  const { actor, scope } = await demoAccount(db, d.reporter);
  const fields = await reportFields(db, d);
  if (!fields.organisationId) throw new Error(`demo incident "${d.fields.title}" names no operator`);
  const incident = await createIncident(db, actor, scope, {
    ...fields,
    organisationId: fields.organisationId,
    detectedAt: d.detectedAt,
  });
  await recordResponse(db, incident.id, d);
  return 1;
}

/**
 * 2024: the SOC escalates the first malicious contact of the demo logs (a finding still untriaged), which opens the
 * incident; the Department completes the report and records the response to its closing.
 */
async function loadEscalation(db: Db, ctx: NarrativeContext): Promise<number> {
  const soc = await demoAccount(db, 'demo.soc');
  const { items } = await listSocFindings(db, ALL, {
    kind: 'malicious_contact',
    sort: 'firstSeen',
    dir: 'asc',
    limit: 1,
    offset: 0,
  });
  const f = items[0];
  if (!f?.indicator || !f.organisationName || f.status !== 'new') return 0;
  const d = contactIncident(
    { ip: f.ip, indicator: f.indicator, organisationName: f.organisationName, firstSeen: f.firstSeen },
    ctx,
  );
  const triaged = await triageSocFinding(db, soc.actor, soc.scope, f.id, {
    status: 'escalated',
    note: 'Máy trạm kết nối tới máy chủ C2 đã biết: chuyển ứng cứu sự cố.',
  });
  if (!triaged.incidentId) throw new Error('the escalation opened no incident');
  const { actor, scope } = await demoAccount(db, d.coordinator);
  await updateIncident(db, actor, scope, triaged.incidentId, await reportFields(db, d));
  await recordResponse(db, triaged.incidentId, d);
  return 1;
}

/** The advisory typed in from the national body's letter, published, acknowledged by some of its agencies. */
async function loadAdvisory(db: Db, ctx: NarrativeContext): Promise<number> {
  const { actor } = await demoAccount(db, 'demo.department');
  const input = apacheAdvisory(ctx);
  const { items } = await listAdvisories(db, ALL, {
    q: input.sourceNumber ?? '',
    sort: 'createdAt',
    limit: 1,
    offset: 0,
  });
  if (items.length) return 0;
  const advisory = await createAdvisory(db, actor, input);
  await publishAdvisory(db, actor, advisory.id);
  for (const a of ADVISORY_ACKNOWLEDGEMENTS) {
    const agency = await demoAccount(db, a.username);
    const organisationId = await orgId(db, a.organisation);
    await acknowledgeAdvisory(db, agency.actor, agency.scope, advisory.id, { organisationId });
    if (!a.answer) continue;
    const { targets } = await getAdvisory(db, agency.actor, agency.scope, advisory.id);
    for (const t of targets.filter((x) => x.organisationId === organisationId))
      await respondToTarget(db, agency.actor, agency.scope, advisory.id, t.id, a.answer);
  }
  return 1;
}

/** The 2024 part: Yên Bái's team and the incident the SOC escalated in February 2024 (needs the 2024 accounts). */
export async function loadResponse2024(db: Db): Promise<ResponseCounts> {
  const members = await loadMembers(db, TEAM_YEN_BAI);
  const incidents = await loadEscalation(db, await narrativeContext(db));
  return { members, shifts: 0, incidents, advisories: 0 };
}

/**
 * After the merger: Lào Cai's team and its current rota, the 2025 and 2026 incidents, one reported yesterday by a
 * commune, and the advisory (needs every demo account).
 */
export async function loadResponseLaoCai(db: Db, now = new Date()): Promise<ResponseCounts> {
  const members = await loadMembers(db, TEAM_LAO_CAI);
  const shifts = await loadRota(db, now);
  const ctx = await narrativeContext(db);
  const titles = await incidentTitles(db);
  let incidents = 0;
  for (const d of [defacementIncident(ctx), phishingIncident(ctx), communePortalIncident(provinceDay(now))])
    incidents += await loadIncident(db, d, titles);
  return { members, shifts, incidents, advisories: await loadAdvisory(db, ctx) };
}

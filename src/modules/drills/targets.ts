import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { organisationIdIn, type Scope, scopedOrganisationIds } from '../auth/index.ts';
import { responseTeamMembers } from '../incidents/index.ts';
import { carriersOn, inForceOn, organisations } from '../organisations/index.ts';
import { type AppliedRule, ruleBook } from '../rules/index.ts';
import { staffMembers } from '../staff/index.ts';
import { systemStatuses } from '../systems/index.ts';
import type { ZDrillTargets } from './drills.contract.ts';
import { drillParticipants, drillSystems, drills } from './drills.schema.ts';

type Targets = z.output<typeof ZDrillTargets>;
type Rate = Targets['staff']['total'];

/** Drills that took place (running or completed; a cancelled or merely planned one counts for nobody). */
const HELD = sql`${drills.state} in ('running', 'completed')`;

const ruleView = (r: AppliedRule<'programme_target'> | undefined) =>
  r
    ? {
        key: r.key,
        vi: r.vi,
        en: r.en,
        legalBasis: r.legalBasis,
        confirmed: r.confirmed,
        target: r.data.target,
        minSystemLevel: r.data.minSystemLevel ?? null,
      }
    : null;

/**
 * Drill targets as they stood at the end of `on`:
 * - officials (appointments in force that day, of the scope narrowed to a subtree of that day's tree) who attended a
 *   drill held between 1 January of that year and that day, against the `staff_drill_participation` rule of the
 *   day — in total, province level (units that are not communes) and commune level, and per unit (own and subtree).
 *   A person is counted once per group, matched by e-mail across appointments and drills;
 * - each response-team member serving that day: the drills of that year up to that day attended on a target system
 *   whose approved level ON THE DRILL'S DAY was at least the `team_member_drills` rule's minimum.
 */
export async function drillTargets(
  db: Db,
  scope: Scope,
  query: { on?: string; organisationId?: string },
): Promise<Targets> {
  const on = query.on ?? provinceDay();
  const yearStart = `${on.slice(0, 4)}-01-01`;
  const book = await ruleBook(db);
  const rules = book.on('programme_target', on);
  const staffRule = rules.find((r) => r.data.indicator === 'staff_drill_participation');
  const teamRule = rules.find((r) => r.data.indicator === 'team_member_drills');
  const ids = await scopedOrganisationIds(db, scope, query.organisationId, on);

  const staff = await db
    .select({ email: staffMembers.email, organisationId: staffMembers.organisationId })
    .from(staffMembers)
    .where(and(inForceOn(staffMembers, on), organisationIdIn(sql`${staffMembers.organisationId}`, ids)));
  const attendance = await db
    .select({ email: drillParticipants.email, drillId: drills.id, title: drills.title, drillDay: drills.drillDay })
    .from(drillParticipants)
    .innerJoin(drills, eq(drills.id, drillParticipants.drillId))
    .where(
      and(
        eq(drillParticipants.attended, true),
        HELD,
        sql`${drills.drillDay} between ${yearStart}::date and ${on}::date`,
      ),
    )
    .orderBy(asc(drills.drillDay), asc(drills.id));
  const attended = new Set(attendance.map((a) => a.email));

  const units = await db
    .select({
      id: organisations.id,
      name: organisations.name,
      type: organisations.type,
      parentId: organisations.parentId,
    })
    .from(organisations)
    .where(inForceOn(organisations, on))
    .orderBy(asc(organisations.code));
  const carriers = await carriersOn(db, on);
  const unitOf = new Map(units.map((u) => [u.id, u]));
  const rate = (emails: Set<string>): Rate => {
    const n = [...emails].filter((e) => attended.has(e)).length;
    const percent = emails.size ? Math.round((n / emails.size) * 1000) / 10 : null;
    return {
      registered: emails.size,
      attended: n,
      percent,
      met: percent === null || !staffRule ? null : percent >= staffRule.data.target,
    };
  };
  const own = new Map<string, Set<string>>();
  const all = new Set<string>();
  const provinceLevel = new Set<string>();
  const communeLevel = new Set<string>();
  for (const s of staff) {
    const unit = carriers.get(s.organisationId) ?? s.organisationId;
    all.add(s.email);
    (unitOf.get(unit)?.type === 'commune' ? communeLevel : provinceLevel).add(s.email);
    own.set(unit, (own.get(unit) ?? new Set()).add(s.email));
  }
  // The tree of that day, limited to the scope: a unit whose parent is outside it is a root here.
  const shown = units.filter((u) => ids === null || ids.includes(u.id));
  const shownIds = new Set(shown.map((u) => u.id));
  const children = new Map<string, string[]>();
  for (const u of shown)
    if (u.parentId && shownIds.has(u.parentId)) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const subtree = new Map<string, Set<string>>();
  const collect = (id: string, seen: Set<string>): Set<string> => {
    const known = subtree.get(id);
    if (known) return known;
    const out = new Set(own.get(id) ?? []);
    seen.add(id);
    for (const c of children.get(id) ?? []) if (!seen.has(c)) for (const e of collect(c, seen)) out.add(e);
    subtree.set(id, out);
    return out;
  };
  const ordered: Targets['staff']['organisations'] = [];
  const walk = (id: string, depth: number) => {
    const u = unitOf.get(id);
    if (!u) return;
    ordered.push({
      organisationId: u.id,
      name: u.name,
      type: u.type,
      parentId: u.parentId,
      depth,
      own: rate(own.get(u.id) ?? new Set()),
      subtree: rate(collect(u.id, new Set())),
    });
    for (const c of children.get(id) ?? []) walk(c, depth + 1);
  };
  for (const u of shown) if (!u.parentId || !shownIds.has(u.parentId)) walk(u.id, 0);

  return {
    on,
    yearStart,
    staffRule: ruleView(staffRule),
    teamRule: ruleView(teamRule),
    staff: {
      total: rate(all),
      provinceLevel: rate(provinceLevel),
      communeLevel: rate(communeLevel),
      organisations: ordered,
    },
    team: await teamTargets(db, ids, on, attendance, teamRule?.data ?? null),
  };
}

async function teamTargets(
  db: Db,
  ids: string[] | null,
  on: string,
  attendance: { email: string; drillId: string; title: string; drillDay: string }[],
  rule: { target: number; minSystemLevel?: number | undefined } | null,
): Promise<Targets['team']> {
  const minLevel = rule ? (rule.minSystemLevel ?? 0) : null;
  const members = await db
    .select({
      id: responseTeamMembers.id,
      fullName: responseTeamMembers.fullName,
      email: responseTeamMembers.email,
      organisationName: organisations.name,
    })
    .from(responseTeamMembers)
    .innerJoin(organisations, eq(organisations.id, responseTeamMembers.organisationId))
    .where(and(inForceOn(responseTeamMembers, on), organisationIdIn(sql`${responseTeamMembers.organisationId}`, ids)))
    .orderBy(asc(responseTeamMembers.fullName), asc(responseTeamMembers.id));
  // Each held drill's highest target level on its own day (a system's level is read from the systems' history).
  const drillIds = [...new Set(attendance.map((a) => a.drillId))];
  const targets = drillIds.length
    ? await db
        .select({ drillId: drillSystems.drillId, systemId: drillSystems.systemId })
        .from(drillSystems)
        .where(inArray(drillSystems.drillId, drillIds))
    : [];
  const dayOf = new Map(attendance.map((a) => [a.drillId, a.drillDay]));
  const levelOf = new Map<string, number>();
  for (const day of new Set(dayOf.values())) {
    const onDay = targets.filter((t) => dayOf.get(t.drillId) === day);
    const statuses = await systemStatuses(db, [...new Set(onDay.map((t) => t.systemId))], day);
    for (const t of onDay) {
      const level = statuses.get(t.systemId)?.approvedLevel ?? null;
      if (level !== null && level > (levelOf.get(t.drillId) ?? 0)) levelOf.set(t.drillId, level);
    }
  }
  const list = members.map((m) => {
    const email = m.email.trim().toLowerCase();
    const qualifying =
      minLevel === null
        ? []
        : attendance
            .filter((a) => a.email === email && (levelOf.get(a.drillId) ?? 0) >= minLevel)
            .map((a) => ({ id: a.drillId, title: a.title, drillDay: a.drillDay, level: levelOf.get(a.drillId) ?? 0 }));
    return {
      memberId: m.id,
      fullName: m.fullName,
      organisationName: m.organisationName,
      qualifying,
      met: rule !== null && qualifying.length >= rule.target,
    };
  });
  return { members: list.length, met: list.filter((m) => m.met).length, list };
}

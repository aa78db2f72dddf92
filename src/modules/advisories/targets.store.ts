import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/format.ts';
import { provinceDay } from '../../core/time.ts';
import { notifyOrganisation } from '../notifications/index.ts';
import { ruleBook } from '../rules/index.ts';
import type { AdvisorySeverity } from './advisories.input.ts';
import { type advisories, advisoryOrganisations, advisoryProducts, advisoryTargets } from './advisories.schema.ts';
import { SEVERITY_VI } from './advisory-sql.ts';
import { type Candidate, MANUAL_VIA, type Match, type MatchDetail, matchInventory } from './targeting.ts';

/**
 * Storing targets and the agencies they concern: re-targeting keeps every target's key, response and manual
 * additions (idempotent), a newer revision drops only the automatic targets nobody answered; a published advisory
 * notifies each agency as it first becomes concerned, with its deadline to acknowledge.
 */

type Advisory = typeof advisories.$inferSelect;
type Target = typeof advisoryTargets.$inferSelect;

const detailOf = (t: Pick<Target, 'matchDetail'>) => t.matchDetail as MatchDetail;
const AUTOMATIC: Target['reason'][] = ['component', 'software', 'finding'];
const CHUNK = 500;

/** The CVEs of a list that are in the loaded CISA KEV catalogue. */
export async function knownExploited(db: Db, cves: readonly string[]): Promise<string[]> {
  if (!cves.length) return [];
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select cve_id as id from kev_entries where cve_id in (${sql.join(
      cves.map((c) => sql`${c}`),
      sql`, `,
    )}) order by cve_id`,
  );
  return rows.map((r) => r.id);
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The default deadlines of an advisory notified on `day`, from the `advisory_deadline` rule of that day: the KEV
 * rule when one of its CVEs is known exploited, else its severity's. Null when no rule applies.
 */
export async function defaultDeadlines(
  db: Db,
  severity: AdvisorySeverity,
  exploited: boolean,
  day: string,
): Promise<{ acknowledgeBy: string; actBy: string } | null> {
  const book = await ruleBook(db);
  const rules = book.on('advisory_deadline', day).filter((r) => r.data.severities.includes(severity));
  const rule =
    (exploited ? rules.find((r) => r.data.knownExploited) : undefined) ?? rules.find((r) => !r.data.knownExploited);
  if (!rule) return null;
  return {
    acknowledgeBy: book.calendar.addWorkingDays(day, rule.data.acknowledgeWorkingDays),
    actBy: addDays(day, rule.data.actDays),
  };
}

/** Upserts targets by key, replacing their automatic matches and keeping responses and manual additions. */
async function upsert(tx: Db, advisoryId: string, candidates: Candidate[], existing: Map<string, Target>) {
  const fresh: (typeof advisoryTargets.$inferInsert)[] = [];
  let updated = 0;
  for (const c of candidates) {
    const prev = existing.get(c.key);
    if (!prev) {
      fresh.push({
        advisoryId,
        targetKey: c.key,
        reason: c.reason,
        organisationId: c.organisationId,
        systemId: c.systemId,
        computerId: c.computerId,
        findingId: c.findingId,
        cidr: c.cidr,
        matchDetail: { matches: c.matches } satisfies MatchDetail,
      });
      continue;
    }
    const matches = [...c.matches, ...detailOf(prev).matches.filter((m) => MANUAL_VIA.includes(m.via))];
    if (JSON.stringify(matches) === JSON.stringify(detailOf(prev).matches) && prev.organisationId === c.organisationId)
      continue;
    await tx
      .update(advisoryTargets)
      .set({
        matchDetail: { matches } satisfies MatchDetail,
        organisationId: c.organisationId,
        findingId: prev.findingId ?? c.findingId,
      })
      .where(eq(advisoryTargets.id, prev.id));
    updated++;
  }
  for (let i = 0; i < fresh.length; i += CHUNK) await tx.insert(advisoryTargets).values(fresh.slice(i, i + CHUNK));
  return { added: fresh.length, updated };
}

async function targetsByKey(tx: Db, advisoryId: string) {
  const rows = await tx.select().from(advisoryTargets).where(eq(advisoryTargets.advisoryId, advisoryId));
  return new Map(rows.map((t) => [t.targetKey, t]));
}

/**
 * Matches the advisory's products and CVEs against the inventory and stores the targets. `prune` (a newer revision
 * of the document): automatic targets no longer matched and not answered go; answered ones stay with their answer.
 */
export async function retarget(tx: Db, a: Advisory, { prune = false } = {}) {
  const products = await tx
    .select()
    .from(advisoryProducts)
    .where(eq(advisoryProducts.advisoryId, a.id))
    .orderBy(asc(advisoryProducts.position));
  const candidates = await matchInventory(tx, products, a.cves);
  const existing = await targetsByKey(tx, a.id);
  const counts = await upsert(tx, a.id, candidates, existing);
  let removed = 0;
  if (prune) {
    const matched = new Set(candidates.map((c) => c.key));
    for (const t of existing.values()) {
      if (matched.has(t.targetKey) || !AUTOMATIC.includes(t.reason)) continue;
      const manual = detailOf(t).matches.filter((m) => MANUAL_VIA.includes(m.via));
      if (manual.length)
        await tx
          .update(advisoryTargets)
          .set({ matchDetail: { matches: manual } satisfies MatchDetail })
          .where(eq(advisoryTargets.id, t.id));
      else if (t.response === 'pending') {
        await tx.delete(advisoryTargets).where(eq(advisoryTargets.id, t.id));
        removed++;
      }
    }
  }
  const orgs = await syncOrganisations(tx, a);
  return { ...counts, removed, matched: candidates.length, notified: orgs.notified };
}

/** Adds targets the Department chose (an organisation subtree, the computers of a range): kept by every re-match. */
export async function addManual(tx: Db, a: Advisory, candidates: Candidate[]) {
  const existing = await targetsByKey(tx, a.id);
  let added = 0;
  let updated = 0;
  for (const c of candidates) {
    const prev = existing.get(c.key);
    if (!prev) continue;
    const old = detailOf(prev).matches;
    const extra = c.matches.filter((m) => !old.some((o) => o.via === m.via && o.addedFor === m.addedFor));
    if (!extra.length) continue;
    await tx
      .update(advisoryTargets)
      .set({ matchDetail: { matches: [...old, ...extra] } satisfies MatchDetail, cidr: prev.cidr ?? c.cidr })
      .where(eq(advisoryTargets.id, prev.id));
    updated++;
  }
  const fresh = candidates.filter((c) => !existing.has(c.key));
  added = (await upsert(tx, a.id, fresh, new Map())).added;
  const orgs = await syncOrganisations(tx, a);
  return { added, updated, notified: orgs.notified };
}

/**
 * One advisory_organisations row per organisation with a target. Before publication, rows of organisations left
 * without targets go; once published, each new row gets its deadline to acknowledge (the advisory's, else the
 * dated rule's from today) and its agency is notified (urgent when critical or known exploited).
 */
export async function syncOrganisations(tx: Db, a: Advisory, now = new Date()) {
  const concerned = await queryRows<{ organisationId: string; targets: number }>(
    tx,
    sql`select organisation_id as "organisationId", count(*)::int as targets from advisory_targets
      where advisory_id = ${a.id} and organisation_id is not null group by organisation_id`,
  );
  const rows = await tx.select().from(advisoryOrganisations).where(eq(advisoryOrganisations.advisoryId, a.id));
  const held = new Set(rows.map((r) => r.organisationId));
  const ids = concerned.map((c) => c.organisationId);
  const newIds = ids.filter((id) => !held.has(id));
  if (newIds.length)
    await tx
      .insert(advisoryOrganisations)
      .values(newIds.map((organisationId) => ({ advisoryId: a.id, organisationId })));
  if (a.state === 'draft') {
    const gone = rows.map((r) => r.organisationId).filter((id) => !ids.includes(id));
    if (gone.length)
      await tx
        .delete(advisoryOrganisations)
        .where(and(eq(advisoryOrganisations.advisoryId, a.id), inArray(advisoryOrganisations.organisationId, gone)));
    return { notified: 0 };
  }
  if (a.state !== 'published') return { notified: 0 };
  const waiting = await tx
    .select()
    .from(advisoryOrganisations)
    .where(and(eq(advisoryOrganisations.advisoryId, a.id), isNull(advisoryOrganisations.notifiedAt)));
  if (!waiting.length) return { notified: 0 };
  const today = provinceDay(now);
  const exploited = await knownExploited(tx, a.cves);
  const rule = await defaultDeadlines(tx, a.severity, exploited.length > 0, today);
  const acknowledgeBy = a.acknowledgeBy ?? rule?.acknowledgeBy ?? null;
  const actBy = a.actBy ?? rule?.actBy ?? null;
  const targetsOf = new Map(concerned.map((c) => [c.organisationId, c.targets]));
  for (const row of waiting) {
    const ack = row.acknowledgeBy ?? acknowledgeBy;
    await tx
      .update(advisoryOrganisations)
      .set({ notifiedAt: now, acknowledgeBy: ack })
      .where(
        and(eq(advisoryOrganisations.advisoryId, a.id), eq(advisoryOrganisations.organisationId, row.organisationId)),
      );
    const from = [a.sourceNumber && `số ${a.sourceNumber}`, a.sourceBody && `của ${a.sourceBody}`]
      .filter(Boolean)
      .join(' ');
    await notifyOrganisation(tx, row.organisationId, {
      kind: 'advisory',
      title:
        `Cảnh báo mức ${SEVERITY_VI[a.severity]}${exploited.length ? ' (đang bị khai thác)' : ''}: ${a.title}`.slice(
          0,
          300,
        ),
      body:
        `${from ? `Cảnh báo ${from}. ` : ''}Đơn vị có ${targetsOf.get(row.organisationId) ?? 0} đối tượng bị ảnh hưởng. ` +
        `${ack ? `Đề nghị xác nhận đã nhận trước ngày ${formatDay(ack)}` : 'Đề nghị xác nhận đã nhận'}` +
        `${actBy ? ` và báo cáo kết quả xử lý từng đối tượng trước ngày ${formatDay(actBy)}.` : ' và báo cáo kết quả xử lý từng đối tượng.'}`,
      link: `/advisories/view?id=${a.id}`,
      dedupeKey: `advisory:${a.id}:${row.organisationId}`,
      urgent: a.severity === 'critical' || exploited.length > 0,
    });
  }
  return { notified: waiting.length };
}

/** Matches a target's detail as stored (the typed view of the jsonb column). */
export const matchesOf = (t: Pick<Target, 'matchDetail'>): Match[] => detailOf(t).matches;

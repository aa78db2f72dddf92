import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { formatNumber } from '../../core/documents/format.ts';
import { dayEnd } from '../../core/time.ts';
import { advisoryOrganisations } from '../advisories/index.ts';
import { organisationIdIn, type Scope, scopedOrganisationIds } from '../auth/index.ts';
import { awarenessCoverage } from '../awareness/index.ts';
import { drillTargets } from '../drills/index.ts';
import { listIncidents } from '../incidents/index.ts';
import { inspectionFigures } from '../inspections/index.ts';
import { inForceOn, organisations } from '../organisations/index.ts';
import { ruleBook } from '../rules/index.ts';
import { siteSummary } from '../sites/index.ts';
import { socSummary } from '../soc/index.ts';
import { informationSystems, listTargets, protectionLayerHistory } from '../systems/index.ts';
import { vulnerabilitySummary } from '../vulnerabilities/index.ts';
import type { OversightIndicator } from './oversight.input.ts';
import type { orderTasks } from './oversight.schema.ts';

/** What an indicator is asked: the caller's scope (already narrowed to the task's subtree), the unit, the day. */
export type IndicatorContext = {
  db: Db;
  scope: Scope;
  /** The unit asked for (its subtree on `asOf`); undefined: all the scope sees. */
  organisationId: string | undefined;
  asOf: string;
  /** Counting starts here: 1 January of `asOf`'s year (a task's figures are the year's, up to the day). */
  from: string;
  task: typeof orderTasks.$inferSelect;
};
export type Measure = {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  detail: string | null;
};

const n = formatNumber;
const NO_DATA: Measure = { value: null, numerator: null, denominator: null, detail: null };
/** A share in percent with one decimal (null when there is nothing to count). */
export const percentOf = (part: number, whole: number) => (whole ? Math.round((part * 1000) / whole) / 10 : null);
const share = (numerator: number, denominator: number, detail: string): Measure =>
  denominator
    ? { value: percentOf(numerator, denominator), numerator, denominator, detail }
    : { ...NO_DATA, numerator, denominator };

/** The programme target (systems module) the task follows: the one due on the task's deadline, else the latest. */
async function programmeTarget(c: IndicatorContext, kind: 'dossier_approved' | 'plan_implemented', label: string) {
  const targets = (await listTargets(c.db, c.scope, { asOf: c.asOf, organisationId: c.organisationId })).filter(
    (t) => t.kind === kind,
  );
  const t = targets.find((x) => x.deadline === c.task.deadline) ?? targets.at(-1);
  if (!t) return NO_DATA;
  const late = t.late ? `; ${n(t.late)} đạt sau hạn` : '';
  return share(t.met, t.total, `${n(t.met)}/${n(t.total)} hệ thống ${label}${late}`);
}

type Indicator = (c: IndicatorContext) => Promise<Measure>;

/**
 * Every indicator but `manual`: each reads the figure its own module computes for the same scope, subtree and day
 * (nothing is counted twice here), so a task's figure equals that module's page for the day.
 */
export const INDICATORS: Record<Exclude<OversightIndicator, 'manual'>, Indicator> = {
  async soc_findings_triaged(c) {
    const s = await socSummary(c.db, c.scope, { from: c.from, to: c.asOf, organisationId: c.organisationId });
    const total = Object.values(s.byTriage).reduce((a, b) => a + b, 0);
    const detail =
      `${n(s.scanningIps)} địa chỉ IP rà quét; ${n(s.maliciousContactIps)} kết nối máy chủ độc hại; ` +
      `${n(s.byTriage.new)} phát hiện chưa xử lý`;
    return total ? share(total - s.byTriage.new, total, detail) : { ...NO_DATA, detail: s.ingested ? detail : null };
  },
  async vulnerable_computers(c) {
    const v = await vulnerabilitySummary(c.db, c.scope, { from: c.from, to: c.asOf, organisationId: c.organisationId });
    if (!v.lastScannedAt) return NO_DATA;
    return {
      value: v.vulnerableComputers,
      numerator: null,
      denominator: null,
      detail: `${n(v.vulnerableComputers)} máy tính có lỗ hổng, ${n(v.withCritical)} có lỗ hổng nghiêm trọng`,
    };
  },
  async computers_with_critical(c) {
    const v = await vulnerabilitySummary(c.db, c.scope, { from: c.from, to: c.asOf, organisationId: c.organisationId });
    if (!v.lastScannedAt) return NO_DATA;
    return {
      value: v.withCritical,
      numerator: null,
      denominator: null,
      detail: `${n(v.withCritical)}/${n(v.vulnerableComputers)} máy tính có lỗ hổng nghiêm trọng`,
    };
  },
  async vulnerable_websites(c) {
    const v = await vulnerabilitySummary(c.db, c.scope, { from: c.from, to: c.asOf, organisationId: c.organisationId });
    if (!v.lastWebScannedAt) return NO_DATA;
    return {
      value: v.vulnerableWebsites,
      numerator: null,
      denominator: null,
      detail: `${n(v.vulnerableWebsites)} trang web có lỗ hổng, ${n(v.websitesWithCritical)} nghiêm trọng`,
    };
  },
  dossiers_approved: (c) => programmeTarget(c, 'dossier_approved', 'được phê duyệt cấp độ đúng hạn'),
  plans_implemented: (c) => programmeTarget(c, 'plan_implemented', 'triển khai đủ phương án đúng hạn'),
  async four_layers(c) {
    // Systems in service by the day, each with every layer of that day's model in place as its history stood then.
    const ids = await scopedOrganisationIds(c.db, c.scope, c.organisationId, c.asOf);
    const layers = (await ruleBook(c.db)).on('protection_layer', c.asOf).map((l) => l.data.layer);
    const end = dayEnd(c.asOf);
    const latest = c.db
      .selectDistinctOn([protectionLayerHistory.systemId, protectionLayerHistory.layer], {
        systemId: protectionLayerHistory.systemId,
        layer: protectionLayerHistory.layer,
        status: protectionLayerHistory.status,
      })
      .from(protectionLayerHistory)
      .where(sql`${protectionLayerHistory.at} < ${end}`)
      .orderBy(protectionLayerHistory.systemId, protectionLayerHistory.layer, sql`${protectionLayerHistory.at} desc`)
      .as('latest');
    const rows = await c.db
      .select({
        id: informationSystems.id,
        inPlace: sql<number>`count(*) filter (where ${latest.status} = 'in_place' and ${latest.layer} in (${sql.join(
          layers.map((l) => sql`${l}::int`),
          sql`, `,
        )}))::int`,
      })
      .from(informationSystems)
      .leftJoin(latest, eq(latest.systemId, informationSystems.id))
      .where(
        and(
          sql`(${informationSystems.inServiceFrom} is null or ${informationSystems.inServiceFrom} <= ${c.asOf}::date)`,
          organisationIdIn(sql`${informationSystems.organisationId}`, ids),
        ),
      )
      .groupBy(informationSystems.id);
    if (!layers.length) return NO_DATA;
    const full = rows.filter((r) => r.inPlace === layers.length).length;
    return share(full, rows.length, `${n(full)}/${n(rows.length)} hệ thống đủ ${n(layers.length)} lớp bảo vệ`);
  },
  async accountable_heads(c) {
    // Units in force that day (communes aside: the order names the heads of departments, districts and agencies).
    const ids = await scopedOrganisationIds(c.db, c.scope, c.organisationId, c.asOf);
    const [row] = await c.db
      .select({
        total: sql<number>`count(*)::int`,
        named: sql<number>`count(*) filter (where ${organisations.headName} is not null and ${organisations.headName} <> '')::int`,
      })
      .from(organisations)
      .where(
        and(
          inForceOn(organisations, c.asOf),
          sql`${organisations.type} <> 'commune'`,
          organisationIdIn(sql`${organisations.id}`, ids),
        ),
      );
    const total = row?.total ?? 0;
    const named = row?.named ?? 0;
    return share(named, total, `${n(named)}/${n(total)} cơ quan, đơn vị đã xác định người đứng đầu chịu trách nhiệm`);
  },
  async staff_drilled(c) {
    const t = (await drillTargets(c.db, c.scope, { on: c.asOf, organisationId: c.organisationId })).staff.total;
    return share(t.attended, t.registered, `${n(t.attended)}/${n(t.registered)} cán bộ đã tham gia diễn tập trong năm`);
  },
  async team_member_drills(c) {
    const t = (await drillTargets(c.db, c.scope, { on: c.asOf, organisationId: c.organisationId })).team;
    return share(t.met, t.members, `${n(t.met)}/${n(t.members)} thành viên đội ứng cứu đạt yêu cầu diễn tập`);
  },
  async residents_reached(c) {
    const t = (await awarenessCoverage(c.db, c.scope, { on: c.asOf, organisationId: c.organisationId })).total;
    if (!t.population) return NO_DATA;
    return {
      value: t.percent,
      numerator: t.reachedCapped,
      denominator: t.population,
      detail: `${n(t.reachedCapped)}/${n(t.population)} người dân được tuyên truyền; ${n(t.communesMet)}/${n(t.communes)} xã đạt`,
    };
  },
  async sites_trusted(c) {
    const ids = await scopedOrganisationIds(c.db, c.scope, c.organisationId, c.asOf);
    const s = await siteSummary(c.db, ids === null ? { all: true } : { all: false, organisationIds: ids }, c.asOf);
    const checked = s.totals.sites - s.totals.unchecked;
    return share(
      s.totals.pass,
      s.totals.sites,
      `${n(s.totals.pass)}/${n(s.totals.sites)} trang web đạt tín nhiệm; ${n(s.totals.fail)} không đạt; ${n(checked)} đã kiểm tra`,
    );
  },
  async advisories_acknowledged(c) {
    // Acknowledgements due this year: on time when made by the end of the due day (and by asOf).
    const ids = await scopedOrganisationIds(c.db, c.scope, c.organisationId, c.asOf);
    const end = dayEnd(c.asOf);
    const [row] = await c.db
      .select({
        due: sql<number>`count(*)::int`,
        onTime: sql<number>`count(*) filter (where ${advisoryOrganisations.acknowledgedAt} < (${advisoryOrganisations.acknowledgeBy} + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh' and ${advisoryOrganisations.acknowledgedAt} < ${end})::int`,
      })
      .from(advisoryOrganisations)
      .where(
        and(
          sql`${advisoryOrganisations.acknowledgeBy} >= ${c.from}::date`,
          sql`${advisoryOrganisations.notifiedAt} < ${end}`,
          // Settled by the day: due by then, or acknowledged already (one still open before its deadline is neither).
          sql`(${advisoryOrganisations.acknowledgeBy} <= ${c.asOf}::date or ${advisoryOrganisations.acknowledgedAt} < ${end})`,
          organisationIdIn(sql`${advisoryOrganisations.organisationId}`, ids),
        ),
      );
    const due = row?.due ?? 0;
    const onTime = row?.onTime ?? 0;
    return share(onTime, due, `${n(onTime)}/${n(due)} lượt cảnh báo được xác nhận đúng hạn`);
  },
  async incidents_reported(c) {
    // The notification clock of every incident detected in the year up to the day, as it stood at the day's end.
    const end = dayEnd(c.asOf);
    let due = 0;
    let onTime = 0;
    for (let offset = 0; ; offset += 500) {
      const page = await listIncidents(
        c.db,
        c.scope,
        { organisationId: c.organisationId, sort: 'detectedAt', dir: 'asc', limit: 500, offset },
        end,
      );
      for (const i of page.items) {
        if (i.affectedOnly || i.detectedAt >= end || i.detectedAt < new Date(`${c.from}T00:00:00+07:00`)) continue;
        const clock = i.clocks.find((k) => k.clock === 'notification');
        if (!clock || clock.dueAt >= end) continue;
        due++;
        if (clock.doneAt && clock.doneAt <= clock.dueAt) onTime++;
      }
      if (offset + 500 >= page.total) break;
    }
    return share(onTime, due, `${n(onTime)}/${n(due)} sự cố được thông báo đúng thời hạn`);
  },
  async inspections_done(c) {
    const f = await inspectionFigures(c.db, c.scope, { from: c.from, to: c.asOf, organisationId: c.organisationId });
    return share(
      f.done,
      f.planned,
      `${n(f.done)}/${n(f.planned)} cuộc kiểm tra đã thực hiện, ${n(f.concluded)} đã kết luận; ` +
        `${n(f.findingsOpen)} tồn tại chưa khắc phục (${n(f.findingsOverdue)} quá hạn)`,
    );
  },
};

/**
 * The manual figure: the latest progress entry for the unit (or the whole task) up to the day; `progress` is in the
 * order entries were dated and recorded, so a later entry for the same day corrects an earlier one.
 */
export function manualMeasure(
  progress: {
    organisationId: string | null;
    day: string;
    value: number;
    numerator: number | null;
    denominator: number | null;
    note: string | null;
  }[],
  organisationId: string | null,
  asOf: string,
): Measure {
  const entry = progress.filter((p) => p.day <= asOf && p.organisationId === organisationId).at(-1);
  if (!entry) return NO_DATA;
  return { value: entry.value, numerator: entry.numerator, denominator: entry.denominator, detail: entry.note };
}

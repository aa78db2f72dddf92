// Trust check runs: on demand (a site, or every site in scope) and the daily run; each run is stored with the verdict
// under the day's criteria, and the site's agency is told of a regression or a certificate about to expire.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, desc, eq, gte, lt, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/format.ts';
import { AppError } from '../../core/errors.ts';
import { dayStart, provinceDay } from '../../core/time.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor, Scope } from '../auth/index.ts';
import { notifyOrganisation } from '../notifications/index.ts';
import { inForceOn } from '../organisations/index.ts';
import { type CheckVerdict, checkSites, type SiteCheckOptions, type SiteCheckResult } from './check/index.ts';
import type { ZCheckRunReport } from './sites.contract.ts';
import type { CheckTrigger } from './sites.input.ts';
import { siteCheckRuns, siteChecks, sites } from './sites.schema.ts';
import { siteNotFound, sitePath, siteScopeFilter } from './sites.service.ts';
import { applyCriteria, trustCriteria } from './trust.ts';

/** Where the checks look things up and whom they trust, from the configuration (never from a request). */
export type CheckEnvironment = Pick<SiteCheckOptions, 'dnsServers' | 'extraCa' | 'timeoutMs'> & {
  concurrency?: number;
};

/** The checks' environment from KHIEN_SITES_DNS and KHIEN_SITES_CA_FILE (read once, at start: a bad file stops it). */
export function checkEnvironment(config: Pick<Config, 'sites'>): CheckEnvironment {
  const { dnsServers, caFile } = config.sites;
  let extraCa: string[] = [];
  if (caFile) {
    const pem = readFileSync(caFile, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      throw new AppError('VALIDATION', `KHIEN_SITES_CA_FILE ${caFile} holds no PEM certificate`);
    extraCa = [pem];
  }
  return { dnsServers, extraCa };
}

type Run = z.output<typeof ZCheckRunReport>;
type SiteRow = typeof sites.$inferSelect;

const usable = (v: CheckVerdict) => v === 'pass' || v === 'warn';

/** The criteria that passed (or only warned) in the previous run and fail now. */
export function regressions(before: SiteCheckResult[] | null, now: SiteCheckResult[]): SiteCheckResult[] {
  if (!before) return [];
  const was = new Map(before.map((r) => [r.check, r.verdict]));
  return now.filter((r) => r.verdict === 'fail' && usable(was.get(r.check) ?? 'skip'));
}

/**
 * Checks these sites now (bounded concurrency), stores one history row each, and alerts their agencies: a regression
 * once per run that shows it, an expiring certificate once per certificate (by its end date), deduplicated.
 */
export async function checkSiteRows(
  db: Db,
  rows: SiteRow[],
  env: CheckEnvironment,
  o: { trigger: CheckTrigger; actor: Actor | null; now?: Date; renew?: () => Promise<boolean> },
): Promise<Run> {
  const now = o.now ?? new Date();
  const criteria = await trustCriteria(db, provinceDay(now));
  const report: Run = { checked: 0, pass: 0, warn: 0, fail: 0, alerts: 0, checks: [] };
  // Sites of one kind share options: checkSites runs each group with bounded concurrency.
  const groups = new Map<string, SiteRow[]>();
  for (const s of rows) {
    const key = `${s.kind}:${s.stateBody && criteria.requireGovVnForStateBodies}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const concurrency = env.concurrency ?? 4;
  // A few rounds of checks at a time, each stored before the next: a long run keeps what it did, and renews its lease.
  const chunks = [...groups.values()].flatMap((g) =>
    Array.from({ length: Math.ceil(g.length / (concurrency * 4)) }, (_, i) =>
      g.slice(i * concurrency * 4, (i + 1) * concurrency * 4),
    ),
  );
  for (const group of chunks) {
    if (o.renew && !(await o.renew())) throw new AppError('CONFLICT', 'the daily run’s lease was taken over');
    const first = group[0] as SiteRow;
    const reports = await checkSites(
      group.map((s) => s.url),
      {
        ...env,
        concurrency,
        mailDomain: first.kind !== 'website',
        stateBody: first.stateBody && criteria.requireGovVnForStateBodies,
        expiryWarnDays: criteria.expiryWarnDays,
        now,
      },
    );
    for (const [i, site] of group.entries()) {
      const judged = applyCriteria(reports[i] as NonNullable<(typeof reports)[number]>, criteria);
      const expiry = judged.results.find((r) => r.check === 'tls_expiry');
      const validTo = typeof expiry?.data?.validTo === 'string' ? new Date(expiry.data.validTo) : null;
      const [previous] = await db
        .select({ results: siteChecks.results })
        .from(siteChecks)
        .where(eq(siteChecks.siteId, site.id))
        .orderBy(desc(siteChecks.checkedAt), desc(siteChecks.id))
        .limit(1);
      const stored = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(siteChecks)
          .values({
            siteId: site.id,
            checkedAt: new Date(judged.checkedAt),
            verdict: judged.verdict,
            results: judged.results,
            certificateValidTo: validTo,
            trigger: o.trigger,
            criteriaRule: criteria.ruleKey,
            createdBy: o.actor ? userRef(o.actor) : null,
          })
          .returning();
        await recordAudit(tx, auditActor(o.actor), {
          action: 'site.check',
          entityType: 'site',
          entityId: site.id,
          organisationId: site.organisationId,
          after: row && { checkId: row.id, verdict: row.verdict, trigger: row.trigger, criteriaRule: row.criteriaRule },
        });
        return row;
      });
      if (!stored) throw new AppError('INTERNAL', 'insert failed');
      report.checked++;
      report[judged.verdict]++;
      report.checks.push({ ...stored, results: stored.results });
      const worse = regressions(previous?.results ?? null, judged.results);
      if (worse.length)
        report.alerts += await notifyOrganisation(db, site.organisationId, {
          kind: 'site_regression',
          title: `Trang ${site.host} không còn đạt tiêu chí tín nhiệm`,
          body: `Lần kiểm tra ngày ${formatDay(provinceDay(stored.checkedAt))} không đạt: ${worse
            .map((r) => r.check)
            .join(', ')} (lần trước đạt).`,
          link: sitePath(site.id),
          dedupeKey: `site-regression:${stored.id}`,
          urgent: true,
        });
      const daysLeft = Number(expiry?.data?.daysLeft);
      if (validTo && Number.isFinite(daysLeft) && daysLeft <= criteria.expiryWarnDays)
        report.alerts += await notifyOrganisation(db, site.organisationId, {
          kind: 'site_certificate_expiry',
          title:
            daysLeft < 0 ? `Chứng thư của ${site.host} đã hết hạn` : `Chứng thư của ${site.host} còn ${daysLeft} ngày`,
          body: `Chứng thư số của ${site.host} hết hạn ngày ${formatDay(provinceDay(validTo))}: cần gia hạn.`,
          link: sitePath(site.id),
          dedupeKey: `site-expiry:${site.id}:${validTo.toISOString()}`,
        });
    }
  }
  report.checks.sort((a, b) => (a.siteId < b.siteId ? -1 : 1));
  return report;
}

/** How long a daily run's lease lasts without renewal (renewed after each site; one site takes far less). */
export const RUN_LEASE_MS = 15 * 60_000;

/** Takes (or renews, for `holder`) the lease on the day's scheduled run; false when another process holds it. */
async function takeLease(db: Db, day: string, holder: string): Promise<boolean> {
  const now = new Date();
  const until = new Date(now.getTime() + RUN_LEASE_MS);
  const taken = await db
    .insert(siteCheckRuns)
    .values({ day, holder, leaseUntil: until })
    .onConflictDoUpdate({
      target: siteCheckRuns.day,
      set: { holder, leaseUntil: until },
      setWhere: or(eq(siteCheckRuns.holder, holder), lt(siteCheckRuns.leaseUntil, now)),
    })
    .returning({ day: siteCheckRuns.day });
  return taken.length > 0;
}

/**
 * The daily run: every site in force today that has no scheduled check yet today, by the one process that holds the
 * day's lease. Re-running it the same day (a restart, a second timer tick, a second server) checks nothing twice; a
 * run that fails gives the lease back, so the next tick (here or elsewhere) carries on with the sites still due.
 */
export async function runDailySiteChecks(db: Db, env: CheckEnvironment, now = new Date()): Promise<Run> {
  const day = provinceDay(now);
  const holder = randomUUID();
  if (!(await takeLease(db, day, holder))) return { checked: 0, pass: 0, warn: 0, fail: 0, alerts: 0, checks: [] };
  try {
    return await dueSiteChecks(db, env, now, day, () => takeLease(db, day, holder));
  } finally {
    await db
      .update(siteCheckRuns)
      .set({ leaseUntil: new Date(0) })
      .where(and(eq(siteCheckRuns.day, day), eq(siteCheckRuns.holder, holder)));
  }
}

async function dueSiteChecks(db: Db, env: CheckEnvironment, now: Date, day: string, renew: () => Promise<boolean>) {
  const done = db
    .select({ id: siteChecks.siteId })
    .from(siteChecks)
    .where(and(eq(siteChecks.trigger, 'scheduled'), gte(siteChecks.checkedAt, dayStart(day))));
  const due = await db
    .select()
    .from(sites)
    .where(and(inForceOn(sites, day), sql`${sites.id} not in ${done}`));
  return checkSiteRows(db, due, env, { trigger: 'scheduled', actor: null, now, renew });
}

/** The province's hour now (0–23). */
const provinceHour = (at: Date) => Number(new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(11, 13));

/**
 * Runs the daily checks once a day from `config.sites.checkHour` (province time); polled every `intervalMs`, so a
 * server started after the hour still runs that day's checks. Stops when the server closes.
 */
export function registerSitesTimer(app: FastifyInstance, db: Db, config: Pick<Config, 'sites'>, intervalMs = 600_000) {
  const env = checkEnvironment(config);
  registerPeriodic(app, {
    name: 'daily site checks',
    intervalMs,
    job: async () => {
      const now = new Date();
      if (provinceHour(now) >= config.sites.checkHour) await runDailySiteChecks(db, env, now);
    },
  });
}

/** Checks one site now, on demand (within the caller's scope, else "not found"). */
export async function checkOneSite(db: Db, actor: Actor, scope: Scope, id: string, env: CheckEnvironment) {
  const [row] = await db
    .select()
    .from(sites)
    .where(and(eq(sites.id, id), siteScopeFilter(scope)));
  if (!row) throw siteNotFound();
  return checkSiteRows(db, [row], env, { trigger: 'manual', actor });
}

/** Checks every site in force today within the caller's scope (optionally one organisation's), on demand. */
export async function checkScopeSites(
  db: Db,
  actor: Actor,
  scope: Scope,
  env: CheckEnvironment,
  organisationId?: string,
) {
  const rows = await db
    .select()
    .from(sites)
    .where(
      and(
        siteScopeFilter(scope),
        inForceOn(sites, provinceDay()),
        organisationId ? eq(sites.organisationId, organisationId) : undefined,
      ),
    );
  return checkSiteRows(db, rows, env, { trigger: 'manual', actor });
}

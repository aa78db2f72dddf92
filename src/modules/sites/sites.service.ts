import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { cachedFigure, scopeKey } from '../../core/figure-cache.ts';
import { NUL_MESSAGE, nulColumn, readTable, type TableRow } from '../../core/tabular.ts';
import { foldedContains } from '../../core/text-search.ts';
import { dayEnd, provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, inScope, type Scope, scopeOrganisationIds } from '../auth/index.ts';
import { inForceOn, organisationByCodeOn, organisations } from '../organisations/index.ts';
import { SITE_CHECKS } from './check/index.ts';
import type { ZSite, ZSiteCheck, ZSiteDetail, ZSiteImportReport, ZSitePage, ZSiteSummary } from './sites.contract.ts';
import {
  SITE_KINDS,
  type SiteInput,
  type SiteKind,
  type SiteUpdate,
  ZSiteInput,
  type ZSiteQuery,
  ZSiteUpdate,
} from './sites.input.ts';
import { siteChecks, sites } from './sites.schema.ts';
import { hasCredentials, normaliseHost, trustCriteria } from './trust.ts';

type SiteRow = typeof sites.$inferSelect;
type Site = z.output<typeof ZSite>;
type SiteDetail = z.output<typeof ZSiteDetail>;
type RowError = z.output<typeof ZSiteImportReport>['errors'][number];

/** History shown with a site: the newest runs (a year of daily checks). */
const HISTORY_LIMIT = 400;

export const siteNotFound = () => new AppError('NOT_FOUND', 'Site not found', undefined, { key: 'sites.notFound' });

/** The link to a site in the web UI (notifications carry it). */
export const sitePath = (id: string) => `/sites/view?id=${id}`;

/** Sites the scope may read, in the SQL: another agency's site is "not found", whatever its id. */
export const siteScopeFilter = (scope: Scope): SQL | undefined =>
  scope.all
    ? undefined
    : scope.organisationIds.length
      ? inArray(sites.organisationId, scope.organisationIds)
      : sql`false`;

/** Each site's newest check up to `before` (default: ever). */
function latestChecks(db: Db, before?: Date) {
  return db
    .selectDistinctOn([siteChecks.siteId], {
      siteId: siteChecks.siteId,
      checkId: sql<string>`${siteChecks.id}`.as('check_id'),
      verdict: siteChecks.verdict,
      checkedAt: siteChecks.checkedAt,
      certificateValidTo: siteChecks.certificateValidTo,
      results: siteChecks.results,
    })
    .from(siteChecks)
    .where(before ? sql`${siteChecks.checkedAt} < ${before.toISOString()}::timestamptz` : undefined)
    .orderBy(siteChecks.siteId, desc(siteChecks.checkedAt), desc(siteChecks.id))
    .as('latest');
}

function siteSelect(db: Db, before?: Date) {
  const latest = latestChecks(db, before);
  return {
    latest,
    query: db
      .select({
        site: sites,
        organisationName: organisations.name,
        latestId: latest.checkId,
        verdict: latest.verdict,
        checkedAt: latest.checkedAt,
        certificateValidTo: latest.certificateValidTo,
        results: latest.results,
      })
      .from(sites)
      .innerJoin(organisations, eq(organisations.id, sites.organisationId))
      .leftJoin(latest, eq(latest.siteId, sites.id))
      .$dynamic(),
  };
}

type Joined = {
  site: SiteRow;
  organisationName: string;
  latestId: string | null;
  verdict: 'pass' | 'warn' | 'fail' | null;
  checkedAt: Date | null;
  certificateValidTo: Date | null;
};

const toSite = (r: Joined): Site => ({
  ...r.site,
  organisationName: r.organisationName,
  latest:
    r.latestId && r.verdict && r.checkedAt
      ? { id: r.latestId, verdict: r.verdict, checkedAt: r.checkedAt, certificateValidTo: r.certificateValidTo }
      : null,
});

const VERDICT_ORDER = sql`case coalesce(latest.verdict, 'unchecked') when 'fail' then 0 when 'warn' then 1 when 'unchecked' then 2 else 3 end`;

/** The register: a page of the sites in force on a day, searched and filtered, each with its latest check. */
export async function listSites(
  db: Db,
  scope: Scope,
  q: z.output<typeof ZSiteQuery>,
): Promise<z.output<typeof ZSitePage>> {
  const on = q.on ?? provinceDay();
  const { latest, query } = siteSelect(db);
  const where = and(
    siteScopeFilter(scope),
    inForceOn(sites, on),
    q.organisationId ? eq(sites.organisationId, q.organisationId) : undefined,
    q.kind ? eq(sites.kind, q.kind) : undefined,
    q.verdict === 'unchecked' ? isNull(latest.verdict) : q.verdict ? eq(latest.verdict, q.verdict) : undefined,
    q.q
      ? or(
          foldedContains(sql`${sites.host}`, q.q),
          foldedContains(sql`${sites.url}`, q.q),
          foldedContains(sql`${organisations.name}`, q.q),
        )
      : undefined,
  );
  const dir = q.dir === 'desc' ? desc : asc;
  const order = {
    host: [dir(sites.host)],
    organisation: [dir(organisations.name), asc(sites.host)],
    verdict: [q.dir === 'desc' ? sql`${VERDICT_ORDER} desc` : VERDICT_ORDER, asc(sites.host)],
    checkedAt: [
      q.dir === 'desc' ? sql`${latest.checkedAt} desc nulls last` : sql`${latest.checkedAt} asc nulls first`,
      asc(sites.host),
    ],
  }[q.sort];
  const rows = await query
    .where(where)
    .orderBy(...order)
    .limit(q.limit)
    .offset(q.offset);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(sites)
    .innerJoin(organisations, eq(organisations.id, sites.organisationId))
    .leftJoin(latest, eq(latest.siteId, sites.id))
    .where(where);
  return { items: rows.map(toSite), total: count?.n ?? 0 };
}

async function siteRow(db: Db, scope: Scope, id: string): Promise<SiteRow> {
  const [row] = await db
    .select()
    .from(sites)
    .where(and(eq(sites.id, id), siteScopeFilter(scope)));
  if (!row) throw siteNotFound();
  return row;
}

const toCheck = (c: typeof siteChecks.$inferSelect): z.output<typeof ZSiteCheck> => ({
  id: c.id,
  siteId: c.siteId,
  checkedAt: c.checkedAt,
  verdict: c.verdict,
  results: c.results,
  certificateValidTo: c.certificateValidTo,
  trigger: c.trigger,
  criteriaRule: c.criteriaRule,
});

/** A site with its check history, newest first. */
export async function getSite(db: Db, scope: Scope, id: string): Promise<z.output<typeof ZSiteDetail>> {
  await siteRow(db, scope, id);
  const { query } = siteSelect(db);
  const [row] = await query.where(eq(sites.id, id));
  if (!row) throw siteNotFound();
  const history = await db
    .select()
    .from(siteChecks)
    .where(eq(siteChecks.siteId, id))
    .orderBy(desc(siteChecks.checkedAt), desc(siteChecks.id))
    .limit(HISTORY_LIMIT);
  return { ...toSite(row), history: history.map(toCheck) };
}

// ---- Changes -----------------------------------------------------------------------------------------------------

const badAddress = (url: string) =>
  new AppError('VALIDATION', `Not a web address or host name: "${url}"`, { field: 'url' }, { key: 'sites.badAddress' });

/** The registered address (https:// added to a bare host) and its normalised host. */
function address(url: string): { url: string; host: string } {
  if (hasCredentials(url))
    throw new AppError(
      'VALIDATION',
      'An address with a user name or password cannot be registered',
      { field: 'url' },
      { key: 'sites.addressCredentials' },
    );
  const host = normaliseHost(url);
  if (!host || (!host.includes('.') && host !== 'localhost')) throw badAddress(url);
  const full = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  return { url: full, host };
}

/** The organisation, in force and within the caller's scope; every type but "other" is a state body by default. */
async function organisationFor(db: Db, scope: Scope, id: string) {
  const [org] = await db.select().from(organisations).where(eq(organisations.id, id));
  if (!org || !inScope(scope, org.id))
    throw new AppError(
      'VALIDATION',
      'Unknown organisation',
      { field: 'organisationId' },
      {
        key: 'sites.unknownOrganisation',
      },
    );
  return org;
}

const hostTaken = (host: string) =>
  new AppError(
    'CONFLICT',
    `${host} is already in the register`,
    { field: 'url' },
    {
      key: 'sites.hostTaken',
      params: { host },
    },
  );

async function assertHostFree(db: Db, host: string, except?: string) {
  const [other] = await db.select({ id: sites.id }).from(sites).where(eq(sites.host, host));
  if (other && other.id !== except) throw hostTaken(host);
}

export async function createSite(db: Db, actor: Actor, scope: Scope, raw: SiteInput): Promise<SiteDetail> {
  const v = ZSiteInput.parse(raw);
  const org = await organisationFor(db, scope, v.organisationId);
  const { url, host } = address(v.url);
  await assertHostFree(db, host);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(sites)
      .values({
        organisationId: org.id,
        host,
        url,
        kind: v.kind,
        stateBody: v.stateBody ?? org.type !== 'other',
        validFrom: v.validFrom ?? null,
        validTo: v.validTo ?? null,
        note: v.note,
        createdBy: userRef(actor),
      })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'site.create',
      entityType: 'site',
      entityId: row.id,
      organisationId: row.organisationId,
      after: row,
    });
    return row.id;
  });
  return getSite(db, scope, id);
}

export async function updateSite(db: Db, actor: Actor, scope: Scope, id: string, raw: SiteUpdate): Promise<SiteDetail> {
  const v = ZSiteUpdate.parse(raw);
  const before = await siteRow(db, scope, id);
  const org = v.organisationId ? await organisationFor(db, scope, v.organisationId) : null;
  const target = v.url ? address(v.url) : null;
  if (target) await assertHostFree(db, target.host, id);
  const validFrom = v.validFrom === undefined ? before.validFrom : v.validFrom;
  const validTo = v.validTo === undefined ? before.validTo : v.validTo;
  if (validFrom && validTo && validFrom > validTo)
    throw new AppError(
      'VALIDATION',
      'validTo is before validFrom',
      { field: 'validTo' },
      {
        key: 'sites.validToBeforeFrom',
      },
    );
  await db.transaction(async (tx) => {
    const [after] = await tx
      .update(sites)
      .set({
        ...(org ? { organisationId: org.id } : {}),
        ...(target ? target : {}),
        ...(v.kind ? { kind: v.kind } : {}),
        ...(v.stateBody !== undefined ? { stateBody: v.stateBody } : {}),
        validFrom,
        validTo,
        ...(v.note !== undefined ? { note: v.note } : {}),
        updatedAt: new Date(),
      })
      .where(eq(sites.id, id))
      .returning();
    await recordAudit(tx, auditActor(actor), {
      action: 'site.update',
      entityType: 'site',
      entityId: id,
      organisationId: after?.organisationId ?? before.organisationId,
      before,
      after,
    });
  });
  return getSite(db, scope, id);
}

/** Removes a site and its history (a site that merely closed keeps both: give it a validTo instead). */
export async function deleteSite(db: Db, actor: Actor, scope: Scope, id: string): Promise<void> {
  const before = await siteRow(db, scope, id);
  await db.transaction(async (tx) => {
    await tx.delete(sites).where(eq(sites.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'site.delete',
      entityType: 'site',
      entityId: id,
      organisationId: before.organisationId,
      before,
    });
  });
}

// ---- Import ------------------------------------------------------------------------------------------------------

/** Accepted headers (machine key, Vietnamese and English labels) → column key. */
export const SITE_COLUMNS: Record<string, string> = {
  organisation_code: 'organisation_code',
  'mã đơn vị': 'organisation_code',
  'organisation code': 'organisation_code',
  url: 'url',
  'địa chỉ': 'url',
  'tên miền': 'url',
  address: 'url',
  kind: 'kind',
  loại: 'kind',
  state_body: 'state_body',
  'cơ quan nhà nước': 'state_body',
  'state body': 'state_body',
  valid_from: 'valid_from',
  'hiệu lực từ': 'valid_from',
  'valid from': 'valid_from',
  valid_to: 'valid_to',
  'hiệu lực đến': 'valid_to',
  'valid to': 'valid_to',
  note: 'note',
  'ghi chú': 'note',
};

/** dd/mm/yyyy or yyyy-mm-dd; '' = none; undefined = not a date. */
export function parseDay(v: string): string | null | undefined {
  const s = v.trim();
  if (!s) return null;
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  const iso = vn ? `${vn[3]}-${vn[2]?.padStart(2, '0')}-${vn[1]?.padStart(2, '0')}` : s;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return undefined;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

const YES = new Set(['1', 'true', 'yes', 'có', 'x', 'c']);
const NO = new Set(['0', 'false', 'no', 'không', 'k']);

type SiteCandidate = {
  row: number;
  organisationId: string;
  organisationType: string;
  url: string;
  host: string;
  kind: SiteKind;
  stateBody: boolean | null;
  validFrom: string | null;
  validTo: string | null;
  note: string | null;
  present: Set<string>;
};

/**
 * Imports (upserts by host) register rows. The organisation code is resolved among the units in force on the row's
 * valid_from (else today) and must be in the caller's scope; a bad row is reported with its row number and column
 * and skipped, good rows are written in one transaction. Re-importing the same file changes nothing.
 */
export async function importSiteRows(
  db: Db,
  actor: Actor,
  scope: Scope,
  rows: TableRow[],
): Promise<z.output<typeof ZSiteImportReport>> {
  const errors: RowError[] = [];
  const candidates: SiteCandidate[] = [];
  const seen = new Map<string, number>();
  const today = provinceDay();
  for (const { row, cells } of rows) {
    const fail = (column: string, message: string, key: string, params?: Record<string, string | number>) =>
      errors.push({ row, column, message, key: `sites.${key}`, params });
    const nul = nulColumn(cells);
    if (nul) {
      errors.push({ row, column: nul, message: NUL_MESSAGE, key: 'nulCharacter' });
      continue;
    }
    const validFrom = parseDay(cells.valid_from ?? '');
    const validTo = parseDay(cells.valid_to ?? '');
    if (validFrom === undefined || validTo === undefined) {
      fail(validFrom === undefined ? 'valid_from' : 'valid_to', 'Invalid date (expected dd/mm/yyyy)', 'dateInvalid');
      continue;
    }
    if (validFrom && validTo && validFrom > validTo) {
      fail('valid_to', 'valid_to is before valid_from', 'validToBeforeFrom');
      continue;
    }
    const code = (cells.organisation_code ?? '').trim();
    const org = code ? await organisationByCodeOn(db, code, validFrom ?? today) : null;
    if (!org || !inScope(scope, org.id)) {
      fail(
        'organisation_code',
        `No organisation with code "${code}" in your scope on that day`,
        'importUnknownOrganisation',
        {
          code,
        },
      );
      continue;
    }
    const rawUrl = (cells.url ?? '').trim();
    const host = rawUrl && !hasCredentials(rawUrl) ? normaliseHost(rawUrl) : null;
    if (!host || (!host.includes('.') && host !== 'localhost')) {
      fail('url', `Not a web address or host name: "${rawUrl}"`, 'importBadAddress', { value: rawUrl });
      continue;
    }
    const kindText = (cells.kind ?? '').trim().toLowerCase();
    const kind = (kindText || 'website') as SiteKind;
    if (!SITE_KINDS.includes(kind)) {
      fail('kind', `Unknown kind "${cells.kind}" (expected one of: ${SITE_KINDS.join(', ')})`, 'importBadKind', {
        value: cells.kind ?? '',
      });
      continue;
    }
    const stateText = (cells.state_body ?? '').trim().toLowerCase();
    const stateBody = !stateText ? null : YES.has(stateText) ? true : NO.has(stateText) ? false : undefined;
    if (stateBody === undefined) {
      fail('state_body', `Expected yes/no (có/không), not "${cells.state_body}"`, 'importBadYesNo', {
        value: cells.state_body ?? '',
      });
      continue;
    }
    if (seen.has(host)) {
      fail('url', `${host} already appears on row ${seen.get(host)}`, 'importHostRepeated', {
        host,
        row: seen.get(host) ?? 0,
      });
      continue;
    }
    seen.set(host, row);
    candidates.push({
      row,
      organisationId: org.id,
      organisationType: org.type,
      url: /^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl) ? rawUrl : `https://${rawUrl}`,
      host,
      kind,
      stateBody,
      validFrom,
      validTo,
      note: (cells.note ?? '').trim() || null,
      present: new Set(Object.keys(cells)),
    });
  }
  return db.transaction(async (tx) => {
    const report = { created: 0, updated: 0, unchanged: 0, errors };
    const existing = candidates.length
      ? await tx
          .select()
          .from(sites)
          .where(
            inArray(
              sites.host,
              candidates.map((c) => c.host),
            ),
          )
      : [];
    const byHost = new Map(existing.map((s) => [s.host, s]));
    for (const c of candidates) {
      const before = byHost.get(c.host);
      if (before && !inScope(scope, before.organisationId)) {
        // Another agency's site: refused like a duplicate, without saying whose.
        errors.push({
          row: c.row,
          column: 'url',
          message: `${c.host} is already in the register`,
          key: 'sites.hostTaken',
          params: { host: c.host },
        });
        continue;
      }
      const fields = {
        organisationId: c.organisationId,
        url: c.url,
        kind: c.kind,
        stateBody: c.stateBody ?? before?.stateBody ?? c.organisationType !== 'other',
        validFrom: c.present.has('valid_from') ? c.validFrom : (before?.validFrom ?? null),
        validTo: c.present.has('valid_to') ? c.validTo : (before?.validTo ?? null),
        note: c.present.has('note') ? c.note : (before?.note ?? null),
      };
      if (!before) {
        const [row] = await tx
          .insert(sites)
          .values({ ...fields, host: c.host, createdBy: userRef(actor) })
          .returning();
        await recordAudit(tx, auditActor(actor), {
          action: 'site.import',
          entityType: 'site',
          entityId: row?.id ?? null,
          organisationId: c.organisationId,
          after: row,
        });
        report.created++;
        continue;
      }
      const same = (Object.keys(fields) as (keyof typeof fields)[]).every((k) => before[k] === fields[k]);
      if (same) {
        report.unchanged++;
        continue;
      }
      const [after] = await tx
        .update(sites)
        .set({ ...fields, updatedAt: new Date() })
        .where(eq(sites.id, before.id))
        .returning();
      await recordAudit(tx, auditActor(actor), {
        action: 'site.import',
        entityType: 'site',
        entityId: before.id,
        organisationId: c.organisationId,
        before,
        after,
      });
      report.updated++;
    }
    report.errors.sort((a, b) => a.row - b.row);
    return report;
  });
}

export async function importSites(db: Db, actor: Actor, scope: Scope, file: Buffer) {
  return importSiteRows(db, actor, scope, await readTable(file, SITE_COLUMNS));
}

// ---- Dashboard ---------------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/**
 * The dashboard as of a day: the sites in force that day and each one's newest check up to its end, counted per
 * organisation, the certificates expiring within the window of that day's criteria, and the sites failing each
 * criterion.
 */
/** The sites dashboard as of a day: the plain computation below, reused while its tables are unchanged. */
export function siteSummary(db: Db, scope: Scope, on = provinceDay()): Promise<z.output<typeof ZSiteSummary>> {
  return cachedFigure(db, { name: 'siteSummary', topics: ['sites', 'org', 'rules'], key: [on, scopeKey(scope)] }, () =>
    plainSiteSummary(db, scope, on),
  );
}

export async function plainSiteSummary(
  db: Db,
  scope: Scope,
  on = provinceDay(),
): Promise<z.output<typeof ZSiteSummary>> {
  const criteria = await trustCriteria(db, on);
  const end = dayEnd(on);
  const { query } = siteSelect(db, end);
  const ids = scopeOrganisationIds(scope);
  const rows = await query
    .where(and(ids ? (ids.length ? inArray(sites.organisationId, ids) : sql`false`) : undefined, inForceOn(sites, on)))
    .orderBy(asc(organisations.name), asc(sites.host));
  const blank = () => ({ sites: 0, pass: 0, warn: 0, fail: 0, unchecked: 0 });
  const totals = blank();
  const perOrg = new Map<string, ReturnType<typeof blank> & { organisationId: string; name: string }>();
  const perCheck = new Map(SITE_CHECKS.map((c) => [c, { check: c, fail: 0, warn: 0 }]));
  const expiring: z.output<typeof ZSiteSummary>['expiring'] = [];
  for (const r of rows) {
    const org =
      perOrg.get(r.site.organisationId) ??
      perOrg
        .set(r.site.organisationId, { ...blank(), organisationId: r.site.organisationId, name: r.organisationName })
        .get(r.site.organisationId);
    const key = r.verdict ?? 'unchecked';
    for (const counts of [totals, org]) {
      if (!counts) continue;
      counts.sites++;
      counts[key]++;
    }
    for (const res of r.results ?? []) {
      const c = perCheck.get(res.check);
      if (c && (res.verdict === 'fail' || res.verdict === 'warn')) c[res.verdict]++;
    }
    if (r.certificateValidTo) {
      // Whole days from the day's end, as the checker counts: expired ones are listed too, negative.
      const daysLeft = Math.trunc((r.certificateValidTo.getTime() - end.getTime()) / DAY_MS);
      if (daysLeft <= criteria.expiryWarnDays)
        expiring.push({
          siteId: r.site.id,
          host: r.site.host,
          organisationName: r.organisationName,
          validTo: r.certificateValidTo,
          daysLeft,
        });
    }
  }
  expiring.sort((a, b) => a.validTo.getTime() - b.validTo.getTime());
  return {
    on,
    expiryWarnDays: criteria.expiryWarnDays,
    criteriaRule: criteria.ruleKey,
    criteriaRuleText: criteria.ruleText,
    totals,
    organisations: [...perOrg.values()],
    expiring,
    criteria: [...perCheck.values()],
  };
}

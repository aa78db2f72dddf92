import { desc, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { auditActor } from '../../core/actor.ts';
import { boundedPeriod, ZPeriod, ZPeriodFields } from '../../core/contract.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { cachedFigure, scopeKey } from '../../core/figure-cache.ts';
import { fileSha256 } from '../../core/io/file-hash.ts';
import { dayEnd, dayStart, periodAsOf, provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';

import {
  type Actor,
  inScope,
  organisationIdIn,
  type Scope,
  scopedOrganisationIds,
  scopeOrganisationIds,
} from '../auth/index.ts';
import { announceEscalation, escalateSocFinding, incidentsOfSocFinding } from '../incidents/index.ts';
import { type Attributor, carrierTable, loadAttributor, organisations, rangesOn } from '../organisations/index.ts';
import { analyzeStreams } from './analyze.ts';
import { defaultEngineConfig, type EngineConfigInput } from './engine/config.ts';
import type { ContactFinding, Findings, Indicator, ScannerFinding } from './engine/types.ts';
import { parseIntel } from './intel/parse-intel.ts';
import type { LogFormat } from './parsers/types.ts';
import {
  SOC_EVIDENCE_OUTCOMES,
  type SOC_LINE_ERROR_KINDS,
  type ZSocFinding,
  type ZSocFindingDetail,
  ZSocFindingKind,
  type ZSocFindingRecord,
  ZSocFindingSort,
  ZSocFindingStatus,
  type ZSocIngest,
  ZSocOrigin,
  type ZSocTriageEvent,
} from './soc.contract.ts';
import type { SocTriageInput } from './soc.input.ts';
import {
  SOC_TRIAGE,
  socFindingOrganisations,
  socFindings,
  socIngests,
  socSightings,
  threatIndicators,
} from './soc.schema.ts';

const MAX_STORED_ERRORS = 100;
const toDate = (epochSeconds: number) => new Date(Math.round(epochSeconds * 1000));
const toSeconds = (d: Date | null) => (d ? d.getTime() / 1000 : undefined);

/**
 * A time a raw SQL query returned (PostgreSQL's text form, '2024-05-10 03:00:00.123456+00', or a Date) as an
 * instant, so every route answers ISO 8601 and a list agrees with the detail the query builder reads.
 */
export function toInstant(value: string | Date): Date {
  if (value instanceof Date) return value;
  const iso = value
    .replace(' ', 'T')
    .replace(/(\.\d{3})\d+/, '$1')
    .replace(/([+-]\d{2})$/, '$1:00');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new AppError('INTERNAL', `unreadable time from the database: ${value}`);
  return d;
}

type LineErrorKind = (typeof SOC_LINE_ERROR_KINDS)[number];
// The parsers' reasons, by kind (their own words stay as `reason`: they name the field).
const LINE_ERROR_PATTERNS: [LineErrorKind, RegExp][] = [
  ['unrecognised_format', /^unrecognised log format/],
  ['invalid_json', /^invalid JSON/],
  ['header', /header|^data line before/],
  ['field_count', /^expected \d+ fields/],
  ['missing_field', /^missing |^invalid or missing |^no timestamp/],
  ['invalid_field', /^invalid /],
  ['not_syslog', /^not a syslog line/],
  ['line_too_long', /^line longer than/],
  ['nul_character', /NUL character/],
  ['not_indicator', /^not an IP|^no usable indicator|^unusable |^indicator without|^no supported comparison/],
];

/** A rejected line with the kind of problem its reason names. */
export const lineError = (e: { line: number; reason: string }) => ({
  line: e.line,
  reason: e.reason,
  kind: LINE_ERROR_PATTERNS.find(([, pattern]) => pattern.test(e.reason))?.[0] ?? ('other' as LineErrorKind),
});
type LineError = ReturnType<typeof lineError>;

/** Every valid-or-future indicator in the database, in the engine's form. */
export async function loadIndicators(db: Db): Promise<Indicator[]> {
  const rows = await db
    .select()
    .from(threatIndicators)
    .where(sql`${threatIndicators.validUntil} is null or ${threatIndicators.validUntil} > now() - interval '400 days'`);
  return rows.map((r) => ({
    type: r.type as Indicator['type'],
    value: r.value,
    source: r.source,
    confidence: r.confidence ?? undefined,
    validFrom: toSeconds(r.validFrom),
    validUntil: toSeconds(r.validUntil),
    id: r.externalId ?? undefined,
    description: r.description ?? undefined,
  }));
}

/**
 * The engine's configuration for this province: "internal" means inside the organisations' IP ranges (plus the
 * private ranges), so the internal/external thresholds and contact directions follow the province's real networks;
 * the ranges are also the target groups by which scanners are attributed.
 */
export async function provinceEngineConfig(db: Db): Promise<EngineConfigInput> {
  const ranges = await rangesOn(db, provinceDay());
  return {
    internalNetworks: [...new Set([...defaultEngineConfig.internalNetworks, ...ranges.map((r) => r.cidr)])],
    // A scanner's finding then names every organisation it swept (see storeFindings).
    targetGroups: ranges.map((r) => ({ cidr: r.cidr, group: r.organisationId })),
  };
}

export type IntelImportResult = {
  format: string;
  added: number;
  updated: number;
  rejected: LineError[];
  skipped: number;
};

/** Loads a feed (plain list, CSV, STIX 2.1 bundle or MISP event) under a source name; re-loading updates in place. */
export async function importIntel(
  db: Db,
  actor: Actor | null,
  text: string,
  source: string,
): Promise<IntelImportResult> {
  const parsed = parseIntel(text, source);
  const rejected = parsed.rejected.slice(0, MAX_STORED_ERRORS).map(lineError);
  if (!parsed.indicators.length && parsed.rejected.length)
    throw new AppError(
      'VALIDATION',
      `${source}: no valid indicator (line ${parsed.rejected[0]?.line}: ${parsed.rejected[0]?.reason})`,
      { rejected },
      { key: 'socIntelNoIndicator', params: { source, line: parsed.rejected[0]?.line ?? 0 } },
    );
  const unique = new Map(parsed.indicators.map((i) => [`${i.type}|${i.value}`, i]));
  const rows = [...unique.values()].map((i) => ({
    type: i.type,
    value: i.value,
    source,
    confidence: i.confidence ?? null,
    validFrom: i.validFrom ? toDate(i.validFrom) : null,
    validUntil: i.validUntil ? toDate(i.validUntil) : null,
    externalId: i.id ?? null,
    description: i.description?.slice(0, 1000) ?? null,
  }));
  return db.transaction(async (tx) => {
    let added = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const res = await tx
        .insert(threatIndicators)
        .values(rows.slice(i, i + 500))
        .onConflictDoUpdate({
          target: [threatIndicators.type, threatIndicators.value, threatIndicators.source],
          set: {
            confidence: sql`excluded.confidence`,
            validFrom: sql`excluded.valid_from`,
            validUntil: sql`excluded.valid_until`,
            externalId: sql`excluded.external_id`,
            description: sql`excluded.description`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      added += res.filter((r) => r.inserted).length;
    }
    const result = {
      format: parsed.format,
      added,
      updated: rows.length - added,
      rejected,
      skipped: parsed.skipped,
    };
    await recordAudit(tx, auditActor(actor), {
      action: 'soc.intel.import',
      entityType: 'threat_intel',
      entityId: source,
      after: { ...result, rejected: parsed.rejected.length },
    });
    return result;
  });
}

export const listIntelSources = async (db: Db) =>
  (
    await queryRows<{
      source: string;
      indicators: number;
      ips: number;
      domains: number;
      urls: number;
      updatedAt: string | Date;
    }>(
      db,
      sql`select source, count(*)::int as indicators,
        count(*) filter (where type in ('ip', 'cidr'))::int as ips,
        count(*) filter (where type = 'domain')::int as domains,
        count(*) filter (where type = 'url')::int as urls,
        max(updated_at) as "updatedAt"
      from threat_indicators group by source order by source`,
    )
  ).map((s) => ({ ...s, updatedAt: toInstant(s.updatedAt) }));

export async function deleteIntelSource(db: Db, actor: Actor, source: string) {
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(threatIndicators)
      .where(eq(threatIndicators.source, source))
      .returning({ id: threatIndicators.id });
    if (!removed.length)
      throw new AppError('NOT_FOUND', 'Intel source not found', undefined, {
        key: 'socIntelSourceNotFound',
        params: { source },
      });
    await recordAudit(tx, auditActor(actor), {
      action: 'soc.intel.delete',
      entityType: 'threat_intel',
      entityId: source,
      before: { indicators: removed.length },
    });
  });
}

/**
 * A scanner inside an organisation's range is that organisation's; an external scanner is attributed to the
 * organisation it sent most failed attempts to (the engine counts them per organisation range).
 */
function attributeScanner(
  s: ScannerFinding,
  attribute: Attributor,
): { organisationId: string | null; attribution: string | null } {
  const own = attribute(s.ip);
  if (own) return { organisationId: own, attribution: 'source-range' };
  const [most] = s.targetGroups;
  return most
    ? { organisationId: most.group, attribution: 'target-range' }
    : { organisationId: null, attribution: null };
}

type FindingRow = typeof socFindings.$inferInsert;
type Sighting = {
  firstSeen: Date;
  lastSeen: Date;
  count: number;
  distinctTargets: number | null;
  distinctPorts: number | null;
  organisationAttempts: Record<string, number> | null;
};

/** A finding's row, this ingest's sighting of it, and every organisation it concerns. */
type StoredFinding = [FindingRow, Sighting, string[]];

function scannerRow(s: ScannerFinding, attribute: Attributor): StoredFinding {
  const attributed = attributeScanner(s, attribute);
  return [
    {
      kind: 'scanner',
      dedupeKey: `scanner|${s.ip}`,
      ip: s.ip,
      ...attributed,
      internal: s.internal,
      scanKind: s.kind,
      slow: s.slow,
      firstSeen: toDate(s.firstSeen),
      lastSeen: toDate(s.lastSeen),
      rules: s.rules,
      evidence: s.evidence,
    },
    {
      firstSeen: toDate(s.firstSeen),
      lastSeen: toDate(s.lastSeen),
      count: s.attempts,
      distinctTargets: s.distinctTargets,
      distinctPorts: s.distinctPorts,
      organisationAttempts: Object.fromEntries(s.targetGroups.map((g) => [g.group, g.failedAttempts])),
    },
    [
      ...new Set([
        ...(attributed.organisationId ? [attributed.organisationId] : []),
        ...s.targetGroups.map((g) => g.group),
      ]),
    ],
  ];
}

function contactRow(c: ContactFinding, attribute: Attributor): StoredFinding {
  const organisationId = attribute(c.host);
  return [
    {
      kind: 'malicious_contact',
      dedupeKey: `contact|${c.host}|${c.indicatorType}|${c.indicator}`,
      ip: c.host,
      organisationId,
      attribution: organisationId ? 'source-range' : null,
      internal: c.internal,
      indicator: c.indicator,
      indicatorType: c.indicatorType,
      indicatorSource: c.source,
      direction: c.direction,
      firstSeen: toDate(c.firstSeen),
      lastSeen: toDate(c.lastSeen),
      rules: [{ matchedOn: c.matchedOn, confidence: c.confidence, indicatorId: c.indicatorId }],
      evidence: c.evidence,
    },
    {
      firstSeen: toDate(c.firstSeen),
      lastSeen: toDate(c.lastSeen),
      count: c.count,
      distinctTargets: null,
      distinctPorts: null,
      organisationAttempts: null,
    },
    organisationId ? [organisationId] : [],
  ];
}

/**
 * Stores an engine snapshot for one ingest. Findings are upserted by their dedupe key (triage survives), and the
 * ingest's sighting of each is replaced by the snapshot's cumulative numbers, so storing the same snapshot twice,
 * or a later snapshot of the same live detector, never double-counts.
 */
export async function storeFindings(
  db: Db,
  ingestId: string,
  findings: Findings,
  attribute: Attributor,
): Promise<number> {
  const pairs = [
    ...findings.scanners.map((s) => scannerRow(s, attribute)),
    ...findings.maliciousContacts.map((c) => contactRow(c, attribute)),
  ];
  for (let i = 0; i < pairs.length; i += 200) {
    const chunk = pairs.slice(i, i + 200);
    const saved = await db
      .insert(socFindings)
      .values(chunk.map(([row]) => row))
      .onConflictDoUpdate({
        target: socFindings.dedupeKey,
        set: {
          organisationId: sql`coalesce(excluded.organisation_id, ${socFindings.organisationId})`,
          attribution: sql`coalesce(excluded.attribution, ${socFindings.attribution})`,
          scanKind: sql`excluded.scan_kind`,
          slow: sql`excluded.slow`,
          firstSeen: sql`least(${socFindings.firstSeen}, excluded.first_seen)`,
          lastSeen: sql`greatest(${socFindings.lastSeen}, excluded.last_seen)`,
          rules: sql`excluded.rules`,
          evidence: sql`excluded.evidence`,
        },
      })
      .returning({ id: socFindings.id, dedupeKey: socFindings.dedupeKey });
    const idByKey = new Map(saved.map((s) => [s.dedupeKey, s.id]));
    await db
      .insert(socSightings)
      .values(
        chunk.map(([row, sighting]) => ({ findingId: idByKey.get(row.dedupeKey) as string, ingestId, ...sighting })),
      )
      .onConflictDoUpdate({
        target: [socSightings.findingId, socSightings.ingestId],
        set: {
          firstSeen: sql`excluded.first_seen`,
          lastSeen: sql`excluded.last_seen`,
          count: sql`excluded.count`,
          distinctTargets: sql`excluded.distinct_targets`,
          distinctPorts: sql`excluded.distinct_ports`,
          organisationAttempts: sql`excluded.organisation_attempts`,
        },
      });
    // Organisations concerned accumulate over ingests: an agency swept last week still sees the scanner.
    const concerned = chunk.flatMap(([row, , organisationIds]) =>
      organisationIds.map((organisationId) => ({ findingId: idByKey.get(row.dedupeKey) as string, organisationId })),
    );
    if (concerned.length) await db.insert(socFindingOrganisations).values(concerned).onConflictDoNothing();
  }
  return pairs.length;
}

export type LogIngestResult = {
  ingestId: string;
  duplicate: boolean;
  format: string | null;
  events: number;
  rejected: number;
  errors: LineError[];
  scanners: number;
  maliciousContacts: number;
};

/** Runs one uploaded log file through the engine with the province's intel and stores what it finds. */
export async function ingestLogFile(
  db: Db,
  actor: Actor | null,
  path: string,
  opts: { fileName: string; format?: LogFormat | 'auto'; signal?: AbortSignal },
): Promise<LogIngestResult> {
  const sha256 = await fileSha256(path);
  const [dup] = await db.select().from(socIngests).where(eq(socIngests.sha256, sha256));
  if (dup)
    return {
      ingestId: dup.id,
      duplicate: true,
      format: dup.format,
      events: dup.events,
      rejected: dup.rejected,
      errors: [],
      scanners: 0,
      maliciousContacts: 0,
    };
  const [indicators, config, attribute] = await Promise.all([
    loadIndicators(db),
    provinceEngineConfig(db),
    loadAttributor(db),
  ]);
  // By path, so compressed (.gz) uploads are recognised and unpacked like files on the command line.
  const result = await analyzeStreams([{ name: opts.fileName, path }], {
    format: opts.format ?? 'auto',
    indicators,
    config,
    maxErrors: MAX_STORED_ERRORS,
    signal: opts.signal,
  });
  const format = result.inputs[0]?.format ?? null;
  const errors = result.errors.map(lineError);
  // Nothing readable at all: refuse (and record nothing) so the file can be sent again with the right format.
  if (result.events === 0 && result.rejected > 0)
    throw new AppError(
      'VALIDATION',
      `${opts.fileName}: no record could be read (line ${errors[0]?.line}: ${errors[0]?.reason})`,
      { errors: errors.slice(0, 10) },
      { key: 'socLogUnreadable', params: { file: opts.fileName, rejected: result.rejected } },
    );
  return db.transaction(async (tx) => {
    const [ingest] = await tx
      .insert(socIngests)
      .values({
        source: opts.fileName,
        format,
        sha256,
        events: result.events,
        rejected: result.rejected,
        errors: errors.map(({ line, reason }) => ({ line, reason })),
        finishedAt: new Date(),
        createdBy: actor?.username === 'cli' ? null : (actor?.userId ?? null),
      })
      .returning({ id: socIngests.id });
    if (!ingest) throw new AppError('INTERNAL', 'insert failed');
    await storeFindings(tx, ingest.id, result.findings, attribute);
    const out: LogIngestResult = {
      ingestId: ingest.id,
      duplicate: false,
      format,
      events: result.events,
      rejected: result.rejected,
      errors,
      scanners: result.findings.scanners.length,
      maliciousContacts: result.findings.maliciousContacts.length,
    };
    await recordAudit(tx, auditActor(actor), {
      action: 'soc.ingest',
      entityType: 'soc_ingest',
      entityId: ingest.id,
      after: { ...out, errors: errors.length, source: opts.fileName },
    });
    return out;
  });
}

export const ZSocPeriod = ZPeriod;

// Whole days in the province's time zone (bounds computed once); a finding counts when one of its sightings
// overlaps the period.
const seenIn = (from: string, to: string) =>
  sql`exists (select 1 from soc_sightings s where s.finding_id = f.id
    and s.first_seen < ${dayEnd(to).toISOString()}::timestamptz and s.last_seen >= ${dayStart(from).toISOString()}::timestamptz)`;

export type SocSummary = {
  period: { from: string; to: string; asOf: string };
  /** Distinct addresses that scanned the network ("N địa chỉ IP thực hiện rà quét"). */
  scanningIps: number;
  internalScanningIps: number;
  /** Distinct hosts that connected to malicious servers ("M địa chỉ IP kết nối tới máy chủ độc hại"). */
  maliciousContactIps: number;
  byOrganisation: {
    organisationId: string | null;
    name: string | null;
    scanningIps: number;
    maliciousContactIps: number;
  }[];
  byTriage: Record<(typeof SOC_TRIAGE)[number], number>;
  /** Whether any log data was ever ingested (false: nothing was ever analysed). */
  ingested: boolean;
};

/** SQL condition: finding `f` concerns one of the organisations (a scopedOrganisationIds result; null: any or none). */
const concerns = (ids: string[] | null): SQL =>
  ids === null
    ? sql`true`
    : sql`exists (select 1 from soc_finding_organisations fo where fo.finding_id = f.id and ${organisationIdIn(sql`fo.organisation_id`, ids)})`;

/** SQL condition: the scope may see finding `f`'s attributed organisation. */
const visibleOrganisation = (scope: Scope): SQL =>
  organisationIdIn(sql`f.organisation_id`, scopeOrganisationIds(scope));

/**
 * SQL condition: the scope sees finding `f` only as an agency it swept, not as its owner (nor province-wide). Such
 * a viewer gets the failed attempts on its own ranges instead of the scanner's totals, and no triage note: both
 * would tell it about the other agencies the scanner swept.
 */
const sweptOnly = (scope: Scope): SQL => sql`not coalesce(${visibleOrganisation(scope)}, false)`;

/** Failed attempts of finding `f` on the scope's organisations, over its sightings (null when none recorded). */
const ownAttempts = (scope: Scope): SQL =>
  sql`(select sum(a.value::int)::int from soc_sightings s cross join lateral jsonb_each_text(s.organisation_attempts) a
      where s.finding_id = f.id and ${organisationIdIn(sql`a.key::uuid`, scopeOrganisationIds(scope))})`;

/** The organisations finding `f` concerns that the scope may see, as a JSON array of { id, name }. */
const concernedOrganisations = (scope: Scope): SQL =>
  sql`(select coalesce(json_agg(json_build_object('id', o2.id, 'name', o2.name) order by o2.name), '[]'::json)
      from soc_finding_organisations fo
      join organisations o2 on o2.id = fo.organisation_id
      where fo.finding_id = f.id and ${organisationIdIn(sql`fo.organisation_id`, scopeOrganisationIds(scope))})`;

/**
 * The SOC's period statement. Confirmed false positives are left out. A scanner counts for every organisation it
 * concerns (its own, or each one it swept), so the per-organisation figures may add up to more than the total.
 */
/** The period statement the dashboards, reports and CLI show: the plain computation, reused while unchanged. */
export function socSummary(db: Db, scope: Scope, period: z.infer<typeof ZSocPeriod>): Promise<SocSummary> {
  const { from, to, asOf, organisationId } = periodAsOf(period);
  return cachedFigure(
    db,
    { name: 'socSummary', topics: ['soc', 'org'], key: [from, to, asOf, organisationId, scopeKey(scope)] },
    () => plainSocSummary(db, scope, period),
  );
}

export async function plainSocSummary(db: Db, scope: Scope, period: z.infer<typeof ZSocPeriod>): Promise<SocSummary> {
  const p = periodAsOf(period);
  const orgIds = await scopedOrganisationIds(db, scope, p.organisationId, p.asOf);
  const where = sql`f.status <> 'false_positive' and ${concerns(orgIds)} and ${seenIn(p.from, p.to)}`;
  const [totals] = await queryRows<{ scanning: number; internalScanning: number; contacts: number }>(
    db,
    sql`select count(distinct f.ip) filter (where f.kind = 'scanner')::int as scanning,
        count(distinct f.ip) filter (where f.kind = 'scanner' and f.internal)::int as "internalScanning",
        count(distinct f.ip) filter (where f.kind = 'malicious_contact' and f.direction = 'outbound')::int as contacts
      from soc_findings f where ${where}`,
  );
  // Each organisation under the unit carrying it on asOf (a merged commune's findings under its new commune).
  const byOrganisation = await queryRows<SocSummary['byOrganisation'][number]>(
    db,
    sql`select coalesce(carrier.unit, fo.organisation_id) as "organisationId", max(o.name) as name,
        count(distinct f.ip) filter (where f.kind = 'scanner')::int as "scanningIps",
        count(distinct f.ip) filter (where f.kind = 'malicious_contact' and f.direction = 'outbound')::int as "maliciousContactIps"
      from soc_findings f left join soc_finding_organisations fo on fo.finding_id = f.id
        left join ${await carrierTable(db, p.asOf)} on carrier.id = fo.organisation_id
        left join organisations o on o.id = coalesce(carrier.unit, fo.organisation_id)
      where f.status <> 'false_positive' and ${seenIn(p.from, p.to)}
        and ${orgIds === null ? sql`true` : organisationIdIn(sql`fo.organisation_id`, orgIds)}
      group by coalesce(carrier.unit, fo.organisation_id) order by 3 desc, 4 desc`,
  );
  const triage = await queryRows<{ status: (typeof SOC_TRIAGE)[number]; n: number }>(
    db,
    sql`select f.status, count(*)::int as n from soc_findings f
      where ${concerns(orgIds)} and ${seenIn(p.from, p.to)} group by f.status`,
  );
  const byTriage = Object.fromEntries(
    SOC_TRIAGE.map((s) => [s, triage.find((t) => t.status === s)?.n ?? 0]),
  ) as SocSummary['byTriage'];
  const [anyIngest] = await db.select({ id: socIngests.id }).from(socIngests).limit(1);
  return {
    period: { from: p.from, to: p.to, asOf: p.asOf },
    scanningIps: totals?.scanning ?? 0,
    internalScanningIps: totals?.internalScanning ?? 0,
    maliciousContactIps: totals?.contacts ?? 0,
    byOrganisation,
    byTriage,
    ingested: anyIngest !== undefined,
  };
}

export const ZSocFindingQuery = ZPeriodFields.partial()
  .extend({
    kind: ZSocFindingKind.optional(),
    status: ZSocFindingStatus.optional(),
    /** Inside the province's networks or outside. */
    origin: ZSocOrigin.optional(),
    /** Part of the address, or (for a malicious contact) of the indicator: domain, URL or IP. */
    q: z.string().trim().max(200).optional(),
    sort: ZSocFindingSort.default('lastSeen'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine(...boundedPeriod);

/** Each sort key's column of the list query below (`x`): keys are mapped, never interpolated. */
const FINDING_ORDER: Record<z.infer<typeof ZSocFindingSort>, SQL> = {
  ip: sql`x."ipOrder"`,
  indicator: sql`x.indicator`,
  // The attributed organisation, else the first concerned one the viewer may see (an agency a scanner swept).
  organisation: sql`coalesce(x."organisationName", x.organisations->0->>'name')`,
  count: sql`x.count`,
  targets: sql`x."distinctTargets"`,
  firstSeen: sql`x."firstSeen"`,
  lastSeen: sql`x."lastSeen"`,
  status: sql`x.status`,
};

/** A LIKE pattern matching `text` anywhere, its wildcards taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the findings the scope may see, filtered, searched and sorted, with the number the filters match.
 * A finding concerns an agency when it is its own or (a scanner) swept it: `concerns` keeps the scope in the SQL of
 * both the page and the total.
 */
export async function listSocFindings(
  db: Db,
  scope: Scope,
  q: z.infer<typeof ZSocFindingQuery>,
): Promise<{ items: z.output<typeof ZSocFinding>[]; total: number }> {
  const orgIds = await scopedOrganisationIds(db, scope, q.organisationId);
  const conds = [concerns(orgIds)];
  if (q.kind) conds.push(sql`f.kind = ${q.kind}`);
  if (q.status) conds.push(sql`f.status = ${q.status}`);
  if (q.origin) conds.push(sql`f.internal = ${q.origin === 'internal'}`);
  if (q.q) {
    const pattern = containing(q.q);
    conds.push(sql`(host(f.ip) ilike ${pattern} or f.indicator ilike ${pattern})`);
  }
  if (q.from && q.to) conds.push(seenIn(q.from, q.to));
  const where = sql.join(conds, sql` and `);
  const direction = q.dir === 'asc' ? sql`asc` : sql`desc`;
  const [rows, [counted]] = await Promise.all([
    queryRows<
      Omit<z.output<typeof ZSocFinding>, 'firstSeen' | 'lastSeen'> & {
        firstSeen: string | Date;
        lastSeen: string | Date;
        ipOrder?: unknown;
      }
    >(
      db,
      // The organisation a finding is attributed to is named only to those who may see it: an agency swept by an
      // external scanner sees that it was swept, not which other agency was swept most.
      sql`select * from (select f.id, f.kind, host(f.ip) as ip, f.ip as "ipOrder",
          case when ${visibleOrganisation(scope)} then f.organisation_id end as "organisationId",
          case when ${visibleOrganisation(scope)} then o.name end as "organisationName",
          case when ${sweptOnly(scope)} and f.attribution = 'target-range' then null else f.attribution end as attribution,
          f.internal, f.scan_kind as "scanKind", f.slow, f.indicator, f.indicator_type as "indicatorType",
          f.indicator_source as "indicatorSource", f.direction, f.first_seen as "firstSeen", f.last_seen as "lastSeen",
          f.status, ${concernedOrganisations(scope)} as "organisations", ${sweptOnly(scope)} as "sweptOnly",
          case when ${sweptOnly(scope)} then null else f.triage_note end as "triageNote",
          case when ${sweptOnly(scope)} then ${ownAttempts(scope)}
            else (select sum(count)::int from soc_sightings s where s.finding_id = f.id) end as count,
          case when ${sweptOnly(scope)} then null
            else (select max(distinct_targets)::int from soc_sightings s where s.finding_id = f.id) end as "distinctTargets",
          case when ${sweptOnly(scope)} then null
            else (select max(distinct_ports)::int from soc_sightings s where s.finding_id = f.id) end as "distinctPorts"
        from soc_findings f left join organisations o on o.id = f.organisation_id
        where ${where}) x
      order by ${FINDING_ORDER[q.sort]} ${direction} nulls last, x.id
      limit ${q.limit} offset ${q.offset}`,
    ),
    queryRows<{ total: number }>(db, sql`select count(*)::int as total from soc_findings f where ${where}`),
  ]);
  return {
    items: rows.map(({ ipOrder: _, ...row }) => ({
      ...row,
      firstSeen: toInstant(row.firstSeen),
      lastSeen: toInstant(row.lastSeen),
    })),
    total: counted?.total ?? 0,
  };
}

const findingNotFound = () => new AppError('NOT_FOUND', 'Finding not found', undefined, { key: 'socFindingNotFound' });

/** The triage decisions on a finding, newest first, from the audit log, each with the display name of who acted. */
async function triageHistory(db: Db, id: string): Promise<z.output<typeof ZSocTriageEvent>[]> {
  const rows = await queryRows<{
    at: string | Date;
    actorName: string;
    from: string | null;
    to: (typeof SOC_TRIAGE)[number];
    note: string | null;
  }>(
    db,
    sql`select a.at, coalesce(u.display_name, a.actor_name) as "actorName", a.before->>'status' as "from",
        a.after->>'status' as "to", a.after->>'note' as note
      from audit_log a left join users u on u.id = a.actor_id
      where a.entity_type = 'soc_finding' and a.entity_id = ${id} and a.action = 'soc.finding.triage'
      order by a.seq desc limit 100`,
  );
  const isStatus = (v: string | null): v is (typeof SOC_TRIAGE)[number] =>
    v !== null && (SOC_TRIAGE as readonly string[]).includes(v);
  return rows.map((r) => ({ ...r, at: toInstant(r.at), from: isStatus(r.from) ? r.from : null }));
}

/** An evidence sample with the outcome word its text starts with (a flow's), for the UI to translate. */
function withOutcome<E extends { proto: string; what: string }>(
  e: E,
): E & { outcome?: (typeof SOC_EVIDENCE_OUTCOMES)[number] } {
  if (e.proto === 'dns' || e.proto === 'tls' || e.proto === 'http') return e;
  const first = e.what.split(' ', 1)[0] ?? '';
  const outcome = SOC_EVIDENCE_OUTCOMES.find((o) => o === first);
  return outcome ? { ...e, outcome } : e;
}

/**
 * One finding with its evidence, rule hits and sightings; a finding that does not concern the caller's agency is
 * "not found".
 */
export async function getSocFinding(db: Db, scope: Scope, id: string): Promise<z.output<typeof ZSocFindingDetail>> {
  // Its jsonb columns hold what storeFindings wrote: the engine's rule hits and evidence samples.
  const [f] = (await db.select().from(socFindings).where(eq(socFindings.id, id))) as z.output<
    typeof ZSocFindingRecord
  >[];
  if (!f) throw findingNotFound();
  const concerned = (
    await db
      .select({ id: socFindingOrganisations.organisationId, name: organisations.name })
      .from(socFindingOrganisations)
      .innerJoin(organisations, eq(organisations.id, socFindingOrganisations.organisationId))
      .where(eq(socFindingOrganisations.findingId, id))
      .orderBy(organisations.name)
  ).filter((o) => inScope(scope, o.id));
  if (!scope.all && concerned.length === 0) throw findingNotFound();
  const sightings = await db
    .select({
      ingestId: socSightings.ingestId,
      source: socIngests.source,
      firstSeen: socSightings.firstSeen,
      lastSeen: socSightings.lastSeen,
      count: socSightings.count,
      distinctTargets: socSightings.distinctTargets,
      distinctPorts: socSightings.distinctPorts,
      organisationAttempts: socSightings.organisationAttempts,
    })
    .from(socSightings)
    .innerJoin(socIngests, eq(socIngests.id, socSightings.ingestId))
    .where(eq(socSightings.findingId, id))
    .orderBy(desc(socSightings.lastSeen));
  const owner = inScope(scope, f.organisationId);
  const incidents = await incidentsOfSocFinding(db, scope, id);
  // Who may see the finding's organisation (the province, its owner) also sees its name and who triaged it.
  const named = async () => {
    const [org] = f.organisationId
      ? await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, f.organisationId))
      : [];
    return { organisationName: org?.name ?? null, triageHistory: await triageHistory(db, id) };
  };
  if (scope.all)
    return {
      ...f,
      ...(await named()),
      evidence: f.evidence.map(withOutcome),
      sweptOnly: false,
      organisations: concerned,
      sightings,
      incidents,
    };
  // A scanner that swept several agencies shows each of them only the samples whose other side is its own (or
  // belongs to no organisation); the finding's own address is shown anyway, also when another agency's host scans.
  const attribute = await loadAttributor(db);
  const visible = (ip: string) => {
    const org = attribute(ip);
    return ip === f.ip || org === null || scope.organisationIds.includes(org);
  };
  // The owner of a scanning host also sees what it did to other agencies, their hosts masked (`dstOtherOrganisation`).
  const maskOthers = owner && f.attribution === 'source-range';
  const evidence = f.evidence
    .flatMap((e) =>
      !visible(e.src) ? [] : visible(e.dst) ? [e] : maskOthers ? [{ ...e, dst: '', dstOtherOrganisation: true }] : [],
    )
    .map(withOutcome);
  // A vertical-scan hit names its target host: kept only when that host is the agency's own (or no one's).
  const rules = f.rules.filter((hit) => !('target' in hit) || hit.target === undefined || visible(hit.target));
  if (owner) {
    // Its owner: the scanner's figures, without the other organisations' shares.
    const own = sightings.map(({ organisationAttempts: _, ...sighting }) => sighting);
    return {
      ...f,
      ...(await named()),
      sweptOnly: false,
      organisations: concerned,
      rules,
      evidence,
      sightings: own,
      incidents,
    };
  }
  // An agency it swept (see `sweptOnly`): its own failed attempts per sighting, no totals, no triage note.
  const shares = sightings.map(({ organisationAttempts, ...sighting }) => {
    const mine = Object.entries(organisationAttempts ?? {}).filter(([org]) => scope.organisationIds.includes(org));
    return {
      ...sighting,
      count: mine.length ? mine.reduce((total, [, n]) => total + n, 0) : null,
      distinctTargets: null,
      distinctPorts: null,
    };
  });
  return {
    ...f,
    organisationId: null,
    organisationName: null,
    // 'target-range' would say that another agency was swept more than this one.
    attribution: f.attribution === 'target-range' ? null : f.attribution,
    triageNote: null,
    triagedBy: null,
    triagedAt: null,
    triageHistory: [],
    sweptOnly: true,
    organisations: concerned,
    // Horizontal, ICMP-sweep and TRW hits count the scanner's attempts on every agency (25 targets when it had 2 of
    // them): only the hits on its own hosts (a vertical scan of one of them) are its own to see.
    rules: rules.filter((hit) => 'target' in hit && hit.target !== undefined),
    evidence,
    sightings: shares,
    incidents,
  };
}

/**
 * Records the SOC's decision. Escalating links the finding to `incidentId`, or opens an incident from it when it is
 * linked to none yet (incidents module), in the same transaction; the answer names the incident.
 */
export async function triageSocFinding(db: Db, actor: Actor, scope: Scope, id: string, input: SocTriageInput) {
  const before = await getSocFinding(db, scope, id);
  const note = input.note?.trim() || null;
  const result = await db.transaction(async (tx) => {
    const [after] = (await tx
      .update(socFindings)
      .set({ status: input.status, triageNote: note, triagedBy: actor.userId, triagedAt: new Date() })
      .where(eq(socFindings.id, id))
      .returning()) as z.output<typeof ZSocFindingRecord>[];
    await recordAudit(tx, auditActor(actor), {
      action: 'soc.finding.triage',
      entityType: 'soc_finding',
      entityId: id,
      organisationId: before.organisationId,
      before: { status: before.status, note: before.triageNote },
      after: { status: after?.status, note: after?.triageNote },
    });
    if (!after || input.status !== 'escalated') return { after, escalation: null };
    const [linked] = input.incidentId ? [] : await incidentsOfSocFinding(tx, { all: true }, id);
    if (linked) return { after, escalation: null, incidentId: linked.id };
    const escalation = await escalateSocFinding(
      tx,
      actor,
      { ...before, organisationIds: before.organisations.map((o) => o.id), note },
      input.incidentId,
    );
    return { after, escalation, incidentId: escalation.incident.id };
  });
  if (result.escalation) await announceEscalation(db, result.escalation);
  return { ...(result.after as z.output<typeof ZSocFindingRecord>), incidentId: result.incidentId ?? null };
}

export const listIngests = async (db: Db, limit = 50): Promise<z.output<typeof ZSocIngest>[]> =>
  // `errors` holds the first rejected lines, as ingestLogFile wrote them.
  (
    (await db
      .select({
        id: socIngests.id,
        source: socIngests.source,
        format: socIngests.format,
        events: socIngests.events,
        rejected: socIngests.rejected,
        errors: socIngests.errors,
        startedAt: socIngests.startedAt,
        finishedAt: socIngests.finishedAt,
      })
      .from(socIngests)
      .orderBy(desc(socIngests.startedAt))
      .limit(limit)) as (Omit<z.output<typeof ZSocIngest>, 'errors'> & { errors: { line: number; reason: string }[] })[]
  ).map((i) => ({ ...i, errors: i.errors.map(lineError) }));

/** Starts an ingest for a live source (collector, stream worker); its snapshots are stored with `storeFindings`. */
export async function openIngest(db: Db, source: string, format: string | null): Promise<string> {
  const [row] = await db.insert(socIngests).values({ source, format }).returning({ id: socIngests.id });
  if (!row) throw new AppError('INTERNAL', 'insert failed');
  return row.id;
}

/** Records a live ingest's running totals (and, when it ends, its finish time). */
export async function updateIngest(
  db: Db,
  ingestId: string,
  totals: { events: number; rejected: number; finished?: boolean },
) {
  await db
    .update(socIngests)
    .set({ events: totals.events, rejected: totals.rejected, ...(totals.finished ? { finishedAt: new Date() } : {}) })
    .where(eq(socIngests.id, ingestId));
}

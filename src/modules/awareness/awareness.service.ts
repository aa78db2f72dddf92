import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { NUL_MESSAGE, nulColumn, readTable, type TableRow } from '../../core/tabular.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, can, inScope, organisationIdIn, type Scope, scopedOrganisationIds, users } from '../auth/index.ts';
import { carriersOn, inForceOn, organisationByCodeOn, organisations } from '../organisations/index.ts';
import { ruleBook } from '../rules/index.ts';
import type {
  ZActivityQuery,
  ZAwarenessActivity,
  ZAwarenessActivityPage,
  ZAwarenessCampaign,
  ZAwarenessCoverage,
  ZCommuneCoverage,
  ZCoverageGroup,
  ZCoverageQuery,
  ZPopulationImportReport,
} from './awareness.contract.ts';
import {
  type ActivityInput,
  AWARENESS_CHANNELS,
  type AwarenessChannel,
  type CampaignInput,
} from './awareness.input.ts';
import { awarenessActivities, awarenessCampaigns, awarenessEvidence, communePopulation } from './awareness.schema.ts';

/** Evidence files are kept in the database: bounded so one upload cannot fill it. */
export const AWARENESS_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

const notFound = (what: 'campaign' | 'activity' | 'evidence' | 'commune') =>
  new AppError('NOT_FOUND', `${what[0]?.toUpperCase()}${what.slice(1)} not found`, undefined, {
    key: `awareness.${what}NotFound`,
  });

/**
 * Campaigns and population figures are the Department's (province-wide writers); an agency records activities of
 * its own communes only.
 */
function assertProvinceWide(actor: Actor, scope: Scope) {
  if (!scope.all || !can(actor.role, 'awareness.write'))
    throw new AppError('FORBIDDEN', 'Only the Department keeps campaigns and population figures', undefined, {
      key: 'awareness.departmentOnly',
    });
}

/** The user a row names as its author: none for the command line's actor (the nil id, never a real user). */

// ---- Campaigns -----------------------------------------------------------------------------------------------------

type Campaign = z.output<typeof ZAwarenessCampaign>;

/** Every campaign, latest first, with the activities and people reached the caller's scope recorded for it. */
export async function listCampaigns(db: Db, scope: Scope): Promise<Campaign[]> {
  const ids = await scopedOrganisationIds(db, scope);
  const totals = db
    .select({
      campaignId: awarenessActivities.campaignId,
      activities: sql<number>`count(*)::int`.as('activities'),
      // bigint: many activities at the per-activity maximum pass 2^31 people (int4 would overflow into a 500).
      reached: sql<number>`coalesce(sum(${awarenessActivities.peopleReached}), 0)::bigint`.as('reached'),
    })
    .from(awarenessActivities)
    .where(organisationIdIn(sql`${awarenessActivities.organisationId}`, ids))
    .groupBy(awarenessActivities.campaignId)
    .as('totals');
  const rows = await db
    .select({
      campaign: awarenessCampaigns,
      activities: sql<number>`coalesce(${totals.activities}, 0)::int`,
      reached: sql<number>`coalesce(${totals.reached}, 0)::bigint`,
    })
    .from(awarenessCampaigns)
    .leftJoin(totals, eq(totals.campaignId, awarenessCampaigns.id))
    .orderBy(desc(awarenessCampaigns.startsOn), asc(awarenessCampaigns.title));
  return rows.map((r) => campaignView(r.campaign, r.activities, r.reached));
}

const campaignView = (c: typeof awarenessCampaigns.$inferSelect, activities: number, peopleReached: number) => ({
  id: c.id,
  title: c.title,
  startsOn: c.startsOn,
  endsOn: c.endsOn,
  legalBasis: c.legalBasis,
  channels: c.channels,
  note: c.note,
  activities: Number(activities),
  peopleReached: Number(peopleReached),
  createdAt: c.createdAt,
});

const campaignValues = (input: CampaignInput) => ({
  title: input.title,
  startsOn: input.startsOn,
  endsOn: input.endsOn,
  legalBasis: input.legalBasis || null,
  // Each channel once, in the list's order.
  channels: AWARENESS_CHANNELS.filter((c) => input.channels.includes(c)),
  note: input.note || null,
});

export async function createCampaign(db: Db, actor: Actor, scope: Scope, input: CampaignInput): Promise<Campaign> {
  assertProvinceWide(actor, scope);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(awarenessCampaigns)
      .values({ ...campaignValues(input), createdBy: userRef(actor) })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'awareness.campaign.create',
      entityType: 'awareness_campaign',
      entityId: row.id,
      after: row,
    });
    return campaignView(row, 0, 0);
  });
}

export async function updateCampaign(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
  input: CampaignInput,
): Promise<Campaign> {
  assertProvinceWide(actor, scope);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(awarenessCampaigns).where(eq(awarenessCampaigns.id, id));
    if (!before) throw notFound('campaign');
    const values = campaignValues(input);
    // Activities already recorded must stay inside the campaign's period.
    const [outside] = await tx
      .select({ n: count() })
      .from(awarenessActivities)
      .where(
        and(
          eq(awarenessActivities.campaignId, id),
          sql`(${awarenessActivities.day} < ${values.startsOn}::date or ${awarenessActivities.day} > ${values.endsOn}::date)`,
        ),
      );
    if (outside?.n)
      throw new AppError('CONFLICT', 'Activities already recorded fall outside the new period', undefined, {
        key: 'awareness.activitiesOutsidePeriod',
        params: { n: outside.n },
      });
    // Nor lose a channel they were recorded on: their reach would count under a channel the campaign no longer has.
    const used = await tx
      .selectDistinct({ channel: awarenessActivities.channel })
      .from(awarenessActivities)
      .where(eq(awarenessActivities.campaignId, id));
    const dropped = used.map((u) => u.channel).filter((c) => !values.channels.includes(c));
    if (dropped.length)
      throw new AppError('CONFLICT', `Activities were recorded on channels the change removes: ${dropped}`, undefined, {
        key: 'awareness.channelsInUse',
        params: { n: dropped.length, channels: dropped.sort().join(', ') },
      });
    const [after] = await tx
      .update(awarenessCampaigns)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(awarenessCampaigns.id, id))
      .returning();
    if (!after) throw notFound('campaign');
    await recordAudit(tx, auditActor(actor), {
      action: 'awareness.campaign.update',
      entityType: 'awareness_campaign',
      entityId: id,
      before,
      after,
    });
    const [totals] = await tx
      .select({ n: count(), reached: sql<number>`coalesce(sum(${awarenessActivities.peopleReached}), 0)::bigint` })
      .from(awarenessActivities)
      .where(eq(awarenessActivities.campaignId, id));
    return campaignView(after, totals?.n ?? 0, totals?.reached ?? 0);
  });
}

// ---- Activities ----------------------------------------------------------------------------------------------------

type Activity = z.output<typeof ZAwarenessActivity>;

const activityColumns = {
  id: awarenessActivities.id,
  campaignId: awarenessActivities.campaignId,
  campaignTitle: awarenessCampaigns.title,
  organisationId: awarenessActivities.organisationId,
  organisationName: organisations.name,
  day: awarenessActivities.day,
  channel: awarenessActivities.channel,
  peopleReached: awarenessActivities.peopleReached,
  note: awarenessActivities.note,
  createdByName: users.displayName,
  createdAt: awarenessActivities.createdAt,
};

const evidenceColumns = {
  id: awarenessEvidence.id,
  fileName: awarenessEvidence.fileName,
  mediaType: awarenessEvidence.mediaType,
  size: awarenessEvidence.size,
  sha256: awarenessEvidence.sha256,
  note: awarenessEvidence.note,
  uploadedAt: awarenessEvidence.uploadedAt,
};

/** Activities of the caller's communes (a page, latest day first), each with its evidence files. */
export async function listActivities(
  db: Db,
  scope: Scope,
  q: z.output<typeof ZActivityQuery>,
): Promise<z.output<typeof ZAwarenessActivityPage>> {
  const ids = await scopedOrganisationIds(db, scope, q.organisationId);
  const where = and(
    organisationIdIn(sql`${awarenessActivities.organisationId}`, ids),
    q.campaignId ? eq(awarenessActivities.campaignId, q.campaignId) : undefined,
    q.channel ? eq(awarenessActivities.channel, q.channel) : undefined,
    q.from ? gte(awarenessActivities.day, q.from) : undefined,
    q.to ? lte(awarenessActivities.day, q.to) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select(activityColumns)
      .from(awarenessActivities)
      .innerJoin(awarenessCampaigns, eq(awarenessCampaigns.id, awarenessActivities.campaignId))
      .innerJoin(organisations, eq(organisations.id, awarenessActivities.organisationId))
      .leftJoin(users, eq(users.id, awarenessActivities.createdBy))
      .where(where)
      .orderBy(desc(awarenessActivities.day), asc(organisations.name), desc(awarenessActivities.createdAt))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(awarenessActivities).where(where),
  ]);
  const evidence = rows.length
    ? await db
        .select({ ...evidenceColumns, activityId: awarenessEvidence.activityId })
        .from(awarenessEvidence)
        .where(
          inArray(
            awarenessEvidence.activityId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(awarenessEvidence.uploadedAt))
    : [];
  return {
    items: rows.map((r) => ({
      ...r,
      evidence: evidence.filter((e) => e.activityId === r.id).map(({ activityId: _, ...e }) => e),
    })),
    total: total?.n ?? 0,
  };
}

/**
 * Records an activity in a commune of the caller's scope, on a day of the campaign's period when the commune was in
 * force. Audited.
 */
export async function createActivity(db: Db, actor: Actor, scope: Scope, input: ActivityInput): Promise<Activity> {
  const [campaign] = await db.select().from(awarenessCampaigns).where(eq(awarenessCampaigns.id, input.campaignId));
  if (!campaign) throw notFound('campaign');
  if (!inScope(scope, input.organisationId)) throw notFound('commune');
  const [commune] = await db
    .select({ id: organisations.id, type: organisations.type, name: organisations.name })
    .from(organisations)
    .where(and(eq(organisations.id, input.organisationId), inForceOn(organisations, input.day)));
  if (!commune) throw notFound('commune');
  if (commune.type !== 'commune')
    throw new AppError(
      'VALIDATION',
      'Activities are recorded per commune',
      { field: 'organisationId' },
      {
        key: 'awareness.notACommune',
      },
    );
  if (input.day < campaign.startsOn || input.day > campaign.endsOn)
    throw new AppError(
      'VALIDATION',
      'The day is outside the campaign’s period',
      { field: 'day' },
      {
        key: 'awareness.outsideCampaign',
        params: { from: campaign.startsOn, to: campaign.endsOn },
      },
    );
  if (!campaign.channels.includes(input.channel))
    throw new AppError(
      'VALIDATION',
      'The campaign does not use this channel',
      { field: 'channel' },
      {
        key: 'awareness.channelNotInCampaign',
      },
    );
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(awarenessActivities)
      .values({
        campaignId: input.campaignId,
        organisationId: input.organisationId,
        day: input.day,
        channel: input.channel,
        peopleReached: input.peopleReached,
        note: input.note || null,
        createdBy: userRef(actor),
      })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'awareness.activity.create',
      entityType: 'awareness_activity',
      entityId: row.id,
      organisationId: row.organisationId,
      after: row,
    });
    return {
      ...row,
      campaignTitle: campaign.title,
      organisationName: commune.name,
      createdByName: actor.displayName,
      evidence: [],
    };
  });
}

async function activityRow(db: Db, scope: Scope, id: string) {
  const [row] = await db
    .select()
    .from(awarenessActivities)
    .where(
      and(
        eq(awarenessActivities.id, id),
        organisationIdIn(sql`${awarenessActivities.organisationId}`, scope.all ? null : scope.organisationIds),
      ),
    );
  if (!row) throw notFound('activity');
  return row;
}

/** Removes a mistaken activity with its evidence (the audit log keeps what it was). */
export async function deleteActivity(db: Db, actor: Actor, scope: Scope, id: string) {
  const row = await activityRow(db, scope, id);
  await db.transaction(async (tx) => {
    const files = await tx
      .select({ fileName: awarenessEvidence.fileName, sha256: awarenessEvidence.sha256 })
      .from(awarenessEvidence)
      .where(eq(awarenessEvidence.activityId, id));
    await tx.delete(awarenessActivities).where(eq(awarenessActivities.id, id));
    await recordAudit(tx, auditActor(actor), {
      action: 'awareness.activity.delete',
      entityType: 'awareness_activity',
      entityId: id,
      organisationId: row.organisationId,
      before: { ...row, evidence: files },
    });
  });
}

/** Evidence media types worth naming; anything else is kept as bytes. */
const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  heic: 'image/heic',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  txt: 'text/plain',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Keeps a photo or document of an activity with its SHA-256 (bounded size). Audited. */
export async function addEvidence(
  db: Db,
  actor: Actor,
  scope: Scope,
  activityId: string,
  input: { fileName: string; note?: string; content: Buffer },
) {
  const activity = await activityRow(db, scope, activityId);
  const fileName = input.fileName.replace(/^.*[\\/]/, '').trim();
  if (!fileName)
    throw new AppError(
      'VALIDATION',
      'The file name is required (?fileName=)',
      { field: 'fileName' },
      {
        key: 'awareness.fileNameRequired',
      },
    );
  if (!input.content.length)
    throw new AppError('VALIDATION', 'The file is empty', undefined, { key: 'awareness.fileEmpty' });
  if (input.content.length > AWARENESS_EVIDENCE_MAX_BYTES)
    throw new AppError('VALIDATION', `The file exceeds ${AWARENESS_EVIDENCE_MAX_BYTES / 1024 / 1024} MB`, undefined, {
      key: 'awareness.fileTooLarge',
      params: { mb: AWARENESS_EVIDENCE_MAX_BYTES / 1024 / 1024 },
    });
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const ext = fileName.includes('.') ? (fileName.split('.').pop()?.toLowerCase() ?? '') : '';
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(awarenessEvidence)
      .values({
        activityId,
        fileName,
        mediaType: MEDIA_TYPES[ext] ?? 'application/octet-stream',
        size: input.content.length,
        sha256,
        content: input.content,
        note: input.note?.trim() || null,
        uploadedBy: userRef(actor),
      })
      .returning(evidenceColumns);
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'awareness.evidence',
      entityType: 'awareness_activity',
      entityId: activityId,
      organisationId: activity.organisationId,
      after: row,
    });
    return row;
  });
}

export async function getEvidence(db: Db, scope: Scope, activityId: string, evidenceId: string) {
  await activityRow(db, scope, activityId);
  const [row] = await db
    .select()
    .from(awarenessEvidence)
    .where(and(eq(awarenessEvidence.id, evidenceId), eq(awarenessEvidence.activityId, activityId)));
  if (!row) throw notFound('evidence');
  return row;
}

// ---- Population ----------------------------------------------------------------------------------------------------

/** Columns of the population file; Vietnamese headers, English and machine keys accepted too. */
export const POPULATION_COLUMNS = [
  { key: 'commune_code', header: 'Mã xã', en: 'Commune code' },
  { key: 'commune_name', header: 'Tên xã', en: 'Commune name' },
  { key: 'population', header: 'Dân số', en: 'Population' },
  { key: 'aged_15_69', header: 'Dân số từ 15 đến 69 tuổi', en: 'Population aged 15-69' },
  { key: 'as_of', header: 'Tính đến ngày', en: 'As of' },
  { key: 'year', header: 'Năm', en: 'Year' },
] as const;
const populationHeaders = Object.fromEntries(
  POPULATION_COLUMNS.flatMap((c) => [
    [c.key, c.key],
    [c.header, c.key],
    [c.en, c.key],
  ]),
);

/** dd/mm/yyyy or yyyy-mm-dd → yyyy-mm-dd; undefined when it is not a real day. */
function parseDay(v: string): string | undefined {
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const iso = dmy ? `${dmy[3]}-${dmy[2]?.padStart(2, '0')}-${dmy[1]?.padStart(2, '0')}` : v;
  const d = new Date(`${iso}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso)
    ? iso
    : undefined;
}

/** A count as statisticians write it: "12345", "12.345" or "12 345" (thousands grouped); null when blank. */
function parseCount(v: string): number | null | undefined {
  if (!v) return null;
  const plain = /^\d{1,3}([.,\s\u00a0]\d{3})+$/.test(v) ? v.replace(/[.,\s\u00a0]/g, '') : v;
  if (!/^\d{1,9}$/.test(plain)) return undefined;
  return Number(plain);
}

type RowError = z.output<typeof ZPopulationImportReport>['errors'][number];
const rowError = (row: number, column: string, message: string, key: string, params?: RowError['params']) => ({
  row,
  column,
  message,
  key: `awareness.import.${key}`,
  ...(params ? { params } : {}),
});

/**
 * Imports population figures per commune (CSV or XLSX): each row a commune code, its population (and optionally
 * those aged 15–69), and the day the figure holds from (or a year: from its 1 January). The code is resolved among
 * the communes in force on that day. Bad rows are reported with their row and column; good rows are kept. A
 * commune and day already imported is updated, never added twice. Audited as one import.
 */
export async function importPopulation(
  db: Db,
  actor: Actor,
  scope: Scope,
  file: Buffer,
): Promise<z.output<typeof ZPopulationImportReport>> {
  assertProvinceWide(actor, scope);
  const rows: TableRow[] = await readTable(file, populationHeaders);
  const errors: RowError[] = [];
  const good: { row: number; organisationId: string; validFrom: string; population: number; aged: number | null }[] =
    [];
  const seen = new Map<string, number>();
  for (const { row, cells } of rows) {
    const nul = nulColumn(cells);
    if (nul) {
      errors.push(rowError(row, nul, NUL_MESSAGE, 'nul'));
      continue;
    }
    const code = cells.commune_code ?? '';
    if (!code) {
      errors.push(rowError(row, 'commune_code', 'The commune code is required', 'codeRequired'));
      continue;
    }
    let validFrom: string | undefined;
    if (cells.as_of) {
      validFrom = parseDay(cells.as_of);
      if (!validFrom) {
        errors.push(rowError(row, 'as_of', `"${cells.as_of}" is not a day (dd/mm/yyyy)`, 'badDay'));
        continue;
      }
    } else if (cells.year) {
      if (!/^(19|20)\d{2}$/.test(cells.year)) {
        errors.push(rowError(row, 'year', `"${cells.year}" is not a year`, 'badYear'));
        continue;
      }
      validFrom = `${cells.year}-01-01`;
    } else {
      errors.push(rowError(row, 'as_of', 'Give the day the figure holds from, or its year', 'dayRequired'));
      continue;
    }
    const population = parseCount(cells.population ?? '');
    if (population === null || population === undefined || population <= 0) {
      errors.push(
        rowError(row, 'population', `"${cells.population ?? ''}" is not a population`, 'badPopulation', {
          value: cells.population ?? '',
        }),
      );
      continue;
    }
    const aged = parseCount(cells.aged_15_69 ?? '');
    if (aged === undefined || (aged !== null && aged > population)) {
      errors.push(
        rowError(row, 'aged_15_69', `"${cells.aged_15_69}" is not a number up to the population`, 'badAged', {
          value: cells.aged_15_69 ?? '',
        }),
      );
      continue;
    }
    const unit = await organisationByCodeOn(db, code, validFrom);
    if (unit?.type !== 'commune') {
      errors.push(
        rowError(row, 'commune_code', `No commune has code ${code} on ${validFrom}`, 'unknownCommune', {
          code,
          day: validFrom,
        }),
      );
      continue;
    }
    const key = `${unit.id}|${validFrom}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push(
        rowError(row, 'commune_code', `Row ${earlier} already gives this commune on this day`, 'duplicate', {
          earlier,
        }),
      );
      continue;
    }
    seen.set(key, row);
    good.push({ row, organisationId: unit.id, validFrom, population, aged });
  }
  const report = { created: 0, updated: 0, unchanged: 0, errors };
  if (!good.length) return report;
  await db.transaction(async (tx) => {
    for (const g of good) {
      const [existing] = await tx
        .select()
        .from(communePopulation)
        .where(
          and(eq(communePopulation.organisationId, g.organisationId), eq(communePopulation.validFrom, g.validFrom)),
        );
      if (!existing) {
        await tx.insert(communePopulation).values({
          organisationId: g.organisationId,
          validFrom: g.validFrom,
          population: g.population,
          aged15To69: g.aged,
        });
        report.created++;
      } else if (existing.population === g.population && existing.aged15To69 === g.aged) report.unchanged++;
      else {
        await tx
          .update(communePopulation)
          .set({ population: g.population, aged15To69: g.aged, updatedAt: new Date() })
          .where(eq(communePopulation.id, existing.id));
        report.updated++;
      }
    }
    await recordAudit(tx, auditActor(actor), {
      action: 'awareness.population.import',
      entityType: 'commune_population',
      after: {
        sha256: createHash('sha256').update(file).digest('hex'),
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        errors: errors.length,
      },
    });
  });
  return report;
}

// ---- Coverage ------------------------------------------------------------------------------------------------------

type Coverage = z.output<typeof ZAwarenessCoverage>;
type Group = z.output<typeof ZCoverageGroup>;
type CommuneCoverage = z.output<typeof ZCommuneCoverage>;

const percentOf = (part: number, whole: number | null) => (whole ? Math.round((part / whole) * 10_000) / 100 : null);

/**
 * Coverage as of a day: for each commune in force that day (within the caller's scope), the people reached by
 * activities from the start of that day's year (or of the campaign asked for) up to the day — a merged commune's
 * activities count under the commune that carries it — against the population in force that day. A commune counts
 * at most its population (so one commune's surplus never hides another's shortfall), the raw figure is shown too.
 * Rolled up per parent unit of that day and overall, against the `resident_awareness_reach` rule of the day.
 */
export async function awarenessCoverage(db: Db, scope: Scope, q: z.output<typeof ZCoverageQuery>): Promise<Coverage> {
  const on = q.on ?? provinceDay();
  let campaign: { id: string; title: string } | null = null;
  let from = `${on.slice(0, 4)}-01-01`;
  if (q.campaignId) {
    const [c] = await db.select().from(awarenessCampaigns).where(eq(awarenessCampaigns.id, q.campaignId));
    if (!c) throw notFound('campaign');
    campaign = { id: c.id, title: c.title };
    from = c.startsOn;
  }
  const ids = await scopedOrganisationIds(db, scope, q.organisationId, on);
  const communes = await db
    .select({
      id: organisations.id,
      code: organisations.code,
      name: organisations.name,
      parentId: organisations.parentId,
    })
    .from(organisations)
    .where(
      and(
        eq(organisations.type, 'commune'),
        inForceOn(organisations, on),
        organisationIdIn(sql`${organisations.id}`, ids),
      ),
    )
    .orderBy(asc(organisations.code));
  const communeIds = communes.map((c) => c.id);
  const parentIds = [...new Set(communes.map((c) => c.parentId).filter((p): p is string => p !== null))];

  const activityWhere: SQL[] = [
    sql`${awarenessActivities.day} >= ${from}::date`,
    sql`${awarenessActivities.day} <= ${on}::date`,
    organisationIdIn(sql`${awarenessActivities.organisationId}`, ids),
  ];
  if (campaign) activityWhere.push(eq(awarenessActivities.campaignId, campaign.id));
  const [activityRows, populationRows, parents, book, carriers] = await Promise.all([
    communeIds.length
      ? db
          .select({
            organisationId: awarenessActivities.organisationId,
            channel: awarenessActivities.channel,
            n: sql<number>`count(*)::int`,
            reached: sql<number>`sum(${awarenessActivities.peopleReached})::bigint`,
          })
          .from(awarenessActivities)
          .where(and(...activityWhere))
          .groupBy(awarenessActivities.organisationId, awarenessActivities.channel)
      : [],
    communeIds.length
      ? db
          .selectDistinctOn([communePopulation.organisationId], {
            organisationId: communePopulation.organisationId,
            validFrom: communePopulation.validFrom,
            population: communePopulation.population,
          })
          .from(communePopulation)
          .where(
            and(
              inArray(communePopulation.organisationId, communeIds),
              sql`${communePopulation.validFrom} <= ${on}::date`,
            ),
          )
          .orderBy(communePopulation.organisationId, desc(communePopulation.validFrom))
      : [],
    parentIds.length
      ? db
          .select({ id: organisations.id, name: organisations.name })
          .from(organisations)
          .where(inArray(organisations.id, parentIds))
      : [],
    ruleBook(db),
    carriersOn(db, on),
  ]);

  const perCommune = new Map<string, { n: number; reached: number; byChannel: Map<AwarenessChannel, number> }>();
  for (const a of activityRows) {
    const unit = carriers.get(a.organisationId) ?? a.organisationId;
    const entry = perCommune.get(unit) ?? { n: 0, reached: 0, byChannel: new Map() };
    entry.n += Number(a.n);
    entry.reached += Number(a.reached);
    entry.byChannel.set(a.channel, (entry.byChannel.get(a.channel) ?? 0) + Number(a.reached));
    perCommune.set(unit, entry);
  }
  const population = new Map(populationRows.map((p) => [p.organisationId, p]));
  const rule = book
    .on('programme_target', on)
    .find((r) => r.data.indicator === 'resident_awareness_reach' && r.data.unit === 'percent');
  const target = rule?.data.target ?? null;

  const rows: CommuneCoverage[] = communes.map((c) => {
    const a = perCommune.get(c.id);
    const pop = population.get(c.id) ?? null;
    const reached = a?.reached ?? 0;
    const reachedCapped = pop ? Math.min(reached, pop.population) : 0;
    const percent = percentOf(reachedCapped, pop?.population ?? null);
    return {
      organisationId: c.id,
      code: c.code,
      name: c.name,
      parentId: c.parentId,
      populationFrom: pop?.validFrom ?? null,
      activities: a?.n ?? 0,
      byChannel: AWARENESS_CHANNELS.filter((ch) => a?.byChannel.has(ch)).map((ch) => ({
        channel: ch,
        reached: a?.byChannel.get(ch) ?? 0,
      })),
      population: pop?.population ?? null,
      reached,
      reachedCapped,
      percent,
      rawPercent: percentOf(reached, pop?.population ?? null),
      met: percent === null || target === null ? null : percent >= target,
    };
  });

  const group = (organisationId: string | null, name: string | null, members: CommuneCoverage[]): Group => {
    const pop = members.reduce((s, m) => s + (m.population ?? 0), 0);
    const reached = members.reduce((s, m) => s + m.reached, 0);
    const reachedCapped = members.reduce((s, m) => s + m.reachedCapped, 0);
    const percent = percentOf(reachedCapped, pop);
    return {
      organisationId,
      name,
      communes: members.length,
      communesMet: members.filter((m) => m.met).length,
      communesWithoutPopulation: members.filter((m) => m.population === null).length,
      population: pop,
      reached,
      reachedCapped,
      percent,
      // Only the communes with a population give a share of their own population.
      rawPercent: percentOf(
        members.reduce((s, m) => s + (m.population === null ? 0 : m.reached), 0),
        pop,
      ),
      met: percent === null || target === null ? null : percent >= target,
    };
  };
  const parentName = new Map(parents.map((p) => [p.id, p.name]));
  const byParent = new Map<string | null, CommuneCoverage[]>();
  for (const r of rows) byParent.set(r.parentId, [...(byParent.get(r.parentId) ?? []), r]);
  const groups = [...byParent]
    .map(([id, members]) => group(id, id ? (parentName.get(id) ?? null) : null, members))
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'vi'));

  return {
    on,
    from,
    campaign,
    rule: rule
      ? {
          key: rule.key,
          vi: rule.vi,
          en: rule.en,
          legalBasis: rule.legalBasis,
          confirmed: rule.confirmed,
          target: rule.data.target,
        }
      : null,
    total: group(null, null, rows),
    groups,
    communes: rows,
  };
}

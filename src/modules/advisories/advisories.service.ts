import { createHash } from 'node:crypto';
import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor, userRef } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { compareVersions } from '../../core/version-range.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, can, type Scope } from '../auth/index.ts';
import type {
  ZAdvisory,
  ZAdvisoryDetail,
  ZAdvisoryImportReport,
  ZAdvisoryOrganisation,
  ZAdvisoryProduct,
  ZAdvisoryTarget,
} from './advisories.contract.ts';
import { type AdvisoryInput, type AdvisoryListQuery, ZAdvisoryInput } from './advisories.input.ts';
import { advisories, advisoryAttachments, advisoryProducts } from './advisories.schema.ts';
import { A_CVES, A_ID, inScopeSql, lateSql, remediatedSql, visibleAdvisory, visibleSql } from './advisory-sql.ts';
import { MAX_ADVISORY_FILE_BYTES, type ParsedAdvisory, parseAdvisoryFile } from './formats.ts';
import { confirmRemediations, deciderRoles } from './loop.service.ts';
import { type MatchDetail, matchInventory, type ProductRow, rangeOf } from './targeting.ts';
import { knownExploited, retarget } from './targets.store.ts';

type Advisory = typeof advisories.$inferSelect;
type AdvisoryRow = z.output<typeof ZAdvisory>;

/** Percent rounded down, so 100 means every one. */
const percent = (part: number, whole: number) => (whole ? Math.floor((100 * part) / whole) : 0);

/** The CVEs of the row that are in the KEV catalogue now (also when the catalogue came after the advisory). */
const kevSql = sql<string[]>`array(select k.cve_id from kev_entries k where k.cve_id = any(${A_CVES}) order by 1)`;

/** Progress figures of each advisory, over the caller's part only (an agency counts its own). */
function progressColumns(scope: Scope, today: string) {
  const orgs = (extra: SQL) =>
    sql<number>`(select count(*)::int from advisory_organisations po where po.advisory_id = ${A_ID}
      and ${inScopeSql(sql`po.organisation_id`, scope)} and ${extra})`.mapWith(Number);
  const targets = (extra: SQL) =>
    sql<number>`(select count(*)::int from advisory_targets pt where pt.advisory_id = ${A_ID}
      and ${inScopeSql(sql`pt.organisation_id`, scope)} and ${extra})`.mapWith(Number);
  return {
    organisations: orgs(sql`true`),
    acknowledged: orgs(sql`po.acknowledged_at is not null`),
    late: orgs(sql`(${lateSql('po', 'advisories', today)}) is not null`),
    targets: targets(sql`true`),
    remediated: targets(remediatedSql('pt')),
    awaitingScan: targets(sql`pt.response = 'patched' and pt.computer_id is not null and pt.confirmed_at is null`),
    pendingRisk: targets(sql`pt.response = 'risk_accepted' and pt.risk_decision is null`),
  };
}

type ProgressCounts = { [K in keyof ReturnType<typeof progressColumns>]: number };

const present = (a: Advisory, kev: string[], p: ProgressCounts): AdvisoryRow => ({
  id: a.id,
  source: a.source,
  externalId: a.externalId,
  revision: a.revision,
  sourceBody: a.sourceBody,
  sourceNumber: a.sourceNumber,
  title: a.title,
  severity: a.severity,
  cvssScore: a.cvssScore,
  cves: a.cves,
  knownExploited: kev,
  issuedOn: a.issuedOn,
  acknowledgeBy: a.acknowledgeBy,
  actBy: a.actBy,
  state: a.state,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  publishedAt: a.publishedAt,
  progress: {
    ...p,
    acknowledgedPercent: percent(p.acknowledged, p.organisations),
    remediatedPercent: percent(p.remediated, p.targets),
  },
});

const SEVERITY_RANK = sql`case ${advisories.severity} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end`;

/** A page of the advisories the caller may see, with their progress over the caller's part. */
export async function listAdvisories(db: Db, scope: Scope, q: AdvisoryListQuery) {
  await confirmRemediations(db);
  const today = provinceDay();
  const conds: (SQL | undefined)[] = [
    visibleSql(scope),
    q.state ? eq(advisories.state, q.state) : undefined,
    q.severity ? eq(advisories.severity, q.severity) : undefined,
    q.source ? eq(advisories.source, q.source) : undefined,
  ];
  if (q.knownExploited !== undefined)
    conds.push(
      sql`${q.knownExploited ? sql`` : sql`not`} exists (select 1 from kev_entries k where k.cve_id = any(${A_CVES}))`,
    );
  if (q.late)
    conds.push(sql`exists (select 1 from advisory_organisations lo where lo.advisory_id = ${A_ID}
      and ${inScopeSql(sql`lo.organisation_id`, scope)} and (${lateSql('lo', 'advisories', today)}) is not null)`);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(${advisories.title} ilike ${like} or ${advisories.sourceNumber} ilike ${like}
      or ${advisories.sourceBody} ilike ${like} or array_to_string(${advisories.cves}, ' ') ilike ${like}
      or exists (select 1 from advisory_products sp where sp.advisory_id = ${A_ID}
        and (sp.product ilike ${like} or sp.vendor ilike ${like})))`);
  }
  const where = and(...conds);
  const key: Record<AdvisoryListQuery['sort'], SQL> = {
    issuedOn: sql`${advisories.issuedOn}`,
    createdAt: sql`${advisories.createdAt}`,
    severity: SEVERITY_RANK,
    title: sql`${advisories.title}`,
    state: sql`${advisories.state}`,
    cvss: sql`${advisories.cvssScore}`,
  };
  const dir = q.dir ?? (q.sort === 'title' || q.sort === 'state' ? 'asc' : 'desc');
  const order = dir === 'asc' ? sql`${key[q.sort]} asc nulls last` : sql`${key[q.sort]} desc nulls last`;
  const [rows, [count]] = await Promise.all([
    db
      .select({ a: advisories, kev: kevSql, ...progressColumns(scope, today) })
      .from(advisories)
      .where(where)
      .orderBy(order, desc(advisories.createdAt), asc(advisories.id))
      .limit(q.limit)
      .offset(q.offset),
    db
      .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
      .from(advisories)
      .where(where),
  ]);
  return { items: rows.map(({ a, kev, ...p }) => present(a, kev, p)), total: count?.n ?? 0 };
}

const productOut = (p: ProductRow): z.output<typeof ZAdvisoryProduct> => ({
  id: p.id,
  productRef: p.productRef,
  vendor: p.vendor,
  product: p.product,
  version: p.version,
  versionStartIncluding: p.versionStartIncluding,
  versionStartExcluding: p.versionStartExcluding,
  versionEndIncluding: p.versionEndIncluding,
  versionEndExcluding: p.versionEndExcluding,
  range: rangeOf(p),
  rangeText: p.rangeText,
  cpe: p.cpe,
  purl: p.purl,
  status: p.status,
  cves: p.cves,
  remediation: p.remediation,
});

const TARGET_LIMIT = 2000;
const instant = (v: string | Date | null) => (v ? new Date(v) : null);

/** One advisory with its products and the caller's part of its agencies and targets, and what the caller may do. */
export async function getAdvisory(
  db: Db,
  actor: Actor,
  scope: Scope,
  id: string,
): Promise<z.output<typeof ZAdvisoryDetail>> {
  const a = await visibleAdvisory(db, scope, id);
  await confirmRemediations(db, a.id);
  const today = provinceDay();
  const [[row], products, attachments, organisations, targets, [total]] = await Promise.all([
    db
      .select({ kev: kevSql, ...progressColumns(scope, today) })
      .from(advisories)
      .where(eq(advisories.id, id)),
    db
      .select()
      .from(advisoryProducts)
      .where(eq(advisoryProducts.advisoryId, id))
      .orderBy(asc(advisoryProducts.position)),
    db
      .select({
        id: advisoryAttachments.id,
        fileName: advisoryAttachments.fileName,
        mediaType: advisoryAttachments.mediaType,
        size: advisoryAttachments.size,
        sha256: advisoryAttachments.sha256,
        uploadedAt: advisoryAttachments.uploadedAt,
      })
      .from(advisoryAttachments)
      .where(eq(advisoryAttachments.advisoryId, id))
      .orderBy(asc(advisoryAttachments.uploadedAt)),
    queryRows<
      Omit<z.output<typeof ZAdvisoryOrganisation>, 'notifiedAt' | 'acknowledgedAt' | 'escalatedAt'> & {
        notifiedAt: string | Date | null;
        acknowledgedAt: string | Date | null;
        escalatedAt: string | Date | null;
      }
    >(
      db,
      sql`select ao.organisation_id as "organisationId", o.name, o.head_name as "headName", o.head_title as "headTitle",
          ao.notified_at as "notifiedAt", ao.acknowledge_by::text as "acknowledgeBy", ao.acknowledged_at as "acknowledgedAt",
          u.display_name as "acknowledgedByName", ao.escalated_at as "escalatedAt", ao.escalated_to as "escalatedTo",
          (select count(*)::int from advisory_targets t where t.advisory_id = ao.advisory_id
            and t.organisation_id = ao.organisation_id) as targets,
          (select count(*)::int from advisory_targets t where t.advisory_id = ao.advisory_id
            and t.organisation_id = ao.organisation_id and ${remediatedSql('t')}) as remediated,
          ${lateSql('ao', 'a', today)} as late
        from advisory_organisations ao join organisations o on o.id = ao.organisation_id
          join advisories a on a.id = ao.advisory_id
          left join users u on u.id = ao.acknowledged_by
        where ao.advisory_id = ${id} and ${inScopeSql(sql`ao.organisation_id`, scope)}
        order by (${lateSql('ao', 'a', today)}) is null, o.name`,
    ),
    queryRows<{
      id: string;
      targetKey: string;
      reason: z.output<typeof ZAdvisoryTarget>['reason'];
      organisationId: string | null;
      organisationName: string | null;
      systemId: string | null;
      systemName: string | null;
      computerId: string | null;
      computerIp: string | null;
      computerName: string | null;
      findingId: string | null;
      cidr: string | null;
      matchDetail: MatchDetail;
      response: z.output<typeof ZAdvisoryTarget>['response'];
      responseNote: string | null;
      respondedByName: string | null;
      respondedAt: string | Date | null;
      riskDecision: 'approved' | 'rejected' | null;
      riskDecidedAt: string | Date | null;
      confirmedAt: string | Date | null;
      remediated: boolean;
    }>(
      db,
      sql`select t.id, t.target_key as "targetKey", t.reason, t.organisation_id as "organisationId",
          o.name as "organisationName", t.system_id as "systemId", s.name as "systemName",
          t.computer_id as "computerId", host(c.ip) as "computerIp",
          coalesce(c.hostname, c.fqdn, c.netbios) as "computerName", t.finding_id as "findingId", t.cidr,
          t.match_detail as "matchDetail", t.response, t.response_note as "responseNote",
          u.display_name as "respondedByName", t.responded_at as "respondedAt", t.risk_decision as "riskDecision",
          t.risk_decided_at as "riskDecidedAt", t.confirmed_at as "confirmedAt", ${remediatedSql('t')} as remediated
        from advisory_targets t left join organisations o on o.id = t.organisation_id
          left join information_systems s on s.id = t.system_id left join computers c on c.id = t.computer_id
          left join users u on u.id = t.responded_by
        where t.advisory_id = ${id} and ${inScopeSql(sql`t.organisation_id`, scope)}
        order by o.name nulls last, s.name nulls last, c.ip nulls last, t.target_key
        limit ${TARGET_LIMIT}`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from advisory_targets t
        where t.advisory_id = ${id} and ${inScopeSql(sql`t.organisation_id`, scope)}`,
    ),
  ]);
  const { kev, ...counts } = row ?? { kev: [] };
  const write = can(actor.role, 'advisory.write');
  const respond = can(actor.role, 'advisory.respond') && a.state === 'published';
  return {
    advisory: {
      ...present(a, kev, counts as ProgressCounts),
      summary: a.summary,
      cvssVector: a.cvssVector,
      remediations: a.remediations as z.output<typeof ZAdvisoryDetail>['advisory']['remediations'],
      references: a.references as z.output<typeof ZAdvisoryDetail>['advisory']['references'],
      fileSha256: a.fileSha256,
    },
    products: products.map(productOut),
    attachments,
    organisations: organisations.map((o) => ({
      ...o,
      notifiedAt: instant(o.notifiedAt),
      acknowledgedAt: instant(o.acknowledgedAt),
      escalatedAt: instant(o.escalatedAt),
    })),
    targets: targets.map((t) => ({
      ...t,
      respondedAt: instant(t.respondedAt),
      riskDecidedAt: instant(t.riskDecidedAt),
      confirmedAt: instant(t.confirmedAt),
      awaitingScan: t.response === 'patched' && !!t.computerId && !t.confirmedAt,
    })),
    targetsTotal: total?.n ?? 0,
    actions: {
      edit: write && a.state === 'draft',
      publish: write && a.state === 'draft',
      close: write && a.state !== 'closed',
      addTargets: write && a.state !== 'closed',
      acknowledge: respond ? organisations.filter((o) => !o.acknowledgedAt).map((o) => o.organisationId) : [],
      respond,
      decideRisk: deciderRoles.includes(actor.role) && a.state !== 'draft',
    },
  };
}

type ProductInsert = Omit<typeof advisoryProducts.$inferInsert, 'advisoryId'>;
/** Every column of a product but its identity and place: what a document or a form gives. */
type ProductColumns = Omit<ProductRow, 'id' | 'advisoryId' | 'position'>;

const productRows = (products: ProductInsert[], advisoryId: string) =>
  products.map((p, position) => ({ ...p, advisoryId, position }));

async function replaceProducts(tx: Db, advisoryId: string, products: ProductInsert[]) {
  await tx.delete(advisoryProducts).where(eq(advisoryProducts.advisoryId, advisoryId));
  const rows = productRows(products, advisoryId);
  for (let i = 0; i < rows.length; i += 500) await tx.insert(advisoryProducts).values(rows.slice(i, i + 500));
}

type Input = z.output<typeof ZAdvisoryInput>;

const manualFields = (input: Input) => ({
  title: input.title,
  summary: input.summary,
  severity: input.severity,
  cvssScore: input.cvssScore,
  cvssVector: input.cvssVector,
  cves: input.cves,
  sourceBody: input.sourceBody,
  sourceNumber: input.sourceNumber,
  issuedOn: input.issuedOn,
  acknowledgeBy: input.acknowledgeBy,
  actBy: input.actBy,
});

/** Enters an advisory by hand (a letter): a draft, targeted at once so the Department sees whom it concerns. */
export async function createAdvisory(db: Db, actor: Actor, raw: AdvisoryInput) {
  const input = ZAdvisoryInput.parse(raw);
  return db.transaction(async (tx) => {
    const [a] = await tx
      .insert(advisories)
      .values({ source: 'manual', ...manualFields(input), createdBy: actor.userId })
      .returning();
    if (!a) throw new AppError('INTERNAL', 'insert failed');
    await replaceProducts(tx, a.id, input.products);
    const targeting = await retarget(tx, a);
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.create',
      entityType: 'advisory',
      entityId: a.id,
      after: { ...manualFields(input), products: input.products.length, targets: targeting },
    });
    return a;
  });
}

/** Edits a draft (its fields and products replaced); a published advisory changes only by a newer revision. */
export async function updateAdvisory(db: Db, actor: Actor, id: string, raw: AdvisoryInput) {
  const input = ZAdvisoryInput.parse(raw);
  const before = await visibleAdvisory(db, { all: true }, id);
  if (before.state !== 'draft')
    throw new AppError('CONFLICT', `A ${before.state} advisory cannot be edited`, undefined, {
      key: 'advisories.notDraft',
      params: { state: before.state },
    });
  return db.transaction(async (tx) => {
    const [a] = await tx
      .update(advisories)
      .set({ ...manualFields(input), updatedAt: new Date() })
      .where(eq(advisories.id, id))
      .returning();
    if (!a) throw new AppError('INTERNAL', 'update failed');
    await replaceProducts(tx, id, input.products);
    const targeting = await retarget(tx, a, { prune: true });
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.update',
      entityType: 'advisory',
      entityId: id,
      before: { ...before, remediations: undefined, references: undefined },
      after: { ...manualFields(input), products: input.products.length, targets: targeting },
    });
    return a;
  });
}

const importedFields = (p: ParsedAdvisory, sha: string) => ({
  source: p.format,
  externalId: p.externalId,
  revision: p.revision,
  title: p.title.slice(0, 1000),
  summary: p.summary,
  severity: p.severity,
  cvssScore: p.cvssScore,
  cvssVector: p.cvssVector,
  cves: p.cves,
  sourceBody: p.sourceBody,
  sourceNumber: p.sourceNumber,
  issuedOn: p.issuedOn,
  remediations: p.remediations,
  references: p.references,
  fileSha256: sha,
});

/** The targeted organisations of stored targets (or of candidates, for a dry run). */
async function targetedOrganisations(db: Db, targets: { organisationId: string | null }[]) {
  const counts = new Map<string, number>();
  let unattributed = 0;
  for (const t of targets)
    if (t.organisationId) counts.set(t.organisationId, (counts.get(t.organisationId) ?? 0) + 1);
    else unattributed++;
  const names = counts.size
    ? await queryRows<{ id: string; name: string }>(
        db,
        sql`select id, name from organisations where id in (${sql.join(
          [...counts.keys()].map((k) => sql`${k}::uuid`),
          sql`, `,
        )})`,
      )
    : [];
  return {
    targetedOrganisations: names
      .map((o) => ({ id: o.id, name: o.name, targets: counts.get(o.id) ?? 0 }))
      .sort((x, y) => x.name.localeCompare(y.name, 'vi')),
    unattributedTargets: unattributed,
  };
}

/**
 * Imports a CSAF 2.0 or CVE JSON 5 file (format from the content). By its external id and revision: a new document
 * is a draft, targeted at once; the same revision changes nothing; a newer one replaces the content and products,
 * re-targets (answered targets keep their answers) and, if published, notifies newly concerned agencies; an older
 * one changes nothing. `dryRun` reads and matches without writing.
 */
export async function importAdvisory(
  db: Db,
  actor: Actor | null,
  bytes: Buffer,
  { fileName = 'upload.json', dryRun = false }: { fileName?: string; dryRun?: boolean } = {},
): Promise<z.output<typeof ZAdvisoryImportReport>> {
  if (!bytes.length)
    throw new AppError(
      'VALIDATION',
      `${fileName}: the file is empty`,
      { file: fileName },
      { key: 'advisories.fileEmpty' },
    );
  if (bytes.length > MAX_ADVISORY_FILE_BYTES)
    throw new AppError(
      'VALIDATION',
      `${fileName}: larger than ${MAX_ADVISORY_FILE_BYTES / 1024 / 1024} MB`,
      undefined,
      {
        key: 'advisories.fileTooLarge',
        params: { mb: MAX_ADVISORY_FILE_BYTES / 1024 / 1024 },
      },
    );
  const parsed = parseAdvisoryFile(bytes, fileName);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const [existing] = await db.select().from(advisories).where(eq(advisories.externalId, parsed.externalId));
  const outcome: z.output<typeof ZAdvisoryImportReport>['outcome'] = !existing
    ? 'created'
    : existing.revision === parsed.revision
      ? 'unchanged'
      : compareVersions(parsed.revision, existing.revision ?? '') > 0
        ? 'updated'
        : 'older';
  const products: ProductColumns[] = parsed.products.map((p) => ({
    productRef: p.productRef,
    vendor: p.vendor,
    product: p.product,
    version: p.version ?? null,
    versionStartIncluding: p.startIncluding ?? null,
    versionStartExcluding: p.startExcluding ?? null,
    versionEndIncluding: p.endIncluding ?? null,
    versionEndExcluding: p.endExcluding ?? null,
    cpe: p.cpe,
    purl: p.purl,
    rangeText: p.rangeText,
    status: p.status,
    cves: p.cves,
    remediation: p.remediation,
  }));
  const report = (id: string | null, kev: string[]) => ({
    fileName,
    format: parsed.format,
    dryRun,
    outcome,
    advisory: {
      id,
      externalId: parsed.externalId,
      sourceNumber: parsed.sourceNumber,
      sourceBody: parsed.sourceBody,
      revision: parsed.revision,
      title: parsed.title,
      severity: parsed.severity,
      cvssScore: parsed.cvssScore,
      cves: parsed.cves,
      knownExploited: kev,
      products: products.map((p) => ({
        productRef: p.productRef,
        vendor: p.vendor,
        product: p.product,
        range: rangeOf(p),
        rangeText: p.rangeText,
        cpe: p.cpe,
        status: p.status,
        cves: p.cves,
      })),
    },
  });
  const kev = await knownExploited(db, parsed.cves);
  if (dryRun || outcome === 'unchanged' || outcome === 'older') {
    const targets = existing
      ? await db
          .select({ organisationId: sql<string | null>`organisation_id` })
          .from(sql`advisory_targets`)
          .where(sql`advisory_id = ${existing.id}`)
      : await matchInventory(
          db,
          products.map((p, position) => ({ ...p, id: `new-${position}`, advisoryId: '', position })),
          parsed.cves,
        );
    return { ...report(existing?.id ?? null, kev), ...(await targetedOrganisations(db, targets)) };
  }
  const stored = await db.transaction(async (tx) => {
    const [a] = existing
      ? await tx
          .update(advisories)
          .set({ ...importedFields(parsed, sha), updatedAt: new Date() })
          .where(eq(advisories.id, existing.id))
          .returning()
      : await tx
          .insert(advisories)
          .values({
            ...importedFields(parsed, sha),
            createdBy: actor ? userRef(actor) : null,
          })
          .returning();
    if (!a) throw new AppError('INTERNAL', 'write failed');
    await replaceProducts(tx, a.id, products);
    const targeting = a.state === 'closed' ? null : await retarget(tx, a, { prune: outcome === 'updated' });
    await recordAudit(tx, auditActor(actor), {
      action: outcome === 'created' ? 'advisory.import' : 'advisory.reimport',
      entityType: 'advisory',
      entityId: a.id,
      before: existing ? { revision: existing.revision, fileSha256: existing.fileSha256 } : undefined,
      after: {
        fileName,
        format: parsed.format,
        externalId: parsed.externalId,
        revision: parsed.revision,
        fileSha256: sha,
        products: products.length,
        targets: targeting,
      },
    });
    return a;
  });
  const targets = await db
    .select({ organisationId: sql<string | null>`organisation_id` })
    .from(sql`advisory_targets`)
    .where(sql`advisory_id = ${stored.id}`);
  return { ...report(stored.id, kev), ...(await targetedOrganisations(db, targets)) };
}

export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
/** Media types by extension, for the download (served as an attachment, never rendered in the page). */
const MEDIA: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  odt: 'application/vnd.oasis.opendocument.text',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  json: 'application/json',
  txt: 'text/plain',
  zip: 'application/zip',
};

/** Attaches the letter (công văn) or another file, kept with its SHA-256. */
export async function addAttachment(db: Db, actor: Actor, id: string, rawName: string | undefined, content: Buffer) {
  const a = await visibleAdvisory(db, { all: true }, id);
  const fileName = (rawName ?? '')
    .replace(/^.*[\\/]/, '')
    .trim()
    .slice(0, 200);
  if (!fileName)
    throw new AppError(
      'VALIDATION',
      'The file name is required (?filename=)',
      { field: 'filename' },
      {
        key: 'advisories.filenameRequired',
      },
    );
  if (!content.length)
    throw new AppError('VALIDATION', 'The file is empty', undefined, { key: 'advisories.fileEmpty' });
  if (content.length > ATTACHMENT_MAX_BYTES)
    throw new AppError('VALIDATION', `The file exceeds ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`, undefined, {
      key: 'advisories.fileTooLarge',
      params: { mb: ATTACHMENT_MAX_BYTES / 1024 / 1024 },
    });
  const mediaType = MEDIA[fileName.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
  const sha256 = createHash('sha256').update(content).digest('hex');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(advisoryAttachments)
      .values({
        advisoryId: a.id,
        fileName,
        mediaType,
        size: content.length,
        sha256,
        content,
        uploadedBy: actor.userId,
      })
      .returning({
        id: advisoryAttachments.id,
        fileName: advisoryAttachments.fileName,
        mediaType: advisoryAttachments.mediaType,
        size: advisoryAttachments.size,
        sha256: advisoryAttachments.sha256,
        uploadedAt: advisoryAttachments.uploadedAt,
      });
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'advisory.attach',
      entityType: 'advisory',
      entityId: a.id,
      after: { attachmentId: row.id, fileName, size: content.length, sha256 },
    });
    return row;
  });
}

/** An attachment of an advisory the caller may see. */
export async function getAttachment(db: Db, scope: Scope, advisoryId: string, attachmentId: string) {
  await visibleAdvisory(db, scope, advisoryId);
  const [row] = await db
    .select()
    .from(advisoryAttachments)
    .where(and(eq(advisoryAttachments.id, attachmentId), eq(advisoryAttachments.advisoryId, advisoryId)));
  if (!row)
    throw new AppError('NOT_FOUND', 'Attachment not found', undefined, { key: 'advisories.attachmentNotFound' });
  return row;
}

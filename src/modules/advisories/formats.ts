import { z } from 'zod';
import { cpeText, toCpe23, tryParseCpe } from '../../core/cpe.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { isVersion, parseRangeText, type VersionRange } from '../../core/version-range.ts';
import type { AdvisoryFormat, ProductStatus } from './advisories.input.ts';

/**
 * Reading advisory documents: CSAF 2.0 (OASIS, e.g. CISA's and BSI's feeds) and CVE JSON 5 records (cvelistV5). The
 * format is recognised from the content. A file that does not hold what its format requires is refused with the JSON
 * path (RFC 6901 pointer) of the first problem, so the sender can find it.
 */

/** The largest document accepted (vendor CSAF VEX files run to a few MB). */
export const MAX_ADVISORY_FILE_BYTES = 20 * 1024 * 1024;
/** Deeper nesting than any real product tree; stops a hostile file from exhausting the stack. */
const MAX_DEPTH = 64;
const MAX_PRODUCTS = 20_000;
/** More CVEs than any real advisory; each is a query parameter when targeting (PostgreSQL takes at most 65,535). */
const MAX_CVES = 5_000;

export type ParsedProduct = VersionRange & {
  productRef: string | null;
  vendor: string | null;
  product: string;
  cpe: string | null;
  purl: string | null;
  rangeText: string | null;
  status: ProductStatus;
  cves: string[];
  remediation: string | null;
};

export type Remediation = {
  category: string;
  details: string;
  url: string | null;
  productIds: string[];
  cve: string | null;
};
export type Reference = { url: string; summary: string | null };

export type ParsedAdvisory = {
  format: AdvisoryFormat;
  /** Unique across formats and publishers: `csaf:<publisher namespace>:<tracking id>` or `cve:<CVE id>`. */
  externalId: string;
  revision: string;
  title: string;
  summary: string | null;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  cvssScore: number | null;
  cvssVector: string | null;
  cves: string[];
  sourceBody: string | null;
  sourceNumber: string;
  issuedOn: string | null;
  remediations: Remediation[];
  references: Reference[];
  products: ParsedProduct[];
};

/** RFC 6901 JSON pointer of a path (`/product_tree/branches/0/product/product_id`). */
export const jsonPointer = (path: readonly PropertyKey[]) =>
  path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

const badFile = (fileName: string, path: string, problem: string) =>
  new AppError(
    'VALIDATION',
    `${fileName}: ${path || '/'}: ${problem}`,
    { file: fileName, path: path || '/', problem },
    { key: 'advisories.badFile', params: { file: fileName, path: path || '/', problem } },
  );

function parseWith<T>(schema: z.ZodType<T>, json: unknown, fileName: string): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw badFile(fileName, jsonPointer(first?.path ?? []), first?.message ?? 'invalid');
}

/** Severity from a CVSS base score (FIRST's qualitative scale). */
export function severityOfScore(score: number | null): ParsedAdvisory['severity'] | null {
  if (score === null) return null;
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** When a document states no score at all, its severity is taken as medium until someone edits it. */
const UNKNOWN_SEVERITY = 'medium' as const;

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const text = z.string().trim().min(1);
const day = (iso: string | undefined) => {
  if (!iso) return null;
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? null : provinceDay(t);
};

/** A CPE as a 2.3 formatted string; null when the text is not a CPE name (kept out rather than refused). */
const cpe23 = (s: string | undefined | null) => {
  const wfn = s ? tryParseCpe(s) : null;
  return wfn ? toCpe23(wfn) : null;
};

// ——— CSAF 2.0 ————————————————————————————————————————————————————————————————

const ZHelper = z.object({ cpe: z.string().optional(), purl: z.string().optional() }).loose();
const ZFullProductName = z
  .object({ name: text, product_id: text, product_identification_helper: ZHelper.optional() })
  .loose();
type FullProductName = z.infer<typeof ZFullProductName>;

const BRANCH_CATEGORIES = [
  'architecture',
  'host_name',
  'language',
  'legacy',
  'patch_level',
  'product_family',
  'product_name',
  'product_version',
  'product_version_range',
  'service_pack',
  'specification',
  'vendor',
] as const;
type Branch = {
  category: (typeof BRANCH_CATEGORIES)[number];
  name: string;
  branches?: Branch[] | undefined;
  product?: FullProductName | undefined;
};
const ZBranch: z.ZodType<Branch> = z.lazy(() =>
  z
    .object({
      category: z.enum(BRANCH_CATEGORIES),
      name: z.string().min(1),
      branches: z.array(ZBranch).min(1).optional(),
      product: ZFullProductName.optional(),
    })
    .loose()
    .refine((b) => !!b.branches !== !!b.product, 'a branch holds either branches or a product (CSAF 2.0 §3.1.2)'),
);

const ids = z.array(text).min(1);
const ZCvss3 = z
  .object({
    baseScore: z.number().min(0).max(10),
    baseSeverity: z.string().optional(),
    vectorString: z.string().regex(/^CVSS:3\.[01]\//, 'a CVSS 3.x vector'),
    version: z.enum(['3.0', '3.1']),
  })
  .loose();

const ZCsaf = z
  .object({
    document: z
      .object({
        category: text,
        csaf_version: z.literal('2.0'),
        title: text,
        publisher: z.object({ category: text, name: text, namespace: text }).loose(),
        tracking: z
          .object({
            id: text,
            version: text,
            status: z.enum(['draft', 'final', 'interim']),
            initial_release_date: text,
            current_release_date: text,
            revision_history: z.array(z.object({ number: text, date: text }).loose()).min(1),
          })
          .loose(),
        aggregate_severity: z.object({ text }).loose().optional(),
        notes: z.array(z.object({ category: text, text: z.string() }).loose()).optional(),
        references: z.array(z.object({ url: text, summary: text }).loose()).optional(),
      })
      .loose(),
    product_tree: z
      .object({
        branches: z.array(ZBranch).min(1).optional(),
        full_product_names: z.array(ZFullProductName).min(1).optional(),
        relationships: z
          .array(
            z
              .object({
                category: text,
                product_reference: text,
                relates_to_product_reference: text,
                full_product_name: ZFullProductName,
              })
              .loose(),
          )
          .min(1)
          .optional(),
        product_groups: z.array(z.object({ group_id: text, product_ids: z.array(text).min(2) }).loose()).optional(),
      })
      .loose()
      .optional(),
    vulnerabilities: z
      .array(
        z
          .object({
            cve: z.string().regex(CVE_ID, 'a CVE id (CVE-yyyy-nnnn)').optional(),
            title: z.string().optional(),
            notes: z.array(z.object({ category: text, text: z.string() }).loose()).optional(),
            product_status: z
              .object({
                first_affected: ids.optional(),
                first_fixed: ids.optional(),
                fixed: ids.optional(),
                known_affected: ids.optional(),
                known_not_affected: ids.optional(),
                last_affected: ids.optional(),
                recommended: ids.optional(),
                under_investigation: ids.optional(),
              })
              .loose()
              .optional(),
            remediations: z
              .array(
                z
                  .object({
                    category: z.enum(['mitigation', 'no_fix_planned', 'none_available', 'vendor_fix', 'workaround']),
                    details: text,
                    url: z.string().optional(),
                    product_ids: ids.optional(),
                    group_ids: ids.optional(),
                  })
                  .loose(),
              )
              .optional(),
            scores: z
              .array(z.object({ products: ids, cvss_v3: ZCvss3.optional(), cvss_v2: z.unknown().optional() }).loose())
              .optional(),
            references: z.array(z.object({ url: text, summary: text }).loose()).optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();
type Csaf = z.infer<typeof ZCsaf>;

/** CSAF `product_status` groups → the statuses targeting uses. */
export const CSAF_STATUS: Record<string, ProductStatus> = {
  first_affected: 'known_affected',
  known_affected: 'known_affected',
  last_affected: 'known_affected',
  first_fixed: 'fixed',
  fixed: 'fixed',
  recommended: 'fixed',
  known_not_affected: 'not_affected',
  under_investigation: 'under_investigation',
};

/** What the product tree says of one product id: who makes it, its name, its version or range, its CPE. */
type TreeProduct = {
  vendor: string | null;
  product: string;
  version: string | null;
  rangeText: string | null;
  cpe: string | null;
  purl: string | null;
};

/** The product tree flattened to product ids (branches, full product names, relationships). */
function productTree(doc: Csaf, fileName: string): Map<string, TreeProduct> {
  const out = new Map<string, TreeProduct>();
  const add = (id: string, p: TreeProduct, path: string) => {
    if (out.has(id)) throw badFile(fileName, path, `product_id "${id}" is defined twice (CSAF 2.0 §6.1.2)`);
    out.set(id, p);
  };
  const fromHelper = (fpn: FullProductName) => ({
    cpe: cpe23(fpn.product_identification_helper?.cpe),
    purl: fpn.product_identification_helper?.purl ?? null,
  });
  type Context = {
    vendor: string | null;
    family: string | null;
    name: string | null;
    version: string | null;
    range: string | null;
  };
  const walk = (branches: Branch[], ctx: Context, path: string) => {
    branches.forEach((b, i) => {
      const here = `${path}/${i}`;
      const next = { ...ctx };
      if (b.category === 'vendor') next.vendor = b.name;
      else if (b.category === 'product_family') next.family = b.name;
      else if (b.category === 'product_name') next.name = b.name;
      else if (b.category === 'product_version') next.version = b.name;
      else if (b.category === 'product_version_range') next.range = b.name;
      if (b.branches) walk(b.branches, next, `${here}/branches`);
      if (b.product) {
        const helper = fromHelper(b.product);
        const cpeName = helper.cpe ? tryParseCpe(helper.cpe) : null;
        add(
          b.product.product_id,
          {
            vendor: next.vendor,
            product: next.name ?? next.family ?? b.product.name,
            // A CPE naming one version stands for it when no branch does.
            version: next.version ?? (cpeName && isVersion(cpeText(cpeName.version)) ? cpeText(cpeName.version) : null),
            rangeText: next.range,
            ...helper,
          },
          `${here}/product/product_id`,
        );
      }
    });
  };
  const tree = doc.product_tree;
  if (tree?.branches)
    walk(
      tree.branches,
      { vendor: null, family: null, name: null, version: null, range: null },
      '/product_tree/branches',
    );
  for (const [i, fpn] of (tree?.full_product_names ?? []).entries())
    add(
      fpn.product_id,
      { vendor: null, product: fpn.name, version: null, rangeText: null, ...fromHelper(fpn) },
      `/product_tree/full_product_names/${i}/product_id`,
    );
  // A relationship names a new product (a component installed on a platform); it is the component that is matched.
  tree?.relationships?.forEach((r, i) => {
    const base = out.get(r.product_reference);
    if (!base)
      throw badFile(
        fileName,
        `/product_tree/relationships/${i}/product_reference`,
        `unknown product_id "${r.product_reference}"`,
      );
    const helper = fromHelper(r.full_product_name);
    add(
      r.full_product_name.product_id,
      { ...base, cpe: helper.cpe ?? base.cpe, purl: helper.purl ?? base.purl },
      `/product_tree/relationships/${i}/full_product_name/product_id`,
    );
  });
  return out;
}

function fromCsaf(json: unknown, fileName: string): ParsedAdvisory {
  checkShape(json, fileName);
  const doc = parseWith(ZCsaf, json, fileName);
  const tree = productTree(doc, fileName);
  const groups = new Map((doc.product_tree?.product_groups ?? []).map((g) => [g.group_id, g.product_ids]));
  const known = (id: string, path: string) => {
    if (!tree.has(id)) throw badFile(fileName, path, `unknown product_id "${id}" (CSAF 2.0 §6.1.1)`);
    return id;
  };
  /** product id → status → CVEs stated for it. */
  const statuses = new Map<string, Map<ProductStatus, Set<string>>>();
  const remediations: Remediation[] = [];
  let best: { score: number; vector: string } | null = null;
  const cves = new Set<string>();
  const references = new Map<string, Reference>();
  for (const r of doc.document.references ?? []) references.set(r.url, { url: r.url, summary: r.summary });
  (doc.vulnerabilities ?? []).forEach((v, vi) => {
    if (v.cve) cves.add(v.cve);
    if (cves.size > MAX_CVES) throw badFile(fileName, `/vulnerabilities/${vi}`, `more than ${MAX_CVES} CVEs`);
    for (const [group, list] of Object.entries(v.product_status ?? {})) {
      const status = CSAF_STATUS[group];
      if (!status || !Array.isArray(list)) continue;
      (list as string[]).forEach((id, k) => {
        known(id, `/vulnerabilities/${vi}/product_status/${group}/${k}`);
        const byStatus = statuses.get(id) ?? new Map<ProductStatus, Set<string>>();
        const set = byStatus.get(status) ?? new Set<string>();
        if (v.cve) set.add(v.cve);
        byStatus.set(status, set);
        statuses.set(id, byStatus);
      });
    }
    (v.remediations ?? []).forEach((r, ri) => {
      const productIds = [
        ...(r.product_ids ?? []).map((id, k) =>
          known(id, `/vulnerabilities/${vi}/remediations/${ri}/product_ids/${k}`),
        ),
        ...(r.group_ids ?? []).flatMap((g, k) => {
          const members = groups.get(g);
          if (!members)
            throw badFile(
              fileName,
              `/vulnerabilities/${vi}/remediations/${ri}/group_ids/${k}`,
              `unknown group_id "${g}"`,
            );
          return members;
        }),
      ];
      remediations.push({
        category: r.category,
        details: r.details,
        url: r.url ?? null,
        productIds,
        cve: v.cve ?? null,
      });
    });
    (v.scores ?? []).forEach((s, si) => {
      for (const [k, id] of s.products.entries()) known(id, `/vulnerabilities/${vi}/scores/${si}/products/${k}`);
      if (s.cvss_v3 && (!best || s.cvss_v3.baseScore > best.score))
        best = { score: s.cvss_v3.baseScore, vector: s.cvss_v3.vectorString };
    });
    for (const r of v.references ?? [])
      if (!references.has(r.url)) references.set(r.url, { url: r.url, summary: r.summary });
  });
  // Indexed once: a document may name thousands of products in each of many remediations.
  const remediationsOf = new Map<string, Remediation[]>();
  for (const r of remediations)
    for (const id of new Set(r.productIds)) {
      const list = remediationsOf.get(id) ?? [];
      list.push(r);
      remediationsOf.set(id, list);
    }
  const remediationOf = (id: string) => {
    const named = remediationsOf.get(id) ?? [];
    return (named.find((r) => r.category === 'vendor_fix') ?? named[0])?.details ?? null;
  };
  const products: ParsedProduct[] = [];
  for (const [id, byStatus] of statuses)
    for (const [status, cveSet] of byStatus) {
      const p = tree.get(id) as TreeProduct;
      const ranges = p.rangeText ? parseRangeText(p.rangeText) : null;
      for (const range of ranges ?? [p.version && isVersion(p.version) ? { version: p.version } : {}])
        products.push({
          productRef: id,
          vendor: p.vendor,
          product: p.product,
          ...range,
          cpe: p.cpe,
          purl: p.purl,
          rangeText: p.rangeText ?? (p.version && !isVersion(p.version) ? p.version : null),
          status,
          cves: [...cveSet].sort(),
          remediation: status === 'known_affected' || status === 'under_investigation' ? remediationOf(id) : null,
        });
      // Checked as they grow: a range of many intervals times many products would exhaust memory first.
      if (products.length > MAX_PRODUCTS)
        throw badFile(fileName, '/product_tree', `more than ${MAX_PRODUCTS} product statuses`);
    }
  const notes = doc.document.notes ?? [];
  const summary =
    notes
      .filter((n) => n.category === 'summary')
      .map((n) => n.text)
      .join('\n\n') ||
    notes.find((n) => n.category === 'description')?.text ||
    doc.vulnerabilities
      ?.flatMap((v) => v.notes ?? [])
      .find((n) => n.category === 'summary' || n.category === 'description')?.text ||
    null;
  const scored = best as { score: number; vector: string } | null;
  const aggregate = doc.document.aggregate_severity?.text.toLowerCase();
  const fromAggregate =
    aggregate && /critical/.test(aggregate)
      ? 'critical'
      : aggregate && /important|high/.test(aggregate)
        ? 'high'
        : aggregate && /moderate|medium/.test(aggregate)
          ? 'medium'
          : aggregate && /low/.test(aggregate)
            ? 'low'
            : null;
  const d = doc.document;
  return {
    format: 'csaf',
    externalId: `csaf:${d.publisher.namespace}:${d.tracking.id}`,
    revision: d.tracking.version,
    title: d.title,
    summary,
    severity: severityOfScore(scored?.score ?? null) ?? fromAggregate ?? UNKNOWN_SEVERITY,
    cvssScore: scored?.score ?? null,
    cvssVector: scored?.vector ?? null,
    cves: [...cves].sort(),
    sourceBody: d.publisher.name,
    sourceNumber: d.tracking.id,
    issuedOn: day(d.tracking.initial_release_date),
    remediations,
    references: [...references.values()],
    products,
  };
}

// ——— CVE JSON 5 ——————————————————————————————————————————————————————————————

const CVE_STATUS: Record<string, ProductStatus> = {
  affected: 'known_affected',
  unaffected: 'not_affected',
  unknown: 'under_investigation',
};
const ZVersion = z
  .object({
    version: text,
    status: z.enum(['affected', 'unaffected', 'unknown']),
    versionType: z.string().optional(),
    lessThan: text.optional(),
    lessThanOrEqual: text.optional(),
  })
  .loose()
  .refine((v) => !(v.lessThan && v.lessThanOrEqual), 'lessThan and lessThanOrEqual are exclusive');
const ZAffected = z
  .object({
    vendor: z.string().optional(),
    product: z.string().optional(),
    packageName: z.string().optional(),
    cpes: z.array(z.string()).optional(),
    versions: z.array(ZVersion).optional(),
    defaultStatus: z.enum(['affected', 'unaffected', 'unknown']).optional(),
  })
  .loose()
  .refine((a) => !!(a.product || a.packageName), 'an affected entry names a product or a packageName')
  .refine((a) => !!(a.versions?.length || a.defaultStatus), 'an affected entry has versions or a defaultStatus');
const ZMetric = z
  .object({
    cvssV3_1: ZCvss3.optional(),
    cvssV3_0: ZCvss3.optional(),
  })
  .loose();
const ZLangText = z.object({ lang: text, value: z.string() }).loose();
const ZCve = z
  .object({
    dataType: z.literal('CVE_RECORD'),
    dataVersion: z.string().regex(/^5\./, 'a CVE JSON 5 record (dataVersion 5.x)'),
    cveMetadata: z
      .object({
        cveId: z.string().regex(CVE_ID, 'a CVE id (CVE-yyyy-nnnn)'),
        state: z.literal('PUBLISHED', { error: 'only published CVE records are advisories (this one is rejected)' }),
        assignerShortName: z.string().optional(),
        datePublished: z.string().optional(),
        dateUpdated: z.string().optional(),
      })
      .loose(),
    containers: z
      .object({
        cna: z
          .object({
            title: z.string().optional(),
            descriptions: z.array(ZLangText).min(1),
            affected: z.array(ZAffected).min(1),
            metrics: z.array(ZMetric).optional(),
            references: z.array(z.object({ url: text, name: z.string().optional() }).loose()).min(1),
            solutions: z.array(ZLangText).optional(),
            workarounds: z.array(ZLangText).optional(),
          })
          .loose(),
        adp: z
          .array(z.object({ affected: z.array(ZAffected).optional(), metrics: z.array(ZMetric).optional() }).loose())
          .optional(),
      })
      .loose(),
  })
  .loose();

/** The range of one CVE 5 `versions[]` entry: `version` is the start of a range when a `lessThan…` ends it. */
function cveRange(v: z.infer<typeof ZVersion>): VersionRange {
  const end = v.lessThan ?? v.lessThanOrEqual;
  if (!end) return isVersion(v.version) ? { version: v.version } : {};
  const start = isVersion(v.version) && !/^0+$/.test(v.version) ? { startIncluding: v.version } : {};
  if (end === '*') return start;
  return { ...start, ...(v.lessThan ? { endExcluding: end } : { endIncluding: end }) };
}

const sameRange = (a: z.infer<typeof ZVersion>, b: z.infer<typeof ZVersion>) =>
  a.version === b.version && a.lessThan === b.lessThan && a.lessThanOrEqual === b.lessThanOrEqual;

/** A CPE for a product row: the CVE 5 `cpes` name, its version wildcarded when a range carries the versions. */
function rangeCpe(name: string | undefined, range: VersionRange): string | null {
  const wfn = name ? tryParseCpe(name) : null;
  if (!wfn) return null;
  if (!range.version) Object.assign(wfn, { version: 'ANY', update: 'ANY' });
  return toCpe23(wfn);
}

function fromCve(json: unknown, fileName: string): ParsedAdvisory {
  checkShape(json, fileName);
  const rec = parseWith(ZCve, json, fileName);
  const id = rec.cveMetadata.cveId;
  const cna = rec.containers.cna;
  const adpAffected = (rec.containers.adp ?? []).flatMap((a) => a.affected ?? []);
  const products: ParsedProduct[] = [];
  for (const a of cna.affected) {
    const base = {
      productRef: null,
      vendor: a.vendor?.trim() || null,
      product: (a.product || a.packageName) as string,
    };
    const rows = a.versions?.length ? a.versions : [{ version: '*', status: a.defaultStatus ?? 'unknown' } as const];
    for (const v of rows) {
      const range = cveRange(v);
      // The CNA's own CPEs first; else the CPE an ADP (CISA's enrichment) gives for the same range.
      const cpe =
        a.cpes?.[0] ?? adpAffected.find((x) => x.versions?.some((w) => sameRange(w, v)))?.cpes?.[0] ?? undefined;
      products.push({
        ...base,
        ...range,
        cpe: rangeCpe(cpe, range),
        purl: null,
        rangeText: null,
        status: CVE_STATUS[v.status] as ProductStatus,
        cves: [id],
        remediation: null,
      });
    }
  }
  const metric = [...(cna.metrics ?? []), ...(rec.containers.adp ?? []).flatMap((a) => a.metrics ?? [])]
    .map((m) => m.cvssV3_1 ?? m.cvssV3_0)
    .find((m) => m !== undefined);
  const english = (list: { lang: string; value: string }[] | undefined) =>
    list?.find((d) => d.lang.toLowerCase().startsWith('en'))?.value ?? list?.[0]?.value ?? null;
  const description = english(cna.descriptions);
  const remediations: Remediation[] = [
    ...(cna.solutions ?? []).map((s) => ({
      category: 'vendor_fix',
      details: s.value,
      url: null,
      productIds: [],
      cve: id,
    })),
    ...(cna.workarounds ?? []).map((s) => ({
      category: 'workaround',
      details: s.value,
      url: null,
      productIds: [],
      cve: id,
    })),
  ];
  const fix = remediations[0]?.details ?? null;
  for (const p of products)
    if (p.status === 'known_affected' || p.status === 'under_investigation') p.remediation = fix;
  return {
    format: 'cve',
    externalId: `cve:${id}`,
    revision: rec.cveMetadata.dateUpdated ?? rec.cveMetadata.datePublished ?? '0',
    title: cna.title?.trim() || `${id}: ${(description ?? '').slice(0, 200)}`,
    summary: description,
    severity: severityOfScore(metric?.baseScore ?? null) ?? UNKNOWN_SEVERITY,
    cvssScore: metric?.baseScore ?? null,
    cvssVector: metric?.vectorString ?? null,
    cves: [id],
    sourceBody: rec.cveMetadata.assignerShortName ?? null,
    sourceNumber: id,
    issuedOn: day(rec.cveMetadata.datePublished),
    remediations,
    references: cna.references.map((r) => ({ url: r.url, summary: r.name ?? null })),
    products,
  };
}

// ——— Detection ————————————————————————————————————————————————————————————————

/**
 * Refuses nesting deeper than any real advisory and the NUL character (U+0000, which PostgreSQL refuses in text),
 * naming where; iterative, so the check itself cannot exhaust the stack.
 */
function checkShape(json: unknown, fileName: string) {
  const todo: [unknown, (string | number)[]][] = [[json, []]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [value, path] = next;
    if (path.length > MAX_DEPTH) throw badFile(fileName, jsonPointer(path), `nested deeper than ${MAX_DEPTH} levels`);
    if (typeof value === 'string' && value.includes('\0'))
      throw badFile(fileName, jsonPointer(path), 'the NUL character (U+0000) is not allowed');
    if (Array.isArray(value)) for (const [i, v] of value.entries()) todo.push([v, [...path, i]]);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        if (k.includes('\0'))
          throw badFile(fileName, jsonPointer([...path, k]), 'the NUL character (U+0000) is not allowed');
        todo.push([v, [...path, k]]);
      }
  }
}

/**
 * Where a text stops being JSON (RFC 8259): the offset of the first character that cannot continue it. Used only
 * after JSON.parse failed, whose messages do not always say where. Iterative, so nesting depth costs no stack.
 */
export function jsonErrorOffset(s: string): number {
  let i = 0;
  const stack: string[] = [];
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const string = () => {
    if (s[i] !== '"') return false;
    for (i++; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        // The error is at the escape's first bad character: V8 names that one.
        const e = s[i + 1] ?? '';
        i++;
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(s[i] ?? '')) return false;
          }
        } else if (!e || !'"\\/bfnrt'.includes(e)) return false;
      }
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  /** A string, number, true, false or null at `i`. */
  const scalar = (): boolean => {
    const c = s[i];
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null'])
      if (c === word[0]) {
        for (const ch of word) {
          if (s[i] !== ch) return false;
          i++;
        }
        return true;
      }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(s)) return false;
    i = NUMBER.lastIndex;
    return true;
  };
  // What may come next: a value, an object member (key: value), or what follows a complete value.
  let next: 'value' | 'member' | 'after' = 'value';
  for (;;) {
    ws();
    if (next === 'value') {
      const c = s[i];
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (s[i] === (c === '{' ? '}' : ']')) {
          i++;
          next = 'after';
        } else {
          stack.push(c);
          next = c === '{' ? 'member' : 'value';
        }
      } else if (scalar()) next = 'after';
      else return i;
    } else if (next === 'member') {
      if (!string()) return i;
      ws();
      if (s[i] !== ':') return i;
      i++;
      next = 'value';
    } else {
      const top = stack.at(-1);
      if (!top) return i;
      if (s[i] === ',') {
        i++;
        next = top === '{' ? 'member' : 'value';
      } else if (s[i] === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else return i;
    }
  }
}

/** 1-based line and column of a character offset. */
function lineColumn(source: string, offset: number) {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The JSON of a file, or a 400 naming the line and column where it stops being JSON. */
export function readJson(bytes: Buffer, fileName: string): unknown {
  if (bytes.length > MAX_ADVISORY_FILE_BYTES)
    throw badFile(fileName, '', `larger than ${MAX_ADVISORY_FILE_BYTES / 1024 / 1024} MB`);
  const source = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(source);
  } catch (e) {
    const { line, column } = lineColumn(source, jsonErrorOffset(source));
    throw new AppError(
      'VALIDATION',
      `${fileName}: not JSON (line ${line}, column ${column}): ${(e as Error).message}`,
      { file: fileName, line, column },
      { key: 'advisories.notJson', params: { file: fileName, line, column } },
    );
  }
}

/** Which format a parsed document is, from its content. */
export function detectFormat(json: unknown): AdvisoryFormat | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (o.document && typeof o.document === 'object' && 'csaf_version' in (o.document as object)) return 'csaf';
  if (o.dataType === 'CVE_RECORD') return 'cve';
  return null;
}

/** Reads one advisory file (CSAF 2.0 or CVE JSON 5, recognised from its content). */
export function parseAdvisoryFile(bytes: Buffer, fileName: string): ParsedAdvisory {
  const json = readJson(bytes, fileName);
  const format = detectFormat(json);
  if (format === 'csaf') return fromCsaf(json, fileName);
  if (format === 'cve') return fromCve(json, fileName);
  throw badFile(
    fileName,
    '',
    'neither a CSAF 2.0 document (document.csaf_version) nor a CVE JSON 5 record (dataType CVE_RECORD)',
  );
}

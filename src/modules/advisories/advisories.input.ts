import { z } from 'zod';

/**
 * Value lists and request bodies of advisories. The schema, the contract and the web forms share them; this file
 * imports only zod, so the browser bundle gets no server code. A message that is a key (`advisories.…`) is translated
 * by the UI as `errors.<key>`.
 */

/** Where an advisory came from: typed in, a CSAF 2.0 document, a CVE JSON 5 record. */
export const ADVISORY_SOURCES = ['manual', 'csaf', 'cve'] as const;
export type AdvisorySource = (typeof ADVISORY_SOURCES)[number];
/** The file formats an import recognises from the content. */
export type AdvisoryFormat = Exclude<AdvisorySource, 'manual'>;

/** draft (being prepared, nobody notified) → published (targets notified, clocks run) → closed. */
export const ADVISORY_STATES = ['draft', 'published', 'closed'] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];

/** The severities of a vulnerability (the same list as vulnerability findings). */
export const ADVISORY_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type AdvisorySeverity = (typeof ADVISORY_SEVERITIES)[number];

/** A product's status in the advisory (CSAF `product_status` groups, reduced to what targeting needs). */
export const PRODUCT_STATUSES = ['known_affected', 'fixed', 'not_affected', 'under_investigation'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
/** Only these statuses make targets (under investigation flagged as such). */
export const TARGETING_STATUSES: readonly ProductStatus[] = ['known_affected', 'under_investigation'];

/** Why a target is concerned: a system component, software a scan saw, an open finding, or added by hand. */
export const TARGET_REASONS = ['component', 'software', 'finding', 'organisation', 'cidr'] as const;
export type TargetReason = (typeof TARGET_REASONS)[number];

/** The agency's answer per target; risk_accepted needs the Department's approval. */
export const TARGET_RESPONSES = ['pending', 'patched', 'mitigated', 'not_affected', 'risk_accepted'] as const;
export type TargetResponse = (typeof TARGET_RESPONSES)[number];

// ---- Fields ------------------------------------------------------------------------------------------------------

/** Optional free text: trimmed, '' and null both mean "none". */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'advisories.tooLong')
    .nullish()
    .transform((v) => v || null);
const day = z.iso.date({ error: 'advisories.invalidDate' });
const optionalDay = z
  .union([day, z.literal('')])
  .nullish()
  .transform((v) => v || null);
const CVE = /^CVE-\d{4}-\d{4,}$/;
const versionText = text(100);

export const ZAdvisoryProductInput = z
  .object({
    vendor: text(200),
    product: z.string().trim().min(1, 'advisories.productRequired').max(200, 'advisories.tooLong'),
    /** One exact version; or the bounds below. Neither = every version. */
    version: versionText,
    versionStartIncluding: versionText,
    versionStartExcluding: versionText,
    versionEndIncluding: versionText,
    versionEndExcluding: versionText,
    cpe: z
      .string()
      .trim()
      .max(1000, 'advisories.tooLong')
      .refine((v) => v === '' || /^cpe:(2\.3:|\/)[aho*]/i.test(v), 'advisories.invalidCpe')
      .nullish()
      .transform((v) => v || null),
    status: z.enum(PRODUCT_STATUSES).default('known_affected'),
  })
  .refine(
    (p) =>
      !(
        p.version &&
        (p.versionStartIncluding || p.versionStartExcluding || p.versionEndIncluding || p.versionEndExcluding)
      ),
    {
      path: ['version'],
      error: 'advisories.versionOrRange',
    },
  )
  .refine((p) => !(p.versionStartIncluding && p.versionStartExcluding), {
    path: ['versionStartExcluding'],
    error: 'advisories.oneStart',
  })
  .refine((p) => !(p.versionEndIncluding && p.versionEndExcluding), {
    path: ['versionEndExcluding'],
    error: 'advisories.oneEnd',
  });
export type AdvisoryProductInput = z.input<typeof ZAdvisoryProductInput>;

/** POST /api/advisories, PUT /api/advisories/:id: an advisory typed in from a letter (công văn). */
export const ZAdvisoryInput = z
  .object({
    title: z.string().trim().min(3, 'advisories.titleLength').max(500, 'advisories.titleLength'),
    summary: text(20_000),
    severity: z.enum(ADVISORY_SEVERITIES, { error: 'advisories.severityRequired' }),
    cvssScore: z
      .number({ error: 'advisories.cvssScore' })
      .min(0, 'advisories.cvssScore')
      .max(10, 'advisories.cvssScore')
      .nullish()
      .transform((v) => v ?? null),
    cvssVector: z
      .string()
      .trim()
      .refine((v) => v === '' || /^CVSS:[34]\.\d\/[A-Z]/.test(v), 'advisories.cvssVector')
      .nullish()
      .transform((v) => v || null),
    cves: z
      .array(
        z
          .string()
          .trim()
          .transform((v) => v.toUpperCase())
          .refine((v) => CVE.test(v), 'advisories.invalidCve'),
      )
      .max(500, 'advisories.tooMany')
      .default([])
      .transform((l) => [...new Set(l)].sort()),
    /** Who issued it (e.g. Cục An toàn thông tin) and its number and symbol (số, ký hiệu: 123/CATTT-NCSC). */
    sourceBody: text(300),
    sourceNumber: text(100),
    issuedOn: optionalDay,
    /** Agencies acknowledge by this day and act by `actBy`; empty = the dated rule's default from publication. */
    acknowledgeBy: optionalDay,
    actBy: optionalDay,
    products: z.array(ZAdvisoryProductInput).max(500, 'advisories.tooMany').default([]),
  })
  .refine((a) => !a.acknowledgeBy || !a.actBy || a.acknowledgeBy <= a.actBy, {
    path: ['actBy'],
    error: 'advisories.actBeforeAcknowledge',
  });
export type AdvisoryInput = z.input<typeof ZAdvisoryInput>;

/**
 * POST /api/advisories/:id/targets: match the inventory again, or add an organisation's subtree (each unit in it a
 * target) or the computers in an address range.
 */
export const ZTargetAddition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('match') }),
  z.object({
    kind: z.literal('organisation'),
    organisationId: z.uuid('advisories.organisationRequired'),
    includeChildren: z.boolean().default(true),
  }),
  z.object({
    kind: z.literal('cidr'),
    cidr: z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'advisories.invalidCidr'),
  }),
]);
export type TargetAddition = z.input<typeof ZTargetAddition>;

/** POST /api/advisories/:id/acknowledge: for the caller's own organisation unless one (in scope) is named. */
export const ZAcknowledgement = z.object({ organisationId: z.uuid().optional() });

const note = (key: string) => z.string({ error: key }).trim().min(5, key).max(5000, 'advisories.tooLong');

/**
 * POST /api/advisories/:id/targets/:targetId/response: what was done. Mitigated says how, not affected says why,
 * risk accepted says why and waits for the Department.
 */
export const ZTargetResponse = z.discriminatedUnion('response', [
  z.object({ response: z.literal('patched'), note: text(5000) }),
  z.object({ response: z.literal('mitigated'), note: note('advisories.mitigationRequired') }),
  z.object({ response: z.literal('not_affected'), note: note('advisories.reasonRequired') }),
  z.object({ response: z.literal('risk_accepted'), note: note('advisories.reasonRequired') }),
]);
export type TargetResponseInput = z.input<typeof ZTargetResponse>;

/** POST /api/advisories/:id/targets/:targetId/risk-decision: the Department approves or rejects an accepted risk. */
export const ZRiskDecision = z.object({ approve: z.boolean(), note: text(2000) });

export const ADVISORY_SORTS = ['issuedOn', 'createdAt', 'severity', 'title', 'state', 'cvss'] as const;

/** GET /api/advisories: one page, searched (title, number, CVE, product) and filtered. */
export const ZAdvisoryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.enum(ADVISORY_SORTS).meta({ id: 'AdvisorySort' }).default('createdAt'),
  dir: z.enum(['asc', 'desc']).optional(),
  q: z.string().trim().max(200).optional(),
  state: z.enum(ADVISORY_STATES).meta({ id: 'AdvisoryState' }).optional(),
  severity: z.enum(ADVISORY_SEVERITIES).meta({ id: 'AdvisorySeverity' }).optional(),
  source: z.enum(ADVISORY_SOURCES).meta({ id: 'AdvisorySource' }).optional(),
  knownExploited: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** Only advisories with a late agency (not acknowledged, or targets open, past the deadline). */
  late: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type AdvisoryListQuery = z.output<typeof ZAdvisoryListQuery>;

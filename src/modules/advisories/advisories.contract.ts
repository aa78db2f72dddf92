import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import {
  ADVISORY_SEVERITIES,
  ADVISORY_SOURCES,
  ADVISORY_STATES,
  PRODUCT_STATUSES,
  TARGET_REASONS,
  TARGET_RESPONSES,
} from './advisories.input.ts';

/** What the advisory routes answer (the web client's types are generated from these). */

export const ZAdvisorySeverityValue = z.enum(ADVISORY_SEVERITIES).meta({ id: 'AdvisorySeverityValue' });
export const ZProductStatus = z.enum(PRODUCT_STATUSES).meta({ id: 'AdvisoryProductStatus' });
export const ZTargetReason = z.enum(TARGET_REASONS).meta({ id: 'AdvisoryTargetReason' });
export const ZTargetResponseValue = z.enum(TARGET_RESPONSES).meta({ id: 'AdvisoryTargetResponse' });

/** How far an advisory (or the caller's part of it) has got. Percentages are rounded down: 100 means all. */
export const ZAdvisoryProgress = z
  .object({
    organisations: z.number().int(),
    acknowledged: z.number().int(),
    acknowledgedPercent: z.number().int(),
    targets: z.number().int(),
    /** Patched (a computer: confirmed by a later scan), mitigated, not affected, or an approved risk acceptance. */
    remediated: z.number().int(),
    remediatedPercent: z.number().int(),
    /** Reported patched on a computer, waiting for a scan to confirm it. */
    awaitingScan: z.number().int(),
    /** Risk acceptances waiting for the Department's decision. */
    pendingRisk: z.number().int(),
    /** Agencies past a deadline: not acknowledged by their day, or targets still open after the day to act. */
    late: z.number().int(),
  })
  .meta({ id: 'AdvisoryProgress' });

/** An advisory in a list. `knownExploited`: its CVEs that are in the loaded CISA KEV catalogue now. */
export const ZAdvisory = z
  .object({
    id: z.uuid(),
    source: z.enum(ADVISORY_SOURCES).meta({ id: 'AdvisorySourceValue' }),
    externalId: z.string().nullable(),
    revision: z.string().nullable(),
    sourceBody: z.string().nullable(),
    sourceNumber: z.string().nullable(),
    title: z.string(),
    severity: ZAdvisorySeverityValue,
    cvssScore: z.number().nullable(),
    cves: z.array(z.string()),
    knownExploited: z.array(z.string()),
    issuedOn: zDay.nullable(),
    acknowledgeBy: zDay.nullable(),
    actBy: zDay.nullable(),
    state: z.enum(ADVISORY_STATES).meta({ id: 'AdvisoryStateValue' }),
    createdAt: zInstant,
    updatedAt: zInstant,
    publishedAt: zInstant.nullable(),
    progress: ZAdvisoryProgress,
  })
  .meta({ id: 'Advisory' });
export const ZAdvisoryPage = page(ZAdvisory).meta({ id: 'AdvisoryPage' });

export const ZAdvisoryProduct = z
  .object({
    id: z.uuid(),
    productRef: z.string().nullable(),
    vendor: z.string().nullable(),
    product: z.string(),
    version: z.string().nullable(),
    versionStartIncluding: z.string().nullable(),
    versionStartExcluding: z.string().nullable(),
    versionEndIncluding: z.string().nullable(),
    versionEndExcluding: z.string().nullable(),
    /** The range in words (`>= 10.2.0, < 10.2.9-h1`, `*` = every version) and as the document wrote it. */
    range: z.string(),
    rangeText: z.string().nullable(),
    cpe: z.string().nullable(),
    purl: z.string().nullable(),
    status: ZProductStatus,
    cves: z.array(z.string()),
    remediation: z.string().nullable(),
  })
  .meta({ id: 'AdvisoryProduct' });

/** The product an inventory item matched: the advisory's row as it was when the target was made. */
export const ZMatchedProduct = z
  .object({
    id: z.string(),
    productRef: z.string().nullable(),
    vendor: z.string().nullable(),
    product: z.string(),
    range: z.string(),
    cpe: z.string().nullable(),
    status: ZProductStatus,
    version: z.string().nullable().optional(),
    versionStartIncluding: z.string().nullable().optional(),
    versionStartExcluding: z.string().nullable().optional(),
    versionEndIncluding: z.string().nullable().optional(),
    versionEndExcluding: z.string().nullable().optional(),
  })
  .meta({ id: 'AdvisoryMatchedProduct' });

/**
 * Why a target is concerned, one entry per reason: a system component or a computer's software (`item`) matched a
 * product by CPE or by vendor/product name and version range; an open finding (`finding`) has one of the CVEs; or
 * the Department added it (`addedFor`: the organisation subtree or address range asked for).
 */
export const ZTargetMatch = z
  .object({
    via: z.enum(['cpe', 'name', 'cve', 'organisation', 'cidr']),
    item: z
      .object({
        kind: z.enum(['component', 'software']),
        id: z.string(),
        name: z.string(),
        vendor: z.string().nullable(),
        version: z.string().nullable(),
        cpe: z.string().nullable(),
        port: z.number().int().nullable(),
        scanner: z.string().nullable(),
      })
      .optional(),
    product: ZMatchedProduct.optional(),
    finding: z
      .object({
        id: z.string(),
        name: z.string(),
        cves: z.array(z.string()),
        scanner: z.string(),
        port: z.number().int(),
        status: z.string(),
      })
      .optional(),
    /** The item's version is unknown: the range could not be checked. */
    versionUnknown: z.boolean().optional(),
    /** The document's range text could not be read: matched by name only. */
    rangeUnread: z.boolean().optional(),
    /** The product is under investigation, not known affected. */
    underInvestigation: z.boolean().optional(),
    addedFor: z.string().optional(),
  })
  .meta({ id: 'AdvisoryTargetMatch' });
export const ZMatchDetail = z.object({ matches: z.array(ZTargetMatch) }).meta({ id: 'AdvisoryMatchDetail' });

export const ZAdvisoryTarget = z
  .object({
    id: z.uuid(),
    targetKey: z.string(),
    reason: ZTargetReason,
    organisationId: z.uuid().nullable(),
    organisationName: z.string().nullable(),
    systemId: z.uuid().nullable(),
    systemName: z.string().nullable(),
    computerId: z.uuid().nullable(),
    computerIp: z.string().nullable(),
    computerName: z.string().nullable(),
    findingId: z.uuid().nullable(),
    cidr: z.string().nullable(),
    matchDetail: ZMatchDetail,
    response: ZTargetResponseValue,
    responseNote: z.string().nullable(),
    respondedByName: z.string().nullable(),
    respondedAt: zInstant.nullable(),
    riskDecision: z.enum(['approved', 'rejected']).nullable(),
    riskDecidedAt: zInstant.nullable(),
    confirmedAt: zInstant.nullable(),
    remediated: z.boolean(),
    awaitingScan: z.boolean(),
  })
  .meta({ id: 'AdvisoryTarget' });

/** One agency's part: notified, deadline, acknowledgement, escalation (to its head, named), its targets. */
export const ZAdvisoryOrganisation = z
  .object({
    organisationId: z.uuid(),
    name: z.string(),
    headName: z.string().nullable(),
    headTitle: z.string().nullable(),
    notifiedAt: zInstant.nullable(),
    acknowledgeBy: zDay.nullable(),
    acknowledgedAt: zInstant.nullable(),
    acknowledgedByName: z.string().nullable(),
    escalatedAt: zInstant.nullable(),
    escalatedTo: z.string().nullable(),
    targets: z.number().int(),
    remediated: z.number().int(),
    /** `acknowledge`: not acknowledged by its day; `act`: targets still open after the day to act. */
    late: z.enum(['acknowledge', 'act']).nullable(),
  })
  .meta({ id: 'AdvisoryOrganisation' });

export const ZAdvisoryAttachment = z
  .object({
    id: z.uuid(),
    fileName: z.string(),
    mediaType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    uploadedAt: zInstant,
  })
  .meta({ id: 'AdvisoryAttachment' });

export const ZRemediation = z
  .object({
    category: z.string(),
    details: z.string(),
    url: z.string().nullable(),
    productIds: z.array(z.string()),
    cve: z.string().nullable(),
  })
  .meta({ id: 'AdvisoryRemediation' });

/** What the caller may do now (the server refuses anything else). */
export const ZAdvisoryActions = z
  .object({
    edit: z.boolean(),
    publish: z.boolean(),
    close: z.boolean(),
    addTargets: z.boolean(),
    /** Organisations the caller may acknowledge for now. */
    acknowledge: z.array(z.uuid()),
    respond: z.boolean(),
    decideRisk: z.boolean(),
  })
  .meta({ id: 'AdvisoryActions' });

/** One advisory with its products, and the caller's part of its agencies and targets (an agency sees only its own). */
export const ZAdvisoryDetail = z
  .object({
    advisory: ZAdvisory.extend({
      summary: z.string().nullable(),
      cvssVector: z.string().nullable(),
      remediations: z.array(ZRemediation),
      references: z.array(z.object({ url: z.string(), summary: z.string().nullable() })),
      fileSha256: z.string().nullable(),
    }),
    products: z.array(ZAdvisoryProduct),
    attachments: z.array(ZAdvisoryAttachment),
    organisations: z.array(ZAdvisoryOrganisation),
    targets: z.array(ZAdvisoryTarget),
    /** More targets than listed (the list stops at 2000). */
    targetsTotal: z.number().int(),
    actions: ZAdvisoryActions,
  })
  .meta({ id: 'AdvisoryDetail' });

export const ZImportedProduct = z
  .object({
    productRef: z.string().nullable(),
    vendor: z.string().nullable(),
    product: z.string(),
    range: z.string(),
    rangeText: z.string().nullable(),
    cpe: z.string().nullable(),
    status: ZProductStatus,
    cves: z.array(z.string()),
  })
  .meta({ id: 'AdvisoryImportedProduct' });

/**
 * The answer to an import: `created`, `updated` (a newer revision: products replaced, responses kept), `unchanged`
 * (the same revision) or `older` (an older revision than the one held: nothing changed). A dry run says what an
 * import would do and writes nothing.
 */
export const ZAdvisoryImportReport = z
  .object({
    fileName: z.string(),
    format: z.enum(['csaf', 'cve']).meta({ id: 'AdvisoryFormat' }),
    dryRun: z.boolean(),
    outcome: z.enum(['created', 'updated', 'unchanged', 'older']).meta({ id: 'AdvisoryImportOutcome' }),
    advisory: z.object({
      id: z.uuid().nullable(),
      externalId: z.string(),
      sourceNumber: z.string(),
      sourceBody: z.string().nullable(),
      revision: z.string(),
      title: z.string(),
      severity: ZAdvisorySeverityValue,
      cvssScore: z.number().nullable(),
      cves: z.array(z.string()),
      knownExploited: z.array(z.string()),
      products: z.array(ZImportedProduct),
    }),
    targetedOrganisations: z.array(z.object({ id: z.uuid(), name: z.string(), targets: z.number().int() })),
    /** Targets whose organisation is unknown (a computer no IP range claims). */
    unattributedTargets: z.number().int(),
  })
  .meta({ id: 'AdvisoryImportReport' });

/** What an overdue check did (the timer and `khien advisories escalate`). */
export const ZEscalationReport = z
  .object({ today: zDay, escalated: z.number().int(), notifications: z.number().int(), confirmed: z.number().int() })
  .meta({ id: 'AdvisoryEscalationReport' });

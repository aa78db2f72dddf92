import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { page, valuesOf, zDay, zInstant } from '../../core/contract.ts';
import { type IssueCode, SCAN_FORMATS, SCANNERS } from './parsers/types.ts';
import type { ScanImportOutcome } from './scan-import.ts';
import { CHANGE_STATUSES, FINDING_STATUSES, SEVERITIES } from './vuln-values.ts';
import { vulnFindings } from './vulnerabilities.schema.ts';

/** What the vulnerability routes answer (the web client's types are generated from these). */

export const ZVulnSeverity = z.enum(SEVERITIES).meta({ id: 'VulnSeverity' });
export const ZVulnFindingStatus = z.enum(FINDING_STATUSES).meta({ id: 'VulnFindingStatus' });
/** The scanner whose check reported a finding. */
export const ZScanner = z.enum(SCANNERS).meta({ id: 'Scanner' });
export const ZScanFormat = z.enum(SCAN_FORMATS).meta({ id: 'ScanFormat' });

/** Remediation deadline in days from first sighting, per severity. */
export const ZRemediationPolicy = z.record(ZVulnSeverity, z.number().int()).meta({ id: 'RemediationPolicy' });

/**
 * A vulnerability on one computer (a scanner check on a port) or one website (a web scanner's check at a place of the
 * site: `url`, `location`, `cwes`), with its remediation state. Exactly one of `computerId` and `websiteId` is set.
 */
export const ZVulnFinding = createSelectSchema(vulnFindings, {
  severity: ZVulnSeverity,
  status: ZVulnFindingStatus,
  requestedStatus: ZVulnFindingStatus.nullable(),
  scanner: z.string().describe('see Scanner'),
  acceptedUntil: zDay.nullable(),
}).meta({ id: 'VulnFinding' });

/** What the caller may do with a finding now (the server refuses anything else). */
export const ZVulnFindingActions = z
  .object({
    /** Statuses the caller may set (`direct`) or ask for (a request someone else decides). */
    changes: z.array(
      z.object({ status: z.enum(CHANGE_STATUSES).meta({ id: 'VulnChangeStatus' }), direct: z.boolean() }),
    ),
    /** The caller approves or rejects the request pending on the finding. */
    decide: z.boolean(),
  })
  .meta({ id: 'VulnFindingActions' });

/**
 * A finding in a list, with its computer or website, its remediation deadline under the current policy and what one
 * may do.
 */
export const ZVulnFindingRow = z
  .object({
    finding: ZVulnFinding,
    dueAt: zInstant,
    /** Still open past its deadline. */
    overdue: z.boolean(),
    /** The computer's address; for a website, the address the scanner reached, when known. */
    ip: z.string().nullable(),
    /** The computer's name; for a website, its host. */
    hostname: z.string().nullable(),
    /** The website's origin (`https://host:443`); null for a computer's finding. */
    website: z.string().nullable(),
    organisationName: z.string().nullable(),
    actions: ZVulnFindingActions,
  })
  .meta({ id: 'VulnFindingRow' });

export const ZVulnFindingEventKind = z
  .enum(['firstSeen', 'lastSeen', 'resolved', 'reopened', 'request', 'status', 'approve', 'reject'])
  .meta({ id: 'VulnFindingEventKind' });

/**
 * One step of a finding's life: what a scan saw (`firstSeen`, `lastSeen`, `resolved`, `reopened` with its count) or
 * what someone did (`request`, `status`, `approve`, `reject`), with who acted (display name).
 */
export const ZVulnFindingEvent = z
  .object({
    /** Null for reopenings, which are counted, not dated. */
    at: zInstant.nullable(),
    kind: ZVulnFindingEventKind,
    actor: z.string().nullable(),
    status: ZVulnFindingStatus.nullable(),
    reason: z.string().nullable(),
    acceptedUntil: zDay.nullable(),
    /** The report file of a scan event, when known. */
    fileName: z.string().nullable(),
    count: z.number().int().nullable(),
  })
  .meta({ id: 'VulnFindingEvent' });

/** A finding with its history, oldest first, and who asked for the pending request. */
export const ZVulnFindingDetail = ZVulnFindingRow.extend({
  requestedByName: z.string().nullable(),
  history: z.array(ZVulnFindingEvent),
}).meta({ id: 'VulnFindingDetail' });

/** A yes/no filter in a query string (`false` is no, unlike a coerced boolean). */
const zFlag = z.enum(['true', 'false']).transform((v) => v === 'true');
const zDir = z.enum(['asc', 'desc']);
const zLimit = z.coerce.number().int().min(1).max(1000).default(100);
const zOffset = z.coerce.number().int().min(0).default(0);
const zSearch = z.string().trim().max(200).optional();

export const ZVulnFindingSort = z
  .enum([
    'severity',
    'cvss',
    'cve',
    'name',
    'ip',
    'hostname',
    'organisation',
    'status',
    'dueAt',
    'firstSeen',
    'lastSeen',
  ])
  .meta({ id: 'VulnFindingSort' });
export const ZVulnFindingStatusFilter = z
  .enum([...FINDING_STATUSES, 'active'])
  .describe('a status, or `active`: open or fixed (still needs work)')
  .meta({ id: 'VulnFindingStatusFilter' });

/** A page of findings: sorted, searched (IP, host name, CVE, name) and filtered, within the caller's scope. */
export const ZFindingQuery = z.object({
  limit: zLimit,
  offset: zOffset,
  sort: ZVulnFindingSort.optional().describe('default: severity, most severe first'),
  dir: zDir.optional(),
  q: zSearch.describe('an IP address (or its beginning, or a CIDR range), a host name, a CVE or a name'),
  status: ZVulnFindingStatusFilter.optional(),
  severity: ZVulnSeverity.optional(),
  organisationId: z.uuid().optional().describe('this organisation and its descendants'),
  computerId: z.uuid().optional(),
  websiteId: z.uuid().optional(),
  subject: z.enum(['computers', 'websites']).optional().describe("only computers' or only websites' findings"),
  scanner: ZScanner.optional(),
  knownExploited: zFlag.optional(),
  overdue: zFlag.optional(),
  pendingApproval: zFlag.optional(),
});
export type FindingQuery = z.output<typeof ZFindingQuery>;

export const ZComputerSort = z
  .enum(['ip', 'hostname', 'os', 'organisation', 'lastSeen', 'open', 'critical', 'high'])
  .meta({ id: 'ComputerSort' });

/** A page of computers: sorted, searched (IP, host name) and filtered, within the caller's scope. */
export const ZComputerQuery = z.object({
  limit: zLimit,
  offset: zOffset,
  sort: ZComputerSort.optional().describe('default: most critical, then high, then open findings'),
  dir: zDir.optional(),
  q: zSearch.describe('an IP address (or its beginning, or a CIDR range) or a host name'),
  organisationId: z.uuid().optional().describe('this organisation and its descendants'),
  unattributed: zFlag.optional().describe('only computers no IP range claims (analysts)'),
  severity: ZVulnSeverity.optional().describe('only computers with an open finding of this severity'),
});
export type ComputerQuery = z.output<typeof ZComputerQuery>;

/** A scanned computer with its open findings (`lastSeen` as the database writes it). */
export const ZComputer = z
  .object({
    id: z.uuid(),
    ip: z.string(),
    hostname: z.string().nullable(),
    os: z.string().nullable(),
    organisationId: z.uuid().nullable(),
    organisationName: z.string().nullable(),
    lastSeen: z.string(),
    open: z.number().int(),
    critical: z.number().int(),
    high: z.number().int(),
  })
  .meta({ id: 'Computer' });
export const ZComputerPage = page(ZComputer).meta({ id: 'ComputerPage' });

export const ZWebsiteSort = z
  .enum(['site', 'organisation', 'lastSeen', 'open', 'critical', 'high'])
  .meta({ id: 'WebsiteSort' });

/** A page of websites: sorted, searched (host, address) and filtered, within the caller's scope. */
export const ZWebsiteQuery = z.object({
  limit: zLimit,
  offset: zOffset,
  sort: ZWebsiteSort.optional().describe('default: most critical, then high, then open findings'),
  dir: zDir.optional(),
  q: zSearch.describe('a host name (or part of one) or an address'),
  organisationId: z.uuid().optional().describe('this organisation and its descendants'),
  unattributed: zFlag.optional().describe('only websites no register matched (analysts)'),
  severity: ZVulnSeverity.optional().describe('only websites with an open finding of this severity'),
});
export type WebsiteQuery = z.output<typeof ZWebsiteQuery>;

/** How a website was attributed: the agency site register, an information system, an analyst, or nothing yet. */
export const ZWebsiteAttribution = z.enum(['site', 'system', 'manual', 'none']).meta({ id: 'WebsiteAttribution' });

/** A website a web scanner tested, with its open findings (`lastSeen` as the database writes it). */
export const ZWebsite = z
  .object({
    id: z.uuid(),
    /** `https://host:443` */
    siteKey: z.string(),
    scheme: z.string(),
    host: z.string(),
    port: z.number().int(),
    ip: z.string().nullable(),
    organisationId: z.uuid().nullable(),
    organisationName: z.string().nullable(),
    attribution: ZWebsiteAttribution,
    /** The registered agency site or the information system it was matched to. */
    siteId: z.uuid().nullable(),
    systemId: z.uuid().nullable(),
    systemName: z.string().nullable(),
    lastSeen: z.string(),
    open: z.number().int(),
    critical: z.number().int(),
    high: z.number().int(),
  })
  .meta({ id: 'Website' });
export const ZWebsitePage = page(ZWebsite).meta({ id: 'WebsitePage' });
export const ZVulnFindingPage = page(ZVulnFindingRow).meta({ id: 'VulnFindingPage' });

/** Vulnerable computers in a period and organisation subtree. */
export const ZVulnSummary = z
  .object({
    period: z.object({ from: zDay, to: zDay, asOf: zDay }),
    /** Computers with at least one vulnerability open during the period. */
    vulnerableComputers: z.number().int(),
    withCritical: z.number().int(),
    withHigh: z.number().int(),
    /** Each vulnerable computer counted once, under its most severe open finding. */
    byMaxSeverity: z.record(ZVulnSeverity.exclude(['info']), z.number().int()),
    knownExploitedComputers: z.number().int(),
    /** CVEs in the loaded CISA KEV catalogue: 0 = no catalogue, so `knownExploitedComputers` says nothing. */
    kevCatalogueEntries: z.number().int(),
    scannedComputers: z.number().int(),
    /**
     * The latest scan of a computer in the organisation subtree up to the end of the period (a later scan does not
     * change a past period's figures); null: none by then.
     */
    lastScannedAt: zInstant.nullable(),
    /** The latest scan of a website in the subtree up to the end of the period; null: none by then. */
    lastWebScannedAt: zInstant.nullable(),
    /** How long a scan's sighting of a finding counts without a later scan (days). */
    evidenceDays: z.number().int(),
    unattributedVulnerableComputers: z.number().int(),
    /** Websites with at least one vulnerability open during the period ("trang web có lỗ hổng"). */
    vulnerableWebsites: z.number().int(),
    websitesWithCritical: z.number().int(),
    websitesWithHigh: z.number().int(),
    /** Each vulnerable website counted once, under its most severe open finding. */
    websitesByMaxSeverity: z.record(ZVulnSeverity.exclude(['info']), z.number().int()),
    scannedWebsites: z.number().int(),
    unattributedVulnerableWebsites: z.number().int(),
    topVulnerabilities: z.array(
      z.object({
        scanner: z.string().describe('see Scanner'),
        scannerId: z.string(),
        name: z.string(),
        severity: ZVulnSeverity,
        computers: z.number().int(),
        cves: z.array(z.string()),
      }),
    ),
    /** The web checks found on the most websites. */
    topWebVulnerabilities: z.array(
      z.object({
        scanner: z.string().describe('see Scanner'),
        scannerId: z.string(),
        name: z.string(),
        severity: ZVulnSeverity,
        websites: z.number().int(),
        cwes: z.array(z.string()),
      }),
    ),
    byOrganisation: z.array(
      z.object({
        organisationId: z.uuid().nullable(),
        name: z.string().nullable(),
        vulnerableComputers: z.number().int(),
        withCritical: z.number().int(),
        withHigh: z.number().int(),
        vulnerableWebsites: z.number().int(),
        websitesWithCritical: z.number().int(),
      }),
    ),
    byMonth: z.array(
      z.object({
        /** yyyy-mm */
        month: z.string(),
        vulnerableComputers: z.number().int(),
        withCritical: z.number().int(),
        vulnerableWebsites: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'VulnSummary' });

export const ZScanIssueCode = z
  .enum(
    valuesOf<IssueCode>()([
      'invalid-ip',
      'invalid-port',
      'invalid-severity',
      'invalid-score',
      'invalid-cve',
      'invalid-url',
      'missing-field',
      'bad-row',
    ]),
  )
  .meta({ id: 'ScanIssueCode' });

/** A problem with one element or row of a report, where it is, and how many findings it cost. */
export const ZScanIssue = z
  .object({
    code: ZScanIssueCode,
    message: z.string(),
    /** Findings left out because of this issue. */
    dropped: z.number().int(),
    line: z.number().int(),
    column: z.number().int(),
    /** XML element path, or for CSV the file name of the format. */
    path: z.string(),
    /** 1-based data row (header excluded), CSV only. */
    row: z.number().int().optional(),
  })
  .meta({ id: 'ScanIssue' });

/** The issues of a file grouped by kind: how often each occurred and how many findings it cost. */
export const ZScanIssueGroup = z
  .object({ code: ZScanIssueCode, issues: z.number().int(), findings: z.number().int() })
  .meta({ id: 'ScanIssueGroup' });

/**
 * `imported`: everything the file reports was kept; `partial`: some elements had problems (see the issues);
 * `nothing`: not one finding could be kept although the file reported some, or the file held no host.
 */
export const ZScanImportOutcome = z
  .enum(valuesOf<ScanImportOutcome>()(['imported', 'partial', 'nothing']))
  .meta({ id: 'ScanImportOutcome' });

/**
 * Which time dated the computers and findings: each host's scan time written in the file (`file`), the time the
 * importer gave (`given`), or the upload, when the file writes none (`upload`).
 */
export const ZScanTimes = z
  .object({
    source: z.enum(['file', 'given', 'upload']).meta({ id: 'ScanTimeSource' }),
    from: zInstant,
    to: zInstant,
    /** Some times had no zone and were read as the province's time (UTC+7). */
    zoneAssumed: z.boolean(),
    /** Hosts of a file-dated report without a time of their own (dated with the upload). */
    hostsWithoutTime: z.number().int(),
  })
  .meta({ id: 'ScanTimes' });

/** What the parser counted in a report. */
export const ZScanSummary = z
  .object({
    format: ZScanFormat.nullable(),
    hosts: z.number().int(),
    findings: z.number().int(),
    findingsBySeverity: z.record(ZVulnSeverity, z.number().int()),
    distinctCves: z.number().int(),
    vulnerableHosts: z.number().int(),
    hostsByMaxSeverity: z.record(ZVulnSeverity, z.number().int()),
    /** Websites of a web scanner's report (absent in summaries stored before web scanners were read). */
    websites: z.number().int().optional(),
    vulnerableWebsites: z.number().int().optional(),
    issues: z.number().int(),
    droppedFindings: z.number().int(),
    incompleteHosts: z.number().int(),
    complete: z.boolean(),
  })
  .meta({ id: 'ScanSummary' });

/** The answer to a report upload (`duplicate`: the same file was already imported, nothing was done). */
export const ZScanImportReport = z
  .object({
    scanId: z.uuid(),
    duplicate: z.boolean(),
    fileName: z.string(),
    format: z.string(),
    hosts: z.number().int(),
    findings: z.number().int(),
    /** Hosts whose address matched no organisation's IP range (to be assigned by an analyst). */
    unattributedHosts: z.number().int(),
    /** Websites of a web scanner's report, and those no register of agency sites or systems matched. */
    websites: z.number().int(),
    unattributedWebsites: z.number().int(),
    opened: z.number().int(),
    reopened: z.number().int(),
    resolved: z.number().int(),
    issues: z.array(ZScanIssue),
    summary: ZScanSummary.nullable(),
    outcome: ZScanImportOutcome,
    issueGroups: z.array(ZScanIssueGroup),
    /** Informational items of the file (not vulnerabilities): read, never stored. */
    informational: z.number().int(),
    /** Null only for files imported before imports recorded it. */
    scanTimes: ZScanTimes.nullable(),
  })
  .meta({ id: 'ScanImportReport' });

/** An imported report file. */
export const ZScan = z
  .object({
    id: z.uuid(),
    fileName: z.string(),
    format: z.string(),
    scannedAt: zInstant,
    importedAt: zInstant,
    hosts: z.number().int(),
    websites: z.number().int(),
    findings: z.number().int(),
    issues: z.array(ZScanIssue),
    importedBy: z.string().nullable(),
    outcome: ZScanImportOutcome,
    issueGroups: z.array(ZScanIssueGroup),
    informational: z.number().int(),
    scanTimes: ZScanTimes.nullable(),
  })
  .meta({ id: 'Scan' });

/** The answer to loading the CISA KEV catalogue. */
export const ZKevImportReport = z
  .object({ catalogueEntries: z.number().int(), newlyFlaggedFindings: z.number().int() })
  .meta({ id: 'KevImportReport' });

/** The CISA KEV catalogue as loaded: `entries` 0 = none loaded (no finding can be known to be exploited). */
export const ZKevCatalogue = z
  .object({
    entries: z.number().int(),
    /** When it was last loaded; null when never. */
    loadedAt: zInstant.nullable(),
    /** The newest `dateAdded` in it: how current it is. */
    newestEntry: zDay.nullable(),
    knownExploitedFindings: z.number().int(),
  })
  .meta({ id: 'KevCatalogue' });

import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  inet,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';
import { sites } from '../sites/sites.schema.ts';
import { informationSystems } from '../systems/systems.schema.ts';
import { FINDING_STATUSES, SEVERITIES } from './vuln-values.ts';

export { FINDING_STATUSES, SEVERITIES };
export const severityEnum = pgEnum('vuln_severity', SEVERITIES);
export const findingStatusEnum = pgEnum('finding_status', FINDING_STATUSES);

/** One imported report file. The SHA-256 of the file makes re-importing it a no-op. */
export const scanImports = pgTable('scan_imports', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  sha256: text('sha256').notNull().unique(),
  fileName: text('file_name').notNull(),
  format: text('format').notNull(),
  /** When the scan ran (given at import, else the import time): the instant its findings were seen or resolved. */
  scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  importedBy: uuid('imported_by').references(() => users.id, { onDelete: 'set null' }),
  hosts: integer('hosts').notNull(),
  /** Websites of a web scanner's report. */
  websites: integer('websites').notNull().default(0),
  findings: integer('findings').notNull(),
  /** Parser issues (malformed elements, skipped rows) with their positions, capped. */
  issues: jsonb('issues').notNull().default([]),
  summary: jsonb('summary').notNull(),
});

/** A scanned computer (máy tính), attributed to the organisation whose IP range holds its address. */
export const computers = pgTable(
  'computers',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The parsers' host key: IP plus MAC or short name, so a reused DHCP address is another computer. */
    hostKey: text('host_key').notNull().unique(),
    ip: inet('ip').notNull(),
    hostname: text('hostname'),
    fqdn: text('fqdn'),
    netbios: text('netbios'),
    mac: text('mac'),
    os: text('os'),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    /** 'range' when attributed by IP range, 'manual' when an analyst assigned it (then imports leave it alone). */
    attribution: text('attribution').notNull().default('range'),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
  },
  (t) => [index('computers_org_idx').on(t.organisationId), index('computers_ip_idx').on(t.ip)],
);

/**
 * A website a web scanner tested, by origin (scheme, host, port), attributed to the agency site registered for its host
 * or the information system whose host names or addresses serve it; else it waits for an analyst.
 */
export const websites = pgTable(
  'websites',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The parsers' website key: `https://host:443`. */
    siteKey: text('site_key').notNull().unique(),
    scheme: text('scheme').notNull(),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    /** The address the scanner reached, when it said. */
    ip: inet('ip'),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    /** The registered agency site it was matched to (the .vn programme's register). */
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'set null' }),
    /** The information system it was matched to (a host name or address of the system). */
    systemId: uuid('system_id').references(() => informationSystems.id, { onDelete: 'set null' }),
    /** 'site' | 'system' by the registers on the scan day, 'manual' when an analyst assigned it, 'none' unmatched. */
    attribution: text('attribution').notNull().default('none'),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
  },
  (t) => [index('websites_org_idx').on(t.organisationId), index('websites_host_idx').on(t.host)],
);

/**
 * A vulnerability on one computer (a scanner check on a port) or on one website (a check at a place of the site): the
 * same remediation, deadlines and approvals for both.
 */
export const vulnFindings = pgTable(
  'vuln_findings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    computerId: uuid('computer_id').references(() => computers.id, { onDelete: 'cascade' }),
    websiteId: uuid('website_id').references(() => websites.id, { onDelete: 'cascade' }),
    /** Denormalised from the computer so every list can be scope-filtered without a join. */
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    scanner: text('scanner').notNull(),
    scannerId: text('scanner_id').notNull(),
    port: integer('port').notNull(),
    protocol: text('protocol').notNull(),
    service: text('service'),
    name: text('name').notNull(),
    severity: severityEnum('severity').notNull(),
    cvss2Score: real('cvss2_score'),
    cvss2Vector: text('cvss2_vector'),
    cvss3Score: real('cvss3_score'),
    cvss3Vector: text('cvss3_vector'),
    cves: text('cves').array().notNull().default(sql`'{}'::text[]`),
    /** `CWE-79` style (web findings). */
    cwes: text('cwes').array().notNull().default(sql`'{}'::text[]`),
    /** Web findings: the address the finding is on, and where on the site (path and parameter), part of its identity. */
    url: text('url'),
    location: text('location'),
    solution: text('solution'),
    synopsis: text('synopsis'),
    output: text('output'),
    knownExploited: boolean('known_exploited').notNull().default(false),
    status: findingStatusEnum('status').notNull().default('open'),
    statusReason: text('status_reason'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }),
    /** Accepted risk only: when the acceptance ends and the finding counts as open again. */
    acceptedUntil: date('accepted_until'),
    /** Who asked for accepted/false_positive; approval is a separate step by the Department / SOC. */
    requestedStatus: findingStatusEnum('requested_status'),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    reopenedCount: integer('reopened_count').notNull().default(0),
    lastScanId: uuid('last_scan_id').references(() => scanImports.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('vuln_findings_identity_idx').on(t.computerId, t.scanner, t.scannerId, t.port, t.protocol),
    // Web findings only (host findings would all sit in it under a null website), and it serves lookups by website.
    uniqueIndex('vuln_findings_web_identity_idx')
      .on(t.websiteId, t.scanner, t.scannerId, t.location)
      .where(sql`website_id is not null`),
    check('vuln_findings_subject_ck', sql`(computer_id is null) <> (website_id is null)`),
    index('vuln_findings_org_idx').on(t.organisationId),
    index('vuln_findings_status_idx').on(t.status, t.severity),
    index('vuln_findings_last_scan_idx').on(t.lastScanId),
  ],
);

/**
 * The spans a finding does not count in, kept by a trigger (migration 0019) when a later scan reports it again:
 * `resolved`, from the scan that no longer reported it to the one that reported it again; `unseen`, between two
 * sightings more than a year apart (a period with no sighting in the EVIDENCE_DAYS before it). A period inside one
 * keeps the figure it had before that later scan.
 */
export const vulnFindingGaps = pgTable(
  'vuln_finding_gaps',
  {
    findingId: uuid('finding_id')
      .notNull()
      .references(() => vulnFindings.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'resolved' | 'unseen'>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.findingId, t.kind, t.startsAt] })],
);

/** Which websites each scan covered: as for computers, what a later scan of the site no longer reports is resolved. */
export const scanWebsites = pgTable(
  'scan_websites',
  {
    scanId: uuid('scan_id')
      .notNull()
      .references(() => scanImports.id, { onDelete: 'cascade' }),
    websiteId: uuid('website_id')
      .notNull()
      .references(() => websites.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.scanId, t.websiteId] }), index('scan_websites_website_idx').on(t.websiteId)],
);

/** Which computers each scan covered: a finding of a covered computer that the scan no longer reports is resolved. */
export const scanComputers = pgTable(
  'scan_computers',
  {
    scanId: uuid('scan_id')
      .notNull()
      .references(() => scanImports.id, { onDelete: 'cascade' }),
    computerId: uuid('computer_id')
      .notNull()
      .references(() => computers.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.scanId, t.computerId] }), index('scan_computers_computer_idx').on(t.computerId)],
);

/** CISA Known Exploited Vulnerabilities catalogue, imported from a file the user supplies (no network at run time). */
export const kevEntries = pgTable('kev_entries', {
  cveId: text('cve_id').primaryKey(),
  vendor: text('vendor'),
  product: text('product'),
  name: text('name'),
  dateAdded: date('date_added'),
  dueDate: date('due_date'),
  knownRansomware: boolean('known_ransomware').notNull().default(false),
});

/** Remediation deadline (days from first seen) per severity; editable by the Department. */
export const remediationPolicy = pgTable('remediation_policy', {
  severity: severityEnum('severity').primaryKey(),
  dueDays: integer('due_days').notNull(),
});

/**
 * Software and services a scan revealed on a computer (Nessus host `cpe` properties and plugin output, Nmap `-sV`
 * `<cpe>`, OpenVAS detected applications), refreshed by every import; advisories are matched against it. `key`
 * identifies one item on one computer (CPE or vendor:product, and the port it listens on).
 */
export const computerSoftware = pgTable(
  'computer_software',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    computerId: uuid('computer_id')
      .notNull()
      .references(() => computers.id, { onDelete: 'cascade' }),
    /** Denormalised from the computer so the inventory can be scope-filtered without a join. */
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    key: text('key').notNull(),
    vendor: text('vendor'),
    product: text('product').notNull(),
    version: text('version'),
    /** CPE 2.3 formatted string (cpe:2.3:a:vendor:product:version:…); a 2.2 URI from the scanner is converted. */
    cpe: text('cpe'),
    port: integer('port'),
    protocol: text('protocol'),
    service: text('service'),
    scanner: text('scanner').notNull(),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
    lastScanId: uuid('last_scan_id').references(() => scanImports.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('computer_software_key_uq').on(t.computerId, t.key),
    index('computer_software_org_idx').on(t.organisationId),
    index('computer_software_product_idx').on(t.product),
    index('computer_software_last_scan_idx').on(t.lastScanId),
  ],
);

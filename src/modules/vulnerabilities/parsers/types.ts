/**
 * The normalised model produced by the scanner-report parsers.
 *
 * A parse is a stream of {@link ScanEvent}s: one `start` once the format is detected, then
 * `host` records and `issue`s in file order, and always one final `end` carrying the fatal
 * error (if any) and the {@link ScanSummary}.
 *
 * Error policy:
 * - `fatal` (unknown format, truncated or not well-formed file): parsing stops. Host records
 *   already emitted are genuine, but the import is incomplete and the storage layer rejects it
 *   atomically. A host that was still open at the cut is emitted with `complete: false`.
 * - `issue` (one malformed element or CSV row): parsing goes on. When the problem touches the
 *   finding's identity (invalid host IP, invalid port, missing scanner id) the finding is left
 *   out and counted in `dropped`; when it touches a descriptive field (bad CVSS score, bad
 *   severity) the field is dropped or derived from the next source and the finding is kept.
 */

/** Every format the importer reads; each is one file under `formats/` (see formats/index.ts). */
export const SCAN_FORMATS = [
  'nessus',
  'openvas',
  'nmap',
  'nessus-csv',
  'openvas-csv',
  'tenable-sc-csv',
  'qualys',
  'qualys-csv',
  'nexpose',
  'wazuh',
  'openscap',
  'zap',
  'zap-json',
  'acunetix',
  'acunetix360',
  'nuclei',
  'nikto',
  'nikto-json',
  'burp',
] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

/**
 * Whose checks a finding comes from: a later report of the same scanner resolves what it no longer reports. Tenable.sc
 * runs Nessus plugins, so its exports and Nessus files speak for the same checks.
 */
export const SCANNERS = [
  'nessus',
  'openvas',
  'nmap',
  'qualys',
  'nexpose',
  'wazuh',
  'openscap',
  'zap',
  'acunetix',
  'nuclei',
  'nikto',
  'burp',
] as const;
export type Scanner = (typeof SCANNERS)[number];

/** Ordered from most to least severe; `info` never makes a host vulnerable. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where something is in the source: 1-based line and column; `path` is the element path (XML) or `row` (CSV). */
export interface SourcePosition {
  line: number;
  column: number;
  /** XML element path such as `NessusClientData_v2/Report/ReportHost/ReportItem`; for CSV the file name of the format. */
  path: string;
  /** 1-based data row (header excluded), CSV only. */
  row?: number;
}

/** A time as written by the scanner, with its UTC instant when the source is unambiguous (epoch or zoned ISO). */
export interface ScanTime {
  raw: string;
  /** ISO-8601 UTC; absent when the scanner wrote a local time without zone (e.g. Nessus `HOST_START`). */
  iso?: string;
}

/** An open port seen by a port scanner (Nmap); not a finding by itself. */
export interface OpenService {
  port: number;
  protocol: string;
  service?: string;
  product?: string;
  version?: string;
}

export interface ScannedHost {
  /** Canonical IP address, validated with `node:net` isIP. */
  ip: string;
  ipVersion: 4 | 6;
  /** Short or DNS name reported by the scanner (Nessus host-fqdn/hostname, OpenVAS hostname, Nmap hostname). */
  hostname?: string;
  fqdn?: string;
  netbios?: string;
  /** Lower-case, colon-separated. */
  mac?: string;
  os?: string;
  scanStart?: ScanTime;
  scanEnd?: ScanTime;
  services?: OpenService[];
}

export interface CvssScore {
  score: number;
  vector?: string;
}

/** What every finding says, on a computer or on a website. */
export interface CheckResult {
  scanner: Scanner;
  /**
   * The scanner's check: Nessus plugin ID, OpenVAS NVT OID, `vulners:<id>` for Nmap vulners entries; ZAP plugin id,
   * Burp issue type, Acunetix module or name, Nuclei template id, Nikto id.
   */
  scannerId: string;
  name: string;
  severity: Severity;
  /** The scanner's own rating as written (Nessus `severity` 0–4, OpenVAS threat label, CSV `Risk`/`Severity`). */
  scannerRating?: string;
  /** A score of unstated CVSS version given by the scanner (OpenVAS `severity`, vulners `cvss`). */
  scannerScore?: number;
  cvss3?: CvssScore;
  /** Upper-case, de-duplicated, in source order. */
  cves: string[];
  description?: string;
  solution?: string;
  seeAlso?: string[];
  /**
   * Scanner evidence (Nessus plugin_output, OpenVAS specific result, what a web scanner matched), bounded by
   * `maxOutputLength`.
   */
  output?: string;
  position: SourcePosition;
}

export interface Finding extends CheckResult {
  cvss2?: CvssScore;
  /** 0 when the finding is about the host rather than a port (Nessus port 0, OpenVAS `general/tcp`). */
  port: number;
  /** `tcp`, `udp`, `icmp`…; empty when the scanner gives none. */
  protocol: string;
  service?: string;
  family?: string;
  synopsis?: string;
  exploitAvailable?: boolean;
}

/**
 * Software or a service a scan revealed on a host: a CPE the scanner named (Nessus host `cpe` tags and plugin 45590,
 * Nmap service and OS `<cpe>`, OpenVAS `App`/`best_os_cpe` details and its CPE inventory), or a service it identified
 * on a port without one.
 */
export interface DetectedSoftware {
  /** CPE 2.3 formatted string; a 2.2 URI from the scanner is converted. */
  cpe?: string;
  vendor?: string;
  /** The CPE's product, else the scanner's product name, else the service name. */
  product: string;
  /** The CPE's version, else the version the scanner gave. */
  version?: string;
  /** Absent for what belongs to the host as a whole (its OS, an application seen without a port). */
  port?: number;
  protocol?: string;
  service?: string;
}

export interface HostRecord {
  host: ScannedHost;
  findings: Finding[];
  /** Distinct by key and bounded per record (software.ts). */
  software?: DetectedSoftware[];
  position: SourcePosition;
  /**
   * False only for the host that was open when a fatal error cut the file: its findings are
   * those read before the cut. Nessus and Nmap emit one record per host; OpenVAS and CSV
   * emit one per run of consecutive results of a host (and OpenVAS one per host summary),
   * so records with the same {@link hostKey} must be merged.
   */
  complete: boolean;
}

/**
 * A website as a web scanner addresses it: scheme, host and port (its origin). Findings on it are on URLs, not on a
 * computer; the importer matches it to the registered agency site or information system that serves it.
 */
export interface ScannedWebsite {
  scheme: 'http' | 'https';
  /** Lower case, IDN as punycode, no trailing dot; an IP address in its canonical form. */
  host: string;
  port: number;
  /** The address the scanner reached, when it says (Nikto, Nuclei). */
  ip?: string;
  scanStart?: ScanTime;
  scanEnd?: ScanTime;
}

export interface WebFinding extends CheckResult {
  /** The address the finding is on, on the website's origin; bounded. */
  url: string;
  /**
   * Where on the site, as part of the finding's identity: the URL's path, and the parameter when the scanner names
   * one (`/login.php [username]`). The same check on the same place is the same finding in every report.
   */
  location: string;
  method?: string;
  parameter?: string;
  /** `CWE-79` style, de-duplicated, in source order. */
  cwes: string[];
}

export interface WebsiteRecord {
  website: ScannedWebsite;
  findings: WebFinding[];
  position: SourcePosition;
  /** As for hosts: false only for the website that was open when a fatal error cut the file. */
  complete: boolean;
}

export type IssueCode =
  | 'invalid-ip'
  | 'invalid-port'
  | 'invalid-severity'
  | 'invalid-score'
  | 'invalid-cve'
  | 'invalid-url'
  | 'missing-field'
  | 'bad-row';

export interface ParseIssue extends SourcePosition {
  code: IssueCode;
  message: string;
  /** Findings left out because of this issue. */
  dropped: number;
}

/** `too-large`: the report needs more memory than a bound the format sets (Qualys and Nexpose define checks last). */
export type FatalKind = 'unknown-format' | 'truncated' | 'not-well-formed' | 'read-error' | 'too-large';

export interface FatalError {
  kind: FatalKind;
  message: string;
  line?: number;
  column?: number;
  path?: string;
}

export interface ScanSummary {
  format: ScanFormat | null;
  /** Distinct hosts (by {@link hostKey}) with at least one record. */
  hosts: number;
  findings: number;
  findingsBySeverity: Record<Severity, number>;
  distinctCves: number;
  /** Hosts with at least one finding of severity `low` or above. */
  vulnerableHosts: number;
  /** Hosts counted under their most severe finding (`info` = scanned, nothing to fix). */
  hostsByMaxSeverity: Record<Severity, number>;
  /** Distinct websites (by {@link websiteKey}) of a web scanner's report; their findings count in `findings`. */
  websites: number;
  vulnerableWebsites: number;
  issues: number;
  droppedFindings: number;
  /** Host or website records emitted with `complete: false`. */
  incompleteHosts: number;
  /** False when the parse ended with a fatal error. */
  complete: boolean;
}

export type ScanEvent =
  | { type: 'start'; format: ScanFormat; scanner: Scanner; subject: 'host' | 'website' }
  | { type: 'host'; record: HostRecord }
  | { type: 'website'; record: WebsiteRecord }
  | { type: 'issue'; issue: ParseIssue }
  | { type: 'end'; format: ScanFormat | null; fatal: FatalError | null; summary: ScanSummary };

export interface ParseOptions {
  /** Longest synopsis/description/solution kept, in characters (default 8 000). */
  maxTextLength?: number;
  /** Longest scanner output (plugin_output…) kept, in characters (default 2 000). */
  maxOutputLength?: number;
}

/** Bytes or text of a report: a file stream, any async iterable of chunks, or the whole content. */
export type ScanInput = AsyncIterable<Uint8Array | string> | Uint8Array | string;

import type { ParseIssue } from '../../modules/vulnerabilities/parsers/types.ts';
import type { ScanImportResult } from '../../modules/vulnerabilities/scan-import.ts';
import type { FindingStatus, Severity } from '../../modules/vulnerabilities/vuln-values.ts';

// Shapes of the vulnerabilities API (src/modules/vulnerabilities/vulnerabilities.service.ts). Value lists and the
// rules of who decides which status come from the server's own dependency-free file.
export {
  decidesStatus,
  FINDING_STATUSES,
  type FindingStatus,
  mayReopen,
  SEVERITIES,
  type Severity,
} from '../../modules/vulnerabilities/vuln-values.ts';

/** The one place severities get their colour: badges, charts and figures all read it. */
export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#9f1c1c',
  high: '#d9480f',
  medium: '#b7791f',
  low: '#2b6cb0',
  info: '#6b7683',
};

// The server's own response type (type-only: nothing of the server reaches the bundle).
export type { VulnerabilitySummary } from '../../modules/vulnerabilities/vulnerabilities.service.ts';

export type Computer = {
  id: string;
  ip: string;
  hostname: string | null;
  os: string | null;
  organisationId: string | null;
  organisationName: string | null;
  lastSeen: string;
  open: number;
  critical: number;
  high: number;
};

export type Finding = {
  id: string;
  computerId: string;
  organisationId: string | null;
  scanner: string;
  scannerId: string;
  port: number;
  protocol: string;
  service: string | null;
  name: string;
  severity: Severity;
  cvss2Score: number | null;
  cvss3Score: number | null;
  cvss3Vector: string | null;
  cves: string[];
  solution: string | null;
  synopsis: string | null;
  output: string | null;
  knownExploited: boolean;
  status: FindingStatus;
  statusReason: string | null;
  statusChangedAt: string | null;
  acceptedUntil: string | null;
  requestedStatus: FindingStatus | null;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  reopenedCount: number;
};

export type FindingRow = {
  finding: Finding;
  dueAt: string;
  ip: string;
  hostname: string | null;
  organisationName: string | null;
};

export type { ParseIssue, ScanImportResult };

export type ScanImport = {
  id: string;
  fileName: string;
  format: string;
  scannedAt: string;
  importedAt: string;
  hosts: number;
  findings: number;
  issues: ParseIssue[];
};

export type RemediationPolicy = Record<Severity, number>;

/** An open finding past its remediation deadline. */
export const isOverdue = (row: FindingRow, now = Date.now()) =>
  row.finding.status === 'open' && new Date(row.dueAt).getTime() < now;

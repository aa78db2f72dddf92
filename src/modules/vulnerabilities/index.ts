// The vulnerabilities module's public face: what other modules, the server, the CLI and the demo may use.
export { parseScanFile } from './parsers/index.ts';
export type { ParseIssue } from './parsers/types.ts';
export { importScanFile, type ScanImportResult } from './scan-import.ts';
export {
  decidesStatus,
  FINDING_STATUSES,
  type FindingStatus,
  mayReopen,
  SEVERITIES,
  type Severity,
} from './vuln-values.ts';
export { registerScanCommands } from './vulnerabilities.cli.ts';
export { registerVulnerabilityRoutes } from './vulnerabilities.routes.ts';
export {
  type VulnerabilitySummary,
  vulnerabilitySummary,
} from './vulnerabilities.service.ts';

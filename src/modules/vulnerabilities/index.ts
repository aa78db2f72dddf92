// The vulnerabilities module's public face: what other modules, the server, the CLI and the demo may use.
export { parseScanFile } from './parsers/index.ts';
export { importScanFile } from './scan-import.ts';
export type { Severity } from './vuln-values.ts';
export { registerVulnerabilityRoutes } from './vulnerabilities.routes.ts';
export { computerSoftware, computers } from './vulnerabilities.schema.ts';
export {
  getFinding as getVulnFinding,
  plainVulnerabilitySummary,
  vulnerabilitySummary,
} from './vulnerabilities.service.ts';

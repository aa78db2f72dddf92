// Public API of the scanner-report parsers: pure, streaming, no database.
export type { ScanFormatSpec } from './format.ts';
export { FORMATS, formatSpec } from './formats/index.ts';
export { findingKey, hostKey, webFindingKey, websiteKey } from './identity.ts';
export { type CollectedScan, collectScan, parseScan, parseScanFile } from './parse-scan.ts';
export { severityFromScore, severityRank } from './severity.ts';
export { MAX_SOFTWARE_PER_HOST, softwareKey } from './software.ts';
export * from './types.ts';

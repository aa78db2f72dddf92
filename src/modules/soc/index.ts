// The soc module's public face: what other modules, the server, the CLI and the demo may use.
export { analyzeStreams, loadIntelFiles } from './analyze.ts';
export { AnalysisThreads } from './analyze-parallel.ts';
export { parseAllowList } from './collectors/limits.ts';
export { createDetector } from './engine/detector.ts';
export type { DetectorSnapshot } from './engine/snapshot.ts';
export { type FlowEvent, Outcome } from './engine/types.ts';
export type { GroundTruth, SyntheticFlow } from './generator/scenario.ts';
export { writeDataset } from './generator/write-dataset.ts';
export { connectionUid, zeekConnLine, zeekHeader } from './generator/writers.ts';
export { startLiveIngestion } from './live-ingest.ts';
export { registerSocRoutes } from './soc.routes.ts';
export {
  importIntel,
  ingestLogFile,
  listSocFindings,
  plainSocSummary,
  type SocSummary,
  socSummary,
  triageSocFinding,
} from './soc.service.ts';

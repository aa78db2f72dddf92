// The soc module's public face: what other modules, the server, the CLI and the demo may use.
export { analyzeStreams, loadIntelFiles } from './analyze.ts';
export { AnalysisThreads } from './analyze-parallel.ts';
export { parseAllowList } from './collectors/limits.ts';
export type { GroundTruth, SyntheticFlow } from './generator/scenario.ts';
export { writeDataset } from './generator/write-dataset.ts';
export { connectionUid, zeekConnLine, zeekHeader } from './generator/writers.ts';
export { startLiveIngestion } from './live-ingest.ts';
export { registerSocCommands } from './soc.cli.ts';
export { registerSocRoutes } from './soc.routes.ts';
export {
  importIntel,
  ingestLogFile,
  listSocFindings,
  type SocSummary,
  socSummary,
  triageSocFinding,
} from './soc.service.ts';
export { registerSocStoreCommands } from './soc-store.cli.ts';

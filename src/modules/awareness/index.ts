// The awareness module's public face: anti-fraud awareness campaigns, activities per commune, population, coverage.
export * from './awareness.input.ts';
export { registerAwarenessRoutes } from './awareness.routes.ts';
export {
  addEvidence as addAwarenessEvidence,
  awarenessCoverage,
  createActivity,
  createCampaign,
  importPopulation,
  listActivities,
  listCampaigns,
} from './awareness.service.ts';

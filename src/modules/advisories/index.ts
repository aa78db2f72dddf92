// The advisories module's public face: what other modules, the server, the CLI and the demo may use.

export * from './advisories.input.ts';
export { registerAdvisoryRoutes } from './advisories.routes.ts';
export { advisoryOrganisations } from './advisories.schema.ts';
export { createAdvisory, getAdvisory, importAdvisory, listAdvisories } from './advisories.service.ts';
export {
  acknowledgeAdvisory,
  confirmRemediations,
  publishAdvisory,
  registerAdvisoryTimer,
  respondToTarget,
  runAdvisoryEscalation,
} from './loop.service.ts';

// The systems module's public face: what other modules, the server, the CLI and the demo may use.
export { addAttachment, createDossier, transitionDossier } from './dossiers.service.ts';
export { updateLayers, updatePlan } from './plan.service.ts';
export { importSystems } from './systems.io.ts';
export { registerSystemsRoutes } from './systems.routes.ts';
export { informationSystems, protectionLayerHistory, systemSoftware } from './systems.schema.ts';
export { listSystems, systemStatuses } from './systems.service.ts';
export {
  getTargetProgress,
  listTargets,
  plainListTargets,
  plainTargetProgress,
  registerDeadlineTimer,
  saveTarget,
} from './targets.service.ts';

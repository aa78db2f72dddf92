// The drills module's public face: drills (tabletop, live CT 60, national, cluster) and their targets as of a day.
export * from './drills.input.ts';
export { registerDrillRoutes } from './drills.routes.ts';
export { drillParticipants, drills } from './drills.schema.ts';
export {
  addFinding,
  addParticipant,
  addTeam,
  createDrill,
  createTask,
  transitionDrill,
  updateDrill,
  updateParticipant,
  updateTeam,
} from './drills.service.ts';
export { drillTargets } from './targets.ts';

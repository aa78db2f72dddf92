// The inspections module's public face: annual plans, inspections (TT 03/2017 Art. 10–13), findings, conclusions.
export { inspectionConclusion } from './conclusion.ts';
export * from './inspections.input.ts';
export { registerInspectionRoutes } from './inspections.routes.ts';
export { inspectionFindings, inspectionPlans, inspections } from './inspections.schema.ts';
export {
  addFinding,
  answerFinding,
  createInspection,
  createPlan,
  decideFinding,
  type InspectionRow,
  inspectionFigures,
  listInspections,
  recordChecks,
  transitionInspection,
} from './inspections.service.ts';
export { registerInspectionTimer, remindOverdueFindings } from './timer.ts';

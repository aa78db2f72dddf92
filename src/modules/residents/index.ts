// The residents module's face: the public residents' page (/nguoi-dan) and the Department's side of it.
export * from './residents.input.ts';
export { registerResidentRoutes } from './residents.routes.ts';
export {
  createGuidance,
  createWarning,
  listGuidance,
  listReports,
  listWarnings,
  receiveReport,
  transitionWarning,
} from './residents.service.ts';

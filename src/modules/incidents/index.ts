// The incidents module's public face: incidents (QĐ 05/2017, TT 20/2017), their clocks, and the response team.
export { registerIncidentFormRoutes } from './forms/forms.routes.ts';
export { issueIncidentForm } from './forms/forms.service.ts';
// Who issues and receives an official document on a day: shared with the reports and inspections modules.
export { documentFrame, type Issuer, issuerOf, type Recipient, recipientsOn } from './forms/parties.ts';
export * from './incidents.input.ts';
export { registerIncidentRoutes } from './incidents.routes.ts';
export { incidentReports, responseTeamMembers } from './incidents.schema.ts';
export {
  addStep,
  addTask,
  announceEscalation,
  createIncident,
  type EscalatedFinding,
  escalateSocFinding,
  incidentsOfSocFinding,
  listIncidents,
  transitionIncident,
  updateIncident,
  updateTask,
} from './incidents.service.ts';
export { createMember, createShift, markContactReported, teamOverview, updateMember } from './team.service.ts';
export { registerIncidentTimer } from './timer.ts';

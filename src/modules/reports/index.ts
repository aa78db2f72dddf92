// The reports module's public face: official reports (DOCX/PDF in the Decree 30/2020 layout) and their lifecycle.
export { registerReportRoutes } from './reports.routes.ts';
export { officialReports } from './reports.schema.ts';

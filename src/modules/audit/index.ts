// The audit module's public face: what other modules, the server, the CLI and the demo may use.
export { registerAuditRoutes } from './audit.routes.ts';
export { auditHead, recordAudit, verifyAuditChain } from './audit.service.ts';

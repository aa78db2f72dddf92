// The auth module's public face: what other modules, the server, the CLI and the demo may use.
export { registerAuthRoutes, type SetupState } from './auth.routes.ts';
export { ROLES, type Role, users } from './auth.schema.ts';
export {
  type Authenticated,
  actorFromUser,
  authenticateApiToken,
  authenticateSession,
  countUsers,
  createUser,
  csrfMatches,
  sealTotpSecrets,
} from './auth.service.ts';
export { can, PERMISSIONS, type Permission } from './permissions.ts';
export { MIN_PASSWORD_LENGTH } from './roles.ts';
export {
  type Actor,
  inScope,
  organisationIdIn,
  resolveScope,
  type Scope,
  scopedOrganisationIds,
  scopeOrganisationIds,
  subtreeIds,
} from './scope.ts';

import type { Role } from '../../modules/auth/roles.ts';
import type { OrganisationType } from '../../modules/organisations/organisation-types.ts';

// The server's own permission table and value lists (dependency-free files), so the UI never offers what the API
// would refuse and never drifts from the server's roles, organisation types or password rule.
export { can, type Permission } from '../../modules/auth/permissions.ts';
export { MIN_PASSWORD_LENGTH, ROLES } from '../../modules/auth/roles.ts';
export { ORGANISATION_TYPES } from '../../modules/organisations/organisation-types.ts';
export type { OrganisationType, Role };

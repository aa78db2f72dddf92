import type { Role } from '../../modules/auth/auth.schema.ts';
import type { OrganisationType } from '../../modules/organisations/organisations.schema.ts';

// The server's permission table itself, so the UI never offers what the API would refuse. Only types come from
// the schema files: their values would drag the database layer into the browser bundle.
export { can, type Permission } from '../../modules/auth/permissions.ts';
export type { OrganisationType, Role };

// Records keyed by the server's unions: adding a role or type on the server fails this file's typecheck.
const ROLE_SET: Record<Role, true> = { admin: true, department: true, soc: true, agency: true, viewer: true };
export const ROLES = Object.keys(ROLE_SET) as Role[];

const TYPE_SET: Record<OrganisationType, true> = {
  province: true,
  department: true,
  district: true,
  commune: true,
  party: true,
  council: true,
  central: true,
  other: true,
};
export const ORGANISATION_TYPES = Object.keys(TYPE_SET) as OrganisationType[];

/** Mirrors src/modules/auth/password.ts, which cannot be imported here: it would pull argon2 into the bundle. */
export const MIN_PASSWORD_LENGTH = 12;

import type { OrganisationType, Permission, Role } from '../api/schema.gen.ts';

export { MIN_PASSWORD_LENGTH } from '../../modules/auth/auth.input.ts';
// The server's value lists, from the generated client (never a copy), and the password rule of the server's input
// schema: the UI offers what the API accepts and nothing else. What a role may do comes with the signed-in user
// (`me.permissions`, see session.ts), not from a table kept here.
export {
  organisationTypeValues as ORGANISATION_TYPES,
  permissionValues as PERMISSIONS,
  roleValues as ROLES,
} from '../api/schema.gen.ts';
export type { OrganisationType, Permission, Role };

import type { Role } from './auth.schema.ts';

/**
 * What each role may do. Every API route names one of these permissions (the server refuses to start with a
 * route that names none), so this table is the whole authorisation policy at a glance. Which *records* a user
 * may touch is decided separately by their organisation scope (scope.ts), inside the queries.
 */
export const PERMISSIONS = {
  'organisation.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  'organisation.write': ['admin', 'department'],
  'user.read': ['admin'],
  'user.write': ['admin'],
  'audit.read': ['admin'],
  /** One's own account: profile, password, TOTP, API tokens, logout. */
  self: ['admin', 'department', 'soc', 'agency', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const can = (role: Role, permission: Permission) => (PERMISSIONS[permission] as readonly Role[]).includes(role);

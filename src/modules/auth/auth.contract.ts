import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { page, zInstant } from '../../core/contract.ts';
import { ZRole } from './auth.input.ts';
import { apiTokens, users } from './auth.schema.ts';
import { PERMISSIONS, type Permission } from './permissions.ts';

/**
 * What the auth routes answer (the web client's types are generated from these). The shapes are picked column by
 * column, never omitted: a column added later (a hash, a secret) stays out of every answer until listed here.
 */
export { ZRole };

/** What a role may do (permissions.ts): the signed-in user's list tells the UI which pages and actions to offer. */
export const ZPermission = z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]]).meta({ id: 'Permission' });

/** An account as the API shows it (auth.service `presentUser`): no password hash, no TOTP secret or counters. */
export const ZUser = createSelectSchema(users, { role: ZRole, lastLoginAt: zInstant.nullable(), createdAt: zInstant })
  .pick({
    id: true,
    username: true,
    displayName: true,
    email: true,
    role: true,
    organisationId: true,
    scopeIncludesChildren: true,
    totpEnabled: true,
    disabled: true,
    locale: true,
    mustChangePassword: true,
    lastLoginAt: true,
    createdAt: true,
  })
  .extend({ locked: z.boolean().describe('Locked out after too many failed sign-ins, for now') })
  .meta({ id: 'User' });

/** An organisation as a list names it: with its parent, so two communes of one name are told apart. */
export const ZOrganisationLabel = z
  .object({ id: z.uuid(), code: z.string(), name: z.string(), parentName: z.string().nullable() })
  .meta({ id: 'OrganisationLabel' });

/** An account in the accounts list, with its organisation's name (which may have ended since). */
export const ZUserListItem = ZUser.extend({ organisation: ZOrganisationLabel.nullable() }).meta({ id: 'UserListItem' });
export const ZUserPage = page(ZUserListItem).meta({ id: 'UserPage' });

/**
 * The signed-in user, the role of this session (a token's may be narrower), what that role may do and the session's
 * CSRF token (null for a token).
 */
export const ZMe = z
  .object({
    user: ZUser,
    role: ZRole,
    permissions: z.array(ZPermission),
    csrfToken: z.string().nullable(),
  })
  .meta({ id: 'Me' });

export const ZSetupStatus = z.object({ needed: z.boolean() }).meta({ id: 'SetupStatus' });

/** A successful sign-in; the session itself travels in the HttpOnly cookie, not in the body. */
export const ZLoginResult = z
  .object({ user: ZUser, csrfToken: z.string(), expiresAt: zInstant })
  .meta({ id: 'LoginResult' });

/**
 * Step 1 of TOTP enrolment: the new secret, shown to its owner once (as text and as an otpauth URI for a QR code)
 * so an authenticator app can be set up; it is stored sealed and never answered again.
 */
export const ZTotpEnrolment = z.object({ secret: z.string(), uri: z.string() }).meta({ id: 'TotpEnrolment' });

/** An API token as listed: its prefix only, never the token or its hash. */
export const ZApiToken = createSelectSchema(apiTokens, {
  role: ZRole,
  expiresAt: zInstant.nullable(),
  lastUsedAt: zInstant.nullable(),
  revokedAt: zInstant.nullable(),
  createdAt: zInstant,
})
  .pick({
    id: true,
    name: true,
    prefix: true,
    role: true,
    expiresAt: true,
    lastUsedAt: true,
    revokedAt: true,
    createdAt: true,
  })
  .meta({ id: 'ApiToken' });

/** A token just created: the only answer that carries the token itself (stored hashed, shown this once). */
export const ZCreatedApiToken = ZApiToken.extend({ token: z.string() }).meta({ id: 'CreatedApiToken' });

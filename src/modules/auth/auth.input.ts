import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, ROLES } from './roles.ts';

/**
 * What the auth routes accept. The web forms validate with these same schemas (this file imports only zod and
 * dependency-free values, so the browser bundle gets no server code). A message that is a word like
 * `passwordTooShort` is a key: the UI shows `errors.<key>` in the reader's language.
 */

export { MIN_PASSWORD_LENGTH };

export const ZRole = z.enum(ROLES).meta({ id: 'Role' });
export const ZLocale = z.enum(['vi', 'en']).meta({ id: 'Locale' });

/** A password being set: its length is checked here, its strength by the server (password.ts) against the names. */
export const ZNewPassword = z.string().min(MIN_PASSWORD_LENGTH, 'passwordTooShort').max(200, 'passwordTooLong');
/** A password typed to prove who one is (sign-in, re-authentication): any length the server might hold. */
const ZCurrentPassword = z.string().min(1, 'required').max(200, 'passwordTooLong');

export const ZUsername = z
  .string()
  .trim()
  .min(3, 'usernameFormat')
  .max(64, 'usernameFormat')
  .regex(/^[a-zA-Z0-9._-]+$/, 'usernameFormat');
export const ZDisplayName = z.string().trim().min(2, 'displayNameTooShort').max(200, 'tooLong');

/** '' (an empty input) is "not set", like null. */
const blankAsNull = <T extends z.ZodType<string>>(schema: T) =>
  z
    .union([z.literal(''), schema])
    .nullish()
    .transform((v) => (v ? v : null));

export const ZSetupBody = z.object({
  token: z.string().max(200),
  username: ZUsername,
  displayName: ZDisplayName,
  password: ZNewPassword,
});

export const ZLoginBody = z.object({
  username: z.string().min(1, 'required').max(64, 'tooLong'),
  password: ZCurrentPassword,
  totp: z.string().max(10, 'totpCodeFormat').optional(),
});

export const ZPasswordChangeBody = z.object({ currentPassword: ZCurrentPassword, newPassword: ZNewPassword });

export const ZTotpConfirmBody = z.object({
  code: z.string().min(6, 'totpCodeFormat').max(10, 'totpCodeFormat'),
});
export const ZTotpDisableBody = z.object({ password: ZCurrentPassword });

export const ZApiTokenBody = z.object({
  name: z.string().trim().min(1, 'required').max(100, 'tooLong'),
  role: ZRole.optional(),
  expiresInDays: z.number().int('tokenDays').min(1, 'tokenDays').max(730, 'tokenDays').optional(),
});

/** An account's fields an administrator sets (create and update). */
const ZUserFields = z.object({
  displayName: ZDisplayName,
  email: blankAsNull(z.email('emailInvalid').max(200, 'tooLong')),
  role: ZRole,
  organisationId: blankAsNull(z.uuid('organisationInvalid')),
  scopeIncludesChildren: z.boolean().optional(),
  locale: ZLocale.optional(),
});

/** A new account; its password is temporary: the user must change it at first sign-in. */
export const ZUserCreateBody = ZUserFields.extend({ username: ZUsername, password: ZNewPassword });

/** A change to an account; `password` resets it (temporary again), `unlock` lifts a lock-out. */
export const ZUserPatchBody = ZUserFields.partial().extend({
  disabled: z.boolean().optional(),
  unlock: z.boolean().optional(),
  password: ZNewPassword.optional(),
});

/** The keys the accounts list sorts by. */
export const USER_SORTS = ['username', 'displayName', 'role', 'lastLoginAt', 'createdAt'] as const;

export const ZUserListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.enum(USER_SORTS).meta({ id: 'UserSort' }).default('username'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  /** Part of the username, the name or the e-mail address (case and Vietnamese diacritics ignored). */
  q: z.string().trim().max(200).optional(),
  role: ZRole.optional(),
  organisationId: z.uuid().optional(),
});
export type UserListQuery = z.output<typeof ZUserListQuery>;

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { auditActor } from '../../core/actor.ts';
import type { Config } from '../../core/config.ts';
import { SecretBox } from '../../core/crypto/secret-box.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { cachedFigure } from '../../core/figure-cache.ts';
import { foldedContains } from '../../core/text-search.ts';
import { recordAudit } from '../audit/index.ts';
import { requireOrganisation } from '../organisations/index.ts';
import type { UserListQuery } from './auth.input.ts';
import { apiTokens, loginFailures, type Role, sessions, users } from './auth.schema.ts';
import { checkPasswordStrength, dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { PERMISSIONS, type Permission } from './permissions.ts';
import type { Actor } from './scope.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const API_TOKEN_PREFIX = 'khn_';

type UserRow = typeof users.$inferSelect;

/** What the API may show of a user: never the password hash or TOTP secret. */
export function presentUser(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    role: u.role,
    organisationId: u.organisationId,
    scopeIncludesChildren: u.scopeIncludesChildren,
    totpEnabled: u.totpEnabled,
    disabled: u.disabled,
    locked: !!u.lockedUntil && u.lockedUntil > new Date(),
    locale: u.locale,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt,
    createdAt: u.createdAt,
  };
}
export type PresentedUser = ReturnType<typeof presentUser>;

/** What a role may do, in the policy's order (for the UI, which offers only what the API would allow). */
export const permissionsOf = (role: Role): Permission[] =>
  (Object.keys(PERMISSIONS) as Permission[]).filter((p) => (PERMISSIONS[p] as readonly Role[]).includes(role));

export const actorFromUser = (u: RequestUser, ip: string | null, role: Role = u.role): Actor => ({
  userId: u.id,
  username: u.username,
  displayName: u.displayName,
  role,
  organisationId: u.organisationId,
  scopeIncludesChildren: u.scopeIncludesChildren,
  ip,
});

export type NewUser = {
  username: string;
  displayName: string;
  email?: string | null;
  password: string;
  role: Role;
  organisationId?: string | null;
  scopeIncludesChildren?: boolean;
  locale?: 'vi' | 'en';
  /** An administrator chose the password: its owner must replace it at first sign-in. */
  mustChangePassword?: boolean;
};

async function checkOrganisationForRole(db: Db, role: Role, organisationId: string | null | undefined) {
  if (role === 'agency' && !organisationId)
    throw new AppError(
      'VALIDATION',
      'An agency officer must belong to an organisation',
      { field: 'organisationId' },
      { key: 'agencyNeedsOrganisation' },
    );
  if (organisationId) await requireOrganisation(db, organisationId, 'organisationId', 'organisationInvalid');
}

export async function createUser(db: Db, actor: Actor | null, input: NewUser): Promise<PresentedUser> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username))
    throw new AppError(
      'VALIDATION',
      'Username: 3–64 letters, digits, dots, dashes or underscores',
      { field: 'username' },
      { key: 'usernameFormat' },
    );
  checkPasswordStrength(input.password, { username, displayName: input.displayName });
  await checkOrganisationForRole(db, input.role, input.organisationId);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [exists] = await tx.select({ id: users.id }).from(users).where(eq(users.username, username));
    if (exists)
      throw new AppError(
        'CONFLICT',
        `Username "${username}" is taken`,
        { field: 'username' },
        { key: 'usernameTaken', params: { username } },
      );
    // From now on the name's failures are counted on its account.
    await tx.delete(loginFailures).where(eq(loginFailures.nameHash, sha256(username)));
    const [row] = await tx
      .insert(users)
      .values({
        username,
        displayName: input.displayName,
        email: input.email ?? null,
        passwordHash,
        role: input.role,
        organisationId: input.role === 'agency' || input.role === 'viewer' ? (input.organisationId ?? null) : null,
        scopeIncludesChildren: input.scopeIncludesChildren ?? true,
        locale: input.locale ?? 'vi',
        mustChangePassword: input.mustChangePassword ?? false,
      })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    const user = presentUser(row);
    await recordAudit(tx, auditActor(actor), {
      action: 'user.create',
      entityType: 'user',
      entityId: row.id,
      organisationId: row.organisationId,
      after: user,
    });
    return user;
  });
}

export type UserPatch = Partial<Omit<NewUser, 'username' | 'password'>> & {
  disabled?: boolean;
  unlock?: boolean;
  /** An administrator's reset of another user's password (one's own is changed with the current password). */
  password?: string;
};

/**
 * Ends every session and revokes every API token of a user whose password was changed or reset: the change is
 * often the answer to a suspected compromise, and a token minted by an intruder must not outlive it.
 */
async function revokeAccess(tx: Db, userId: string) {
  const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.idHash });
  const revoked = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return { sessionsEnded: ended.length, tokensRevoked: revoked.length };
}

/** The new hash of an administrator's reset, checked against the target's names before any transaction starts. */
async function resetHash(db: Db, actor: Actor, id: string, patch: UserPatch): Promise<string | null> {
  if (patch.password === undefined) return null;
  if (id === actor.userId)
    throw new AppError(
      'FORBIDDEN',
      'Change your own password with your current password (POST /api/auth/password)',
      { field: 'password' },
      { key: 'resetOwnPassword' },
    );
  const [target] = await db.select().from(users).where(eq(users.id, id));
  if (!target) throw notFound('User');
  checkPasswordStrength(patch.password, {
    username: target.username,
    displayName: patch.displayName ?? target.displayName,
  });
  return hashPassword(patch.password);
}

export async function updateUser(db: Db, actor: Actor, id: string, patch: UserPatch): Promise<PresentedUser> {
  const passwordHash = await resetHash(db, actor, id, patch);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, id));
    if (!before) throw notFound('User');
    const role = patch.role ?? before.role;
    const organisationId = patch.organisationId !== undefined ? patch.organisationId : before.organisationId;
    await checkOrganisationForRole(tx, role, organisationId);
    if (before.id === actor.userId && ((patch.role && patch.role !== 'admin') || patch.disabled))
      throw new AppError('FORBIDDEN', 'You cannot demote or disable your own account', undefined, {
        key: 'demoteSelf',
      });
    const [row] = await tx
      .update(users)
      .set({
        displayName: patch.displayName ?? before.displayName,
        email: patch.email !== undefined ? patch.email : before.email,
        role,
        organisationId: role === 'agency' || role === 'viewer' ? organisationId : null,
        scopeIncludesChildren: patch.scopeIncludesChildren ?? before.scopeIncludesChildren,
        disabled: patch.disabled ?? before.disabled,
        locale: patch.locale ?? before.locale,
        ...(patch.unlock ? { lockedUntil: null, failedLogins: 0 } : {}),
        // A password an administrator set is temporary: its owner replaces it at the next sign-in.
        ...(passwordHash ? { passwordHash, mustChangePassword: true } : {}),
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
      .returning();
    if (!row) throw notFound('User');
    if (passwordHash)
      await recordAudit(tx, auditActor(actor), {
        action: 'user.password.reset',
        entityType: 'user',
        entityId: id,
        organisationId: row.organisationId,
        after: await revokeAccess(tx, id),
      });
    // A disabled or re-scoped account must not keep old sessions alive.
    else if (row.disabled || row.role !== before.role || row.organisationId !== before.organisationId)
      await tx.delete(sessions).where(eq(sessions.userId, id));
    const after = presentUser(row);
    await recordAudit(tx, auditActor(actor), {
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      organisationId: row.organisationId,
      before: presentUser(before),
      after,
    });
    return after;
  });
}

const USER_SORT_COLUMNS = {
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
} as const;

/** One page of accounts, searched, filtered and sorted, with the count of all that match and each one's unit. */
export async function listUsers(db: Db, q: UserListQuery) {
  const where = and(
    q.q
      ? or(
          foldedContains(sql`${users.username}`, q.q),
          foldedContains(sql`${users.displayName}`, q.q),
          foldedContains(sql`coalesce(${users.email}, '')`, q.q),
        )
      : undefined,
    q.role ? eq(users.role, q.role) : undefined,
    q.organisationId ? eq(users.organisationId, q.organisationId) : undefined,
  );
  const column = USER_SORT_COLUMNS[q.sort];
  const order = q.dir === 'desc' ? desc(column) : asc(column);
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      // Never-signed-in accounts last either way; the username breaks ties so pages never overlap.
      .orderBy(...(q.sort === 'lastLoginAt' ? [sql`${users.lastLoginAt} is null`] : []), order, asc(users.username))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(users).where(where),
  ]);
  const orgIds = [...new Set(rows.map((r) => r.organisationId).filter((id): id is string => !!id))];
  const labels = new Map(
    (orgIds.length
      ? await queryRows<{ id: string; code: string; name: string; parent_name: string | null }>(
          db,
          sql`select o.id, o.code, o.name, p.name as parent_name from organisations o
            left join organisations p on p.id = o.parent_id
            where o.id in (${sql.join(
              orgIds.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`,
        )
      : []
    ).map((o) => [o.id, { id: o.id, code: o.code, name: o.name, parentName: o.parent_name }]),
  );
  return {
    items: rows.map((r) => ({
      ...presentUser(r),
      organisation: r.organisationId ? (labels.get(r.organisationId) ?? null) : null,
    })),
    total: Number(count?.n ?? 0),
  };
}

export async function getUser(db: Db, id: string) {
  const [u] = await db.select().from(users).where(eq(users.id, id));
  if (!u) throw notFound('User');
  return presentUser(u);
}

export const countUsers = async (db: Db) =>
  (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from users`))[0]?.n ?? 0;

const isLocked = (lockedUntil: Date | null | undefined) => !!lockedUntil && lockedUntil > new Date();

/**
 * One more failure on a (failures, locked until) pair, as SQL: at `loginMaxFailures` the count restarts at 0 and the
 * lock is set. One statement, so concurrent attempts cannot overwrite each other's count; a count of 0 after it
 * means this failure locked.
 */
function oneMoreFailure(config: Config, failures: AnyPgColumn, lockedUntil: AnyPgColumn): Record<string, SQL> {
  const reached = sql`${failures} + 1 >= ${config.loginMaxFailures}`;
  const lockEnd = new Date(Date.now() + config.lockoutMinutes * 60_000).toISOString();
  return {
    failures: sql`case when ${reached} then 0 else ${failures} + 1 end`,
    lockedUntil: sql`case when ${reached} then ${lockEnd}::timestamptz else ${lockedUntil} end`,
  };
}

/** Counts one failed attempt on an account; returns whether it locked the account. */
async function countFailure(db: Db, config: Config, userId: string): Promise<boolean> {
  const next = oneMoreFailure(config, users.failedLogins, users.lockedUntil);
  const [row] = await db
    .update(users)
    .set({ failedLogins: next.failures, lockedUntil: next.lockedUntil })
    .where(eq(users.id, userId))
    .returning({ failures: users.failedLogins });
  return row?.failures === 0;
}

/** The same for a name with no account (see `loginFailures`): one statement, as costly as `countFailure`. */
async function countUnknownFailure(db: Db, config: Config, nameHash: string): Promise<boolean> {
  const next = oneMoreFailure(config, loginFailures.failures, loginFailures.lockedUntil);
  const first = config.loginMaxFailures <= 1;
  const [row] = await db
    .insert(loginFailures)
    .values({
      nameHash,
      failures: first ? 0 : 1,
      lockedUntil: first ? new Date(Date.now() + config.lockoutMinutes * 60_000) : null,
    })
    .onConflictDoUpdate({ target: loginFailures.nameHash, set: next })
    .returning({ failures: loginFailures.failures });
  return row?.failures === 0;
}

/** Records a TOTP step as used unless it (or a later one) already was: of two sign-ins racing with one code, one wins. */
async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return rows.length > 0;
}

export type LoginResult = { sessionToken: string; csrfToken: string; user: PresentedUser; expiresAt: Date };

/**
 * Password (+ TOTP when enabled) login. Failures count per account; after `loginMaxFailures` in a row the account
 * is locked for `lockoutMinutes` (even a correct password is refused meanwhile). Every attempt is audited.
 * A name with no account answers the same at every step (401, then 423 at the same count, same message, same work:
 * the same look-ups, one argon2 verification, one counting statement), so neither the answers nor their timing tell
 * which usernames exist.
 */
export async function login(
  db: Db,
  config: Config,
  secrets: SecretBox,
  input: { username: string; password: string; totp?: string; ip: string | null; userAgent?: string },
): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase();
  const nameHash = sha256(username);
  // Both look-ups run for every name, so a known and an unknown name cost the same queries.
  const [[user], [unknown]] = await Promise.all([
    db.select().from(users).where(eq(users.username, username)),
    db.select().from(loginFailures).where(eq(loginFailures.nameHash, nameHash)),
  ]);
  const fail = async (
    reason: string,
    code: 'UNAUTHENTICATED' | 'ACCOUNT_LOCKED' | 'TOTP_REQUIRED' = 'UNAUTHENTICATED',
  ) => {
    await recordAudit(
      db,
      { id: user?.id ?? null, name: username, ip: input.ip },
      {
        action: 'auth.login.failure',
        entityType: 'user',
        entityId: user?.id ?? null,
        after: { reason },
      },
    );
    // One answer for every failure of a kind, so that it never tells which usernames exist.
    return code === 'ACCOUNT_LOCKED'
      ? new AppError(code, 'Account temporarily locked', undefined, { key: 'accountLocked' })
      : new AppError(code, 'Invalid username or password', undefined, { key: 'invalidCredentials' });
  };
  // Verified even for a locked account (the answer is then 423 whatever the result), so that a locked account and a
  // locked unknown name take the same time.
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user) {
    if (isLocked(unknown?.lockedUntil)) throw await fail('locked', 'ACCOUNT_LOCKED');
    if (await countUnknownFailure(db, config, nameHash)) throw await fail('unknown-user-locked', 'ACCOUNT_LOCKED');
    throw await fail('unknown-user');
  }
  if (isLocked(user.lockedUntil)) throw await fail('locked', 'ACCOUNT_LOCKED');
  if (!passwordOk || user.disabled) {
    if (!passwordOk && (await countFailure(db, config, user.id)))
      throw await fail('bad-password-locked', 'ACCOUNT_LOCKED');
    throw await fail(user.disabled ? 'disabled' : 'bad-password');
  }
  if (user.totpEnabled) {
    if (!input.totp) {
      // Not a failure of the password: tell the client to ask for the code, without counting an attempt.
      throw new AppError('TOTP_REQUIRED', 'A TOTP code is required', undefined, { key: 'totpRequired' });
    }
    // A wrong code counts like a wrong password, so knowing the password does not allow guessing the code.
    const step = await acceptTotp(user, input.totp, secrets);
    if (step === null || !(await claimTotpStep(db, user.id, step))) {
      if (await countFailure(db, config, user.id)) throw await fail('bad-totp-locked', 'ACCOUNT_LOCKED');
      throw await fail('bad-totp');
    }
  }
  const sessionToken = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(Date.now() + config.sessionHours * 3_600_000);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() })
      .where(eq(users.id, user.id));
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), lt(sessions.expiresAt, new Date())));
    await tx.insert(sessions).values({
      idHash: sha256(sessionToken),
      userId: user.id,
      csrfToken,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      expiresAt,
    });
    await recordAudit(
      tx,
      { id: user.id, name: user.username, ip: input.ip },
      {
        action: 'auth.login.success',
        entityType: 'user',
        entityId: user.id,
      },
    );
  });
  return { sessionToken, csrfToken, user: presentUser(user), expiresAt };
}

/** The fields of a user a request needs: no password hash or TOTP secret is held beyond the sign-in itself. */
const REQUEST_USER = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  organisationId: users.organisationId,
  scopeIncludesChildren: users.scopeIncludesChildren,
  disabled: users.disabled,
  mustChangePassword: users.mustChangePassword,
};
type RequestUser = Pick<UserRow, keyof typeof REQUEST_USER>;

export type Authenticated = { user: RequestUser; role: Role; csrfToken: string | null; via: 'session' | 'token' };

/**
 * The session a cookie names. Reused between requests until a write to users or sessions (migration 0023 bumps the
 * `auth` version): a sign-out, revocation, password change or disabled account takes effect on the next request, as
 * a lookup would. Unknown tokens are not kept, so guessing cannot crowd the cache.
 */
export async function authenticateSession(db: Db, sessionToken: string): Promise<Authenticated | null> {
  const idHash = sha256(sessionToken);
  const found = await cachedFigure(
    db,
    { name: 'auth.session', topics: ['auth'], key: idHash, keep: (f) => f !== null },
    async () => {
      const [row] = await db
        .select({ user: REQUEST_USER, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.idHash, idHash));
      return row ?? null;
    },
  );
  if (!found || found.user.disabled || found.expiresAt <= new Date()) return null;
  return { user: found.user, role: found.user.role, csrfToken: found.csrfToken, via: 'session' };
}

/**
 * A token carries its owner's role or the read-only viewer role, judged against the role the owner has *now*: a
 * token made before a demotion stops working instead of keeping the old rights.
 */
const tokenRoleAllowed = (tokenRole: Role, ownerRole: Role) => tokenRole === ownerRole || tokenRole === 'viewer';

export async function authenticateApiToken(db: Db, token: string): Promise<Authenticated | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const now = new Date();
  const [row] = await db
    .select({ user: REQUEST_USER, tokenId: apiTokens.id, role: apiTokens.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, sha256(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    );
  if (!row || row.user.disabled || !tokenRoleAllowed(row.role, row.user.role)) return null;
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
  return { user: row.user, role: row.role, csrfToken: null, via: 'token' };
}

export async function logout(db: Db, actor: Actor, sessionToken: string) {
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.idHash, sha256(sessionToken)));
    await recordAudit(tx, auditActor(actor), { action: 'auth.logout', entityType: 'user', entityId: actor.userId });
  });
}

/** Constant-time comparison of a secret token (CSRF, setup) with what the client sent. */
export const csrfMatches = (expected: string, given: string | undefined) =>
  !!given && given.length === expected.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));

/** A signed-in user asked for the current password again before a change of account security. */
type Reauth = { actor: Actor; sessionToken: string | undefined; password: string };

/**
 * Checks the current password of a signed-in user. A wrong one counts toward the same lock-out as sign-in, so a
 * stolen session cannot be used to guess the password: the failure that locks the account also ends this session,
 * and a locked account is refused these changes. Every failure is audited.
 */
async function confirmCurrentPassword(
  db: Db,
  config: Config,
  { actor, sessionToken, password }: Reauth,
  operation: 'password.change' | 'totp.disable',
  field: string,
): Promise<UserRow> {
  const [user] = await db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw notFound('User');
  const refuse = async (reason: string) => {
    await recordAudit(db, auditActor(actor), {
      action: 'auth.reauth.failure',
      entityType: 'user',
      entityId: user.id,
      after: { operation, reason },
    });
    return reason === 'bad-password'
      ? new AppError('VALIDATION', 'Current password is wrong', { field }, { key: 'currentPasswordWrong' })
      : new AppError('ACCOUNT_LOCKED', 'Account temporarily locked', undefined, { key: 'accountLocked' });
  };
  if (isLocked(user.lockedUntil)) throw await refuse('locked');
  if (await verifyPassword(user.passwordHash, password)) return user;
  if (!(await countFailure(db, config, user.id))) throw await refuse('bad-password');
  if (sessionToken) await db.delete(sessions).where(eq(sessions.idHash, sha256(sessionToken)));
  throw await refuse('bad-password-locked');
}

/** Changes one's own password: all sessions end and all API tokens are revoked (see `revokeAccess`). */
export async function changePassword(db: Db, config: Config, reauth: Reauth, next: string) {
  const user = await confirmCurrentPassword(db, config, reauth, 'password.change', 'currentPassword');
  // "Changing" a temporary password to itself would leave it known to whoever set it.
  if (next === reauth.password)
    throw new AppError(
      'VALIDATION',
      'The new password must differ from the current one',
      { field: 'newPassword', reason: 'unchanged' },
      { key: 'passwordUnchanged' },
    );
  checkPasswordStrength(next, user, 'newPassword');
  const passwordHash = await hashPassword(next);
  await db.transaction(async (tx) => {
    // Chosen by its owner: no longer temporary.
    await tx
      .update(users)
      .set({ passwordHash, failedLogins: 0, mustChangePassword: false, updatedAt: new Date() })
      .where(eq(users.id, user.id));
    await recordAudit(tx, auditActor(reauth.actor), {
      action: 'user.password.change',
      entityType: 'user',
      entityId: user.id,
      after: await revokeAccess(tx, user.id),
    });
  });
}

/** The time step of a valid code not used before (a code seen once is refused for the rest of its window), or null. */
async function acceptTotp(user: UserRow, code: string, secrets: SecretBox): Promise<number | null> {
  // Sealed with another key (a lost or replaced secret key): no code can match; the user must re-enrol.
  const secret = user.totpSecret ? secrets.open(user.totpSecret) : null;
  // Anything but six digits (spaces allowed, as authenticator apps show "123 456") is simply a wrong code.
  const token = code.replace(/\s/g, '');
  if (!secret || !/^\d{6}$/.test(token)) return null;
  // ±30 s of clock skew (one step each way, as RFC 6238 suggests); replays are refused below.
  const res = await verifyTotp({ secret, token, epochTolerance: 30 });
  if (!res.valid) return null;
  // The matched code's 30-second step (delta covers a code from the neighbouring window).
  const step = 'timeStep' in res && typeof res.timeStep === 'number' ? res.timeStep : Math.floor(Date.now() / 30_000);
  return user.totpLastStep !== null && step <= user.totpLastStep ? null : step;
}

/** Step 1 of TOTP enrolment: a new secret, not active until confirmed with a valid code. */
export async function beginTotp(db: Db, secrets: SecretBox, actor: Actor) {
  const [user] = await db.select({ totpEnabled: users.totpEnabled }).from(users).where(eq(users.id, actor.userId));
  // Re-enrolling would switch the second factor off; that takes the password (disableTotp), not just a session.
  if (user?.totpEnabled)
    throw new AppError(
      'CONFLICT',
      'TOTP is already on; turn it off with your password before enrolling again',
      undefined,
      { key: 'totpAlreadyOn' },
    );
  const secret = generateSecret();
  await db
    .update(users)
    .set({ totpSecret: secrets.seal(secret), totpEnabled: false })
    .where(eq(users.id, actor.userId));
  return { secret, uri: generateURI({ issuer: 'Khiên', label: actor.username, secret }) };
}

export async function confirmTotp(db: Db, secrets: SecretBox, actor: Actor, code: string) {
  const [user] = await db.select().from(users).where(eq(users.id, actor.userId));
  if (!user?.totpSecret)
    throw new AppError('VALIDATION', 'Start TOTP enrolment first', undefined, { key: 'totpNotStarted' });
  const step = await acceptTotp(user, code, secrets);
  if (step === null) throw new AppError('VALIDATION', 'Invalid TOTP code', { field: 'code' }, { key: 'totpInvalid' });
  await db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: true, totpLastStep: step }).where(eq(users.id, user.id));
    await recordAudit(tx, auditActor(actor), { action: 'user.totp.enable', entityType: 'user', entityId: user.id });
  });
}

export async function disableTotp(db: Db, config: Config, reauth: Reauth) {
  const user = await confirmCurrentPassword(db, config, reauth, 'totp.disable', 'password');
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpEnabled: false, totpSecret: null, totpLastStep: null, failedLogins: 0 })
      .where(eq(users.id, user.id));
    await recordAudit(tx, auditActor(reauth.actor), {
      action: 'user.totp.disable',
      entityType: 'user',
      entityId: user.id,
    });
  });
}

/** Seals TOTP secrets stored in plain text (by a version before they were sealed); run at start-up, idempotent. */
export async function sealTotpSecrets(db: Db, secrets: SecretBox): Promise<number> {
  const plain = (await db.select({ id: users.id, secret: users.totpSecret }).from(users)).filter(
    (u) => u.secret !== null && !SecretBox.isSealed(u.secret),
  );
  for (const u of plain)
    await db
      .update(users)
      .set({ totpSecret: secrets.seal(u.secret as string) })
      .where(eq(users.id, u.id));
  return plain.length;
}

export async function createApiToken(
  db: Db,
  actor: Actor,
  input: { name: string; role?: Role; expiresInDays?: number },
) {
  const [user] = await db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw notFound('User');
  // The ceiling is the caller's role (a viewer token can only mint viewer tokens), never more than the owner's.
  const role = input.role ?? actor.role;
  if (!tokenRoleAllowed(role, actor.role) || !tokenRoleAllowed(role, user.role))
    throw new AppError(
      'FORBIDDEN',
      'A token can only carry your own role or the read-only viewer role',
      { field: 'role' },
      { key: 'tokenRole' },
    );
  const token = API_TOKEN_PREFIX + randomToken();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId: user.id,
        name: input.name,
        tokenHash: sha256(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        role,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      })
      .returning();
    if (!row) throw new AppError('INTERNAL', 'insert failed');
    const shown = presentToken(row);
    await recordAudit(tx, auditActor(actor), {
      action: 'token.create',
      entityType: 'api_token',
      entityId: row.id,
      after: shown,
    });
    return { ...shown, token };
  });
}

const presentToken = (t: typeof apiTokens.$inferSelect) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
  createdAt: t.createdAt,
});

export const listApiTokens = async (db: Db, actor: Actor) =>
  (await db.select().from(apiTokens).where(eq(apiTokens.userId, actor.userId)).orderBy(apiTokens.createdAt)).map(
    presentToken,
  );

export async function revokeApiToken(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, actor.userId), isNull(apiTokens.revokedAt)))
      .returning();
    if (!row) throw notFound('Token');
    await recordAudit(tx, auditActor(actor), { action: 'token.revoke', entityType: 'api_token', entityId: id });
  });
}

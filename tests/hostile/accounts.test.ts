import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { ZAuditListQuery } from '../../src/modules/audit/audit.input.ts';
import { listAudit } from '../../src/modules/audit/audit.list.ts';
import { type Client, PASSWORD, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';

/**
 * Account security at ASVS 4.0 level 2 (V2.1, V2.2, V2.8, V3.3), attacked through the API: guessing the current
 * password with a stolen session, keeping access through API tokens after a password change, telling existing
 * usernames from the lock-out, weak passwords, malformed TOTP codes.
 */
const MAX_FAILURES = 3;
const STRONG = 'tám con mèo ngủ trên mái nhà';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
/** The error of a response without its request id (which differs on every request). */
const errorOf = (res: LightMyRequestResponse) => {
  const { requestId: _, ...rest } = (res.json() as { error: { requestId: string } }).error;
  return { status: res.statusCode, ...rest };
};

describe.each(TEST_DATABASES)('account security (hostile) on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  const login = (username: string, password: string, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...extra } });
  const bearer = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
  const audit = async (action: string, actorName: string) =>
    (await listAudit(database.db, ZAuditListQuery.parse({ limit: 200, entityType: 'user' }))).items
      .filter((e) => e.action === action && e.actorName === actorName)
      .map((e) => e.after as Record<string, unknown>);

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database, testConfig({ loginMaxFailures: MAX_FAILURES, lockoutMinutes: 15 }));
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  // First, while the database has no account: the first administrator's password is checked too.
  it('refuses a weak first password at setup, naming the field, without spending the one-time token', async () => {
    const setup = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/setup',
        payload: { token: 'test-setup-token', username: 'root', displayName: 'Quản trị', password },
      });
    const weak = await setup('password1234');
    expect(errorOf(weak)).toMatchObject({ status: 400, code: 'VALIDATION', details: { field: 'password' } });
    expect((await setup(STRONG)).statusCode).toBe(201);
    admin = await t.login('root', STRONG);
  });

  it('locks the account after N wrong current passwords at password change, ends that session, refuses meanwhile', async () => {
    const thief = await t.userWithRole('pw-guess', 'soc');
    const owner = await t.login('pw-guess');
    const guess = (c: Client, currentPassword: string) =>
      c.request('POST', '/api/auth/password', { currentPassword, newPassword: STRONG });
    for (let i = 1; i < MAX_FAILURES; i++)
      expect(errorOf(await guess(thief, `guess number ${i}`))).toMatchObject({
        status: 400,
        details: { field: 'currentPassword' },
      });
    expect(errorOf(await guess(thief, 'the last guess'))).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED' });
    // The guessing session is over; the owner's other session stays but cannot change the password while locked …
    expect((await thief.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await guess(owner, PASSWORD)).statusCode).toBe(423);
    // … and sign-in is locked like after wrong passwords at the login page.
    expect((await login('pw-guess', PASSWORD)).statusCode).toBe(423);
    expect((await audit('auth.reauth.failure', 'pw-guess')).map((a) => a.reason)).toEqual([
      'locked',
      'bad-password-locked',
      ...Array(MAX_FAILURES - 1).fill('bad-password'),
    ]);
    // Unlocked by an administrator, the right password changes it.
    const id = owner.userId;
    expect((await admin.request('PATCH', `/api/users/${id}`, { unlock: true })).statusCode).toBe(200);
    expect((await guess(owner, PASSWORD)).statusCode).toBe(200);
  });

  it('locks the account after N wrong passwords at TOTP disable; the second factor stays on', async () => {
    const thief = await t.userWithRole('totp-guess', 'department');
    const { secret } = (await thief.request('POST', '/api/auth/totp/setup')).json() as { secret: string };
    expect(
      (await thief.request('POST', '/api/auth/totp/confirm', { code: await generate({ secret }) })).statusCode,
    ).toBe(200);
    const statuses = [];
    for (let i = 0; i < MAX_FAILURES + 1; i++)
      statuses.push((await thief.request('POST', '/api/auth/totp/disable', { password: `guess ${i}` })).statusCode);
    // The N-th guess locks and ends the session: the one after it is not even authenticated.
    expect(statuses).toEqual([...Array(MAX_FAILURES - 1).fill(400), 423, 401]);
    const [row] = (await admin.request('GET', '/api/users?q=totp-guess'))
      .json()
      .items.filter((u: { username: string }) => u.username === 'totp-guess');
    expect(row).toMatchObject({ totpEnabled: true, locked: true });
    expect((await audit('auth.reauth.failure', 'totp-guess')).map((a) => [a.operation, a.reason])).toEqual([
      ['totp.disable', 'bad-password-locked'],
      ...Array(MAX_FAILURES - 1).fill(['totp.disable', 'bad-password']),
    ]);
  });

  it('revokes API tokens and ends every session on a password change and on an administrator reset', async () => {
    const u = await t.userWithRole('token-holder', 'soc');
    const other = await t.login('token-holder');
    const mint = async (c: Client) =>
      ((await c.request('POST', '/api/auth/tokens', { name: 'script' })).json() as { token: string }).token;
    const token = await mint(u);
    expect((await bearer(token)).statusCode).toBe(200);
    const changed = await u.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: STRONG });
    expect(changed.statusCode).toBe(200);
    expect((await bearer(token)).statusCode).toBe(401);
    expect((await other.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect(await audit('user.password.change', 'token-holder')).toEqual([{ sessionsEnded: 2, tokensRevoked: 1 }]);

    // An administrator's reset: the user's token and session stop working, the new password signs in.
    const again = await t.login('token-holder', STRONG);
    const second = await mint(again);
    expect((await bearer(second)).statusCode).toBe(200);
    const reset = 'bảy chú lùn đi hái nấm rừng';
    expect((await admin.request('PATCH', `/api/users/${u.userId}`, { password: reset })).statusCode).toBe(200);
    expect((await bearer(second)).statusCode).toBe(401);
    expect((await again.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await login('token-holder', STRONG)).statusCode).toBe(401);
    expect((await login('token-holder', reset)).statusCode).toBe(200);
    expect(await audit('user.password.reset', 'root')).toEqual([{ sessionsEnded: 1, tokensRevoked: 1 }]);

    // A reset takes a signed-in administrator (not a token), and never one's own password (that needs the current one).
    const adminToken = await mint(admin);
    const viaToken = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${u.userId}`,
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { password: 'mười con chim sẻ trên cây' },
    });
    expect(viaToken.statusCode).toBe(403);
    expect((await admin.request('PATCH', `/api/users/${admin.userId}`, { password: STRONG })).statusCode).toBe(403);
    expect((await login('token-holder', reset)).statusCode).toBe(200);
  });

  it('answers an unknown username exactly like an existing one, at each step of the lock-out', async () => {
    await t.userWithRole('real-user', 'viewer');
    const known: ReturnType<typeof errorOf>[] = [];
    const unknown: ReturnType<typeof errorOf>[] = [];
    for (let i = 0; i < MAX_FAILURES + 2; i++) {
      known.push(errorOf(await login('real-user', 'not the password')));
      unknown.push(errorOf(await login('ghost-user', 'not the password')));
    }
    expect(unknown).toEqual(known);
    expect(known.map((k) => k.status)).toEqual([...Array(MAX_FAILURES - 1).fill(401), 423, 423, 423]);
    // The right password of the locked account gets the same answer as any password of the locked unknown name.
    expect(errorOf(await login('real-user', PASSWORD))).toEqual(errorOf(await login('ghost-user', PASSWORD)));
    // The name typed is audited as the actor, but its lock-out is not stored under the name itself.
    expect((await audit('auth.login.failure', 'ghost-user')).map((a) => a.reason)).toEqual([
      'locked',
      'locked',
      'locked',
      'unknown-user-locked',
      'unknown-user',
      'unknown-user',
    ]);
  });

  it('takes as long for an unknown username as for a wrong password, locked or not (15 interleaved pairs)', async () => {
    const pairs = 15;
    const timed = async (username: string, password = 'not the password at all') => {
      const start = performance.now();
      const res = await login(username, password);
      expect([401, 423]).toContain(res.statusCode);
      return performance.now() - start;
    };
    /**
     * Known and unknown take turns, so a change of machine load hits both; the median of the pairs' differences
     * must stay within a quarter of a typical answer's time (argon2 dominates it: ~25–70 ms here).
     */
    const compare = async (
      phase: string,
      known: (i: number) => string,
      unknown: (i: number) => string,
      pw?: string,
    ) => {
      const k: number[] = [];
      const u: number[] = [];
      for (let i = 0; i < pairs; i++) {
        k.push(await timed(known(i), pw));
        u.push(await timed(unknown(i), pw));
      }
      const gap = median(k.map((x, i) => x - (u[i] as number)));
      const typical = median([...k, ...u]);
      console.log(
        `${kind} ${phase}: median known ${median(k).toFixed(1)} ms, unknown ${median(u).toFixed(1)} ms, ` +
          `median pair gap ${gap.toFixed(1)} ms`,
      );
      expect(Math.abs(gap), `${phase}: gap ${gap} ms, typical ${typical} ms`).toBeLessThanOrEqual(0.25 * typical);
    };
    for (let i = 0; i < pairs; i++) await t.userWithRole(`timing-${i}`, 'viewer');
    await timed('warm-up-name'); // the first unknown name also computes the dummy hash once per process
    // Each attempt the first failure of its own name: nothing locked.
    await compare(
      'first failure',
      (i) => `timing-${i}`,
      (i) => `nobody-${i}`,
    );
    // Locked: a locked account must not answer faster than a locked unknown name (it used to skip argon2).
    for (const name of ['timing-0', 'nobody-0'])
      for (let i = 0; i < MAX_FAILURES; i++) await login(name, 'not the password at all');
    await compare(
      'locked',
      () => 'timing-0',
      () => 'nobody-0',
      PASSWORD,
    );
  });

  it('refuses common, repeated, sequential and name-based passwords wherever a password is set, naming the field', async () => {
    const weak = ['aaaaaaaaaaaa', 'password1234', 'qwertyuiop12', '123456789012', 'matkhau12345', 'nguyenvanan1990'];
    const newUser = (password: string) =>
      admin.request('POST', '/api/users', {
        username: 'an.nguyen',
        displayName: 'Nguyễn Văn An',
        role: 'viewer',
        password,
      });
    for (const password of weak) {
      const res = await newUser(password);
      expect(errorOf(res), password).toMatchObject({
        status: 400,
        code: 'VALIDATION',
        details: { field: 'password', reason: 'too-weak' },
      });
      // The message says it in both languages.
      expect(res.json().error.message).toMatch(/Mật khẩu quá dễ đoán .* \/ Password too easy to guess/);
    }
    const created = await newUser(STRONG);
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    expect(errorOf(await admin.request('PATCH', `/api/users/${id}`, { password: 'aaaaaaaaaaaa' }))).toMatchObject({
      status: 400,
      details: { field: 'password' },
    });
    const an = await t.login('an.nguyen', STRONG);
    const own = await an.request('POST', '/api/auth/password', {
      currentPassword: STRONG,
      newPassword: 'password1234',
    });
    expect(errorOf(own)).toMatchObject({ status: 400, details: { field: 'newPassword', reason: 'too-weak' } });
    // Refused before anything changed: the account keeps its password and its session.
    expect((await an.request('GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('keeps a temporary password to its one use: no other route by any path, no token, no change to itself', async () => {
    const temporary = 'chín con cá bơi dưới hồ sen';
    const created = await admin.request('POST', '/api/users', {
      username: 'temp.admin',
      displayName: 'Quản trị mới',
      role: 'admin',
      password: temporary,
    });
    expect(created.statusCode, created.body).toBe(201);
    const fresh = await t.login('temp.admin', temporary);
    // Even an administrator's account reaches nothing else first: not by an encoded path, not by HEAD, not by
    // minting a token, enrolling TOTP or changing accounts (its own included).
    const attempts: [string, string, unknown?][] = [
      ['GET', '/api/users'],
      ['GET', '/%61pi/users'],
      ['HEAD', '/api/organisations'],
      ['GET', '/api/audit'],
      ['POST', '/api/auth/tokens', { name: 'escape' }],
      ['POST', '/api/auth/totp/setup'],
      ['PATCH', `/api/users/${fresh.userId}`, { displayName: 'Renamed' }],
      ['POST', '/api/users', { username: 'second', displayName: 'Second', role: 'admin', password: STRONG }],
    ];
    for (const [method, url, body] of attempts) {
      const res = await fresh.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      if (method !== 'HEAD') expect(res.json().error.key, `${method} ${url}`).toBe('passwordChangeRequired');
    }
    expect((await admin.request('GET', '/api/users?q=second')).json().total).toBe(0);
    // Changing it to itself would leave it known to whoever set it.
    const same = await fresh.request('POST', '/api/auth/password', {
      currentPassword: temporary,
      newPassword: temporary,
    });
    expect(errorOf(same)).toMatchObject({ status: 400, key: 'passwordUnchanged', details: { field: 'newPassword' } });
    expect((await fresh.request('GET', '/api/users')).statusCode).toBe(403);
    expect(
      (await fresh.request('POST', '/api/auth/password', { currentPassword: temporary, newPassword: STRONG }))
        .statusCode,
    ).toBe(200);
    const own = await t.login('temp.admin', STRONG);
    expect((await own.request('GET', '/api/users')).statusCode).toBe(200);
  });

  it('counts a TOTP code of the wrong length or with letters as a failed attempt, never a server error', async () => {
    const u = await t.userWithRole('totp-shape', 'department');
    const { secret } = (await u.request('POST', '/api/auth/totp/setup')).json() as { secret: string };
    for (const code of ['1234567', 'abcdef', '１２３４５６', '12a456'])
      expect(errorOf(await u.request('POST', '/api/auth/totp/confirm', { code })), code).toMatchObject({
        status: 400,
        details: { field: 'code' },
      });
    expect((await u.request('POST', '/api/auth/totp/confirm', { code: await generate({ secret }) })).statusCode).toBe(
      200,
    );
    const statuses = [];
    for (const totp of ['12345', '1234567', 'abcdef', '12a456'])
      statuses.push((await login('totp-shape', PASSWORD, { totp })).statusCode);
    expect(statuses).toEqual([...Array(MAX_FAILURES - 1).fill(401), 423, 423]);
    expect((await audit('auth.login.failure', 'totp-shape')).map((a) => a.reason)).toEqual([
      'locked',
      'bad-totp-locked',
      ...Array(MAX_FAILURES - 1).fill('bad-totp'),
    ]);
  });
});

describe('khien user create --password-stdin', () => {
  it('refuses a weak password with a message in both languages', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'khien-cli-'));
    try {
      const args = ['user', 'create', '--username', 'hoa.le', '--name', 'Lê Thị Hoa', '--role', 'admin'];
      const res = spawnSync(process.execPath, ['bin/khien.mjs', ...args, '--password-stdin'], {
        input: 'password1234',
        encoding: 'utf8',
        // Always the embedded database, in a folder of its own.
        env: { ...process.env, KHIEN_DATA_DIR: dataDir, DATABASE_URL: '' },
      });
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/Mật khẩu quá dễ đoán .* \/ Password too easy to guess/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

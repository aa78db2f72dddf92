import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { listAudit } from '../../src/modules/audit/audit.service.ts';
import { PASSWORD, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';

describe.each(TEST_DATABASES)('authentication on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  const login = (username: string, password: string, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...extra } });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database, testConfig({ loginMaxFailures: 3, lockoutMinutes: 15 }));
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('sets an HttpOnly, SameSite=Strict session cookie, Secure behind HTTPS', async () => {
    await t.userWithRole('cookie', 'soc');
    const res = await login('cookie', PASSWORD);
    const c = res.cookies.find((x) => x.name === 'khien_sid');
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(c?.secure).toBeFalsy();
    expect(res.json()).not.toHaveProperty('user.passwordHash');
    const https = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'cookie', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    // Without KHIEN_TRUST_PROXY the forwarded header is ignored (a client cannot fake it): still not Secure.
    expect(https.cookies.find((x) => x.name === 'khien_sid')?.secure).toBeFalsy();
  });

  it('locks an account after repeated failures, refusing even the right password, and audits every attempt', async () => {
    await t.userWithRole('lockme2', 'soc');
    for (let i = 0; i < 2; i++) expect((await login('lockme2', 'wrong password!')).statusCode).toBe(401);
    const third = await login('lockme2', 'wrong password!');
    expect(third.statusCode).toBe(423);
    expect(third.json().error.code).toBe('ACCOUNT_LOCKED');
    const right = await login('lockme2', PASSWORD);
    expect(right.statusCode).toBe(423);
    const failures = (await listAudit(database.db, { limit: 50, entityType: 'user' })).filter(
      (e) => e.action === 'auth.login.failure' && e.actorName === 'lockme2',
    );
    expect(failures.map((f) => (f.after as { reason: string }).reason)).toEqual([
      'locked',
      'bad-password-locked',
      'bad-password',
      'bad-password',
    ]);
    // An administrator unlocks; then the right password works again.
    const admin = await t.userWithRole('unlocker', 'admin');
    const users = (await admin.request('GET', '/api/users')).json() as {
      id: string;
      username: string;
      locked: boolean;
    }[];
    const target = users.find((u) => u.username === 'lockme2');
    expect(target?.locked).toBe(true);
    expect((await admin.request('PATCH', `/api/users/${target?.id}`, { unlock: true })).statusCode).toBe(200);
    expect((await login('lockme2', PASSWORD)).statusCode).toBe(200);
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const res = await login('nobody-here', 'whatever password');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toBe('Invalid username or password');
  });

  it('refuses a state change with the session cookie but without the CSRF token', async () => {
    const admin = await t.userWithRole('csrf-admin', 'admin');
    const res = await login('csrf-admin', PASSWORD);
    const cookie = res.cookies.find((c) => c.name === 'khien_sid')?.value ?? '';
    const payload = { code: 'CSRF', name: 'Forged org', type: 'other', ipRanges: [] };
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      cookies: { khien_sid: cookie },
      payload,
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('CSRF');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      cookies: { khien_sid: cookie },
      headers: { 'x-csrf-token': 'x'.repeat(43) },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    const list = (await admin.request('GET', '/api/organisations')).json() as { code: string }[];
    expect(list.map((o) => o.code)).not.toContain('CSRF');
    // A read needs no CSRF token.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { khien_sid: cookie } })).statusCode,
    ).toBe(200);
  });

  it('requires the TOTP code once enrolled', async () => {
    const u = await t.userWithRole('totp-user', 'department');
    const { secret } = (await u.request('POST', '/api/auth/totp/setup')).json() as { secret: string };
    expect((await u.request('POST', '/api/auth/totp/confirm', { code: '000000' })).statusCode).toBe(400);
    const code = await generate({ secret });
    expect((await u.request('POST', '/api/auth/totp/confirm', { code })).statusCode).toBe(200);
    const without = await login('totp-user', PASSWORD);
    expect(without.statusCode).toBe(401);
    expect(without.json().error.code).toBe('TOTP_REQUIRED');
    expect((await login('totp-user', PASSWORD, { totp: '123456' === code ? '654321' : '123456' })).statusCode).toBe(
      401,
    );
    // The enrolment code cannot be replayed to sign in; the next window's code (within the skew allowance) can.
    expect((await login('totp-user', PASSWORD, { totp: code })).statusCode).toBe(401);
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await login('totp-user', PASSWORD, { totp: next })).statusCode).toBe(200);
    expect((await login('totp-user', PASSWORD, { totp: next })).statusCode).toBe(401);
  });

  it('API tokens: shown once, hashed at rest, role never above the owner, revocable, no CSRF needed', async () => {
    const soc = await t.userWithRole('token-owner', 'soc');
    expect((await soc.request('POST', '/api/auth/tokens', { name: 'escalate', role: 'admin' })).statusCode).toBe(403);
    const created = await soc.request('POST', '/api/auth/tokens', { name: 'script', role: 'viewer' });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json() as { token: string; id: string };
    expect(token).toMatch(/^khn_/);
    const listed = JSON.stringify((await soc.request('GET', '/api/auth/tokens')).json());
    expect(listed).not.toContain(token);
    const bearer = { authorization: `Bearer ${token}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer });
    expect(me.json().role).toBe('viewer');
    // A viewer token cannot write, even though its owner could create tokens.
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: bearer,
      payload: { code: 'T', name: 'Tok', type: 'other' },
    });
    expect(write.statusCode).toBe(403);
    expect((await soc.request('DELETE', `/api/auth/tokens/${id}`)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer })).statusCode).toBe(401);
  });

  it('changing the password ends the sessions; logout ends the session', async () => {
    const u = await t.userWithRole('changer', 'viewer');
    expect(
      (await u.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' })).statusCode,
    ).toBe(400);
    const ok = await u.request('POST', '/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(ok.statusCode).toBe(200);
    expect((await u.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await login('changer', PASSWORD)).statusCode).toBe(401);
    const again = await t.login('changer', 'a brand new passphrase');
    expect((await again.request('POST', '/api/auth/logout')).statusCode).toBe(200);
    expect((await again.request('GET', '/api/auth/me')).statusCode).toBe(401);
  });
});

describe('login rate limit', () => {
  it('answers 429 after the configured number of attempts per minute from one address', async () => {
    const database = await openTestDatabase('pglite');
    const t = await startApp(database, testConfig({ loginRatePerMinute: 3 }));
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' } }))
          .statusCode,
      );
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    await t.app.close();
    await database.close();
  });
});

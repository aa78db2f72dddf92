import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { ZAuditListQuery } from '../../src/modules/audit/audit.input.ts';
import { listAudit } from '../../src/modules/audit/audit.list.ts';
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
    const failures = (
      await listAudit(database.db, ZAuditListQuery.parse({ limit: 50, entityType: 'user' }))
    ).items.filter((e) => e.action === 'auth.login.failure' && e.actorName === 'lockme2');
    expect(failures.map((f) => (f.after as { reason: string }).reason)).toEqual([
      'locked',
      'bad-password-locked',
      'bad-password',
      'bad-password',
    ]);
    // An administrator unlocks; then the right password works again.
    const admin = await t.userWithRole('unlocker', 'admin');
    const users = (await admin.request('GET', '/api/users?q=lockme2')).json().items as {
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

  it('lists accounts a page at a time: searched by name or username, filtered, sorted, with the total', async () => {
    const admin = await t.userWithRole('list-admin', 'admin');
    const org = (
      await admin.request('POST', '/api/organisations', { code: 'LST', name: 'Xã Tân Lập', type: 'commune' })
    ).json() as { id: string };
    const people: [string, string, string][] = [
      ['lst.duc', 'Hoàng Văn Đức', 'agency'],
      ['lst.an', 'Nguyễn Văn An', 'agency'],
      ['lst.binh', 'Trần Thị Bình', 'viewer'],
    ];
    for (const [username, displayName, role] of people)
      expect(
        (
          await admin.request('POST', '/api/users', {
            username,
            displayName,
            role,
            organisationId: role === 'agency' ? org.id : null,
            password: 'một mật khẩu ban đầu dài',
          })
        ).statusCode,
      ).toBe(201);
    type Page = { items: { username: string; organisation: { name: string } | null }[]; total: number };
    const list = async (query: string) => (await admin.request('GET', `/api/users?${query}`)).json() as Page;
    // Diacritics and case do not matter: "duc" finds "Đức", "NGUYEN" finds "Nguyễn".
    expect((await list('q=duc')).items.map((u) => u.username)).toEqual(['lst.duc']);
    expect((await list('q=NGUYEN')).items.map((u) => u.username)).toEqual(['lst.an']);
    expect((await list('q=lst.b')).items.map((u) => u.username)).toEqual(['lst.binh']);
    // A LIKE wildcard typed is only a character.
    expect((await list('q=%25')).total).toBe(0);
    const agencies = await list(`role=agency&organisationId=${org.id}&sort=displayName&dir=desc`);
    expect(agencies.items.map((u) => u.username)).toEqual(['lst.an', 'lst.duc']);
    expect(agencies.total).toBe(2);
    expect(agencies.items[0]?.organisation).toMatchObject({ name: 'Xã Tân Lập', parentName: null });
    // A page holds `limit` rows; the total counts every match.
    const first = await list('q=lst.&sort=username&limit=2');
    expect(first).toMatchObject({ total: 3 });
    expect(first.items.map((u) => u.username)).toEqual(['lst.an', 'lst.binh']);
    expect((await list('q=lst.&sort=username&limit=2&offset=2')).items.map((u) => u.username)).toEqual(['lst.duc']);
    // Only the keys the list sorts by.
    expect((await admin.request('GET', '/api/users?sort=passwordHash')).statusCode).toBe(400);
  });

  it('tells the signed-in user what the role may do', async () => {
    const viewer = await t.userWithRole('perm-viewer', 'viewer');
    const me = (await viewer.request('GET', '/api/auth/me')).json() as { role: string; permissions: string[] };
    expect(me.role).toBe('viewer');
    expect(me.permissions).toContain('system.read');
    expect(me.permissions).toContain('self');
    expect(me.permissions).not.toContain('user.read');
    expect(me.permissions).not.toContain('system.write');
    const admin = await t.userWithRole('perm-admin', 'admin');
    expect(((await admin.request('GET', '/api/auth/me')).json() as { permissions: string[] }).permissions).toContain(
      'audit.read',
    );
  });

  it('a password an administrator set must be changed at first sign-in; until then only that is allowed', async () => {
    const admin = await t.userWithRole('temp-admin', 'admin');
    const temporary = 'mật khẩu tạm thời do quản trị đặt';
    const created = await admin.request('POST', '/api/users', {
      username: 'new.officer',
      displayName: 'Cán bộ mới',
      role: 'viewer',
      password: temporary,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().mustChangePassword).toBe(true);
    const signedIn = await login('new.officer', temporary);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.mustChangePassword).toBe(true);
    const officer = await t.login('new.officer', temporary);
    // Who am I, change the password, sign out: allowed. Anything else: refused with a key the UI understands.
    expect((await officer.request('GET', '/api/auth/me')).json().user.mustChangePassword).toBe(true);
    for (const [method, url] of [
      ['GET', '/api/organisations'],
      ['GET', '/api/systems'],
      ['GET', '/api/auth/tokens'],
      ['POST', '/api/auth/totp/setup'],
    ] as const) {
      const refused = await officer.request(method, url);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().error, url).toMatchObject({ code: 'FORBIDDEN', key: 'passwordChangeRequired' });
    }
    const minted = await officer.request('POST', '/api/auth/tokens', { name: 'bypass' });
    expect(minted.statusCode).toBe(403);
    // Changed by its owner, the password is no longer temporary; the new one opens everything the role allows.
    const chosen = 'một câu mật khẩu của riêng tôi';
    expect(
      (await officer.request('POST', '/api/auth/password', { currentPassword: temporary, newPassword: chosen }))
        .statusCode,
    ).toBe(200);
    const again = await t.login('new.officer', chosen);
    expect((await again.request('GET', '/api/auth/me')).json().user.mustChangePassword).toBe(false);
    expect((await again.request('GET', '/api/organisations')).statusCode).toBe(200);

    // An administrator's reset makes it temporary again.
    const reset = 'mật khẩu đặt lại bởi quản trị';
    expect((await admin.request('PATCH', `/api/users/${again.userId}`, { password: reset })).statusCode).toBe(200);
    const afterReset = await t.login('new.officer', reset);
    expect((await afterReset.request('GET', '/api/organisations')).json().error.key).toBe('passwordChangeRequired');
    // A first administrator created at setup chose the password: nothing to change (tests/hostile covers setup).
    expect((await admin.request('GET', '/api/auth/me')).json().user.mustChangePassword).toBe(false);
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

  it('reuses a session between requests only while it holds: raw SQL changes and expiry show on the next request', async () => {
    const u = await t.userWithRole('reuse', 'soc');
    const role = async () => {
      const res = await u.request('GET', '/api/auth/me');
      return res.statusCode === 200 ? (res.json() as { role: string }).role : res.statusCode;
    };
    expect(await role()).toBe('soc');
    expect(await role()).toBe('soc');
    // Writes that bypass the services (psql, another server process) are seen as well.
    await database.db.execute(sql`update users set role = 'viewer' where id = ${u.userId}::uuid`);
    expect(await role()).toBe('viewer');
    await database.db.execute(
      sql`update sessions set expires_at = now() + interval '4 seconds' where user_id = ${u.userId}::uuid`,
    );
    expect(await role()).toBe('viewer');
    expect(await role()).toBe('viewer');
    // Expiry needs no write: a session reused while valid still ends at its time.
    await new Promise((r) => setTimeout(r, 4100));
    expect(await role()).toBe(401);
    const again = await t.login('reuse');
    expect((await again.request('GET', '/api/auth/me')).statusCode).toBe(200);
    await database.db.execute(sql`update users set disabled = true where id = ${u.userId}::uuid`);
    expect((await again.request('GET', '/api/auth/me')).statusCode).toBe(401);
    await database.db.execute(sql`update users set disabled = false where id = ${u.userId}::uuid`);
    expect((await again.request('GET', '/api/auth/me')).statusCode).toBe(200);
    await database.db.execute(sql`delete from sessions where user_id = ${u.userId}::uuid`);
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

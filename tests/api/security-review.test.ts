import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { apiTokens, users } from '../../src/modules/auth/auth.schema.ts';
import { PASSWORD, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';

/**
 * Refusals found missing in the security review: each test is an attack that worked before its fix.
 */
describe.each(TEST_DATABASES)('security review on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  const login = (username: string, password: string, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...extra } });
  const withToken = (token: string, method: string, url: string, payload?: object) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database, testConfig({ loginMaxFailures: 3, lockoutMinutes: 15 }));
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('applies authentication to API routes reached through a percent-encoded path', async () => {
    await t.userWithRole('enc-admin', 'admin');
    // The router decodes "%61" to "a" and finds the route; the check must not look at the raw URL.
    for (const url of ['/%61pi/users', '/ap%69/audit', '/%61pi/audit/verify', '/api/%75sers']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.body, url).not.toContain('enc-admin');
    }
    const agency = await t.userWithRole('enc-viewer', 'viewer');
    expect((await agency.request('GET', '/%61pi/users')).statusCode).toBe(403);
  });
  it('refuses an anonymous upload before reading its body', async () => {
    // Over the JSON body limit (5 MB) and over the log upload's own: a refusal after reading would say 413.
    const big = Buffer.alloc(6 * 1024 * 1024, 0x41);
    for (const [url, type] of [
      ['/api/organisations', 'application/json'],
      ['/api/soc/logs?fileName=conn.log', 'application/octet-stream'],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: big });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('does not look up a token or session for a sign-in refused by the rate limit', async () => {
    const limited = await startApp(database, testConfig({ loginRatePerMinute: 2 }));
    const owner = await limited.userWithRole('rl-owner', 'soc');
    const { token } = (await owner.request('POST', '/api/auth/tokens', { name: 'rl', role: 'viewer' })).json();
    const tokenRow = async () =>
      (await database.db.select().from(apiTokens).where(eq(apiTokens.userId, owner.userId)))[0];
    const signIn = () =>
      limited.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { authorization: `Bearer ${token}` },
        payload: { username: 'nobody', password: 'wrong password' },
      });
    // Signing the owner in used one of the 2 attempts a minute.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await signIn()).statusCode);
    expect(statuses).toEqual([401, 429, 429]);
    // The token was never used: a flood of sign-ins costs no authentication work.
    expect((await tokenRow())?.lastUsedAt ?? null).toBeNull();
    await limited.app.close();
  });

  it('keeps an API token within the role its owner has now, and a viewer token from minting a stronger one', async () => {
    const admin = await t.login('enc-admin');
    const boss = await t.userWithRole('token-boss', 'admin');
    const org = await admin.request('POST', '/api/organisations', {
      code: 'SR-TOK',
      name: 'Token agency',
      type: 'department',
      ipRanges: [],
    });
    const adminToken = (await boss.request('POST', '/api/auth/tokens', { name: 'full' })).json().token as string;
    const viewerToken = (await boss.request('POST', '/api/auth/tokens', { name: 'ro', role: 'viewer' })).json()
      .token as string;
    expect((await withToken(adminToken, 'GET', '/api/users')).statusCode).toBe(200);

    // A read-only token may not create a token carrying the owner's full role.
    const minted = await withToken(viewerToken, 'POST', '/api/auth/tokens', { name: 'escalate', role: 'admin' });
    expect(minted.statusCode, minted.body).toBe(403);
    const implicit = await withToken(viewerToken, 'POST', '/api/auth/tokens', { name: 'escalate2' });
    expect(implicit.statusCode === 403 || implicit.json().role === 'viewer', implicit.body).toBe(true);

    // Demoted to an agency officer: the admin token made earlier must not keep admin rights.
    const demoted = await admin.request('PATCH', `/api/users/${boss.userId}`, {
      role: 'agency',
      organisationId: org.json().id,
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect((await withToken(adminToken, 'GET', '/api/users')).statusCode).toBe(401);
    expect((await withToken(adminToken, 'GET', '/api/organisations')).statusCode).toBe(401);
    // The viewer token stays read-only and now sees only the officer's organisation.
    const orgs = await withToken(viewerToken, 'GET', '/api/organisations');
    expect(orgs.statusCode).toBe(200);
    expect(orgs.json().map((o: { code: string }) => o.code)).toEqual(['SR-TOK']);
  });

  it('does not let a session turn TOTP off by starting a new enrolment (that needs the password)', async () => {
    const u = await t.userWithRole('totp-keep', 'department');
    const { secret } = (await u.request('POST', '/api/auth/totp/setup')).json() as { secret: string };
    expect((await u.request('POST', '/api/auth/totp/confirm', { code: await generate({ secret }) })).statusCode).toBe(
      200,
    );
    // A stolen session (or a viewer token) re-enrols: refused, TOTP stays on with the old secret.
    const again = await u.request('POST', '/api/auth/totp/setup');
    expect(again.statusCode, again.body).toBe(409);
    expect((await login('totp-keep', PASSWORD)).json().error.code).toBe('TOTP_REQUIRED');
    const me = await u.request('GET', '/api/auth/me');
    expect(me.json().user.totpEnabled).toBe(true);
  });

  it('keeps TOTP secrets sealed in the database: a dump does not reveal them, and plain ones are sealed at start', async () => {
    const u = await t.userWithRole('totp-sealed', 'department');
    const { secret } = (await u.request('POST', '/api/auth/totp/setup')).json() as { secret: string };
    expect((await u.request('POST', '/api/auth/totp/confirm', { code: await generate({ secret }) })).statusCode).toBe(
      200,
    );
    const stored = async () =>
      (await database.db.select().from(users).where(eq(users.id, u.userId)))[0]?.totpSecret as string;
    expect(await stored()).toMatch(/^v1\./);
    expect(await stored()).not.toContain(secret);
    // A secret written in plain text by an older version: sealed when the server starts, and still accepted.
    await database.db.update(users).set({ totpSecret: secret, totpLastStep: null }).where(eq(users.id, u.userId));
    const restarted = await startApp(database);
    expect(await stored()).toMatch(/^v1\./);
    const signIn = (app: typeof restarted, totp: string) =>
      app.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'totp-sealed', password: PASSWORD, totp },
      });
    expect((await signIn(restarted, await generate({ secret }))).statusCode).toBe(200);
    await restarted.app.close();
    // Under another key (a lost key file) the code is refused like a wrong one, not a server error.
    const otherKey = await startApp(database, testConfig({ secretKey: randomBytes(32) }));
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await signIn(otherKey, next)).statusCode).toBe(401);
    await otherKey.app.close();
  });

  it('counts wrong TOTP codes towards the lock-out, so a known password cannot brute-force the code', async () => {
    const u = await t.userWithRole('totp-brute', 'department');
    const { secret } = (await u.request('POST', '/api/auth/totp/setup')).json() as { secret: string };
    const good = await generate({ secret });
    expect((await u.request('POST', '/api/auth/totp/confirm', { code: good })).statusCode).toBe(200);
    const wrong = good === '111111' ? '222222' : '111111';
    for (let i = 0; i < 3; i++) await login('totp-brute', PASSWORD, { totp: wrong });
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const res = await login('totp-brute', PASSWORD, { totp: next });
    expect(res.statusCode, res.body).toBe(423);
  });

  it('locks an account after parallel wrong passwords too (the failure counter is not lost in a race)', async () => {
    await t.userWithRole('parallel', 'soc');
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => login('parallel', `wrong password number ${i}`)),
    );
    expect(attempts.every((r) => r.statusCode === 401 || r.statusCode === 423)).toBe(true);
    expect((await login('parallel', PASSWORD)).statusCode).toBe(423);
  });

  it('accepts one TOTP code once even when two sign-ins race with it', async () => {
    const u = await t.userWithRole('totp-race', 'department');
    const { secret } = (await u.request('POST', '/api/auth/totp/setup')).json() as { secret: string };
    expect((await u.request('POST', '/api/auth/totp/confirm', { code: await generate({ secret }) })).statusCode).toBe(
      200,
    );
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const both = await Promise.all([
      login('totp-race', PASSWORD, { totp: code }),
      login('totp-race', PASSWORD, { totp: code }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('refuses reversed or unbounded periods with 400 instead of failing or building huge queries', async () => {
    const viewer = await t.userWithRole('period-viewer', 'viewer');
    for (const base of ['/api/vulnerabilities/summary', '/api/soc/summary', '/api/soc/findings'])
      for (const q of ['from=2024-06-01&to=2024-01-01', 'from=0001-01-01&to=9999-12-31']) {
        const res = await viewer.request('GET', `${base}?${q}`);
        expect(res.statusCode, `${base}?${q} ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION');
      }
    // A ten-year statement is still answered.
    expect((await viewer.request('GET', '/api/vulnerabilities/summary?from=2015-01-01&to=2024-12-31')).statusCode).toBe(
      200,
    );
  });

  it('keeps account security (TOTP, password, tokens) out of reach of API tokens, which are for scripts', async () => {
    const owner = await t.userWithRole('token-account', 'soc');
    const created = (await owner.request('POST', '/api/auth/tokens', { name: 'ro', role: 'viewer' })).json();
    const other = (await owner.request('POST', '/api/auth/tokens', { name: 'other' })).json();
    const token = created.token as string;
    // A leaked read-only token must not enrol a second factor the owner does not hold (locking them out) …
    expect((await withToken(token, 'POST', '/api/auth/totp/setup')).statusCode).toBe(403);
    expect((await withToken(token, 'POST', '/api/auth/totp/confirm', { code: '123456' })).statusCode).toBe(403);
    expect((await withToken(token, 'POST', '/api/auth/totp/disable', { password: PASSWORD })).statusCode).toBe(403);
    // … nor change the password, nor create or revoke tokens.
    const pw = await withToken(token, 'POST', '/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'taken over passphrase',
    });
    expect(pw.statusCode).toBe(403);
    expect((await withToken(token, 'POST', '/api/auth/tokens', { name: 'more', role: 'viewer' })).statusCode).toBe(403);
    expect((await withToken(token, 'DELETE', `/api/auth/tokens/${other.id}`)).statusCode).toBe(403);
    // Reading with it still works, and the owner's account is unchanged.
    expect((await withToken(token, 'GET', '/api/auth/me')).statusCode).toBe(200);
    expect((await login('token-account', PASSWORD)).statusCode).toBe(200);
    expect((await owner.request('GET', '/api/auth/tokens')).json()).toHaveLength(2);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { auditHead, verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import { startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

describe.each(TEST_DATABASES)('audit log on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('records who changed what, with before and after', async () => {
    const admin = await t.userWithRole('auditor', 'admin');
    const created = (
      await admin.request('POST', '/api/organisations', {
        code: 'YB',
        name: 'Tỉnh Yên Bái',
        type: 'province',
        ipRanges: ['10.15.0.0/16'],
      })
    ).json();
    await admin.request('PUT', `/api/organisations/${created.id}`, {
      code: 'YB',
      name: 'Tỉnh Yên Bái (sửa)',
      type: 'province',
      ipRanges: ['10.15.0.0/16'],
    });
    const page = (await admin.request('GET', `/api/audit?entityType=organisation&entityId=${created.id}`)).json();
    expect(page.total).toBe(2);
    const entries = page.items;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['organisation.update', 'organisation.create']);
    expect(entries[0]).toMatchObject({
      actorName: 'auditor',
      // The account's name and the object's name, for people reading the log.
      actorDisplayName: 'auditor',
      entityName: 'Tỉnh Yên Bái (sửa)',
      before: { name: 'Tỉnh Yên Bái' },
      after: { name: 'Tỉnh Yên Bái (sửa)', ipRanges: ['10.15.0.0/16'] },
    });
    const verify = (await admin.request('GET', '/api/audit/verify')).json();
    expect(verify).toMatchObject({ ok: true });
    expect(verify.entries).toBeGreaterThanOrEqual(4); // user.create, login, org create, org update
  });

  it('pages, filters (days, actor, action, object type) and sorts the log, with the total of the filters', async () => {
    const admin = await t.login('auditor');
    const clerk = await t.userWithRole('clerk', 'department');
    for (const code of ['F1', 'F2', 'F3'])
      expect(
        (await clerk.request('POST', '/api/organisations', { code, name: `Sở ${code}`, type: 'department' }))
          .statusCode,
      ).toBe(201);
    type Entry = { seq: number; action: string; actorName: string; entityType: string; entityName: string | null };
    const list = async (query: string) => {
      const res = await admin.request('GET', `/api/audit?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: Entry[]; total: number };
    };
    const byClerk = await list('actor=clerk&action=organisation.create');
    expect(byClerk.total).toBe(3);
    expect(byClerk.items.map((e) => e.entityName)).toEqual(['Sở F3', 'Sở F2', 'Sở F1']);
    // One entry a page, oldest first: the second page is the second organisation; the total stays the filters'.
    const paged = await list('actor=clerk&action=organisation.create&limit=1&offset=1&dir=asc');
    expect(paged).toMatchObject({ total: 3, items: [{ entityName: 'Sở F2' }] });
    // Days are the province's calendar days, both ends included.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    expect((await list(`actor=clerk&from=${today}&to=${today}`)).total).toBeGreaterThanOrEqual(4); // + sign-in
    expect((await list(`actor=clerk&to=2020-12-31`)).total).toBe(0);
    const all = await list('limit=500');
    const userEntries = await list('entityType=user&limit=500');
    expect(userEntries.total).toBe(all.items.filter((e) => e.entityType === 'user').length);
    expect(userEntries.items.every((e) => e.entityType === 'user')).toBe(true);
    const sorted = (await list('sort=action&dir=asc&limit=500')).items.map((e) => e.action);
    expect(sorted).toEqual([...sorted].sort());
    // The filters' choices: actions and object types that occur, and the accounts.
    const facets = (await admin.request('GET', '/api/audit/facets')).json();
    expect(facets.actions).toContain('organisation.create');
    expect(facets.entityTypes).toEqual(expect.arrayContaining(['organisation', 'user']));
    expect(facets.actors).toContainEqual({ username: 'clerk', displayName: 'clerk' });
  });

  it('refuses a day that does not exist and a period that ends before it starts', async () => {
    const admin = await t.login('auditor');
    for (const query of ['from=2025-02-30', 'to=2025-13-01', 'from=2025-03-02&to=2025-03-01', 'sort=hash']) {
      const res = await admin.request('GET', `/api/audit?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe('VALIDATION');
    }
  });

  it('is append-only: UPDATE and DELETE are refused by the database', async () => {
    await expect(database.db.execute(sql`update audit_log set actor_name = 'mallory'`)).rejects.toThrow();
    await expect(database.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('detects the newest rows cut off, against a head kept outside the database', async () => {
    const admin = await t.login('auditor');
    const kept = (await admin.request('GET', '/api/audit/verify')).json().headHash as string;
    // What the server logs at start and daily is the same head.
    expect((await auditHead(database.db)).hash).toBe(kept);
    const [last] = await queryRows<{ seq: number }>(database.db, sql`select max(seq)::int as seq from audit_log`);
    const keptSeq = last?.seq as number;
    await admin.request('POST', '/api/organisations', { code: 'CUT', name: 'Sở bị xoá dấu vết', type: 'department' });
    expect(await verifyAuditChain(database.db, kept)).toMatchObject({ ok: true, keptHead: 'present' });
    // A superuser bypasses the triggers and deletes the newest rows, the kept head among them: what is left is a
    // valid chain, so only the kept head shows the cut.
    await database.db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
    await database.db.execute(sql`delete from audit_log where seq >= ${keptSeq}`);
    await database.db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
    expect(await verifyAuditChain(database.db, kept)).toMatchObject({ ok: false, keptHead: 'missing' });
    const page = (await admin.request('GET', `/api/audit/verify?head=${kept}`)).json();
    expect(page).toMatchObject({ ok: false, keptHead: 'missing' });
    expect((await admin.request('GET', '/api/audit/verify?head=not-a-hash')).statusCode).toBe(400);
  });

  it('detects an edited row and a deleted row even when the triggers are bypassed', async () => {
    const before = await verifyAuditChain(database.db);
    expect(before.ok).toBe(true);
    // An attacker with superuser rights can disable the triggers; the hash chain still shows the edit.
    await database.db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
    await database.db.execute(sql`update audit_log set after = '{"name":"forged"}'::jsonb where seq = 3`);
    expect(await verifyAuditChain(database.db)).toMatchObject({
      ok: false,
      brokenAt: { seq: 3, reason: 'content-changed' },
    });
    const admin = await t.login('auditor');
    const page = (await admin.request('GET', '/api/audit/verify')).json();
    expect(page).toMatchObject({ ok: false, brokenAt: { seq: 3 } });
    await database.db.execute(sql`delete from audit_log where seq = 3`);
    expect(await verifyAuditChain(database.db)).toMatchObject({
      ok: false,
      brokenAt: { seq: 4, reason: 'chain-broken' },
    });
    await database.db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
  });
});

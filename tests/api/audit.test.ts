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
    const entries = (await admin.request('GET', `/api/audit?entityType=organisation&entityId=${created.id}`)).json();
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['organisation.update', 'organisation.create']);
    expect(entries[0]).toMatchObject({
      actorName: 'auditor',
      before: { name: 'Tỉnh Yên Bái' },
      after: { name: 'Tỉnh Yên Bái (sửa)', ipRanges: ['10.15.0.0/16'] },
    });
    const verify = (await admin.request('GET', '/api/audit/verify')).json();
    expect(verify).toMatchObject({ ok: true });
    expect(verify.entries).toBeGreaterThanOrEqual(4); // user.create, login, org create, org update
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

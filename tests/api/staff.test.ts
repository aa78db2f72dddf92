import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { staffForPhishing } from '../../src/modules/staff/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const csv = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');

describe.each(TEST_DATABASES)('staff register on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let agencyA: Client;
  let agencyB: Client;
  let viewer: Client;
  const org: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('st-admin', 'admin');
    for (const [code, name, type, parent] of [
      ['P', 'Tỉnh Thử', 'province', null],
      ['A', 'Sở Alpha', 'department', 'P'],
      ['B', 'Sở Beta', 'department', 'P'],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name,
        type,
        parentId: parent ? org[parent] : null,
        ipRanges: [],
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    agencyA = await t.userWithRole('st-agency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('st-agency-b', 'agency', org.B ?? null);
    viewer = await t.userWithRole('st-viewer', 'viewer');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('imports the register with row errors (row number and column), keeps good rows, re-imports idempotently', async () => {
    const file = csv([
      'Mã đơn vị,Họ và tên,Chức vụ,Nhiệm vụ,Thư điện tử,Điện thoại,Từ ngày,Đến ngày',
      'A,Nguyễn Văn An,Phó Giám đốc,an toàn thông tin,An.NV@Example.vn,0912 345 678,01/01/2025,',
      'A,Trần Thị Bình,Chuyên viên,both,binh@example.vn,,01/01/2025,30/06/2025',
      'ZZ,Lê Văn Cường,,chuyển đổi số,cuong@example.vn,,01/01/2025,',
      'B,Phạm Dũng,,nobody,dung@example.vn,,01/01/2025,',
      'B,Hoàng Em,,both,not-an-email,,01/01/2025,',
      'B,Võ Giang,,both,giang@example.vn,,31/02/2025,',
      'B,Đỗ Hà,Trưởng phòng,chuyển đổi số,ha@example.vn,,2025-02-01,',
      'A,Nguyễn Văn An,Phó Giám đốc,both,an.nv@example.vn,,01/01/2025,',
    ]);
    const res = await admin.request('POST', '/api/staff/import', file);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(report.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [4, 'organisation_code'],
      [5, 'duty'],
      [6, 'email'],
      [7, 'valid_from'],
      [9, 'email'],
    ]);
    // The Vietnamese message shows the day as dd/mm/yyyy.
    expect(report.errors[0]).toMatchObject({
      key: 'staff.importOrganisationUnknown',
      params: { code: 'ZZ', day: '01/01/2025' },
    });
    const again = await admin.request('POST', '/api/staff/import', file);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    // Ending an appointment through the file updates the same one.
    const ended = await admin.request(
      'POST',
      '/api/staff/import',
      csv([
        'organisation_code,full_name,duty,email,valid_from,valid_to',
        'B,Đỗ Hà,digital_transformation,ha@example.vn,01/02/2025,31/12/2025',
      ]),
    );
    expect(ended.json()).toMatchObject({ created: 0, updated: 1, unchanged: 0, errors: [] });
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'staff_member'), eq(auditLog.action, 'staff.import.update')));
    expect(audit).toHaveLength(1);
  });

  it('lists the register as of a day, searched without diacritics, scoped, with response-team membership', async () => {
    const team = await admin.request('POST', '/api/team/members', {
      fullName: 'Nguyễn Văn An',
      organisationId: org.A,
      teamRole: 'deputy',
      phone: '0912345678',
      email: 'AN.NV@example.vn',
      validFrom: '2025-03-01',
    });
    expect(team.statusCode, team.body).toBe(201);
    const list = async (c: Client, q: string) => {
      const res = await c.request('GET', `/api/staff${q}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { total: number; items: { fullName: string; responseTeam: unknown; active: boolean }[] };
    };
    expect((await list(admin, '?on=2025-01-15')).items.map((i) => i.fullName)).toEqual([
      'Nguyễn Văn An',
      'Trần Thị Bình',
    ]);
    const march = await list(admin, '?on=2025-03-15');
    expect(march.total).toBe(3);
    expect(march.items.find((i) => i.fullName === 'Nguyễn Văn An')?.responseTeam).toMatchObject({ teamRole: 'deputy' });
    expect(march.items.find((i) => i.fullName === 'Đỗ Hà')?.responseTeam).toBeNull();
    expect((await list(admin, '?on=2025-07-01')).items.map((i) => i.fullName)).toEqual(['Nguyễn Văn An', 'Đỗ Hà']);
    expect((await list(admin, '?on=2026-01-05')).total).toBe(1);
    expect((await list(admin, '?on=2026-01-05&all=true')).total).toBe(3);
    expect((await list(admin, '?on=2025-03-15&q=nguyen van')).items.map((i) => i.fullName)).toEqual(['Nguyễn Văn An']);
    expect((await list(admin, '?on=2025-03-15&q=truong phong')).total).toBe(1);
    expect((await list(admin, `?on=2025-03-15&organisationId=${org.B}`)).total).toBe(1);
    expect((await list(agencyB, '?on=2025-03-15')).items.map((i) => i.fullName)).toEqual(['Đỗ Hà']);
    expect((await list(viewer, '?on=2025-03-15')).total).toBe(3);
  });

  it('creates, changes and removes appointments with audit, refusing overlaps and other agencies’ records', async () => {
    const body = {
      organisationId: org.A,
      fullName: 'Lý Thị Kim',
      position: 'Chuyên viên',
      duty: 'information_security',
      email: 'Kim.LT@example.vn',
      phone: '0987 654 321',
      validFrom: '2025-04-01',
    };
    const created = await agencyA.request('POST', '/api/staff', body);
    expect(created.statusCode, created.body).toBe(201);
    const kim = created.json();
    expect(kim).toMatchObject({ email: 'kim.lt@example.vn', organisationName: 'Sở Alpha', validTo: null });
    expect((await agencyA.request('POST', '/api/staff', { ...body, validFrom: '2025-06-01' })).statusCode).toBe(409);
    // Another agency's unit is "not found", whether creating there or touching its records.
    expect((await agencyB.request('POST', '/api/staff', { ...body, organisationId: org.A })).statusCode).toBe(404);
    expect((await agencyB.request('PATCH', `/api/staff/${kim.id}`, { position: 'X' })).statusCode).toBe(404);
    expect((await agencyB.request('DELETE', `/api/staff/${kim.id}`)).statusCode).toBe(404);
    expect((await viewer.request('POST', '/api/staff', body)).statusCode).toBe(403);
    const bad = await agencyA.request('POST', '/api/staff', { ...body, email: 'x', validTo: '2020-01-01' });
    expect(bad.statusCode).toBe(400);
    const changed = await agencyA.request('PATCH', `/api/staff/${kim.id}`, { validTo: '2025-12-31' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().validTo).toBe('2025-12-31');
    expect((await agencyA.request('PATCH', `/api/staff/${kim.id}`, { validTo: '2025-01-01' })).statusCode).toBe(400);
    const later = await agencyA.request('POST', '/api/staff', { ...body, validFrom: '2026-01-01' });
    expect(later.statusCode, later.body).toBe(201);
    expect((await agencyA.request('DELETE', `/api/staff/${later.json().id}`)).statusCode).toBe(200);
    const actions = (
      await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, kim.id))
    ).map((a) => a.action);
    expect(actions).toEqual(['staff.create', 'staff.update']);
  });

  it('gives other modules the officials in force on a day (staffForPhishing)', async () => {
    const all = await staffForPhishing(database.db, { organisationIds: null, on: '2025-05-01' });
    expect(all.map((s) => s.email).sort()).toEqual([
      'an.nv@example.vn',
      'binh@example.vn',
      'ha@example.vn',
      'kim.lt@example.vn',
    ]);
    const onlyB = await staffForPhishing(database.db, { organisationIds: [org.B as string], on: '2025-05-01' });
    expect(onlyB).toEqual([
      { id: expect.any(String), fullName: 'Đỗ Hà', email: 'ha@example.vn', organisationId: org.B },
    ]);
    expect(await staffForPhishing(database.db, { organisationIds: [], on: '2025-05-01' })).toEqual([]);
  });

  it('exports the register of a day in the import layout, which imports back unchanged', async () => {
    const res = await admin.request('GET', '/api/staff/export?format=csv&on=2025-05-01');
    expect(res.statusCode, res.body).toBe(200);
    const text = res.body.replace(/^\uFEFF/, '');
    const lines = text.trim().split(/\r\n/);
    expect(lines[0]).toBe('Mã đơn vị,Họ và tên,Chức vụ,Nhiệm vụ,Thư điện tử,Điện thoại,Từ ngày,Đến ngày');
    expect(lines).toHaveLength(5);
    expect(lines).toContain('B,Đỗ Hà,Trưởng phòng,digital_transformation,ha@example.vn,,01/02/2025,31/12/2025');
    const back = await admin.request('POST', '/api/staff/import', Buffer.from(res.rawPayload));
    expect(back.json()).toMatchObject({ created: 0, updated: 0, unchanged: 4, errors: [] });
    const scoped = await agencyB.request('GET', '/api/staff/export?format=xlsx&on=2025-05-01');
    expect(scoped.statusCode).toBe(200);
    expect(scoped.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('answers 400, never 500, to days PostgreSQL cannot hold and to a body that is not a file', async () => {
    const file = csv(['organisation_code,full_name,duty,email', 'A,Năm Không,both,zero@example.vn']);
    const refused = [
      await admin.request('GET', '/api/staff?on=0000-01-01'),
      await admin.request('GET', '/api/staff/export?format=csv&on=0000-01-01'),
      await admin.request('POST', '/api/staff/import?on=0000-01-01', file),
      await admin.request('POST', '/api/staff', {
        organisationId: org.A,
        fullName: 'Năm Không',
        duty: 'both',
        email: 'zero@example.vn',
        validFrom: '0000-01-01',
      }),
      await admin.request('POST', '/api/staff/import', { organisation_code: 'A' }),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400]);
    const rows = await admin.request(
      'POST',
      '/api/staff/import',
      csv(['organisation_code,full_name,duty,email,valid_from', 'A,Năm Không,both,zero@example.vn,01/01/0000']),
    );
    expect(rows.statusCode, rows.body).toBe(200);
    expect(rows.json()).toMatchObject({ created: 0, errors: [{ row: 2, column: 'valid_from' }] });
  });

  it('re-imports a file without start days as unchanged, keeping the day the appointment started', async () => {
    const file = csv(['organisation_code,full_name,duty,email', 'B,Bảo Ngọc,both,bao.ngoc@example.vn']);
    expect((await admin.request('POST', '/api/staff/import?on=2025-02-01', file)).json()).toMatchObject({
      created: 1,
    });
    expect((await admin.request('POST', '/api/staff/import?on=2025-05-01', file)).json()).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 1,
    });
    const listed = (await admin.request('GET', '/api/staff?all=true&q=bao.ngoc')).json();
    expect(listed.items.map((i: { validFrom: string }) => i.validFrom)).toEqual(['2025-02-01']);
  });
});

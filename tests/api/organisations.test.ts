import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

type Org = {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  ipRanges: string[];
  headName: string | null;
};

describe.each(TEST_DATABASES)('organisations on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  const ids: Record<string, string> = {};
  const create = async (code: string, name: string, type: string, parent: string | null, ipRanges: string[] = []) => {
    const res = await admin.request('POST', '/api/organisations', {
      code,
      name,
      type,
      parentId: parent ? ids[parent] : null,
      ipRanges,
    });
    expect(res.statusCode, res.body).toBe(201);
    ids[code] = res.json().id;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('org-admin', 'admin');
    await create('15', 'Tỉnh Yên Bái', 'province', null, ['10.15.0.0/16', '2001:db8:15::/48']);
    await create('137', 'Huyện Mù Cang Chải', 'district', '15', ['10.15.137.0/24']);
    await create('04402', 'Thị trấn Mù Cang Chải', 'commune', '137', ['10.15.137.16/28']);
    await create('141', 'Huyện Yên Bình', 'district', '15', ['10.15.141.0/24']);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('validates IP ranges with a clear message and keeps them canonical', async () => {
    const bad = await admin.request('POST', '/api/organisations', {
      code: 'X1',
      name: 'Bad ranges',
      type: 'other',
      ipRanges: ['10.0.0.1/24'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('10.0.0.1/24');
    const taken = await admin.request('POST', '/api/organisations', {
      code: 'X2',
      name: 'Taken',
      type: 'other',
      ipRanges: ['10.15.137.0/24'],
    });
    expect(taken.statusCode).toBe(409);
    const org = (await admin.request('GET', `/api/organisations/${ids['15']}`)).json() as Org;
    expect(org.ipRanges.sort()).toEqual(['10.15.0.0/16', '2001:db8:15::/48']);
  });

  it('refuses a parent cycle and deleting an organisation that has children', async () => {
    const cycle = await admin.request('PUT', `/api/organisations/${ids['15']}`, {
      code: '15',
      name: 'Tỉnh Yên Bái',
      type: 'province',
      parentId: ids['04402'],
    });
    expect(cycle.statusCode).toBe(400);
    expect((await admin.request('DELETE', `/api/organisations/${ids['137']}`)).statusCode).toBe(409);
  });

  it('isolates agencies in the queries: no other agency in lists, 404 by id', async () => {
    const district = await t.userWithRole('mcc-officer', 'agency', ids['137'] ?? null);
    const seen = ((await district.request('GET', '/api/organisations')).json() as Org[]).map((o) => o.code).sort();
    expect(seen).toEqual(['04402', '137']);
    expect((await district.request('GET', `/api/organisations/${ids['141']}`)).statusCode).toBe(404);
    expect((await district.request('GET', `/api/organisations/${ids['15']}`)).statusCode).toBe(404);
    expect((await district.request('GET', `/api/organisations/${ids['04402']}`)).statusCode).toBe(200);
    // Writes are refused by role before any lookup, for own and foreign ids alike.
    const put = await district.request('PUT', `/api/organisations/${ids['141']}`, {
      code: '141',
      name: 'Hijacked',
      type: 'district',
    });
    expect(put.statusCode).toBe(403);
    const del = await district.request('DELETE', `/api/organisations/${ids['04402']}`);
    expect(del.statusCode).toBe(403);
    const untouched = (await admin.request('GET', `/api/organisations/${ids['141']}`)).json() as Org;
    expect(untouched.name).toBe('Huyện Yên Bình');

    const communeOnly = await t.userWithRole('mcc-no-children', 'agency', ids['137'] ?? null, false);
    expect(((await communeOnly.request('GET', '/api/organisations')).json() as Org[]).map((o) => o.code)).toEqual([
      '137',
    ]);

    const leader = await t.userWithRole('yb-leader', 'viewer', ids['141'] ?? null);
    expect(((await leader.request('GET', '/api/organisations')).json() as Org[]).map((o) => o.code)).toEqual(['141']);
    const provinceLeader = await t.userWithRole('province-leader', 'viewer');
    expect(((await provinceLeader.request('GET', '/api/organisations')).json() as Org[]).length).toBe(4);
  });

  it('refuses a day that does not exist, or a validity that ends before it starts, naming the field', async () => {
    for (const [validFrom, validTo, field] of [
      ['2025-02-30', null, 'validFrom'],
      ['2025-07-01', '2025-06-31', 'validTo'],
      ['2025-07-01', '2025-06-30', 'validTo'],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code: 'DAYS',
        name: 'Ngày không có thật',
        type: 'other',
        validFrom,
        validTo,
      });
      expect(res.statusCode, `${validFrom}–${validTo}`).toBe(400);
      expect(JSON.stringify(res.json().error.details), `${validFrom}–${validTo}`).toContain(field);
    }
    // An empty date is "not set", as the form sends it.
    const open = await admin.request('POST', '/api/organisations', {
      code: 'DAYS',
      name: 'Không thời hạn',
      type: 'other',
      validFrom: '',
      validTo: '',
      email: '',
      parentId: '',
    });
    expect(open.statusCode, open.body).toBe(201);
    expect(open.json()).toMatchObject({ validFrom: null, validTo: null, email: null, parentId: null });
    expect((await admin.request('DELETE', `/api/organisations/${open.json().id}`)).statusCode).toBe(204);
  });

  it('refuses a reorganisation on a day that does not exist as VALIDATION naming the row, and writes nothing', async () => {
    const before = (await admin.request('GET', '/api/organisations')).json() as Org[];
    for (const effective of ['2025-02-30', '2025-13-01', '30/06/2025']) {
      const csv = [
        'effective,old_code,new_code,new_name,new_type,new_parent_code,legal_basis',
        `${effective},141,LC-1,Xã mới,commune,15,NQ thử`,
      ].join('\n');
      for (const dryRun of ['true', 'false']) {
        const res = await admin.request('POST', `/api/organisations/reorganise?dryRun=${dryRun}`, Buffer.from(csv));
        expect(res.statusCode, `${effective} ${res.body}`).toBe(400);
        expect(res.json().error).toMatchObject({
          code: 'VALIDATION',
          key: 'reorganiseBadDate',
          params: { row: 2, value: effective },
          details: { row: 2, column: 'effective' },
        });
        expect(res.json().error.message).toContain('Row 2');
      }
    }
    expect((await admin.request('GET', '/api/organisations')).json()).toEqual(before);
  });

  it('says what a fresh part of the province still lacks, within the caller’s scope', async () => {
    const start = (await admin.request('GET', '/api/getting-started')).json();
    expect(start).toEqual({ organisations: 4, systems: 0, scanImports: 0, socIngests: 0 });
    const commune = await t.userWithRole('start-commune', 'agency', ids['04402'] ?? null);
    expect((await commune.request('GET', '/api/getting-started')).json()).toMatchObject({ organisations: 1 });
  });

  it('imports a tree with a malformed row: names the row, keeps good rows, writes nothing half', async () => {
    const csv = [
      'Mã,Tên cơ quan,Loại,Mã đơn vị cấp trên,Người đứng đầu,Dải địa chỉ IP',
      '138,Huyện Trấn Yên,district,15,Nguyễn Văn A,10.15.138.0/24',
      '04600,Thị trấn Cổ Phúc,Cấp xã,138,,10.15.138.16/28',
      '04601,Xã Bad Range,commune,138,,10.15.138.300/28',
      '04602,Xã Under Bad,commune,04601,,',
      '04603,Xã Wrong Type,village,138,,',
      ',No code,commune,138,,',
      '04604,Xã Stolen Range,commune,138,,10.15.141.0/24',
    ].join('\n');
    const res = await admin.request(
      'POST',
      '/api/organisations/import',
      Buffer.from(
        csv.replace('Tên cơ quan', 'Tên cơ quan, đơn vị').replace('Tên cơ quan, đơn vị', '"Tên cơ quan, đơn vị"'),
      ),
    );
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json() as {
      created: number;
      updated: number;
      unchanged: number;
      errors: { row: number; column?: string; message: string; key?: string; params?: object }[];
    };
    expect(report.created).toBe(2);
    expect(report.errors.map((e) => [e.row, e.column])).toEqual([
      [4, 'ip_ranges'],
      [5, 'parent_code'],
      [6, 'type'],
      [7, 'code'],
      [8, 'ip_ranges'],
    ]);
    expect(report.errors[0]?.message).toContain('10.15.138.300/28');
    expect(report.errors[1]?.message).toContain('row 4');
    // Each problem also as a message key with its values, which the UI says in the reader's language.
    expect(report.errors.map((e) => [e.key, e.params])).toEqual([
      ['ipRangeInvalidList', { ranges: '10.15.138.300/28' }],
      ['importParentRefused', { code: '04601', row: 4 }],
      ['orgTypeUnknown', { value: 'village' }],
      ['required', undefined],
      ['ipRangeTaken', { ranges: '10.15.141.0/24' }],
    ]);
    expect(report.errors[3]?.message).toBe('Required');
    const codes = ((await admin.request('GET', '/api/organisations')).json() as Org[]).map((o) => o.code);
    expect(codes).toContain('04600');
    expect(codes).not.toContain('04601');
    expect(codes).not.toContain('04604');
    const [{ n }] = (await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from organisation_ip_ranges where cidr <<= '10.15.138.0/24'`,
    )) as [{ n: number }];
    expect(n).toBe(2);
  });

  it('round-trips the tree through XLSX and CSV; re-importing changes nothing', async () => {
    for (const format of ['xlsx', 'csv'] as const) {
      const exported = await admin.request('GET', `/api/organisations/export?format=${format}`);
      expect(exported.statusCode).toBe(200);
      const again = await admin.request('POST', '/api/organisations/import', exported.rawPayload);
      const report = again.json();
      expect(report, format).toMatchObject({ created: 0, updated: 0, errors: [] });
      expect(report.unchanged).toBe(6);
    }
    const csv = (await admin.request('GET', '/api/organisations/export?format=csv')).body;
    expect(csv.charCodeAt(0)).toBe(0xfeff); // BOM: Excel opens Vietnamese correctly
    expect(csv).toContain('Thị trấn Cổ Phúc');
  });

  it('updates by code on import and audits the change', async () => {
    const csv =
      'code,name,type,parent_code,head_name,ip_ranges\n138,Huyện Trấn Yên,district,15,Trần Thị B,10.15.138.0/24\n';
    const report = (await admin.request('POST', '/api/organisations/import', Buffer.from(csv))).json();
    expect(report).toMatchObject({ created: 0, updated: 1, errors: [] });
    const org = ((await admin.request('GET', '/api/organisations')).json() as Org[]).find((o) => o.code === '138');
    expect(org?.headName).toBe('Trần Thị B');
    const audit = (await admin.request('GET', `/api/audit?entityId=${org?.id}`)).json().items;
    expect(audit[0]).toMatchObject({
      action: 'organisation.import.update',
      before: { headName: 'Nguyễn Văn A' },
      after: { headName: 'Trần Thị B' },
    });
  });

  it('rejects an unreadable file with a clear message and changes nothing', async () => {
    const res = await admin.request('POST', '/api/organisations/import', Buffer.from('Mã,Colour\n1,red\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('Colour');
  });

  it('records successors (2025 mergers), defined before or after in the same file, and exports them', async () => {
    const csv = [
      'code,name,type,parent_code,valid_to,successor_code',
      '141,Huyện Yên Bình,district,15,30/06/2025,LC-99',
      'LC-99,Xã Yên Bình (mới),commune,15,,',
      'X-SELF,Self successor,other,15,,X-SELF',
      'X-BAD,Unknown successor,other,15,,NOPE',
    ].join('\n');
    const report = (await admin.request('POST', '/api/organisations/import', Buffer.from(csv))).json();
    expect(report.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [4, 'successor_code'],
      [5, 'successor_code'],
    ]);
    // Closed on 30/06/2025, the district is no longer in today's tree, but is in that day's.
    expect(((await admin.request('GET', '/api/organisations')).json() as Org[]).some((o) => o.code === '141')).toBe(
      false,
    );
    const all = (await admin.request('GET', '/api/organisations?asOf=2025-06-30')).json() as (Org & {
      successorId: string | null;
      validTo: string | null;
    })[];
    const old = all.find((o) => o.code === '141');
    expect(old).toMatchObject({ validTo: '2025-06-30', successorId: all.find((o) => o.code === 'LC-99')?.id });
    // Columns the file does not have are left as stored: the district keeps its IP range.
    expect(old?.ipRanges).toEqual(['10.15.141.0/24']);
    const exported = (await admin.request('GET', '/api/organisations/export?format=csv&asOf=2025-06-30')).body;
    expect(exported).toContain('30/06/2025,LC-99');
    const self = await admin.request('PUT', `/api/organisations/${old?.successorId}`, {
      code: 'LC-99',
      name: 'Xã Yên Bình (mới)',
      type: 'commune',
      parentId: ids['15'],
      successorId: old?.successorId,
    });
    expect(self.statusCode).toBe(400);
  });
});

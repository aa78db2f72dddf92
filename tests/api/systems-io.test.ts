import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { createSystem, createTree, DECISION, dossierIn, type Tree } from './systems-support.ts';

type Report = {
  created: number;
  updated: number;
  unchanged: number;
  errors: { row: number; column?: string; message: string; key?: string; params?: Record<string, unknown> }[];
};

/** Fills the downloaded XLSX template with rows, keyed by header text, as an officer would in Excel. */
async function fillTemplate(template: Buffer, rows: Record<string, string | number>[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  const headers = (ws.getRow(1).values as string[]).slice(1);
  for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? ''));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(TEST_DATABASES)('systems import/export (national-platform layout) on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let ids: Tree;
  let admin: Client;
  let dept: Client;
  let mcc: Client;
  let yb: Client;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('io-admin', 'admin');
    ids = await createTree(admin);
    dept = await t.userWithRole('io-dept', 'department');
    mcc = await t.userWithRole('io-mcc', 'agency', ids['137']);
    yb = await t.userWithRole('io-yb', 'agency', ids['141']);
    const a = await createSystem(mcc, ids['137'] as string, 3, {
      code: 'MCC-DVC',
      hosts: [{ hostname: 'web', address: '10.15.137.5' }],
      software: [{ name: 'Nginx', vendor: 'F5', version: '1.24.0', cpe: 'cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*' }],
    });
    await dossierIn(mcc, admin, a.id, 'approved', 3);
    const b = await createSystem(mcc, ids['04402'] as string, 2);
    await dossierIn(mcc, admin, b.id, 'returned', 2);
    await createSystem(yb, ids['141'] as string, 1);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it.each(['xlsx', 'csv', 'json'])('round-trips every system with level and dossier state as %s', async (format) => {
    const exported = await dept.request('GET', `/api/systems/export?format=${format}`);
    expect(exported.statusCode).toBe(200);
    const body = format === 'json' ? exported.json() : exported.rawPayload;
    const report = (await dept.request('POST', '/api/systems/import', body)).json() as Report;
    expect(report).toEqual({ created: 0, updated: 0, unchanged: 3, errors: [] });
    if (format === 'json') {
      const dvc = exported.json().find((r: { system_code: string }) => r.system_code === 'MCC-DVC');
      expect(dvc).toMatchObject({
        organisation_code: '137',
        system_type: 'Phục vụ người dân, doanh nghiệp',
        hosts: 'web=10.15.137.5/32',
        software: 'Nginx|F5|1.24.0|cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*',
        proposed_level: 3,
        approved_level: 3,
        dossier_state: 'Đã phê duyệt',
        decision_number: '123/QĐ-UBND',
        decision_date: DECISION.decisionDate.split('-').reverse().join('/'),
        suggested_rule: 'NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm a',
      });
    }
  });

  it('imports a filled XLSX template: bad rows by row number, good rows kept, re-import unchanged', async () => {
    const template = (await dept.request('GET', '/api/systems/template?format=xlsx')).rawPayload;
    const rows: Record<string, string | number>[] = [
      {
        'Mã cơ quan': '137',
        'Tên hệ thống thông tin': 'Hệ thống camera giám sát thị trấn',
        'Loại hệ thống': 'Cơ sở hạ tầng thông tin',
        'Phạm vi hạ tầng': 'Một cơ quan, tổ chức',
        'Máy chủ, địa chỉ IP': 'nvr01=10.15.137.40; 10.15.137.64/27',
        'Phần mềm, phiên bản': 'Hikvision iVMS|Hikvision|4.2',
      },
      {
        'Mã cơ quan': '137',
        'Tên hệ thống thông tin': 'Wifi công cộng',
        'Loại hệ thống': 'Khác',
        'Máy chủ, địa chỉ IP': '10.15.137.999',
      },
      { 'Mã cơ quan': 'NO-SUCH', 'Tên hệ thống thông tin': 'Hệ thống lạ', 'Loại hệ thống': 'Nội bộ' },
      { 'Mã cơ quan': '137', 'Tên hệ thống thông tin': 'Hệ thống sai loại', 'Loại hệ thống': 'Vệ tinh' },
      {
        'Mã cơ quan': '04402',
        'Mã hệ thống': 'TT-MCC-QLVB',
        'Tên hệ thống thông tin': 'Quản lý văn bản thị trấn',
        'Loại hệ thống': 'Nội bộ',
        'Thông tin riêng': 'Có',
        'Số người sử dụng': 25,
        'Cấp độ đề xuất': 2,
        'Trạng thái hồ sơ': 'Đã phê duyệt',
        'Số quyết định phê duyệt': '88/QĐ-STTTT',
        'Ngày phê duyệt': '20/08/2024',
      },
      { 'Mã cơ quan': '137', 'Tên hệ thống thông tin': 'Hệ thống camera giám sát thị trấn', 'Loại hệ thống': 'Nội bộ' },
    ];
    const file = await fillTemplate(template, rows);
    const first = (await dept.request('POST', '/api/systems/import', file)).json() as Report;
    expect(first.created).toBe(2);
    expect(first.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'hosts'],
      [4, 'organisation_code'],
      [5, 'system_type'],
      [7, 'name'],
    ]);
    expect(first.errors[0]?.message).toContain('10.15.137.999');
    expect(first.errors[3]?.message).toContain('row 2');
    // Each refusal carries the key the UI translates, with its values.
    expect(first.errors.map((e) => [e.key, e.params])).toEqual([
      ['systems.invalidHosts', { values: '10.15.137.999' }],
      ['systems.importUnknownOrganisation', expect.objectContaining({ code: expect.any(String) })],
      ['systems.importUnknownValue', expect.objectContaining({ value: expect.any(String) })],
      ['systems.importDuplicateRow', { row: 2 }],
    ]);
    const again = (await dept.request('POST', '/api/systems/import', file)).json() as Report;
    expect([again.created, again.updated, again.unchanged, again.errors.length]).toEqual([0, 0, 2, 4]);

    const systems = (await dept.request('GET', '/api/systems')).json().items;
    const cam = systems.find((s: { name: string }) => s.name === 'Hệ thống camera giám sát thị trấn');
    expect(cam.hosts.map((h: { address: string }) => h.address)).toEqual(['10.15.137.40/32', '10.15.137.64/27']);
    expect(cam.suggestion).toMatchObject({ level: 2, ruleId: 'nd85-l2-agency-infra' });
    const qlvb = systems.find((s: { code: string }) => s.code === 'TT-MCC-QLVB');
    expect(qlvb.status).toMatchObject({ approvedLevel: 2, approvedOn: '2024-08-20' });
    const history = (await dept.request('GET', `/api/dossiers/${qlvb.status.dossier.id}`)).json().history;
    expect(history.map((h: { action: string; actorName: string }) => [h.action, h.actorName])).toEqual([
      ['import', 'io-dept'],
    ]);
  });

  it('limits an agency’s import and export to its own organisations and keeps dossier states to the Department', async () => {
    const own = (await yb.request('GET', '/api/systems/export?format=json')).json();
    expect(own.map((r: { organisation_code: string }) => r.organisation_code)).toEqual(['141']);
    const csv = [
      'organisation_code,name,system_type,proposed_level,dossier_state,decision_number,decision_date',
      '137,Hệ thống cài cắm,internal,,,,',
      '141,Cổng thông tin huyện Yên Bình,public_service,2,approved,1/QĐ,01/08/2024',
      '141,Thư điện tử huyện,internal,,,,',
    ].join('\n');
    const report = (await yb.request('POST', '/api/systems/import', Buffer.from(csv))).json() as Report;
    expect(report.created).toBe(1);
    expect(report.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'organisation_code'],
      [3, 'dossier_state'],
    ]);
    const names = (await dept.request('GET', '/api/systems')).json().items.map((s: { name: string }) => s.name);
    expect(names).toContain('Thư điện tử huyện');
    expect(names).not.toContain('Hệ thống cài cắm');
    expect(names).not.toContain('Cổng thông tin huyện Yên Bình');
  });
});

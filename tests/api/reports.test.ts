import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { docxText, POPPLER, pdfBodyText } from '../support/documents.ts';

/**
 * Official reports through their life on a small province: a draft's figures, approval by another user (never the
 * author), issue with the next number of the unit's register and the files stored with their SHA-256, every step
 * audited; an agency's reports are its own (another agency's is "not found"), a viewer reads only, bad input names
 * its field.
 */
describe.each(TEST_DATABASES)('official reports on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let dept: Client;
  let dept2: Client;
  let agencyA: Client;
  let agencyA2: Client;
  let agencyB: Client;
  let viewer: Client;
  const org: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('rp-admin', 'admin');
    const make = async (code: string, name: string, type: string, parentId?: string) => {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name,
        type,
        validFrom: '2020-01-01',
        ...(parentId ? { parentId } : {}),
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    };
    await make('P', 'Tỉnh Thử', 'province');
    await make('STTTT', 'Sở Thông tin và Truyền thông', 'department', org.P);
    await make('SYT', 'Sở Y tế', 'department', org.P);
    dept = await t.userWithRole('rp-dept', 'department');
    dept2 = await t.userWithRole('rp-dept2', 'department');
    agencyA = await t.userWithRole('rp-a', 'agency', org.STTTT ?? null);
    agencyA2 = await t.userWithRole('rp-a2', 'agency', org.STTTT ?? null);
    agencyB = await t.userWithRole('rp-b', 'agency', org.SYT ?? null);
    viewer = await t.userWithRole('rp-viewer', 'viewer');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  const draft = async (c: Client, body: Record<string, unknown>) => {
    const res = await c.request('POST', '/api/reports', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const auditActions = async (id: string) =>
    (
      await queryRows<{ action: string }>(
        database.db,
        sql`select action from audit_log where entity_type = 'report' and entity_id = ${id} order by seq`,
      )
    ).map((r) => r.action);

  it('drafts, refuses the author’s approval and an early issue, then numbers and stores the issued files', async () => {
    const r = await draft(dept, { kind: 'six_month', year: 2024, half: 1 });
    expect(r).toMatchObject({
      state: 'draft',
      kind: 'six_month',
      organisationId: org.P,
      periodFrom: '2024-01-01',
      periodTo: '2024-06-30',
      number: null,
    });
    expect(r.figures.period).toEqual({ from: '2024-01-01', to: '2024-06-30', asOf: '2024-06-30' });
    expect(r.figures.vulnerabilities.vulnerableComputers).toBe(0);

    const own = await dept.request('POST', `/api/reports/${r.id}/approve`);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.key).toBe('reports.ownDraft');
    const early = await dept2.request('POST', `/api/reports/${r.id}/issue`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.key).toBe('reports.notApproved');

    const approved = await dept2.request('POST', `/api/reports/${r.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'approved', approvedByName: 'rp-dept2' });
    expect((await dept2.request('POST', `/api/reports/${r.id}/approve`)).statusCode).toBe(409);

    const issued = await dept.request('POST', `/api/reports/${r.id}/issue`);
    expect(issued.statusCode, issued.body).toBe(200);
    const year = new Date().getFullYear();
    expect(issued.json()).toMatchObject({ state: 'issued', number: 1 });
    expect(issued.json().issuedOn.slice(0, 4)).toBe(String(year));
    expect(issued.json().pdfSha256).toMatch(/^[0-9a-f]{64}$/);

    const pdf = await viewer.request('GET', `/api/reports/${r.id}/file?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['x-content-sha256']).toBe(issued.json().pdfSha256);
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe(issued.json().pdfSha256);
    const docx = await viewer.request('GET', `/api/reports/${r.id}/file?format=docx`);
    expect(createHash('sha256').update(docx.rawPayload).digest('hex')).toBe(issued.json().docxSha256);
    expect(await docxText(docx.rawPayload)).toContain('Số: 01/BC-');
    if (POPPLER) expect(pdfBodyText(pdf.rawPayload)).toContain('Số: 01/BC-');
    // Issued is final: the same bytes whenever it is fetched.
    const again = await dept.request('GET', `/api/reports/${r.id}/file?format=pdf`);
    expect(again.headers['x-content-sha256']).toBe(issued.json().pdfSha256);
    expect((await dept.request('POST', `/api/reports/${r.id}/issue`)).statusCode).toBe(409);

    // The next report of the same unit takes the next number.
    const r2 = await draft(dept2, { kind: 'annual', year: 2024 });
    await dept.request('POST', `/api/reports/${r2.id}/approve`);
    const issued2 = await dept2.request('POST', `/api/reports/${r2.id}/issue`);
    expect(issued2.json()).toMatchObject({ state: 'issued', number: 2 });
    expect(await auditActions(r.id)).toEqual(['report.create', 'report.approve', 'report.issue']);
  });

  it('keeps an agency’s reports its own and lets a colleague approve them', async () => {
    const a = await draft(agencyA, { kind: 'annual', year: 2024 });
    expect(a.organisationId).toBe(org.STTTT);
    expect(a.symbol).toBe('BC-STTTT');
    // Another agency: not found, in the list neither; nor may it draft for that unit.
    expect((await agencyB.request('GET', `/api/reports/${a.id}`)).statusCode).toBe(404);
    expect((await agencyB.request('GET', `/api/reports/${a.id}/file?format=pdf`)).statusCode).toBe(404);
    expect((await agencyB.request('POST', `/api/reports/${a.id}/approve`)).statusCode).toBe(404);
    const list = (await agencyB.request('GET', '/api/reports')).json();
    expect(list.items.map((x: { id: string }) => x.id)).not.toContain(a.id);
    const foreign = await agencyB.request('POST', '/api/reports', {
      kind: 'annual',
      year: 2024,
      organisationId: org.STTTT,
    });
    expect(foreign.statusCode).toBe(404);
    expect(
      (await agencyB.request('GET', `/api/reports/preview?kind=annual&year=2024&organisationId=${org.STTTT}`))
        .statusCode,
    ).toBe(404);
    // The agency's own list has it; a colleague approves and issues; the Department sees it too.
    expect((await agencyA.request('GET', '/api/reports')).json().items.map((x: { id: string }) => x.id)).toContain(
      a.id,
    );
    expect((await agencyA2.request('POST', `/api/reports/${a.id}/approve`)).statusCode).toBe(200);
    const issued = await agencyA.request('POST', `/api/reports/${a.id}/issue`);
    expect(issued.json()).toMatchObject({ state: 'issued', number: 1 });
    expect((await dept.request('GET', `/api/reports/${a.id}`)).statusCode).toBe(200);
    // A unit sends the annual report to its owner before 20/12 (TT 12/2022 Art. 13, rules/reports.json).
    const file = await dept.request('GET', `/api/reports/${a.id}/file?format=docx`);
    const text = await docxText(file.rawPayload);
    expect(text).toContain('gửi trước ngày 20/12/2024');
    expect(text).toContain('số liệu từ ngày 15/12/2023 đến ngày 14/12/2024');
  });

  it('numbers an inspection conclusion in the inspecting unit’s register and shows it to the inspected agency', async () => {
    const created = await dept.request('POST', '/api/inspections', {
      title: 'Kiểm tra đột xuất Sở Y tế',
      kind: 'ad_hoc',
      organisationId: org.SYT,
      inspectorOrganisationId: org.STTTT,
      plannedStart: '2024-05-20',
      plannedEnd: '2024-05-21',
    });
    expect(created.statusCode, created.body).toBe(201);
    const inspectionId = created.json().id;
    // Before the field work there is nothing to conclude.
    const early = await dept.request('POST', '/api/reports', { kind: 'inspection_conclusion', inspectionId });
    expect(early.statusCode).toBe(409);
    for (const [to, on] of [
      ['notified', '2024-05-08'],
      ['in_progress', '2024-05-20'],
    ])
      expect((await dept.request('POST', `/api/inspections/${inspectionId}/transitions`, { to, on })).statusCode).toBe(
        200,
      );
    // The inspected agency may not draft its own conclusion (the inspecting unit is not in its scope).
    expect(
      (await agencyB.request('POST', '/api/reports', { kind: 'inspection_conclusion', inspectionId })).statusCode,
    ).toBe(404);
    const r = await draft(dept, { kind: 'inspection_conclusion', inspectionId });
    expect(r).toMatchObject({ organisationId: org.STTTT, inspectionId, state: 'draft' });
    expect(r.symbol).toMatch(/^KL-/);
    expect((await agencyB.request('POST', `/api/reports/${r.id}/approve`)).json().error.key).toBe('reports.notIssuer');
    await dept2.request('POST', `/api/reports/${r.id}/approve`);
    const issued = await dept.request('POST', `/api/reports/${r.id}/issue`);
    // One register per issuing unit and year: after the unit's annual report (01) comes 02.
    expect(issued.json()).toMatchObject({ state: 'issued', number: 2 });
    // The agency sees it and reads the same stored file.
    const file = await agencyB.request('GET', `/api/reports/${r.id}/file?format=docx`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['x-content-sha256']).toBe(issued.json().docxSha256);
    const text = await docxText(file.rawPayload);
    expect(text).toContain(`Số: 02/${r.symbol}`);
    expect(text).toContain('Kiểm tra, đánh giá an toàn thông tin tại Sở Y tế');
    // The inspecting unit's own officials find it in their register.
    expect((await agencyA2.request('GET', '/api/reports')).json().items.map((x: { id: string }) => x.id)).toContain(
      r.id,
    );
  });

  it('lets a viewer read but not write, and names the field of bad input', async () => {
    expect((await viewer.request('POST', '/api/reports', { kind: 'annual', year: 2024 })).statusCode).toBe(403);
    expect((await viewer.request('GET', '/api/reports')).statusCode).toBe(200);
    const field = async (body: Record<string, unknown>) => {
      const res = await dept.request('POST', '/api/reports', body);
      expect(res.statusCode, res.body).toBe(400);
      return JSON.stringify(res.json());
    };
    expect(await field({ kind: 'six_month', year: 2024 })).toContain('half');
    expect(await field({ kind: 'annual' })).toContain('year');
    expect(await field({ kind: 'six_month', year: 2024, half: 3 })).toContain('half');
    expect(await field({ kind: 'weekly', year: 2024 })).toContain('kind');
    expect(await field({ kind: 'inspection_conclusion' })).toContain('inspectionId');
    expect(await field({ kind: 'annual', year: 2024, symbol: '=cmd|x' })).toContain('symbol');
    // A period that has not begun has no figures yet.
    const future = await dept.request('POST', '/api/reports', { kind: 'annual', year: 2099 });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.key).toBe('reports.periodNotBegun');
    expect((await dept.request('GET', '/api/reports/not-a-uuid')).statusCode).toBe(400);
    expect((await dept.request('GET', '/api/reports/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await dept.request('GET', '/api/reports/preview?kind=six_month&year=2024')).statusCode).toBe(400);
  });
  it('cites its legal basis as a Vietnamese document does: the article, then the circular by its full name', async () => {
    const r = await draft(agencyB, { kind: 'annual', year: 2024 });
    const text = (
      await docxText((await agencyB.request('GET', `/api/reports/${r.id}/file?format=docx`)).rawPayload)
    ).replace(/\s+/g, ' ');
    expect(text).toContain('Thực hiện Điều 13 Thông tư số 12/2022/TT-BTTTT, Sở Y tế báo cáo');
    expect(text).not.toMatch(/Thực hiện TT /);
    const m = await draft(agencyB, { kind: 'monitoring', year: 2024, half: 1 });
    const monitoring = await docxText(
      (await agencyB.request('GET', `/api/reports/${m.id}/file?format=docx`)).rawPayload,
    );
    expect(monitoring.replace(/\s+/g, ' ')).toContain('Thực hiện Thông tư số 31/2017/TT-BTTTT, Sở Y tế báo cáo');
  });
  it('gives an inspection one conclusion: a second draft, even at the same moment, is refused', async () => {
    const created = await dept.request('POST', '/api/inspections', {
      title: 'Kiểm tra đột xuất Sở Y tế lần hai',
      kind: 'ad_hoc',
      organisationId: org.SYT,
      inspectorOrganisationId: org.STTTT,
      plannedStart: '2024-06-10',
      plannedEnd: '2024-06-11',
    });
    expect(created.statusCode, created.body).toBe(201);
    const inspectionId = created.json().id;
    const step = await dept.request('POST', `/api/inspections/${inspectionId}/transitions`, {
      to: 'in_progress',
      on: '2024-06-10',
    });
    expect(step.statusCode, step.body).toBe(200);
    const body = { kind: 'inspection_conclusion', inspectionId };
    const both = await Promise.all([
      dept.request('POST', '/api/reports', body),
      dept2.request('POST', '/api/reports', body),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.statusCode === 409)?.json().error.key).toBe('reports.conclusionExists');
    // Later too, whatever the first one's state.
    expect((await dept.request('POST', '/api/reports', body)).statusCode).toBe(409);
    const conclusions = (await dept.request('GET', '/api/reports?kind=inspection_conclusion')).json();
    expect(conclusions.items.filter((x: { inspectionId: string }) => x.inspectionId === inspectionId)).toHaveLength(1);
  });
});

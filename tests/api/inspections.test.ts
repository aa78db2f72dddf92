import { execFileSync } from 'node:child_process';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { remindOverdueFindings } from '../../src/modules/inspections/index.ts';
import { notifications } from '../../src/modules/notifications/notifications.schema.ts';
import { ruleBook } from '../../src/modules/rules/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const csv = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
// One computer of agency A with a critical finding, scanned on 15/04/2024 (HOST_START_TIMESTAMP).
const NESSUS = `<?xml version="1.0"?><NessusClientData_v2><Report name="insp"><ReportHost name="10.1.0.5"><HostProperties>
<tag name="host-ip">10.1.0.5</tag><tag name="hostname">may-chu-a</tag><tag name="HOST_START_TIMESTAMP">1713146400</tag>
</HostProperties><ReportItem port="443" svc_name="https" protocol="tcp" severity="4" pluginID="190000" pluginName="PAN-OS CVE-2024-3400"><risk_factor>Critical</risk_factor><cve>CVE-2024-3400</cve><cvss3_base_score>10.0</cvss3_base_score></ReportItem></ReportHost></Report></NessusClientData_v2>`;

type Check = {
  id: string;
  systemName: string | null;
  level: number | null;
  content: string;
  itemCode: string;
  evidence: string | null;
  legalBasis: string;
};
type Detail = {
  id: string;
  state: string;
  inspectorOrganisationId: string;
  clocks: {
    clock: string;
    dueOn: string | null;
    doneOn: string | null;
    state: string;
    legalBasis: string | null;
    confirmed: boolean;
  }[];
  checklist: Check[];
  checklistAnswered: number;
  findingList: {
    id: string;
    title: string;
    state: string;
    overdue: boolean;
    ownFinding: boolean;
    events: { kind: string; on: string }[];
  }[];
  transitions: string[];
  noticeClock: string;
  conclusionClock: string;
};

describe.each(TEST_DATABASES)('inspections on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let dept: Client;
  let agencyA: Client;
  let agencyA1: Client;
  let agencyB: Client;
  let viewer: Client;
  const org: Record<string, string> = {};
  const system: Record<string, string> = {};
  let planId = '';
  let inspA = '';
  let inspB = '';

  const ok = async <T = Detail>(c: Client, method: string, url: string, body?: unknown, status = 200): Promise<T> => {
    const res = await c.request(method, url, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.json() as T;
  };
  const refused = async (c: Client, method: string, url: string, body: unknown, status: number) => {
    const res = await c.request(method, url, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.json() as { error: { code: string; details?: unknown; key?: string; message: string } };
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('in-admin', 'admin');
    for (const [code, name, type, parent, ranges] of [
      ['P', 'Tỉnh Thử', 'province', null, []],
      ['S', 'Sở Thông tin và Truyền thông', 'department', 'P', []],
      ['A', 'Sở An Bình', 'department', 'P', ['10.1.0.0/16']],
      ['A1', 'Trung tâm An Bình', 'other', 'A', []],
      ['B', 'Sở Bắc Hà', 'department', 'P', ['10.2.0.0/16']],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name,
        type,
        parentId: parent ? org[parent] : null,
        ipRanges: ranges,
        validFrom: '2020-01-01',
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    dept = await t.userWithRole('in-dept', 'department', org.S ?? null);
    agencyA = await t.userWithRole('in-agency-a', 'agency', org.A ?? null);
    agencyA1 = await t.userWithRole('in-agency-a1', 'agency', org.A1 ?? null);
    agencyB = await t.userWithRole('in-agency-b', 'agency', org.B ?? null);
    viewer = await t.userWithRole('in-viewer', 'viewer');
    const soc = await t.userWithRole('in-soc', 'soc');
    const sys = await ok<{ errors: unknown[] }>(
      admin,
      'POST',
      '/api/systems/import',
      csv([
        'organisation_code,name,system_type,proposed_level,dossier_state,decision_number,decision_date',
        'A,Cổng dịch vụ công An Bình,internal,3,approved,12/QĐ-UBND,15/01/2024',
        'A,Thư điện tử An Bình,internal,2,approved,13/QĐ-UBND,15/01/2024',
        'B,Quản lý văn bản Bắc Hà,internal,2,approved,14/QĐ-UBND,15/01/2024',
      ]),
    );
    expect(sys.errors, JSON.stringify(sys.errors)).toEqual([]);
    for (const s of (await ok<{ items: { id: string; name: string }[] }>(admin, 'GET', '/api/systems')).items)
      system[s.name] = s.id;
    const scan = await soc.request('POST', '/api/vulnerabilities/scans?fileName=insp.nessus', Buffer.from(NESSUS));
    expect(scan.statusCode, scan.body).toBe(201);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.close();
  });

  it('the Department issues a year’s plan; bad input names the field, an agency may not', async () => {
    expect(
      (
        await refused(
          dept,
          'POST',
          '/api/inspection-plans',
          { year: 1999, organisationId: org.S, title: 'Kế hoạch' },
          400,
        )
      ).error.message,
    ).toMatch(/year/);
    await refused(
      agencyA,
      'POST',
      '/api/inspection-plans',
      { year: 2024, organisationId: org.S, title: 'Kế hoạch' },
      403,
    );
    const plan = await ok<{ id: string; team: unknown[] }>(
      dept,
      'POST',
      '/api/inspection-plans',
      {
        year: 2024,
        organisationId: org.S,
        title: 'Kế hoạch kiểm tra an toàn thông tin năm 2024',
        decisionRef: '45/QĐ-STTTT',
        decisionDate: '2024-03-01',
        team: [
          { name: 'Nguyễn Văn Trưởng', role: 'lead' },
          { name: 'Trần Thị Thành', role: 'member' },
        ],
      },
      201,
    );
    planId = plan.id;
    expect(plan.team).toHaveLength(2);
  });

  it('inspections join the plan with the agency’s own systems only', async () => {
    const base = { kind: 'periodic', planId, plannedStart: '2024-05-10', plannedEnd: '2024-05-12' };
    const wrong = await refused(
      dept,
      'POST',
      '/api/inspections',
      { ...base, title: 'Kiểm tra Sở An Bình', organisationId: org.A, systemIds: [system['Quản lý văn bản Bắc Hà']] },
      400,
    );
    expect(JSON.stringify(wrong.error)).toMatch(/systemIds/);
    const a = await ok(
      dept,
      'POST',
      '/api/inspections',
      {
        ...base,
        title: 'Kiểm tra Sở An Bình',
        organisationId: org.A,
        systemIds: [system['Cổng dịch vụ công An Bình'], system['Thư điện tử An Bình']],
      },
      201,
    );
    inspA = a.id;
    expect(a.inspectorOrganisationId).toBe(org.S);
    const b = await ok(
      dept,
      'POST',
      '/api/inspections',
      {
        ...base,
        title: 'Kiểm tra Sở Bắc Hà',
        organisationId: org.B,
        plannedStart: '2024-05-20',
        plannedEnd: '2024-05-21',
        systemIds: [system['Quản lý văn bản Bắc Hà']],
      },
      201,
    );
    inspB = b.id;
    // The plan's year and an inspection's dates stay together; a moved agency takes its systems' check along.
    await refused(dept, 'PATCH', `/api/inspection-plans/${planId}`, { year: 2025 }, 400);
    await refused(
      dept,
      'PATCH',
      `/api/inspections/${inspB}`,
      { plannedStart: '2025-01-05', plannedEnd: '2025-01-06' },
      400,
    );
    expect(
      JSON.stringify((await refused(dept, 'PATCH', `/api/inspections/${inspB}`, { organisationId: org.A }, 400)).error),
    ).toMatch(/systemIds/);
    const plan = await ok<{ inspectionList: { id: string; organisationName: string }[] }>(
      dept,
      'GET',
      `/api/inspection-plans/${planId}`,
    );
    expect(plan.inspectionList.map((i) => i.organisationName)).toEqual(['Sở An Bình', 'Sở Bắc Hà']);
  });

  it('the notice clock: 10 days before the start; a late notice is recorded and shown, not refused', async () => {
    await refused(dept, 'POST', `/api/inspections/${inspA}/transitions`, { to: 'in_progress', on: '2024-05-10' }, 409);
    const a = await ok(dept, 'POST', `/api/inspections/${inspA}/transitions`, { to: 'notified', on: '2024-05-05' });
    expect(a.clocks[0]).toMatchObject({ clock: 'notice', dueOn: '2024-04-30', doneOn: '2024-05-05', state: 'late' });
    // In 2024 TT 12/2022 governs; its text was not read, so TT 03's 10 days are carried forward unconfirmed.
    expect(a.clocks[0]).toMatchObject({ legalBasis: 'TT 12/2022/TT-BTTTT', confirmed: false });
    const before = (await ruleBook(database.db)).on('inspection_clock', '2021-06-01');
    expect(before.map((r) => [r.data.clock, r.data.days, r.legalBasis, r.confirmed])).toEqual([
      ['notice', 10, 'TT 03/2017/TT-BTTTT, Điều 10–13', true],
      ['conclusion', 30, 'TT 03/2017/TT-BTTTT, Điều 10–13', true],
    ]);
    const b = await ok(dept, 'POST', `/api/inspections/${inspB}/transitions`, { to: 'notified', on: '2024-05-08' });
    expect(b.noticeClock).toBe('met');
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, inspA), eq(auditLog.action, 'inspection.transition')));
    expect(JSON.stringify(entry?.after)).toContain('"state":"late"');
    const [notice] = await database.db.select().from(notifications).where(eq(notifications.kind, 'inspection.notice'));
    expect(notice?.link).toBe(`/inspections/view?id=${inspA}`);
  });

  it('the checklist of the start day follows each system’s level and carries Khiên’s own scan figures', async () => {
    const a = await ok(dept, 'POST', `/api/inspections/${inspA}/transitions`, { to: 'in_progress', on: '2024-05-10' });
    const book = await ruleBook(database.db);
    const legal = (level: number) =>
      book.on('inspection_item', '2024-05-10').filter((r) => r.data.content === 'legal' && r.data.minLevel <= level)
        .length;
    const plan = (level: number) =>
      book.on('checklist_item', '2024-05-10').filter((r) => r.data.minLevel <= level).length;
    const of = (name: string, content: string) =>
      a.checklist.filter((c) => c.systemName === name && c.content === content);
    expect(of('Cổng dịch vụ công An Bình', 'legal')).toHaveLength(legal(3));
    expect(of('Thư điện tử An Bình', 'legal')).toHaveLength(legal(2));
    expect(legal(3)).toBeGreaterThan(legal(2)); // monitoring (TT 31/2017) from level 3
    expect(of('Cổng dịch vụ công An Bình', 'effectiveness')).toHaveLength(plan(3));
    expect(of('Thư điện tử An Bình', 'effectiveness')).toHaveLength(plan(2));
    expect(new Set(a.checklist.map((c) => c.content))).toEqual(new Set(['legal', 'effectiveness', 'scan', 'other']));
    const scan = a.checklist.find((c) => c.itemCode === 'S1');
    expect(scan?.evidence).toContain('ngày 10/05/2024: 1 máy tính có lỗ hổng (1 có lỗ hổng nghiêm trọng)');
    expect(scan?.evidence).toContain('Lần rà quét gần nhất: 15/04/2024');
    expect(a.checklist.every((c) => c.legalBasis.length > 2)).toBe(true);
    // B has no computer with a vulnerability.
    const b = await ok(dept, 'POST', `/api/inspections/${inspB}/transitions`, { to: 'in_progress', on: '2024-05-20' });
    expect(b.checklist.find((c) => c.itemCode === 'S1')?.evidence).toContain('0 máy tính có lỗ hổng');
  });

  it('findings: owner within the inspected agency, deadlines; the agency is notified', async () => {
    const wrong = await refused(
      dept,
      'POST',
      `/api/inspections/${inspA}/findings`,
      { severity: 'high', organisationId: org.B, title: 'Thiếu nhật ký', dueOn: '2024-07-31' },
      400,
    );
    expect(JSON.stringify(wrong.error)).toMatch(/organisationId/);
    await refused(
      dept,
      'POST',
      `/api/inspections/${inspA}/findings`,
      { severity: 'high', organisationId: org.A, title: 'Thiếu nhật ký', dueOn: '2024-07-31', foundOn: '2024-05-01' },
      400,
    );
    await refused(
      dept,
      'POST',
      `/api/inspections/${inspA}/findings`,
      { severity: 'high', organisationId: org.A, title: 'Thiếu nhật ký', dueOn: '2024-05-10', foundOn: '2024-05-11' },
      400,
    );
    await ok(
      dept,
      'POST',
      `/api/inspections/${inspA}/findings`,
      {
        severity: 'high',
        organisationId: org.A1,
        systemId: system['Cổng dịch vụ công An Bình'],
        title: 'Chưa lưu nhật ký máy chủ web tối thiểu 30 ngày',
        dueOn: '2024-07-31',
        foundOn: '2024-05-11',
      },
      201,
    );
    const a = await ok(
      dept,
      'POST',
      `/api/inspections/${inspA}/findings`,
      {
        severity: 'medium',
        organisationId: org.A,
        title: 'Chưa ban hành quy chế bảo đảm an toàn thông tin',
        dueOn: '2024-06-30',
        foundOn: '2024-05-12',
      },
      201,
    );
    expect(a.findingList.map((f) => f.title)).toEqual([
      'Chưa lưu nhật ký máy chủ web tối thiểu 30 ngày',
      'Chưa ban hành quy chế bảo đảm an toàn thông tin',
    ]);
    expect(a.findingList.every((f) => f.overdue)).toBe(true);
    const sent = await database.db.select().from(notifications).where(eq(notifications.kind, 'inspection.finding'));
    expect(sent.length).toBeGreaterThanOrEqual(2);
  });

  it('concluding needs every checklist result; the conclusion clock is 30 days after the field work', async () => {
    const body = { to: 'concluded', on: '2024-06-05', endedOn: '2024-05-12', summary: 'Đơn vị cơ bản tuân thủ.' };
    const incomplete = await refused(dept, 'POST', `/api/inspections/${inspA}/transitions`, body, 409);
    expect(incomplete.error.key ?? incomplete.error.message).toMatch(/checklistIncomplete|no result/);
    await refused(
      agencyA,
      'PATCH',
      `/api/inspections/${inspA}/checks/${(await ok(dept, 'GET', `/api/inspections/${inspA}`)).checklist[0]?.id}`,
      { result: 'compliant' },
      403,
    );
    for (const id of [inspA, inspB]) {
      const d = await ok(dept, 'GET', `/api/inspections/${id}`);
      for (const [n, c] of d.checklist.entries())
        await ok(dept, 'PATCH', `/api/inspections/${id}/checks/${c.id}`, {
          result: n % 5 === 0 ? 'partly' : 'compliant',
          note: n === 0 ? 'Hồ sơ đã phê duyệt' : undefined,
        });
    }
    const a = await ok(dept, 'POST', `/api/inspections/${inspA}/transitions`, body);
    expect(a.checklistAnswered).toBe(a.checklist.length);
    expect(a.clocks[1]).toMatchObject({ clock: 'conclusion', dueOn: '2024-06-11', doneOn: '2024-06-05', state: 'met' });
    const b = await ok(dept, 'POST', `/api/inspections/${inspB}/transitions`, {
      to: 'concluded',
      on: '2024-07-01',
      endedOn: '2024-05-21',
    });
    expect(b.conclusionClock).toBe('late');
  });

  it('the agency answers its own finding; another agency cannot see it; the Department accepts or returns', async () => {
    const a = await ok(dept, 'GET', `/api/inspections/${inspA}`);
    const [f1, f2] = a.findingList;
    if (!f1 || !f2) throw new Error('findings missing');
    const answer = `/api/inspections/${inspA}/findings/${f1.id}/answer`;
    await refused(agencyB, 'POST', answer, { text: 'Đã khắc phục' }, 404);
    await refused(viewer, 'POST', answer, { text: 'Đã khắc phục' }, 403);
    expect((await refused(agencyA1, 'POST', answer, { text: '' }, 400)).error.message).toMatch(/text/);
    // A1 answers its finding; it cannot answer A's own.
    await refused(agencyA1, 'POST', `/api/inspections/${inspA}/findings/${f2.id}/answer`, { text: 'Đã ban hành' }, 404);
    const answered = await ok(agencyA1, 'POST', answer, {
      text: 'Đã cấu hình lưu nhật ký 90 ngày',
      evidence: 'Công văn 12/TT-AB',
      on: '2024-07-10',
    });
    expect(answered.findingList.find((f) => f.id === f1.id)).toMatchObject({ state: 'answered', ownFinding: true });
    await refused(agencyA, 'POST', `/api/inspections/${inspA}/findings/${f1.id}/decision`, { accept: true }, 403);
    // Returning an open finding, or without a note, is refused.
    await refused(
      dept,
      'POST',
      `/api/inspections/${inspA}/findings/${f2.id}/decision`,
      { accept: false, note: 'Chưa đạt' },
      409,
    );
    await refused(dept, 'POST', `/api/inspections/${inspA}/findings/${f1.id}/decision`, { accept: false }, 400);
    const closed = await ok(dept, 'POST', `/api/inspections/${inspA}/findings/${f1.id}/decision`, {
      accept: true,
      on: '2024-07-15',
    });
    expect(closed.findingList.find((f) => f.id === f1.id)).toMatchObject({ state: 'closed', overdue: false });
    expect(closed.findingList.find((f) => f.id === f1.id)?.events.map((e) => `${e.kind} ${e.on}`)).toEqual([
      'answer 2024-07-10',
      'accept 2024-07-15',
    ]);
    const open = await refused(dept, 'POST', `/api/inspections/${inspA}/transitions`, { to: 'closed' }, 409);
    expect(open.error.message).toMatch(/1 findings are not closed/);
    // Another agency sees neither the inspection nor it in the list.
    await refused(agencyB, 'GET', `/api/inspections/${inspA}`, undefined, 404);
    const listB = await ok<{ items: { id: string }[]; total: number }>(agencyB, 'GET', '/api/inspections');
    expect(listB.items.map((i) => i.id)).toEqual([inspB]);
    const overdue = await ok<{ items: { id: string; findingsOverdue: number }[] }>(
      dept,
      'GET',
      '/api/inspections?overdue=true',
    );
    expect(overdue.items).toEqual([expect.objectContaining({ id: inspA, findingsOverdue: 1 })]);
    const search = await ok<{ total: number }>(dept, 'GET', `/api/inspections?q=${encodeURIComponent('bac ha')}`);
    expect(search.total).toBe(1);
  });

  it('figures as of a day: planned, done, concluded and findings closed, open and overdue then', async () => {
    const fig = (c: Client, q: string) => ok<Record<string, number>>(c, 'GET', `/api/inspections/figures?${q}`);
    expect(await fig(dept, 'from=2024-01-01&to=2024-12-31')).toEqual({
      planned: 2,
      done: 2,
      concluded: 2,
      findings: 2,
      findingsOpen: 1,
      findingsClosed: 1,
      findingsOverdue: 1,
    });
    // On 30/06/2024 nothing was closed yet and no deadline had passed; B's conclusion came on 01/07.
    expect(await fig(dept, 'from=2024-01-01&to=2024-06-30')).toEqual({
      planned: 2,
      done: 2,
      concluded: 1,
      findings: 2,
      findingsOpen: 2,
      findingsClosed: 0,
      findingsOverdue: 0,
    });
    expect(await fig(dept, `from=2024-01-01&to=2024-12-31&organisationId=${org.B}`)).toMatchObject({
      planned: 1,
      findings: 0,
    });
    expect(await fig(agencyB, 'from=2024-01-01&to=2024-12-31')).toMatchObject({ planned: 1, findings: 0 });
    await refused(dept, 'GET', '/api/inspections/figures?from=2024-12-31&to=2024-01-01', undefined, 400);
  });

  it('the agency is reminded once of a finding past its deadline', async () => {
    // On 01/07/2024 only the finding due 30/06 was late (the other, closed on 15/07, was due 31/07).
    expect(await remindOverdueFindings(database.db, '2024-07-01')).toBe(1);
    expect(await remindOverdueFindings(database.db, '2024-08-01')).toBe(0);
    const [reminder] = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'inspection.overdue'));
    expect(reminder?.title).toContain('Chưa ban hành quy chế bảo đảm an toàn thông tin');
  });

  it('the conclusion is an official document of the inspecting unit, findings as they stood on its day', async () => {
    const res = await agencyA.request('GET', `/api/inspections/${inspA}/conclusion?format=pdf`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('ket-luan-kiem-tra-A-2024-06-05.pdf');
    const text = execFileSync('pdftotext', ['-', '-'], { input: res.rawPayload }).toString().replace(/\s+/g, ' ');
    expect(text).toContain('KẾT LUẬN');
    expect(text).toContain('Kiểm tra, đánh giá an toàn thông tin tại Sở An Bình');
    expect(text).toContain('Chưa lưu nhật ký máy chủ web');
    expect(text).toContain('45/QĐ-STTTT');
    expect(text).toContain('Nguyễn Văn Trưởng (Trưởng đoàn)');
    expect(text).toContain('1 máy tính có lỗ hổng');
    // Dated 05/06/2024, neither finding had been remediated; dated 20/07/2024 the first had.
    expect(text).not.toContain('Đã khắc phục');
    const later = await dept.request('GET', `/api/inspections/${inspA}/conclusion?format=pdf&on=2024-07-20`);
    expect(execFileSync('pdftotext', ['-', '-'], { input: later.rawPayload }).toString()).toContain('Đã khắc phục');
    const docx = await dept.request('GET', `/api/inspections/${inspA}/conclusion?format=docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    await refused(agencyB, 'GET', `/api/inspections/${inspA}/conclusion`, undefined, 404);
  });

  it('once every finding is closed the inspection closes, and nothing more changes', async () => {
    const a = await ok(dept, 'GET', `/api/inspections/${inspA}`);
    const f2 = a.findingList.find((f) => f.state !== 'closed');
    if (!f2) throw new Error('no open finding');
    await ok(agencyA, 'POST', `/api/inspections/${inspA}/findings/${f2.id}/answer`, {
      text: 'Đã ban hành quy chế',
      on: '2024-08-01',
    });
    const returned = await ok(dept, 'POST', `/api/inspections/${inspA}/findings/${f2.id}/decision`, {
      accept: false,
      note: 'Quy chế chưa có phần ứng cứu sự cố',
      on: '2024-08-02',
    });
    expect(returned.findingList.find((f) => f.id === f2.id)?.state).toBe('open');
    const [back] = await database.db.select().from(notifications).where(eq(notifications.kind, 'inspection.returned'));
    expect(back?.body).toContain('ứng cứu sự cố');
    await refused(
      dept,
      'POST',
      `/api/inspections/${inspA}/findings/${f2.id}/decision`,
      { accept: true, on: '2024-08-01' },
      400,
    );
    await ok(dept, 'POST', `/api/inspections/${inspA}/findings/${f2.id}/decision`, { accept: true, on: '2024-08-20' });
    const closed = await ok(dept, 'POST', `/api/inspections/${inspA}/transitions`, { to: 'closed', on: '2024-08-21' });
    expect(closed).toMatchObject({ state: 'closed', transitions: [] });
    await refused(agencyA, 'POST', `/api/inspections/${inspA}/findings/${f2.id}/answer`, { text: 'Bổ sung' }, 409);
    await refused(dept, 'PATCH', `/api/inspections/${inspA}`, { title: 'Đổi tên' }, 409);
  });
  it('two requests for the same step at once: one is refused and the checklist is made once', async () => {
    const c = await ok(
      dept,
      'POST',
      '/api/inspections',
      {
        title: 'Kiểm tra đột xuất Sở Bắc Hà',
        kind: 'ad_hoc',
        organisationId: org.B,
        inspectorOrganisationId: org.S,
        plannedStart: '2024-09-02',
        plannedEnd: '2024-09-03',
        systemIds: [system['Quản lý văn bản Bắc Hà']],
      },
      201,
    );
    const step = () =>
      dept.request('POST', `/api/inspections/${c.id}/transitions`, { to: 'in_progress', on: '2024-09-02' });
    const both = await Promise.all([step(), step()]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const d = await ok(dept, 'GET', `/api/inspections/${c.id}`);
    const items = d.checklist.map((x) => `${x.systemName} ${x.itemCode}`);
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items).size).toBe(items.length);
    const [{ n } = { n: 0 }] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, c.id), eq(auditLog.action, 'inspection.transition')));
    expect(n).toBe(1);
  });

  it('a day a document or a clock cannot hold is refused with its field, not a 500', async () => {
    const bad = await refused(dept, 'GET', `/api/inspections/${inspA}/conclusion?on=0000-01-01`, undefined, 400);
    expect(JSON.stringify(bad.error)).toMatch(/on/);
    const far = await refused(
      dept,
      'POST',
      '/api/inspections',
      {
        title: 'Kiểm tra rất xa',
        kind: 'ad_hoc',
        organisationId: org.B,
        inspectorOrganisationId: org.S,
        plannedStart: '2024-10-01',
        plannedEnd: '9999-12-31',
      },
      400,
    );
    expect(JSON.stringify(far.error)).toMatch(/plannedEnd/);
    await refused(dept, 'PATCH', `/api/inspections/${inspB}`, { plannedEnd: '9999-12-31' }, 400);
  });

  it('a unit that must remediate one finding sees that finding, not the agency’s others', async () => {
    const a1 = await ok<Detail & { findings: number }>(agencyA1, 'GET', `/api/inspections/${inspA}`);
    expect(a1.findingList.map((f) => f.title)).toEqual(['Chưa lưu nhật ký máy chủ web tối thiểu 30 ngày']);
    expect(a1.findings).toBe(1);
    const listA1 = await ok<{ items: { id: string; findings: number }[] }>(agencyA1, 'GET', '/api/inspections');
    expect(listA1.items.find((x) => x.id === inspA)?.findings).toBe(1);
    const a = await ok(agencyA, 'GET', `/api/inspections/${inspA}`);
    expect(a.findingList).toHaveLength(2);
    // A plan shown to an agency counts the inspections it may see, not the others of the plan.
    const plan = await ok<{ inspections: number; inspectionList: unknown[] }>(
      agencyB,
      'GET',
      `/api/inspection-plans/${planId}`,
    );
    expect(plan).toMatchObject({ inspections: 1, inspectionList: [expect.anything()] });
    const plans = await ok<{ items: { id: string; inspections: number }[] }>(agencyB, 'GET', '/api/inspection-plans');
    expect(plans.items.find((p) => p.id === planId)?.inspections).toBe(1);
    expect((await ok<{ inspections: number }>(dept, 'GET', `/api/inspection-plans/${planId}`)).inspections).toBe(2);
    // The conclusion (every finding of the agency) is the inspected agency's and the inspecting unit's.
    await refused(agencyA1, 'GET', `/api/inspections/${inspA}/conclusion?format=docx`, undefined, 404);
    expect((await agencyA.request('GET', `/api/inspections/${inspA}/conclusion?format=docx`)).statusCode).toBe(200);
  });
});

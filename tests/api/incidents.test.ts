import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { provinceDay } from '../../src/core/time.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { incidentReports, incidents } from '../../src/modules/incidents/incidents.schema.ts';
import { runIncidentDeadlineCheck } from '../../src/modules/incidents/timer.ts';
import { notifications } from '../../src/modules/notifications/notifications.schema.ts';
import { zeekConnLine, zeekHeader } from '../../src/modules/soc/generator/writers.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { createSystem, dossierIn } from './systems-support.ts';

/** Every field of the initial report (QĐ 05/2017 Art. 11.4), as an agency would fill it. */
const REPORT = {
  title: 'Tấn công thay đổi giao diện Cổng thông tin',
  ownerName: 'UBND tỉnh',
  detectedAt: '2026-02-13T10:00:00+07:00',
  contactName: 'Nguyễn Văn An',
  contactPosition: 'Phó Giám đốc',
  contactPhone: '0912 345 678',
  contactEmail: 'an.nv@example.vn',
  type: 'defacement',
  description: 'Trang chủ bị thay bằng nội dung lạ lúc 09:40.',
  damage: 'Gián đoạn dịch vụ công trực tuyến 2 giờ.',
  spread: 'Chưa phát hiện lây lan sang máy chủ khác.',
  provider: 'VNPT Yên Bái',
  actionsTaken: 'Ngắt kết nối Internet máy chủ web, khôi phục bản sao lưu.',
  helpers: 'Đội ứng cứu sự cố tỉnh',
  results: 'Đã khôi phục giao diện lúc 11:30.',
  proposals: 'Đề nghị rà soát lỗ hổng CMS.',
};

// 10/05/2024 10:00 in Asia/Ho_Chi_Minh: a scanner sweeps port 445 on 30 hosts of Sở A and 2 of Sở B.
const T0 = Date.parse('2024-05-10T10:00:00+07:00') / 1000;
const conn = (ts: number, src: string, dst: string, state: 'S0' | 'SF', port = 445) =>
  zeekConnLine(
    { ts, src, srcPort: 40000, dst, dstPort: port, proto: 'tcp', state, origBytes: 0, respBytes: 0 },
    'C1',
  ).trimEnd();
function connLog() {
  const lines = [zeekHeader('conn', T0).trimEnd()];
  for (let i = 0; i < 30; i++) {
    lines.push(conn(T0 + i, '203.0.113.5', `10.15.1.${100 + i}`, 'S0'));
    if (i === 9)
      for (let j = 0; j < 2; j++) lines.push(conn(T0 + i + 0.1 * (j + 1), '203.0.113.5', `10.15.2.${200 + j}`, 'S0'));
  }
  for (let i = 0; i < 5; i++) lines.push(conn(T0 + 60 + i, '10.15.1.10', '198.51.100.66', 'SF', 443));
  return `${lines.join('\n')}\n`;
}

describe.each(TEST_DATABASES)('incidents on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let dept: Client;
  let soc: Client;
  let viewer: Client;
  let agencyA: Client;
  let agencyB: Client;
  let agencyC: Client;
  let responder: Client;
  const org: Record<string, string> = {};
  let level4: { id: string; name: string };
  let critical: { id: string; name: string };
  let level2: { id: string; name: string };
  let reported: string;

  const create = async (c: Client, body: Record<string, unknown>) => {
    const res = await c.request('POST', '/api/incidents', { organisationId: org.A, ...REPORT, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string; severity: string; severityBasis: Record<string, unknown> };
  };
  const detail = async (c: Client, id: string) => {
    const res = await c.request('GET', `/api/incidents/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const noticesOf = (userId: string) =>
    database.db.select().from(notifications).where(eq(notifications.userId, userId));

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('inc-admin', 'admin');
    for (const [code, range] of [
      ['A', '10.15.1.0/24'],
      ['B', '10.15.2.0/24'],
      ['C', '10.15.3.0/24'],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name: `Sở ${code}`,
        type: 'department',
        ipRanges: [range],
      });
      org[code] = res.json().id;
    }
    dept = await t.userWithRole('inc-dept', 'department');
    soc = await t.userWithRole('inc-soc', 'soc');
    viewer = await t.userWithRole('inc-viewer', 'viewer');
    agencyA = await t.userWithRole('inc-agency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('inc-agency-b', 'agency', org.B ?? null);
    agencyC = await t.userWithRole('inc-agency-c', 'agency', org.C ?? null);
    // A province-wide reader: only being on call (or owning a task) brings it notices.
    responder = await t.userWithRole('inc-responder', 'viewer');
    level4 = await createSystem(agencyA, org.A as string, 4);
    await dossierIn(agencyA, admin, level4.id, 'approved', 4);
    critical = await createSystem(agencyA, org.A as string, 2, { criticalList: true });
    level2 = await createSystem(agencyA, org.A as string, 2);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('keeps every field of the initial report, numbers the incident and audits it', async () => {
    const created = await create(agencyA, {
      systemId: level2.id,
      affectedOrganisationIds: [org.B],
      affectedSystemIds: [level2.id],
    });
    reported = created.id;
    // Filed under the year of detection, whenever it is reported.
    expect(created.code).toMatch(/^SC-2026-\d{4}$/);
    const d = await detail(agencyA, created.id);
    expect(d).toMatchObject({ ...REPORT, detectedAt: '2026-02-13T03:00:00.000Z', organisationId: org.A });
    expect(d).toMatchObject({
      organisationName: 'Sở A',
      systemName: level2.name,
      affectedOrganisations: [{ id: org.B, name: 'Sở B' }],
      affectedSystems: [{ id: level2.id, name: level2.name, organisationName: 'Sở A' }],
      state: 'open',
      severity: 'normal',
      source: 'manual',
      access: { edit: true, manage: false, transitions: ['responding', 'responded'] },
    });
    expect(d.severityRule.legalBasis).toBe('QĐ 05/2017/QĐ-TTg, Điều 9');
    const second = await create(agencyA, { title: 'Sự cố thứ hai' });
    expect(Number(second.code.slice(-4))).toBe(Number(created.code.slice(-4)) + 1);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(audit.map((a) => a.action)).toEqual(['incident.create']);
    // The coordinators hear of a new incident.
    expect((await noticesOf(dept.userId)).map((n) => n.kind)).toContain('incident_new');
  });

  it('refuses what an agency may not report: another agency’s incident, a system it cannot see', async () => {
    const other = await agencyC.request('POST', '/api/incidents', { ...REPORT, organisationId: org.A });
    expect(other.statusCode).toBe(400);
    expect(other.json().error).toMatchObject({
      key: 'incidents.unknownOrganisation',
      details: { field: 'organisationId' },
    });
    const system = await agencyC.request('POST', '/api/incidents', {
      ...REPORT,
      organisationId: org.C,
      systemId: level4.id,
    });
    expect(system.statusCode).toBe(400);
    expect(system.json().error).toMatchObject({ key: 'incidents.unknownSystem', details: { field: 'systemId' } });
    const viewerTry = await viewer.request('POST', '/api/incidents', { ...REPORT, organisationId: org.A });
    expect(viewerTry.statusCode).toBe(403);
    const bad = await agencyA.request('POST', '/api/incidents', {
      ...REPORT,
      organisationId: org.A,
      detectedAt: 'hôm qua',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('decides the severity by the rule: level 4/5 or critical, a factor, and beyond capability', async () => {
    const now = new Date().toISOString();
    const serious = await create(agencyA, {
      systemId: level4.id,
      detectedAt: now,
      severityFactors: ['outage'],
      beyondCapability: true,
    });
    expect(serious.severity).toBe('serious');
    expect(serious.severityBasis).toMatchObject({
      ruleKey: 'qd05-serious',
      legalBasis: 'QĐ 05/2017/QĐ-TTg, Điều 9',
      systems: [{ id: level4.id, level: 4, critical: false, qualifies: true }],
      factors: ['outage'],
      beyondCapability: true,
    });
    const cases: [Record<string, unknown>, string][] = [
      // The owner copes: normal.
      [{ systemId: level4.id, detectedAt: now, severityFactors: ['outage'], beyondCapability: false }, 'normal'],
      // No factor of Art. 9 cl. 1: normal.
      [{ systemId: level4.id, detectedAt: now, severityFactors: [], beyondCapability: true }, 'normal'],
      // A level-2 system: normal whatever the factors.
      [
        { systemId: level2.id, detectedAt: now, severityFactors: ['outage', 'cascading'], beyondCapability: true },
        'normal',
      ],
      // On the national critical list: serious at level 2.
      [
        { systemId: critical.id, detectedAt: now, severityFactors: ['loss_of_control'], beyondCapability: true },
        'serious',
      ],
      // An affected system counts like the main one.
      [
        { affectedSystemIds: [level4.id], detectedAt: now, severityFactors: ['secret_leak'], beyondCapability: true },
        'serious',
      ],
      // Level 4 was approved today: detected a year earlier, the system had no level yet.
      [
        {
          systemId: level4.id,
          detectedAt: '2025-06-01T08:00:00+07:00',
          severityFactors: ['outage'],
          beyondCapability: true,
        },
        'normal',
      ],
    ];
    for (const [body, expected] of cases)
      expect((await create(agencyA, body)).severity, JSON.stringify(body)).toBe(expected);
  });

  it('recomputes the severity on a change, and a newly serious incident reaches the on-call member at once', async () => {
    // The responder is on call now.
    const member = await dept.request('POST', '/api/team/members', {
      userId: responder.userId,
      fullName: 'Trần Thị Bình',
      organisationId: org.A,
      teamRole: 'lead',
      phone: '0987 654 321',
      email: 'binh@example.vn',
      validFrom: '2024-01-01',
    });
    expect(member.statusCode, member.body).toBe(201);
    const hour = 3_600_000;
    const shift = await dept.request('POST', '/api/team/shifts', {
      memberId: member.json().id,
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + 8 * hour).toISOString(),
    });
    expect(shift.statusCode, shift.body).toBe(201);
    const incident = await create(agencyA, {
      systemId: level4.id,
      detectedAt: new Date().toISOString(),
      severityFactors: ['outage'],
    });
    expect(incident.severity).toBe('normal');
    const res = await agencyA.request('PATCH', `/api/incidents/${incident.id}`, { beyondCapability: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ severity: 'serious', beyondCapability: true });
    expect(res.json().beyondCapabilityAt).not.toBeNull();
    const urgent = (await noticesOf(responder.userId)).filter((n) => n.link === `/incidents/view?id=${incident.id}`);
    expect(urgent).toEqual([expect.objectContaining({ kind: 'incident_serious', urgent: true })]);
    // The initial report (form 03) is due at once now.
    const d = await detail(agencyA, incident.id);
    expect(d.clocks.map((c: { clock: string }) => c.clock)).toEqual(['notification', 'initial_report']);
    expect(d.clocks[1]).toMatchObject({ form: '03', dueAt: res.json().beyondCapabilityAt, state: 'overdue' });
  });

  it('counts the statutory clocks in calendar days, moving a due day that falls on Tết or 30/4–1/5', async () => {
    // Detected Friday 13/02/2026: five days end on 18/02, in Tết (16–20/02), so the notice is due by Monday 23/02.
    const d = await detail(agencyA, reported);
    const notice = d.clocks.find((c: { clock: string }) => c.clock === 'notification');
    expect(notice).toMatchObject({
      startsAt: '2026-02-13T03:00:00.000Z',
      dueAt: '2026-02-23T17:00:00.000Z',
      state: 'overdue',
      calendarCovered: true,
      rule: { key: 'qd05-notification', legalBasis: 'QĐ 05/2017/QĐ-TTg, Điều 11 khoản 1 điểm a' },
      recipients: ['owner', 'incident_response_unit', 'national_incident_coordinator'],
    });
    expect(notice.daysOff.map((x: { date: string }) => x.date)).toEqual([
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
    ]);
    // Notified on 23/02 (in time), then the response ends on Monday 27/04 (itself a day off): five days end on
    // Saturday 02/05, after 30/04 and 01/05, so the closing report is due by Monday 04/05.
    const patch = await agencyA.request('PATCH', `/api/incidents/${reported}`, {
      notifiedAt: '2026-02-23T16:00:00+07:00',
    });
    expect(patch.statusCode, patch.body).toBe(200);
    for (const [to, at] of [
      ['responding', '2026-02-14T08:00:00+07:00'],
      ['responded', '2026-04-27T10:00:00+07:00'],
    ])
      expect((await agencyA.request('POST', `/api/incidents/${reported}/transitions`, { to, at })).statusCode).toBe(
        200,
      );
    const after = await detail(agencyA, reported);
    expect(after.clocks.find((c: { clock: string }) => c.clock === 'notification')).toMatchObject({
      doneAt: '2026-02-23T09:00:00.000Z',
      state: 'done',
    });
    const closing = after.clocks.find((c: { clock: string }) => c.clock === 'closing_report');
    expect(closing).toMatchObject({
      form: '04',
      startsAt: '2026-04-27T03:00:00.000Z',
      dueAt: '2026-05-04T17:00:00.000Z',
      state: 'overdue',
    });
    expect(closing.daysOff.map((x: { date: string }) => x.date)).toEqual(['2026-04-30', '2026-05-01']);
    // The list shows the same clocks (its late flags).
    const list = (await agencyA.request('GET', `/api/incidents?q=${encodeURIComponent('giao diện')}`)).json();
    expect(
      list.items.find((i: { id: string }) => i.id === reported).clocks.map((c: { state: string }) => c.state),
    ).toEqual(['done', 'overdue']);
  });

  it('lets an affected agency read an incident but not change it; another agency gets 404', async () => {
    const b = await detail(agencyB, reported);
    expect(b.access).toEqual({ edit: false, manage: false, transitions: [] });
    const listB = (await agencyB.request('GET', '/api/incidents')).json();
    expect(listB.items.map((i: { id: string; affectedOnly: boolean }) => [i.id, i.affectedOnly])).toEqual([
      [reported, true],
    ]);
    for (const [method, url, body] of [
      ['PATCH', `/api/incidents/${reported}`, { title: 'Đổi tên' }],
      [
        'POST',
        `/api/incidents/${reported}/steps`,
        { step: 'contain', at: '2026-02-14T09:00:00+07:00', note: 'Cô lập' },
      ],
      ['POST', `/api/incidents/${reported}/tasks`, { title: 'Rà soát' }],
    ] as const) {
      const res = await agencyB.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.key).toBe('incidents.readOnly');
    }
    for (const [method, url, body] of [
      ['GET', `/api/incidents/${reported}`, undefined],
      ['PATCH', `/api/incidents/${reported}`, { title: 'Đổi tên' }],
      ['POST', `/api/incidents/${reported}/transitions`, { to: 'responding' }],
      [
        'POST',
        `/api/incidents/${reported}/steps`,
        { step: 'contain', at: '2026-02-14T09:00:00+07:00', note: 'Cô lập' },
      ],
    ] as const) {
      const res = await agencyC.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await agencyC.request('GET', '/api/incidents')).json()).toEqual({ items: [], total: 0 });
    expect((await agencyC.request('GET', `/api/incidents?organisationId=${org.A}`)).json().total).toBe(0);
    // The province sees it, filtered by the affected agency too.
    const byB = (await dept.request('GET', `/api/incidents?organisationId=${org.B}`)).json();
    expect(byB.items.map((i: { id: string }) => i.id)).toEqual([reported]);
  });

  it('keeps a timeline of steps, tasks with owners, and evidence with its SHA-256', async () => {
    const step = await agencyA.request('POST', `/api/incidents/${reported}/steps`, {
      step: 'receive_verify',
      at: '2026-02-13T10:30:00+07:00',
      note: 'Tiếp nhận, xác minh: trang chủ bị thay đổi',
    });
    expect(step.statusCode, step.body).toBe(201);
    expect(step.json()).toMatchObject({ step: 'receive_verify', actorName: 'inc-agency-a' });
    const early = await agencyA.request('POST', `/api/incidents/${reported}/steps`, {
      step: 'contain',
      at: '2026-02-12T10:30:00+07:00',
      note: 'Trước khi phát hiện',
    });
    expect(early.json().error).toMatchObject({ key: 'incidents.beforeDetection' });
    // Nor in the future: the response's end would move the closing report's clock.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const future = await agencyA.request('POST', `/api/incidents/${reported}/steps`, {
      step: 'contain',
      at: tomorrow,
      note: 'Ngày mai',
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().error).toMatchObject({ key: 'incidents.inFuture' });
    const resumed = await agencyA.request('POST', `/api/incidents/${reported}/transitions`, {
      to: 'responding',
      at: tomorrow,
    });
    expect(resumed.json().error).toMatchObject({ key: 'incidents.inFuture' });
    const assignees = (await agencyA.request('GET', `/api/incidents/${reported}/assignees`)).json();
    expect(assignees.members[0]).toMatchObject({ fullName: 'Trần Thị Bình', onCall: true });
    const task = await agencyA.request('POST', `/api/incidents/${reported}/tasks`, {
      title: 'Rà soát mã độc trên máy chủ web',
      memberId: assignees.members[0].id,
      dueOn: '2026-02-15',
    });
    expect(task.statusCode, task.body).toBe(201);
    expect((await noticesOf(responder.userId)).map((n) => n.kind)).toContain('incident_task');
    const done = await agencyA.request('PATCH', `/api/incidents/${reported}/tasks/${task.json().id}`, { done: true });
    expect(done.json().doneAt).not.toBeNull();
    const content = Buffer.from('2026-02-13 09:40 GET /index.php?cmd=… 200\n');
    const up = await agencyA.request(
      'POST',
      `/api/incidents/${reported}/evidence?fileName=access.log&note=Nh%E1%BA%ADt%20k%C3%BD`,
      content,
    );
    expect(up.statusCode, up.body).toBe(201);
    const sha = (await import('node:crypto')).createHash('sha256').update(content).digest('hex');
    expect(up.json()).toMatchObject({
      fileName: 'access.log',
      size: content.length,
      sha256: sha,
      note: 'Nhật ký',
      mediaType: 'text/plain',
    });
    const empty = await agencyA.request('POST', `/api/incidents/${reported}/evidence?fileName=a.log`, Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    // The affected agency downloads it; another agency cannot.
    const down = await agencyB.request('GET', `/api/incidents/${reported}/evidence/${up.json().id}`);
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('application/octet-stream');
    expect(down.headers['x-content-sha256']).toBe(sha);
    expect(down.rawPayload.equals(content)).toBe(true);
    expect((await agencyC.request('GET', `/api/incidents/${reported}/evidence/${up.json().id}`)).statusCode).toBe(404);
    const d = await detail(agencyA, reported);
    expect(d.steps).toEqual([expect.objectContaining({ step: 'receive_verify', actorName: 'inc-agency-a' })]);
    expect(d.tasks).toEqual([expect.objectContaining({ memberName: 'Trần Thị Bình', overdue: false })]);
    expect(d.evidence).toEqual([expect.objectContaining({ sha256: sha, uploadedByName: 'inc-agency-a' })]);
  });

  it('refuses a task owner from an agency the incident does not concern: its title never reaches them', async () => {
    const task = await agencyA.request('POST', `/api/incidents/${reported}/tasks`, {
      title: 'Gửi nhật ký cho Sở C',
      assigneeId: agencyC.userId,
    });
    expect(task.statusCode, task.body).toBe(400);
    expect(task.json().error).toMatchObject({ key: 'incidents.unknownUser', details: { field: 'assigneeId' } });
    const own = await agencyA.request('POST', `/api/incidents/${reported}/tasks`, {
      title: 'Tự rà soát',
      assigneeId: agencyA.userId,
    });
    expect(own.statusCode, own.body).toBe(201);
    const moved = await agencyA.request('PATCH', `/api/incidents/${reported}/tasks/${own.json().id}`, {
      assigneeId: agencyC.userId,
    });
    expect(moved.statusCode, moved.body).toBe(400);
    // A coordinator may be given a task.
    const toDept = await agencyA.request('PATCH', `/api/incidents/${reported}/tasks/${own.json().id}`, {
      assigneeId: dept.userId,
    });
    expect(toDept.statusCode, toDept.body).toBe(200);
    expect((await noticesOf(agencyC.userId)).filter((n) => n.kind === 'incident_task')).toEqual([]);
  });

  it('closes only with the closing report (form 04) issued, and only by a coordinator', async () => {
    const byAgency = await agencyA.request('POST', `/api/incidents/${reported}/transitions`, { to: 'closed' });
    expect(byAgency.statusCode).toBe(403);
    expect(byAgency.json().error.key).toBe('incidents.closeManageOnly');
    const refused = await dept.request('POST', `/api/incidents/${reported}/transitions`, { to: 'closed' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.key).toBe('incidents.closingReportRequired');
    // Form 03 does not close a case.
    await database.db.insert(incidentReports).values({
      incidentId: reported,
      form: '03',
      issuedAt: new Date('2026-04-28T03:00:00Z'),
      sha256: 'a'.repeat(64),
    });
    expect((await dept.request('POST', `/api/incidents/${reported}/transitions`, { to: 'closed' })).statusCode).toBe(
      409,
    );
    await database.db.insert(incidentReports).values({
      incidentId: reported,
      form: '04',
      issuedAt: new Date('2026-05-02T03:00:00Z'),
      sha256: 'b'.repeat(64),
    });
    const d = await detail(dept, reported);
    expect(d.clocks.find((c: { clock: string }) => c.clock === 'closing_report')).toMatchObject({ state: 'done' });
    const closed = await dept.request('POST', `/api/incidents/${reported}/transitions`, {
      to: 'closed',
      at: '2026-05-03T09:00:00+07:00',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', closedAt: '2026-05-03T02:00:00.000Z' });
    const edit = await dept.request('PATCH', `/api/incidents/${reported}`, { title: 'Sau khi đóng' });
    expect(edit.statusCode).toBe(409);
    const actions = (await database.db.select().from(auditLog).where(eq(auditLog.entityId, reported))).map(
      (a) => a.action,
    );
    expect(actions.filter((a) => a === 'incident.transition')).toHaveLength(3);
    expect(actions).toContain('incident.step');
    expect(actions).toContain('incident.evidence');
  });

  it('does not close on a closing report issued before the response was taken up again', async () => {
    const { id } = await create(agencyA, { title: 'Mã độc tái nhiễm' });
    const move = (c: Client, to: string) => c.request('POST', `/api/incidents/${id}/transitions`, { to });
    expect((await move(agencyA, 'responded')).statusCode).toBe(200);
    const first = await dept.request('POST', `/api/incidents/${id}/forms/04/issue?format=docx`);
    expect(first.statusCode, first.body).toBe(201);
    // Reinfected: the response resumes and ends again; the first closing report describes the earlier end.
    expect((await move(agencyA, 'responding')).statusCode).toBe(200);
    expect((await move(agencyA, 'responded')).statusCode).toBe(200);
    const stale = await move(dept, 'closed');
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json().error.key).toBe('incidents.closingReportRequired');
    // Its clock runs again from the new end, not "done" by the stale report.
    const closingClock = async () =>
      (await detail(dept, id)).clocks.find((c: { clock: string }) => c.clock === 'closing_report');
    expect((await closingClock()).doneAt).toBeNull();
    const again = await dept.request('POST', `/api/incidents/${id}/forms/04/issue?format=docx`);
    expect(again.statusCode, again.body).toBe(201);
    expect((await closingClock()).doneAt).not.toBeNull();
    expect((await move(dept, 'closed')).statusCode).toBe(200);
  });

  it('escalating a SOC finding opens an incident, then links further findings to it', async () => {
    const intel = await soc.request('POST', '/api/soc/intel?source=cert', Buffer.from('198.51.100.66\n'));
    expect(intel.statusCode, intel.body).toBe(200);
    const log = await soc.request('POST', '/api/soc/logs?fileName=conn.log', Buffer.from(connLog()));
    expect(log.statusCode, log.body).toBe(201);
    const [scanner] = (await soc.request('GET', '/api/soc/findings?kind=scanner')).json().items;
    const escalated = await soc.request('POST', `/api/soc/findings/${scanner.id}/triage`, {
      status: 'escalated',
      note: 'Quét SMB diện rộng',
    });
    expect(escalated.statusCode, escalated.body).toBe(200);
    const incidentId = escalated.json().incidentId;
    expect(escalated.json()).toMatchObject({ status: 'escalated', incidentId: expect.any(String) });
    const d = await detail(soc, incidentId);
    expect(d).toMatchObject({
      source: 'soc',
      socFindingId: scanner.id,
      socFindingIds: [scanner.id],
      organisationId: org.A,
      affectedOrganisations: [{ id: org.B, name: 'Sở B' }],
      detectedAt: '2024-05-10T03:00:00.000Z',
      type: 'other',
    });
    // Escalated in 2026, detected in 2024: filed under 2024.
    expect(d.code).toMatch(/^SC-2024-\d{4}$/);
    expect(d.title).toContain('203.0.113.5');
    expect(d.description).toContain('Quét SMB diện rộng');
    // Escalated again without an incident: the same one, no second incident.
    const again = await soc.request('POST', `/api/soc/findings/${scanner.id}/triage`, { status: 'escalated' });
    expect(again.json().incidentId).toBe(incidentId);
    expect((await database.db.select().from(incidents).where(eq(incidents.socFindingId, scanner.id))).length).toBe(1);
    // The malicious contact is linked to that incident.
    const [contact] = (await soc.request('GET', '/api/soc/findings?kind=malicious_contact')).json().items;
    const linked = await soc.request('POST', `/api/soc/findings/${contact.id}/triage`, {
      status: 'escalated',
      incidentId,
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().incidentId).toBe(incidentId);
    expect((await detail(soc, incidentId)).socFindingIds.sort()).toEqual([scanner.id, contact.id].sort());
    // The finding's page leads to the incident; an incident id only goes with an escalation.
    const finding = (await soc.request('GET', `/api/soc/findings/${scanner.id}`)).json();
    expect(finding.incidents).toEqual([expect.objectContaining({ id: incidentId, state: 'open' })]);
    const wrong = await soc.request('POST', `/api/soc/findings/${scanner.id}/triage`, {
      status: 'confirmed',
      incidentId,
    });
    expect(wrong.statusCode).toBe(400);
    const unknown = await soc.request('POST', `/api/soc/findings/${scanner.id}/triage`, {
      status: 'escalated',
      incidentId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
    // Sở B, swept by the scanner, reads the incident; Sở C does not.
    expect((await agencyB.request('GET', `/api/incidents/${incidentId}`)).statusCode).toBe(200);
    expect((await agencyC.request('GET', `/api/incidents/${incidentId}`)).statusCode).toBe(404);
  });

  it('the hourly check reminds the operator of an overdue clock once a day, and the coordinators too', async () => {
    const overdue = await create(agencyA, { title: 'Chưa thông báo', detectedAt: '2026-03-02T08:00:00+07:00' });
    const now = new Date();
    await runIncidentDeadlineCheck(database.db, now);
    await runIncidentDeadlineCheck(database.db, now);
    const mine = (await noticesOf(agencyA.userId)).filter(
      (n) => n.link === `/incidents/view?id=${overdue.id}` && n.kind === 'incident_clock_overdue',
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]?.title).toContain('Thông báo sự cố');
    expect(mine[0]?.body).toContain('QĐ 05/2017/QĐ-TTg');
    const forDept = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, dept.userId), eq(notifications.link, `/incidents/view?id=${overdue.id}`)));
    expect(forDept.map((n) => n.kind)).toContain('incident_clock_overdue');
    // Sở C is never told of Sở A's incident.
    expect((await noticesOf(agencyC.userId)).filter((n) => n.link?.includes(overdue.id))).toEqual([]);
  });
});

describe.each(TEST_DATABASES)('the response team on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let dept: Client;
  let orgId: string;

  const MEMBER = {
    fullName: 'Phạm Minh Châu',
    teamRole: 'member',
    position: 'Chuyên viên',
    expertise: 'Phân tích mã độc',
    phone: '0901 111 222',
    email: 'chau@example.vn',
    validFrom: '2025-01-01',
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('team-admin', 'admin');
    orgId = (
      await admin.request('POST', '/api/organisations', {
        code: 'STTTT',
        name: 'Sở TT&TT',
        type: 'department',
        ipRanges: [],
      })
    ).json().id;
    dept = await t.userWithRole('team-dept', 'department');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('lets only the Department (and admins) keep the roster; everyone with incident access reads it', async () => {
    const agency = await t.userWithRole('team-agency', 'agency', orgId);
    const soc = await t.userWithRole('team-soc', 'soc');
    const viewer = await t.userWithRole('team-viewer', 'viewer');
    for (const c of [agency, soc, viewer])
      expect((await c.request('POST', '/api/team/members', { ...MEMBER, organisationId: orgId })).statusCode).toBe(403);
    const created = await dept.request('POST', '/api/team/members', { ...MEMBER, organisationId: orgId });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    for (const c of [agency, soc, viewer]) {
      expect((await c.request('PUT', `/api/team/members/${id}`, { ...MEMBER, organisationId: orgId })).statusCode).toBe(
        403,
      );
      expect((await c.request('DELETE', `/api/team/members/${id}`)).statusCode).toBe(403);
      const read = await c.request('GET', '/api/team');
      expect(read.statusCode).toBe(200);
      expect(read.json().members).toEqual([
        expect.objectContaining({
          fullName: 'Phạm Minh Châu',
          organisationName: 'Sở TT&TT',
          active: true,
          contactClock: null,
        }),
      ]);
    }
    const bad = await dept.request('POST', '/api/team/members', {
      ...MEMBER,
      organisationId: orgId,
      phone: 'gọi tôi',
      validTo: '2024-01-01',
    });
    expect(bad.statusCode).toBe(400);
    const gone = await dept.request('DELETE', `/api/team/members/${id}`);
    expect(gone.statusCode).toBe(200);
    expect((await dept.request('DELETE', `/api/team/members/${id}`)).statusCode).toBe(404);
  });

  it('starts the 24-hour clock on a contact change and reminds until it is reported', async () => {
    const id = (await dept.request('POST', '/api/team/members', { ...MEMBER, organisationId: orgId })).json().id;
    // A change of position only: no clock.
    await dept.request('PUT', `/api/team/members/${id}`, { ...MEMBER, organisationId: orgId, position: 'Trưởng nhóm' });
    expect((await dept.request('GET', '/api/team')).json().members[0].contactClock).toBeNull();
    const before = Date.now();
    const changed = await dept.request('PUT', `/api/team/members/${id}`, {
      ...MEMBER,
      organisationId: orgId,
      phone: '0901 999 888',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const changedAt = Date.parse(changed.json().contactChangedAt);
    expect(changedAt).toBeGreaterThanOrEqual(before - 1000);
    const clock = (await dept.request('GET', '/api/team')).json().members[0].contactClock;
    expect(clock).toMatchObject({
      clock: 'contact_change',
      state: 'pending',
      doneAt: null,
      rule: { key: 'tt20-contact-change' },
    });
    expect(Date.parse(clock.dueAt) - changedAt).toBe(24 * 3_600_000);
    const reminders = await database.db.select().from(notifications).where(eq(notifications.userId, dept.userId));
    expect(reminders.map((n) => n.kind)).toEqual(['team_contact_changed']);
    // Overdue a day later: reminded again (urgent).
    await runIncidentDeadlineCheck(database.db, new Date(changedAt + 25 * 3_600_000));
    const later = await database.db.select().from(notifications).where(eq(notifications.userId, dept.userId));
    expect(later.find((n) => n.kind === 'team_contact_overdue')?.urgent).toBe(true);
    expect(
      (await dept.request('POST', `/api/team/members/${id}/contact-reported`, { at: '2020-01-01T00:00:00+07:00' }))
        .statusCode,
    ).toBe(400);
    const reported = await dept.request('POST', `/api/team/members/${id}/contact-reported`, {});
    expect(reported.statusCode, reported.body).toBe(200);
    expect((await dept.request('GET', '/api/team')).json().members[0].contactClock).toMatchObject({ state: 'done' });
  });

  it('keeps the on-call rota and says who is on call now', async () => {
    const members = (await dept.request('GET', '/api/team')).json().members;
    const memberId = members[0].id;
    const hour = 3_600_000;
    const shift = {
      memberId,
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + hour).toISOString(),
    };
    const created = await dept.request('POST', '/api/team/shifts', shift);
    expect(created.statusCode, created.body).toBe(201);
    const overlap = await dept.request('POST', '/api/team/shifts', { ...shift, startsAt: new Date().toISOString() });
    expect(overlap.statusCode).toBe(409);
    const reversed = await dept.request('POST', '/api/team/shifts', { ...shift, endsAt: shift.startsAt });
    expect(reversed.statusCode).toBe(400);
    const team = (await dept.request('GET', '/api/team')).json();
    expect(team.onCallNow).toEqual([expect.objectContaining({ memberId, phone: '0901 999 888' })]);
    expect(team.members[0].onCall).toBe(true);
    expect(team.periodicReport).toMatchObject({ clock: 'periodic_report', form: '05' });
    // Before 20/06 or 15/12 (00:00 of that day in the province), the next one to come.
    const due = new Date(team.periodicReport.dueAt);
    expect(['06-20', '12-15']).toContain(provinceDay(due).slice(5));
    expect(due.getTime() - Date.now()).toBeGreaterThan(0);
    expect(due.getTime() - Date.now()).toBeLessThan(190 * 86_400_000);
    expect(due.toISOString()).toMatch(/T17:00:00\.000Z$/);
    expect(team.coordinator).toMatchObject({ shortName: 'Cục A05 (Bộ Công an)', confirmed: false });
    expect((await dept.request('DELETE', `/api/team/shifts/${created.json().id}`)).statusCode).toBe(200);
    expect((await dept.request('GET', '/api/team')).json().onCallNow).toEqual([]);
  });

  it("shows a member's phone and e-mail only to coordinators and to the member's own agency; the on-call line to all", async () => {
    const admin = await t.login('team-admin');
    const other = (
      await admin.request('POST', '/api/organisations', {
        code: 'SYT',
        name: 'Sở Y tế',
        type: 'department',
        ipRanges: [],
      })
    ).json().id;
    const theirs = (
      await dept.request('POST', '/api/team/members', {
        ...MEMBER,
        fullName: 'Lê Thị Hoa',
        phone: '0977 000 111',
        email: 'hoa@example.vn',
        organisationId: other,
      })
    ).json().id;
    const hour = 3_600_000;
    const onCall = await dept.request('POST', '/api/team/shifts', {
      memberId: theirs,
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + hour).toISOString(),
    });
    expect(onCall.statusCode, onCall.body).toBe(201);
    const ahead = await dept.request('POST', '/api/team/shifts', {
      memberId: theirs,
      startsAt: new Date(Date.now() + 2 * hour).toISOString(),
      endsAt: new Date(Date.now() + 3 * hour).toISOString(),
    });
    expect(ahead.statusCode, ahead.body).toBe(201);
    const own = await t.userWithRole('team-agency-own', 'agency', other);
    const stranger = await t.userWithRole('team-agency-stranger', 'agency', orgId);
    const viewer = await t.userWithRole('team-viewer-2', 'viewer', orgId);
    for (const [c, sees] of [
      [dept, true],
      [own, true],
      [stranger, false],
      [viewer, false],
    ] as const) {
      const team = (await c.request('GET', '/api/team')).json();
      const hoa = team.members.find((m: { id: string }) => m.id === theirs);
      expect(hoa).toMatchObject(
        sees ? { phone: '0977 000 111', email: 'hoa@example.vn' } : { phone: null, email: null },
      );
      for (const s of team.shifts.filter((x: { memberId: string }) => x.memberId === theirs))
        expect(s).toMatchObject(sees ? { phone: '0977 000 111' } : { phone: null, email: null });
      // Who answers the 24/7 line now is everyone's to call.
      expect(team.onCallNow).toEqual([expect.objectContaining({ memberId: theirs, phone: '0977 000 111' })]);
    }
    await dept.request('DELETE', `/api/team/shifts/${onCall.json().id}`);
    await dept.request('DELETE', `/api/team/shifts/${ahead.json().id}`);
  });
});

import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { notifications } from '../../src/modules/notifications/notifications.schema.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const csv = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const at = (day: string, time = '08:00') => `${day}T${time}:00+07:00`;

type Rate = { registered: number; attended: number; percent: number | null; met: boolean | null };
type Targets = {
  staffRule: { target: number } | null;
  teamRule: { minSystemLevel: number | null } | null;
  staff: {
    total: Rate;
    provinceLevel: Rate;
    communeLevel: Rate;
    organisations: { name: string; depth: number; own: Rate; subtree: Rate }[];
  };
  team: { members: number; met: number; list: { fullName: string; met: boolean; qualifying: { title: string }[] }[] };
};

describe.each(TEST_DATABASES)('drills on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let dept: Client;
  let agencyD: Client;
  let agencyC1: Client;
  let agencyC2: Client;
  let viewer: Client;
  const org: Record<string, string> = {};
  const staff: Record<string, string> = {};
  const member: Record<string, string> = {};
  const system: Record<string, string> = {};
  const drill: Record<string, string> = {};

  const targets = async (c: Client, q: string): Promise<Targets> => {
    const res = await c.request('GET', `/api/drills/targets${q}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const rate = (registered: number, attended: number, percent: number | null, met: boolean | null): Rate => ({
    registered,
    attended,
    percent,
    met,
  });
  const ok = async (c: Client, method: string, url: string, body?: unknown, status = 200) => {
    const res = await c.request(method, url, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.json();
  };
  /** A drill held on `day` (planned → running), with attended participants and its targets. */
  async function heldDrill(
    title: string,
    day: string,
    people: { staffMemberId?: string; teamMemberId?: string }[],
    systemIds: string[] = [],
    kindOf = 'live',
  ) {
    const d = await ok(
      dept,
      'POST',
      '/api/drills',
      { title, kind: kindOf, organiserId: org.D, startsAt: at(day), endsAt: at(day, '17:00'), systemIds },
      201,
    );
    for (const p of people) await ok(dept, 'POST', `/api/drills/${d.id}/participants`, p);
    await ok(dept, 'POST', `/api/drills/${d.id}/transitions`, { to: 'running' });
    const detail = await ok(dept, 'GET', `/api/drills/${d.id}`);
    for (const p of detail.participantList)
      await ok(dept, 'PATCH', `/api/drills/${d.id}/participants/${p.id}`, { attended: true });
    return d.id as string;
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('dr-admin', 'admin');
    for (const [code, name, type, parent] of [
      ['P', 'Tỉnh Thử', 'province', null],
      ['D', 'Sở Delta', 'department', 'P'],
      ['H', 'Huyện Hạ', 'district', 'P'],
      ['C1', 'Xã Một', 'commune', 'H'],
      ['C2', 'Xã Hai', 'commune', 'H'],
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
    dept = await t.userWithRole('dr-dept', 'department');
    agencyD = await t.userWithRole('dr-agency-d', 'agency', org.D ?? null);
    agencyC1 = await t.userWithRole('dr-agency-c1', 'agency', org.C1 ?? null);
    agencyC2 = await t.userWithRole('dr-agency-c2', 'agency', org.C2 ?? null);
    viewer = await t.userWithRole('dr-viewer', 'viewer');
    const imported = await ok(
      admin,
      'POST',
      '/api/staff/import',
      csv([
        'organisation_code,full_name,duty,email,valid_from,valid_to',
        'D,An,information_security,a@example.vn,01/01/2025,',
        'D,Bình,both,b@example.vn,01/01/2025,30/06/2025',
        'C1,Cường,digital_transformation,c@example.vn,01/03/2025,',
        'C2,Dũng,both,d@example.vn,01/01/2024,',
        'P,Em,information_security,e@example.vn,01/01/2025,',
      ]),
    );
    expect(imported).toMatchObject({ created: 5, errors: [] });
    for (const s of (await ok(admin, 'GET', '/api/staff?all=true')).items as { id: string; email: string }[])
      staff[s.email.slice(0, 1)] = s.id;
    for (const [key, email, organisationId, validTo] of [
      ['m1', 'A@example.vn', org.D, null],
      ['m2', 'z@example.vn', org.D, null],
      ['m3', 'y@example.vn', org.C1, '2025-04-30'],
    ] as const) {
      const res = await ok(
        admin,
        'POST',
        '/api/team/members',
        { fullName: `Thành viên ${key}`, organisationId, phone: '0912345678', email, validFrom: '2025-01-01', validTo },
        201,
      );
      member[key] = res.id;
    }
    // Systems with a level approved on a known day (the Department's import records decisions with their dates).
    const sys = await ok(
      admin,
      'POST',
      '/api/systems/import',
      csv([
        'organisation_code,name,system_type,proposed_level,dossier_state,decision_number,decision_date',
        'D,Cổng dịch vụ công,internal,3,approved,12/QĐ-UBND,01/04/2025',
        'D,Thư điện tử công vụ,internal,2,approved,13/QĐ-UBND,15/01/2025',
      ]),
    );
    expect(sys.errors, JSON.stringify(sys.errors)).toEqual([]);
    for (const s of (await ok(admin, 'GET', '/api/systems')).items as { id: string; name: string }[])
      system[s.name] = s.id;

    // 2024: Dũng attended (a year that does not count in 2025).
    drill.old = await heldDrill('Diễn tập 2024', '2024-11-10', [{ staffMemberId: staff.d }], [], 'tabletop');
    // 10/03/2025: the portal is not yet level 3 (approved 01/04/2025).
    drill.A = await heldDrill(
      'Diễn tập A',
      '2025-03-10',
      [{ staffMemberId: staff.a }, { staffMemberId: staff.c }, { teamMemberId: member.m2 }],
      [system['Cổng dịch vụ công'] as string],
    );
    // 20/05/2025: the same portal, now level 3; Bình and member m2 attend.
    drill.B = await heldDrill(
      'Diễn tập B',
      '2025-05-20',
      [{ staffMemberId: staff.b }, { teamMemberId: member.m2 }],
      [system['Cổng dịch vụ công'] as string, system['Thư điện tử công vụ'] as string],
    );
    await ok(dept, 'POST', `/api/drills/${drill.B}/transitions`, { to: 'completed' });
    // 01/09/2025: Em attends, then the drill is cancelled — it counts for nobody.
    drill.C = await heldDrill('Diễn tập C', '2025-09-01', [{ staffMemberId: staff.e }], [], 'tabletop');
    await ok(dept, 'POST', `/api/drills/${drill.C}/transitions`, { to: 'cancelled' });
    // 01/10/2025 a level-2 target only: member m1 (An) attends but it does not qualify.
    drill.E = await heldDrill(
      'Diễn tập E',
      '2025-10-01',
      [{ staffMemberId: staff.a }],
      [system['Thư điện tử công vụ'] as string],
    );
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('computes the staff target as of several days (year to date, in force that day, province vs commune)', async () => {
    const feb = await targets(admin, '?on=2025-02-28');
    expect(feb.staffRule?.target).toBe(100);
    expect(feb.staff.total).toEqual(rate(4, 0, 0, false));
    expect(feb.staff.provinceLevel).toEqual(rate(3, 0, 0, false));
    expect(feb.staff.communeLevel).toEqual(rate(1, 0, 0, false));

    const mar = await targets(admin, '?on=2025-03-31');
    expect(mar.staff.total).toEqual(rate(5, 2, 40, false));
    expect(mar.staff.provinceLevel).toEqual(rate(3, 1, 33.3, false));
    expect(mar.staff.communeLevel).toEqual(rate(2, 1, 50, false));

    const jun = await targets(admin, '?on=2025-06-30');
    expect(jun.staff.total).toEqual(rate(5, 3, 60, false));
    expect(jun.staff.provinceLevel).toEqual(rate(3, 2, 66.7, false));
    expect(jun.staff.communeLevel).toEqual(rate(2, 1, 50, false));
    expect(jun.staff.organisations.map((o) => [o.name, o.depth, o.own, o.subtree])).toEqual([
      ['Tỉnh Thử', 0, rate(1, 0, 0, false), rate(5, 3, 60, false)],
      ['Sở Delta', 1, rate(2, 2, 100, true), rate(2, 2, 100, true)],
      ['Huyện Hạ', 1, rate(0, 0, null, null), rate(2, 1, 50, false)],
      ['Xã Một', 2, rate(1, 1, 100, true), rate(1, 1, 100, true)],
      ['Xã Hai', 2, rate(1, 0, 0, false), rate(1, 0, 0, false)],
    ]);

    // Bình's appointment ended on 30/06; the cancelled drill of September counts for nobody.
    expect((await targets(admin, '?on=2025-07-01')).staff.total).toEqual(rate(4, 2, 50, false));
    expect((await targets(admin, '?on=2025-12-31')).staff.total).toEqual(rate(4, 2, 50, false));
    // A new year starts from zero.
    expect((await targets(admin, '?on=2026-01-15')).staff.total).toEqual(rate(4, 0, 0, false));
    // 2024: Dũng was the only official then, and attended.
    expect((await targets(admin, '?on=2024-12-31')).staff.total).toEqual(rate(1, 1, 100, true));
  });

  it('counts each response-team member’s drills on systems of the rule’s level on the drill’s day', async () => {
    const mar = await targets(admin, '?on=2025-03-31');
    expect(mar.teamRule?.minSystemLevel).toBe(3);
    expect(mar.team).toMatchObject({ members: 3, met: 0 });
    const jun = await targets(admin, '?on=2025-06-30');
    // m3 served until 30/04; m2's drill B was on a level-3 system that day, drill A's target was not yet level 3.
    expect(jun.team.members).toBe(2);
    expect(jun.team.met).toBe(1);
    expect(jun.team.list.map((m) => [m.fullName, m.met, m.qualifying.map((q) => q.title)])).toEqual([
      ['Thành viên m1', false, []],
      ['Thành viên m2', true, ['Diễn tập B']],
    ]);
    // Drill E's only target is level 2: An (m1, matched by e-mail whatever its case) still has none.
    const dec = await targets(admin, '?on=2025-12-31');
    expect(dec.team.list.find((m) => m.fullName === 'Thành viên m1')).toMatchObject({ met: false, qualifying: [] });
    expect((await targets(admin, '?on=2026-02-01')).team.met).toBe(0);
  });

  it('scopes targets and drills to the caller', async () => {
    const d = await targets(agencyD, '?on=2025-06-30');
    expect(d.staff.total).toEqual(rate(2, 2, 100, true));
    expect(d.staff.organisations.map((o) => o.name)).toEqual(['Sở Delta']);
    expect(d.team.members).toBe(2);
    const h = await targets(admin, `?on=2025-06-30&organisationId=${org.H}`);
    expect(h.staff.total).toEqual(rate(2, 1, 50, false));
    expect(h.staff.provinceLevel).toEqual(rate(0, 0, null, null));
    // C1 took part in drill A (its official attended); C2 did not: A is "not found" for it.
    expect((await agencyC1.request('GET', `/api/drills/${drill.A}`)).statusCode).toBe(200);
    expect((await agencyC2.request('GET', `/api/drills/${drill.A}`)).statusCode).toBe(404);
    const c2List = await ok(agencyC2, 'GET', '/api/drills');
    expect(c2List.items.map((i: { title: string }) => i.title)).toEqual(['Diễn tập 2024']);
    expect((await ok(viewer, 'GET', '/api/drills?year=2025')).total).toBe(4);
    expect((await ok(viewer, 'GET', '/api/drills?q=dien tap b')).items[0].title).toBe('Diễn tập B');
    expect((await agencyD.request('POST', `/api/drills/${drill.A}/transitions`, { to: 'completed' })).statusCode).toBe(
      403,
    );
  });

  it('keeps the lifecycle, refuses what does not fit the state, and audits', async () => {
    const d = await ok(
      dept,
      'POST',
      '/api/drills',
      {
        title: 'Diễn tập thực chiến CT 60',
        kind: 'live',
        organiserId: org.D,
        startsAt: at('2025-11-10'),
        endsAt: at('2025-11-12', '17:00'),
        systemIds: [system['Cổng dịch vụ công']],
        tools: 'Burp Suite, Nmap',
        exploitationDepth: 'privilege_escalation',
        windowStartsAt: at('2025-11-10', '09:00'),
        windowEndsAt: at('2025-11-12', '16:00'),
      },
      201,
    );
    expect(d).toMatchObject({ state: 'planned', drillDay: '2025-11-10', transitions: ['running', 'cancelled'] });
    expect(d.systems).toEqual([expect.objectContaining({ name: 'Cổng dịch vụ công', level: 3 })]);
    const team = await ok(dept, 'POST', `/api/drills/${d.id}/teams`, { name: 'Đội tấn công', side: 'attack' });
    const teamId = team.teams[0].id;
    // Not registered on the drill's day: m3 ended 30/04; an official twice is refused.
    expect(
      (await dept.request('POST', `/api/drills/${d.id}/participants`, { teamMemberId: member.m3 })).statusCode,
    ).toBe(400);
    const added = await ok(dept, 'POST', `/api/drills/${d.id}/participants`, {
      staffMemberId: staff.a,
      teamId,
      role: 'lead',
    });
    expect(
      (await dept.request('POST', `/api/drills/${d.id}/participants`, { teamMemberId: member.m1 })).statusCode,
    ).toBe(409);
    const pid = added.participantList[0].id;
    // Attendance, scores and findings wait for the drill to run.
    expect(
      (await dept.request('PATCH', `/api/drills/${d.id}/participants/${pid}`, { attended: true })).statusCode,
    ).toBe(409);
    expect((await dept.request('PATCH', `/api/drills/${d.id}/teams/${teamId}`, { attackPoints: 5 })).statusCode).toBe(
      409,
    );
    expect(
      (await dept.request('POST', `/api/drills/${d.id}/findings`, { severity: 'high', description: 'SQL injection' }))
        .statusCode,
    ).toBe(409);
    expect((await dept.request('POST', `/api/drills/${d.id}/transitions`, { to: 'completed' })).statusCode).toBe(409);
    await ok(dept, 'POST', `/api/drills/${d.id}/transitions`, { to: 'running' });
    await ok(dept, 'PATCH', `/api/drills/${d.id}/participants/${pid}`, { attended: true });
    const scored = await ok(dept, 'PATCH', `/api/drills/${d.id}/teams/${teamId}`, {
      attackPoints: 120,
      defencePoints: 30,
      availabilityPoints: 15,
    });
    expect(scored.teams[0]).toMatchObject({ total: 165 });
    const found = await ok(dept, 'POST', `/api/drills/${d.id}/findings`, {
      severity: 'critical',
      systemId: system['Cổng dịch vụ công'],
      description: 'Chèn mã SQL ở trang tra cứu hồ sơ',
    });
    const findingId = found.findingList[0].id;
    const agencyNotices = async () =>
      database.db.select().from(notifications).where(eq(notifications.userId, agencyD.userId));
    const before = (await agencyNotices()).length;
    const tasked = await ok(dept, 'POST', `/api/drills/${d.id}/findings/${findingId}/task`, {
      organisationId: org.D,
      dueOn: '2025-12-15',
    });
    expect(tasked.findingList[0].task).toMatchObject({
      organisationName: 'Sở Delta',
      state: 'open',
      dueOn: '2025-12-15',
      overdue: true,
    });
    const notices = await agencyNotices();
    expect(notices.length).toBe(before + 1);
    expect(notices.at(-1)).toMatchObject({ kind: 'drill.task', link: `/drills/view?id=${d.id}` });
    expect(
      (
        await dept.request('POST', `/api/drills/${d.id}/findings/${findingId}/task`, {
          organisationId: org.D,
          dueOn: '2025-12-15',
        })
      ).statusCode,
    ).toBe(409);
    // The assigned organisation reports its own progress; the due day stays the Department's; others cannot touch it.
    const taskUrl = `/api/drills/${d.id}/findings/${findingId}/task`;
    expect((await agencyD.request('PATCH', taskUrl, { dueOn: '2026-06-30' })).statusCode).toBe(403);
    expect((await agencyC1.request('PATCH', taskUrl, { state: 'in_progress' })).statusCode).toBe(404);
    expect((await viewer.request('PATCH', taskUrl, { state: 'in_progress' })).statusCode).toBe(403);
    const started = await ok(agencyD, 'PATCH', taskUrl, { state: 'in_progress', note: 'Đang vá trang tra cứu' });
    expect(started.findingList[0].task).toMatchObject({ state: 'in_progress', ownTask: true, dueOn: '2025-12-15' });
    const audited = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'drill.task.update'), eq(auditLog.actorName, 'dr-agency-d')));
    expect(audited).toHaveLength(1);
    const done = await ok(dept, 'PATCH', taskUrl, { state: 'done' });
    expect(done.findingList[0].task).toMatchObject({ state: 'done', overdue: false });
    await ok(dept, 'POST', `/api/drills/${d.id}/transitions`, { to: 'completed' });
    // A completed drill takes its lessons, nothing else.
    await ok(dept, 'PATCH', `/api/drills/${d.id}`, { lessons: 'Cần WAF trước cổng dịch vụ công.' });
    expect((await dept.request('PATCH', `/api/drills/${d.id}`, { title: 'Đổi tên' })).statusCode).toBe(409);
    expect((await dept.request('POST', `/api/drills/${d.id}/transitions`, { to: 'cancelled' })).statusCode).toBe(409);
    const actions = (
      await database.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.entityId, d.id))
        .orderBy(auditLog.seq)
    ).map((a) => a.action);
    expect(actions).toEqual([
      'drill.create',
      'drill.team.add',
      'drill.participant.add',
      'drill.transition',
      'drill.participant.update',
      'drill.team.update',
      'drill.finding.add',
      'drill.task.create',
      'drill.task.update',
      'drill.task.update',
      'drill.transition',
      'drill.update',
    ]);
    // The drill of 10/11 counts for An: the staff figure at year end is unchanged (An already counted), m1 now meets.
    const dec = await targets(admin, '?on=2025-12-31');
    expect(dec.team.list.find((m) => m.fullName === 'Thành viên m1')).toMatchObject({ met: true });
    const bad = await dept.request('POST', '/api/drills', {
      title: 'X',
      kind: 'live',
      organiserId: org.D,
      startsAt: at('2025-11-10'),
      endsAt: at('2025-11-09'),
    });
    expect(bad.statusCode).toBe(400);
    expect((await dept.request('GET', '/api/drills/targets?on=2025-13-01')).statusCode).toBe(400);
  });

  it('answers 400, never 500, to times and days PostgreSQL cannot hold', async () => {
    const plan = (startsAt: string, endsAt: string) =>
      dept.request('POST', '/api/drills', {
        title: 'Diễn tập ngoài lịch',
        kind: 'tabletop',
        organiserId: org.D,
        startsAt,
        endsAt,
      });
    const refused = [
      await plan('0000-01-01T00:00:00Z', '0000-01-02T00:00:00Z'),
      await plan('0001-01-01T00:00:00+07:00', '0001-01-02T00:00:00+07:00'),
      await plan('9999-12-31T20:00:00Z', '9999-12-31T21:00:00Z'),
      await dept.request('PATCH', `/api/drills/${drill.E}`, { startsAt: '0000-06-01T00:00:00Z' }),
      await dept.request('GET', '/api/drills/targets?on=0000-01-01'),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400]);
    const found = await ok(dept, 'POST', `/api/drills/${drill.E}/findings`, {
      severity: 'low',
      description: 'Lộ phiên bản máy chủ',
    });
    const task = await dept.request('POST', `/api/drills/${drill.E}/findings/${found.findingList[0].id}/task`, {
      organisationId: org.D,
      dueOn: '0000-01-01',
    });
    expect(task.statusCode).toBe(400);
  });

  it('shows an agency that only takes part its own people and findings, not other agencies’', async () => {
    const found = await ok(dept, 'POST', `/api/drills/${drill.A}/findings`, {
      severity: 'high',
      systemId: system['Cổng dịch vụ công'],
      description: 'Mật khẩu mặc định trên cổng quản trị',
    });
    await ok(dept, 'POST', `/api/drills/${drill.A}/findings/${found.findingList[0].id}/task`, {
      organisationId: org.D,
      dueOn: '2025-04-30',
    });
    const c1 = await ok(agencyC1, 'GET', `/api/drills/${drill.A}`);
    expect(c1.participantList.map((p: { email: string }) => p.email)).toEqual(['c@example.vn']);
    expect(c1).toMatchObject({ participants: 1, attended: 1, findings: 0, findingList: [] });
    // The organiser's own unit sees the whole drill.
    const d = await ok(agencyD, 'GET', `/api/drills/${drill.A}`);
    expect(d.participantList.map((p: { email: string }) => p.email).sort()).toEqual([
      'a@example.vn',
      'c@example.vn',
      'z@example.vn',
    ]);
    expect(d.findingList.map((f: { description: string }) => f.description)).toEqual([
      'Mật khẩu mặc định trên cổng quản trị',
    ]);
    expect((await ok(dept, 'GET', `/api/drills/${drill.A}`)).participants).toBe(3);
  });

  it('refuses to move a drill to a day its participants are not registered on', async () => {
    const d = await ok(
      dept,
      'POST',
      '/api/drills',
      {
        title: 'Diễn tập dời ngày',
        kind: 'tabletop',
        organiserId: org.D,
        startsAt: at('2025-03-10'),
        endsAt: at('2025-03-10', '17:00'),
      },
      201,
    );
    await ok(dept, 'POST', `/api/drills/${d.id}/participants`, { staffMemberId: staff.c });
    // Cường's appointment starts 01/03/2025.
    const moved = await dept.request('PATCH', `/api/drills/${d.id}`, {
      startsAt: at('2025-02-15'),
      endsAt: at('2025-02-15', '17:00'),
    });
    expect(moved.statusCode, moved.body).toBe(409);
    expect(moved.json().error).toMatchObject({
      key: 'drills.moveLeavesParticipants',
      params: { day: '15/02/2025', names: 'Cường' },
    });
    expect((await ok(dept, 'GET', `/api/drills/${d.id}`)).drillDay).toBe('2025-03-10');
    const later = await ok(dept, 'PATCH', `/api/drills/${d.id}`, {
      startsAt: at('2025-03-20'),
      endsAt: at('2025-03-20', '17:00'),
    });
    expect(later.drillDay).toBe('2025-03-20');
  });
});

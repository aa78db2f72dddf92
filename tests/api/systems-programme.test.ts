import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { provinceDay } from '../../src/core/time.ts';
import { ruleBookFromFiles } from '../../src/modules/rules/index.ts';
import { runDeadlineCheck } from '../../src/modules/systems/targets.service.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { createSystem, createTree, dossierIn, type Tree } from './systems-support.ts';

type OrgFigure = { code: string; total: number; met: number; percent: number | null };

describe.each(TEST_DATABASES)('security plans, 4 layers, targets and notifications on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let ids: Tree;
  let admin: Client;
  let dept: Client;
  let mcc: Client;
  let yb: Client;
  const sys: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('prog-admin', 'admin');
    ids = await createTree(admin);
    dept = await t.userWithRole('prog-dept', 'department');
    mcc = await t.userWithRole('prog-mcc', 'agency', ids['137']);
    yb = await t.userWithRole('prog-yb', 'agency', ids['141']);
    // Mù Căng Chải's subtree: 3 of 4 systems approved; Yên Bình: 1 system, not approved.
    const plan: [string, Client, string, number, string][] = [
      ['A1', mcc, '137', 2, 'approved'],
      ['A2', mcc, '04402', 2, 'approved'],
      ['A3', mcc, '04405', 1, 'approved'],
      ['A4', mcc, '137', 2, 'submitted'],
      ['B1', yb, '141', 2, 'submitted'],
    ];
    for (const [key, client, org, level, state] of plan) {
      const s = await createSystem(client, ids[org] as string, level);
      sys[key] = s.id;
      await dossierIn(client, admin, s.id, state, level);
    }
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('lists the checklist of the approved level and counts the plan done only when every required item is done', async () => {
    const none = (await mcc.request('GET', `/api/systems/${sys.A4}/plan`)).json();
    expect([none.level, none.summary.fullyImplemented]).toEqual([null, false]);
    const refused = await mcc.request('PUT', `/api/systems/${sys.A4}/plan`, {
      items: [{ code: 'M1.1', status: 'done' }],
    });
    expect(refused.statusCode).toBe(409);

    const plan = (await mcc.request('GET', `/api/systems/${sys.A1}/plan`)).json();
    const required = ruleBookFromFiles()
      .on('checklist_item', provinceDay())
      .filter((i) => i.data.minLevel <= 2)
      .map((i) => i.data.code);
    expect(plan.level).toBe(2);
    expect(plan.groups.map((g: { code: string }) => g.code)).toEqual([
      'M1',
      'M2',
      'M3',
      'M4',
      'M5',
      'T1',
      'T2',
      'T3',
      'T4',
    ]);
    expect(plan.summary).toEqual({ applicable: required.length, done: 0, percent: 0, fullyImplemented: false });

    const tooHigh = await mcc.request('PUT', `/api/systems/${sys.A1}/plan`, {
      items: [{ code: 'M5.6', status: 'done' }],
    });
    expect([tooHigh.statusCode, tooHigh.json().error.message]).toEqual([
      400,
      'Item M5.6 applies from level 3, not level 2',
    ]);
    const noReason = await mcc.request('PUT', `/api/systems/${sys.A1}/plan`, {
      items: [{ code: 'M4.2', status: 'not_applicable' }],
    });
    expect(noReason.statusCode).toBe(400);

    const [last, ...rest] = required;
    const almost = await mcc.request('PUT', `/api/systems/${sys.A1}/plan`, {
      items: [
        ...rest.map((code) => ({
          code,
          status: code === 'M4.2' ? 'not_applicable' : 'done',
          evidence: 'Biên bản 12/2024',
          reason: code === 'M4.2' ? 'Không thuê khoán phần mềm' : null,
        })),
        { code: last, status: 'in_progress' },
      ],
    });
    expect(almost.statusCode, almost.body).toBe(200);
    expect(almost.json().summary).toMatchObject({
      applicable: required.length - 1,
      done: required.length - 2,
      fullyImplemented: false,
    });
    const done = (
      await mcc.request('PUT', `/api/systems/${sys.A1}/plan`, { items: [{ code: last, status: 'done' }] })
    ).json();
    expect(done.summary).toMatchObject({ percent: 100, fullyImplemented: true });
    expect((await yb.request('GET', `/api/systems/${sys.A1}/plan`)).statusCode).toBe(404);
    expect(
      (await yb.request('PUT', `/api/systems/${sys.A1}/plan`, { items: [{ code: 'M1.1', status: 'done' }] }))
        .statusCode,
    ).toBe(404);
  });

  it('keeps the 4 layers per system and lists the gaps, an overdue inspection included', async () => {
    const res = await mcc.request('PUT', `/api/systems/${sys.A1}/layers`, {
      layers: [
        { layer: 1, status: 'in_place', evidence: 'QĐ 15/QĐ-UBND phân công cán bộ' },
        { layer: 2, status: 'in_place', provider: 'SOC tỉnh Yên Bái', evidence: 'Kết nối SOC từ 03/2024' },
        { layer: 3, status: 'in_place', lastInspectionDate: '2023-05-10' },
        { layer: 4, status: 'partial', evidence: 'Đang cài agent giám sát' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    // The next inspection is due by the rule for the approved level (2: every 2 years, NĐ 85 Art. 20.2.c).
    expect(res.json().layers[2]).toMatchObject({
      nextInspectionDate: '2025-05-10',
      inspectionPeriodMonths: 24,
      inspectionBasis: 'NĐ 85/2016/NĐ-CP, Điều 20 khoản 2 điểm c',
    });
    expect(res.json().layers.map((l: { gaps: string[] }) => l.gaps)).toEqual([
      [],
      [],
      ['inspection_overdue'],
      ['partial'],
    ]);
    const gaps = (await mcc.request('GET', `/api/layers/gaps?organisationId=${ids['137']}`)).json();
    const a1 = gaps.filter((g: { systemId: string }) => g.systemId === sys.A1).map((g: { layer: number }) => g.layer);
    expect(a1).toEqual([3, 4]);
    // A system with nothing recorded lacks all four layers.
    expect(gaps.filter((g: { systemId: string }) => g.systemId === sys.A4)).toHaveLength(4);
    expect(gaps.some((g: { systemId: string }) => g.systemId === sys.B1)).toBe(false);
    expect((await yb.request('GET', `/api/systems/${sys.A1}/layers`)).statusCode).toBe(404);
  });

  it('computes the share reached on an organisation subtree and province-wide, within the caller’s scope', async () => {
    const target = await dept.request('POST', '/api/targets', {
      title: '100% hồ sơ đề xuất cấp độ được phê duyệt trước 31/08/2024',
      kind: 'dossier_approved',
      deadline: '2024-08-31',
      legalBasis: 'Văn bản 1949/UBND-VX ngày 06/2024',
    });
    expect(target.statusCode, target.body).toBe(201);
    const id = target.json().id;
    // The approvals were signed today, after the 2024 deadline: they count as late, apart from the on-time ones.
    const province = (await dept.request('GET', `/api/targets/${id}`)).json();
    expect([province.total, province.met, province.late, province.percent, province.percentWithLate]).toEqual([
      5, 0, 3, 0, 60,
    ]);
    const figure = (code: string) => province.byOrganisation.find((o: OrgFigure) => o.code === code);
    expect(figure('137')).toMatchObject({ total: 4, met: 0, late: 3 });
    expect(figure('04402')).toMatchObject({ total: 1, met: 0, late: 1 });
    expect(figure('141')).toMatchObject({ total: 1, met: 0, late: 0 });
    expect(province.overdue).toBe(true);
    const stillMissing = province.holdingBack.filter((h: { late: boolean }) => !h.late);
    expect(stillMissing.map((h: { systemId: string }) => h.systemId).sort()).toEqual([sys.A4, sys.B1].sort());
    // As of the deadline itself nothing was approved yet.
    const then = (await dept.request('GET', `/api/targets/${id}?asOf=2024-08-31`)).json();
    expect([then.asOf, then.total, then.met, then.late]).toEqual(['2024-08-31', 5, 0, 0]);
    expect(province.holdingBack.find((h: { systemId: string }) => h.systemId === sys.A4).accountableHead).toEqual({
      name: 'Head of 137',
      title: null,
      email: 'head-137@example.vn',
    });

    const district = (await dept.request('GET', `/api/targets/${id}?organisationId=${ids['137']}`)).json();
    expect([district.total, district.late, district.percentWithLate]).toEqual([4, 3, 75]);
    // Yên Bình's officer sees only Yên Bình, even on a province-wide target.
    const own = (await yb.request('GET', `/api/targets/${id}`)).json();
    expect([own.total, own.met + own.late, own.byOrganisation.map((o: OrgFigure) => o.code)]).toEqual([1, 0, ['141']]);

    const scoped = await dept.request('POST', '/api/targets', {
      title: '100% hệ thống triển khai đầy đủ phương án trước 31/12/2024',
      kind: 'plan_implemented',
      deadline: '2024-12-31',
      organisationId: ids['137'],
    });
    const plans = (await dept.request('GET', `/api/targets/${scoped.json().id}`)).json();
    expect([plans.total, plans.late, plans.percentWithLate]).toEqual([4, 1, 25]); // A1's plan was completed above
    expect((await yb.request('GET', `/api/targets/${scoped.json().id}`)).statusCode).toBe(404);
    expect((await yb.request('GET', '/api/targets')).json().map((x: { id: string }) => x.id)).toEqual([id]);
    const list = (await mcc.request('GET', '/api/targets')).json();
    expect(list.map((x: { percentWithLate: number }) => x.percentWithLate)).toEqual([75, 25]);
    expect(
      (
        await mcc.request('POST', '/api/targets', {
          title: 'Chỉ tiêu riêng',
          kind: 'dossier_approved',
          deadline: '2024-01-01',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('notifies the officers of each overdue organisation once a day, naming the accountable head', async () => {
    // Today: A1–A3 met the dossier target late (not notified), A4 and B1 not at all. The dossier steps above told
    // the agencies already (tests/api/notifications.test.ts): read, they leave only the deadline check's here.
    for (const c of [mcc, yb]) await c.request('POST', '/api/notifications/read-all');
    const now = new Date();
    const first = await runDeadlineCheck(database.db, now);
    expect(first.notificationsCreated).toBeGreaterThan(0);
    expect((await runDeadlineCheck(database.db, now)).notificationsCreated).toBe(0);
    const mine = (await mcc.request('GET', '/api/notifications?unread=true')).json();
    const kinds = mine.map((n: { kind: string }) => n.kind).sort();
    // The district's own systems: A4 misses both targets, A1's inspection (due 10/05/2025) is overdue; its communes
    // have no officer of their own, so A2 and A3 (late on the end-of-year target) reach the district, naming their
    // communes' heads.
    expect(kinds).toEqual([
      'inspection_overdue',
      'target_overdue',
      'target_overdue',
      'target_overdue',
      'target_overdue',
    ]);
    expect(mine[0].body).toContain('Head of 137');
    const heads = mine.map((n: { body: string }) => /Head of (\d+)/.exec(n.body)?.[1]).sort();
    expect(heads).toEqual(['04402', '04405', '137', '137', '137']);
    // Links are pages of the web UI (e-mails prefix KHIEN_PUBLIC_URL).
    const inspection = mine.find((n: { kind: string }) => n.kind === 'inspection_overdue');
    expect(inspection.link).toMatch(/^\/systems\/view\?id=[0-9a-f-]{36}&tab=layers$/);
    const theirs = (await yb.request('GET', '/api/notifications?unread=true')).json();
    expect(theirs).toHaveLength(1);
    expect(theirs[0].body).toContain('Head of 141');
    expect((await yb.request('POST', `/api/notifications/${mine[0].id}/read`)).statusCode).toBe(404);
    expect((await mcc.request('POST', `/api/notifications/${mine[0].id}/read`)).json()).toEqual({ updated: 1 });
    expect((await mcc.request('GET', '/api/notifications?unread=true')).json()).toHaveLength(4);
    expect((await mcc.request('POST', '/api/notifications/read-all')).json()).toEqual({ updated: 4 });
    const nextDay = await runDeadlineCheck(database.db, new Date(now.getTime() + 86_400_000));
    expect(nextDay.notificationsCreated).toBe(first.notificationsCreated);
  });
});

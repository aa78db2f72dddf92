import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import type { Database } from '../../src/core/db/client.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { organisationByCodeOn } from '../../src/modules/organisations/index.ts';
import { type TaskFigure, taskFigures, taskState } from '../../src/modules/oversight/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { POPPLER, pdfPages, pdfText } from '../support/documents.ts';

type Board = {
  asOf: string;
  organisation: { id: string; name: string } | null;
  tasks: (TaskFigure & { titleEn: string })[];
  children: { id: string; name: string; type: string; hasChildren: boolean; figures: TaskFigure[] }[];
};
const ORDER = '1949/UBND-VX ngày 07/06/2024';

describe.each(TEST_DATABASES)('leaders’ dashboard on %s', (kind) => {
  let database: Database;
  let dept: Client;
  let viewer: Client;
  let soyte: Client;
  /** The order's figures as of two 2024 days, computed before the 2025–2026 data existed. */
  const before: Record<string, TaskFigure[]> = {};
  const ids: Record<string, string> = {};

  const board = async (c: Client, query: string) => {
    const res = await c.request('GET', `/api/oversight?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Board;
  };
  const get = async (c: Client, url: string) => {
    const res = await c.request('GET', url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const task = (b: { tasks: TaskFigure[] }, number: string, order = ORDER) => {
    const t = b.tasks.find((x) => x.number === number && x.order === order);
    if (!t) throw new Error(`task ${number} missing`);
    return t;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await loadDemo(database.db, CLI_ACTOR, { only2024: true });
    for (const asOf of ['2024-06-30', '2024-12-31'])
      before[asOf] = await taskFigures(database.db, { all: true }, { asOf });
    await loadDemo(database.db, CLI_ACTOR);
    for (const [name, code, day] of [
      ['soyte', 'SO-YTE', '2024-06-30'],
      ['sotc', 'SO-TC', '2024-06-30'],
      ['yenbai', '15', '2024-06-30'],
      ['laocai', '15', '2025-07-01'],
      ['mucangchai', '137', '2024-06-30'],
    ] as const)
      ids[name] = (await organisationByCodeOn(database.db, code, day))?.id as string;
    const { userWithRole } = await startApp(database);
    dept = await userWithRole('o.dept', 'department');
    viewer = await userWithRole('o.viewer', 'viewer');
    soyte = await userWithRole('o.soyte', 'agency', ids.soyte);
  }, 600_000);
  afterAll(() => database?.close());

  it('lists every task of the order with its target, figure, deadline and state as of a chosen day', async () => {
    const june = await board(viewer, 'asOf=2024-06-30&children=false');
    expect(june.tasks.filter((t) => t.order === ORDER)).toHaveLength(17);
    expect(june.tasks).toHaveLength(18); // and the one the Department added itself
    const levels = task(june, '3');
    expect(levels).toMatchObject({ indicator: 'dossiers_approved', target: 100, deadline: '2024-08-31' });
    expect(levels.state).toBe('on_track');
    const december = await board(viewer, 'asOf=2024-12-31&children=false');
    expect(task(december, '3').state).toBe('late'); // 31/08/2024 passed with the target unmet
    expect(task(december, '11')).toMatchObject({ state: 'done', value: 1 }); // guidance issued 15/07/2024
    expect(task(june, '11').state).toBe('no_data');
  });

  it('gives each computed figure exactly as its own module does for the same day', async () => {
    const b = await board(dept, 'asOf=2024-06-30&children=false');
    const period = 'from=2024-01-01&to=2024-06-30';
    const soc = await get(dept, `/api/soc/summary?${period}`);
    expect(task(b, '1').detail).toContain(`${soc.scanningIps} địa chỉ IP rà quét; ${soc.maliciousContactIps} kết nối`);
    expect(soc).toMatchObject({ scanningIps: 86, maliciousContactIps: 2 });
    const vulns = await get(dept, `/api/vulnerabilities/summary?${period}`);
    expect(task(b, '2')).toMatchObject({ value: vulns.withCritical, comparison: 'at_most', target: 0 });
    expect(task(b, '2').detail).toContain(`/${vulns.vulnerableComputers} máy tính`);
    const targets = (await get(dept, '/api/targets?asOf=2024-06-30')) as {
      kind: string;
      met: number;
      total: number;
      percent: number;
    }[];
    for (const [number, kindOf] of [
      ['3', 'dossier_approved'],
      ['4', 'plan_implemented'],
    ]) {
      const t = targets.find((x) => x.kind === kindOf);
      expect(task(b, number as string)).toMatchObject({ value: t?.percent, numerator: t?.met, denominator: t?.total });
    }
    const drills = await get(dept, '/api/drills/targets?on=2024-12-31');
    const dec = await board(dept, 'asOf=2024-12-31&children=false');
    expect(task(dec, '16')).toMatchObject({
      numerator: drills.staff.total.attended,
      denominator: drills.staff.total.registered,
    });
    expect(task(dec, '16').numerator).toBeGreaterThan(0);
    expect(task(dec, '17')).toMatchObject({ numerator: drills.team.met, denominator: drills.team.members });
    const coverage = await get(dept, '/api/awareness/coverage?on=2024-12-31');
    expect(task(dec, '8')).toMatchObject({
      value: coverage.total.percent,
      numerator: coverage.total.reachedCapped,
      denominator: coverage.total.population,
    });
    expect(coverage.total.reachedCapped).toBeGreaterThan(0);
    // The four layers today: the systems the layers page lists with no layer missing or partial.
    const today = await board(dept, 'children=false');
    const gaps = (await get(dept, '/api/layers/gaps')) as { systemId: string; gaps: string[] }[];
    const short = new Set(
      gaps.filter((g) => g.gaps.some((k) => k === 'missing' || k === 'partial')).map((g) => g.systemId),
    );
    expect(task(today, '7')).toMatchObject({ indicator: 'four_layers', denominator: 60, numerator: 60 - short.size });
    expect(task(dec, '7').numerator).toBeGreaterThan(task(b, '7').numerator ?? 0); // layers put in place in H2 2024
    const sites = await get(dept, '/api/sites/summary?on=2024-12-31');
    expect(task(dec, '10')).toMatchObject({ numerator: sites.totals.pass, denominator: sites.totals.sites });
    const inspections = await get(dept, '/api/inspections/figures?from=2024-01-01&to=2024-12-31');
    expect(task(dec, '13')).toMatchObject({
      indicator: 'inspections_done',
      numerator: inspections.done,
      denominator: inspections.planned,
    });
    expect(task(dec, '13').detail).toContain(`${inspections.findingsOpen} tồn tại chưa khắc phục`);
  });

  it('keeps a figure as of 30/06/2024 (and 31/12/2024) unchanged by the 2025–2026 data', async () => {
    for (const asOf of ['2024-06-30', '2024-12-31']) {
      const now = await taskFigures(database.db, { all: true }, { asOf });
      expect(now).toEqual(before[asOf]);
    }
  });

  it('rolls the merged province’s records up under its successor (Yên Bái → Lào Cai)', async () => {
    const yb = task(await board(dept, `asOf=2024-12-31&organisationId=${ids.yenbai}&children=false`), '3');
    const lc = await board(dept, `asOf=2025-12-31&organisationId=${ids.laocai}&children=false`);
    expect(lc.organisation?.name).toBe('Tỉnh Lào Cai');
    // The 2024 systems are counted under Lào Cai after the merger, the old unit's id still gives them.
    expect(task(lc, '3').denominator).toBe(yb.denominator);
    const old = await board(dept, `asOf=2025-12-31&organisationId=${ids.yenbai}&children=false`);
    expect(task(old, '3').denominator).toBe(yb.denominator);
    // A commune of 2024 that merged away in 2025 is no unit below the province any more.
    const after = await board(dept, `asOf=2025-12-31&organisationId=${ids.laocai}&taskId=${yb.id}`);
    expect(after.children.some((c) => c.type === 'district')).toBe(false);
  });

  it('drills down to agencies and communes, the units’ figures adding up to their parent’s', async () => {
    const all = await board(dept, 'asOf=2024-12-31&children=false');
    const levels = task(all, '3');
    const split = await board(dept, `asOf=2024-12-31&taskId=${levels.id}&children=true`);
    expect(split.children.length).toBeGreaterThan(30);
    expect(split.children.every((c) => c.figures.length <= 1)).toBe(true);
    const counted = split.children.flatMap((c) => c.figures);
    const sum = (k: 'numerator' | 'denominator') => counted.reduce((a, f) => a + (f[k] ?? 0), 0);
    expect(sum('numerator')).toBe(levels.numerator);
    expect(sum('denominator')).toBe(levels.denominator);
    const district = split.children.find((c) => c.id === ids.mucangchai);
    expect(district).toMatchObject({ type: 'district', hasChildren: true });
    const communes = await board(dept, `asOf=2024-12-31&organisationId=${ids.mucangchai}&children=true`);
    expect(communes.organisation?.name).toBe('Huyện Mù Căng Chải');
    expect(communes.children.length).toBeGreaterThan(5);
    expect(communes.children.every((c) => c.type === 'commune')).toBe(true);
    // Awareness is counted per commune: the district's communes add up to it.
    const reach = task(communes, '8');
    const perCommune = communes.children.map((c) => c.figures.find((f) => f.id === reach.id)?.denominator ?? 0);
    expect(perCommune.reduce((a, b) => a + b, 0)).toBe(reach.denominator);
  });

  it('shows an agency its own figures only, and another agency’s unit as not found', async () => {
    const own = await board(soyte, 'asOf=2024-12-31');
    const targets = (await get(soyte, '/api/targets?asOf=2024-12-31')) as { kind: string; total: number }[];
    expect(task(own, '3').denominator).toBe(targets.find((t) => t.kind === 'dossier_approved')?.total);
    const province = task(await board(dept, 'asOf=2024-12-31&children=false'), '3');
    expect(task(own, '3').denominator).toBeLessThan(province.denominator ?? 0);
    expect(own.children.every((c) => c.id !== ids.sotc)).toBe(true);
    const other = await soyte.request('GET', `/api/oversight?asOf=2024-12-31&organisationId=${ids.sotc}`);
    expect(other.statusCode).toBe(404);
    const figures = await taskFigures(
      database.db,
      { all: false, organisationIds: [ids.soyte as string] },
      { asOf: '2024-12-31', organisationId: ids.sotc },
    );
    expect(figures).toEqual([]);
  });

  it('lets only the Department keep tasks, names the bad field, and records every change', async () => {
    const body = {
      orderRef: 'Kế hoạch 99/KH-UBND ngày 01/01/2024',
      number: '1',
      titleVi: 'Rà soát tài khoản quản trị',
      titleEn: 'Review administrator accounts',
      indicator: 'manual',
      unit: 'percent',
      target: 100,
      deadline: '2024-09-30',
      validFrom: '2024-01-01',
    };
    expect((await viewer.request('POST', '/api/oversight/tasks', body)).statusCode).toBe(403);
    expect((await soyte.request('POST', '/api/oversight/tasks', body)).statusCode).toBe(403);
    const bad = await dept.request('POST', '/api/oversight/tasks', { ...body, target: 150 });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('target');
    const backwards = await dept.request('POST', '/api/oversight/tasks', { ...body, validTo: '2023-12-31' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('validTo');
    const created = await dept.request('POST', '/api/oversight/tasks', body);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(
      (await viewer.request('POST', `/api/oversight/tasks/${id}/progress`, { day: '2024-06-15', value: 40 }))
        .statusCode,
    ).toBe(403);
    expect((await dept.request('GET', '/api/oversight/tasks/00000000-0000-4000-8000-000000000000')).statusCode).toBe(
      404,
    );
    const computed = task(await board(dept, 'asOf=2024-06-30&children=false'), '3');
    const refused = await dept.request('POST', `/api/oversight/tasks/${computed.id}/progress`, {
      day: '2024-06-15',
      value: 1,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual({ field: 'indicator' });
    const own = (b: Board) => task(b, '1', body.orderRef);

    // A task counted by hand: no data, then on track, late after its deadline, done once met; each as of its day.
    expect(own(await board(viewer, 'asOf=2024-06-30&children=false')).state).toBe('no_data');
    const p1 = await dept.request('POST', `/api/oversight/tasks/${id}/progress`, {
      day: '2024-06-15',
      value: 40,
      note: '4/10 đơn vị',
    });
    expect(p1.statusCode, p1.body).toBe(201);
    expect(own(await board(viewer, 'asOf=2024-06-30&children=false'))).toMatchObject({
      state: 'on_track',
      value: 40,
      detail: '4/10 đơn vị',
    });
    expect(own(await board(viewer, 'asOf=2024-10-01&children=false'))).toMatchObject({ state: 'late', value: 40 });
    await dept.request('POST', `/api/oversight/tasks/${id}/progress`, { day: '2024-10-15', value: 100 });
    expect(own(await board(viewer, 'asOf=2024-10-20&children=false'))).toMatchObject({ state: 'done', value: 100 });
    expect(own(await board(viewer, 'asOf=2024-06-30&children=false')).value).toBe(40);
    // A unit's own entry shows on that unit's row of the drill-down.
    await dept.request('POST', `/api/oversight/tasks/${id}/progress`, {
      day: '2024-06-20',
      value: 70,
      organisationId: ids.soyte,
    });
    const split = await board(viewer, `asOf=2024-06-30&taskId=${id}&children=true`);
    expect(split.children.find((c) => c.id === ids.soyte)?.figures[0]).toMatchObject({ value: 70, state: 'on_track' });
    expect(split.children.find((c) => c.id === ids.sotc)?.figures[0]?.state).toBe('no_data');
    // Another agency's entry never reaches an agency: not in the task, not on the board.
    await dept.request('POST', `/api/oversight/tasks/${id}/progress`, {
      day: '2024-06-20',
      value: 30,
      organisationId: ids.sotc,
      note: 'Sở Tài chính: 3/10',
    });
    const seen = (await get(soyte, `/api/oversight/tasks/${id}`)) as { progress: { organisationId: string | null }[] };
    expect(seen.progress.map((p) => p.organisationId)).toEqual([null, ids.soyte, null]);
    expect(
      (await soyte.request('GET', `/api/oversight?asOf=2024-06-30&taskId=${id}&children=true`)).body,
    ).not.toContain('3/10');
    expect((await get(dept, `/api/oversight/tasks/${id}`)).progress).toHaveLength(4);
    // Ended tasks leave the board from the day after validTo.
    const ended = await dept.request('PUT', `/api/oversight/tasks/${id}`, { ...body, validTo: '2024-12-31' });
    expect(ended.statusCode, ended.body).toBe(200);
    expect((await board(viewer, 'asOf=2025-01-01&children=false')).tasks.some((t) => t.id === id)).toBe(false);
    expect((await dept.request('DELETE', `/api/oversight/tasks/${id}`)).statusCode).toBe(204);
    const actions = (
      await database.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.entityId, id))
        .orderBy(asc(auditLog.seq))
    ).map((a) => a.action);
    expect(actions).toEqual([
      'oversight.task.create',
      'oversight.progress.create',
      'oversight.progress.create',
      'oversight.progress.create',
      'oversight.progress.create',
      'oversight.task.update',
      'oversight.task.delete',
    ]);
  });

  it('computes no unit’s figures unless the drill-down is asked for', async () => {
    const plain = await board(dept, '');
    expect(plain.children.length).toBeGreaterThan(30);
    expect(plain.children.every((c) => c.figures.length === 0)).toBe(true);
    const levels = task(plain, '3');
    const asked = await board(dept, `taskId=${levels.id}&children=true`);
    expect(asked.children.some((c) => c.figures.length === 1)).toBe(true);
  });

  it('never shows an agency the hand-counted entry of the unit its task binds above it', async () => {
    const created = await dept.request('POST', '/api/oversight/tasks', {
      orderRef: 'Kế hoạch 98/KH-UBND ngày 01/01/2024',
      number: '1',
      titleVi: 'Kiểm kê thiết bị',
      titleEn: 'Count the equipment',
      indicator: 'manual',
      unit: 'percent',
      target: 100,
      deadline: '2024-09-30',
      organisationId: ids.yenbai,
      validFrom: '2024-01-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const p = await dept.request('POST', `/api/oversight/tasks/${id}/progress`, {
      day: '2024-06-10',
      value: 55,
      organisationId: ids.yenbai,
      note: 'Toàn tỉnh: 11/20 đơn vị',
    });
    expect(p.statusCode, p.body).toBe(201);
    const all = await board(dept, 'asOf=2024-06-30');
    expect(all.tasks.find((t) => t.id === id)).toMatchObject({ value: 55, detail: 'Toàn tỉnh: 11/20 đơn vị' });
    const seen = (await get(soyte, `/api/oversight/tasks/${id}`)) as { progress: unknown[] };
    expect(seen.progress).toEqual([]);
    const own = await board(soyte, 'asOf=2024-06-30');
    expect(own.tasks.find((t) => t.id === id)).toMatchObject({ value: null, state: 'no_data' });
    expect(JSON.stringify(own)).not.toContain('11/20');
    const figures = await taskFigures(
      database.db,
      { all: false, organisationIds: [ids.soyte as string] },
      { asOf: '2024-06-30' },
    );
    expect(JSON.stringify(figures)).not.toContain('11/20');
    expect((await dept.request('DELETE', `/api/oversight/tasks/${id}`)).statusCode).toBe(204);
  });

  it('refuses a hand count larger than its column holds, naming the field', async () => {
    const created = await dept.request('POST', '/api/oversight/tasks', {
      orderRef: 'Kế hoạch 97/KH-UBND ngày 01/01/2024',
      number: '1',
      titleVi: 'Đếm',
      titleEn: 'Count',
      indicator: 'manual',
      unit: 'count',
      target: 10,
      validFrom: '2024-01-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const res = await dept.request('POST', `/api/oversight/tasks/${id}/progress`, {
      day: '2024-06-10',
      value: 10,
      numerator: 3_000_000_000,
      denominator: 3_000_000_000,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toContain('numerator');
    expect((await dept.request('DELETE', `/api/oversight/tasks/${id}`)).statusCode).toBe(204);
  });

  it.skipIf(!POPPLER)('answers the board as of a day on one A4 page of PDF, within the caller’s scope', async () => {
    const res = await viewer.request('GET', '/api/oversight/pdf?asOf=2024-12-31');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('dieu-hanh-2024-12-31.pdf');
    expect(pdfPages(res.rawPayload)).toBe(1);
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Toàn bộ phạm vi theo dõi — số liệu tại ngày 31/12/2024');
    expect(text).toContain('46,7% (28/60)');
    expect(text).toContain('Chậm so với hạn');
    const other = await soyte.request('GET', `/api/oversight/pdf?asOf=2024-12-31&organisationId=${ids.sotc}`);
    expect(other.statusCode).toBe(404);
    expect((await viewer.request('GET', '/api/oversight/pdf?asOf=31/12/2024')).statusCode).toBe(400);
  });

  it('answers 400 to a day that does not exist and 404 to an unknown unit', async () => {
    expect((await viewer.request('GET', '/api/oversight?asOf=2024-02-30')).statusCode).toBe(400);
    expect((await viewer.request('GET', '/api/oversight?organisationId=nope')).statusCode).toBe(400);
    expect(
      (await viewer.request('GET', '/api/oversight?organisationId=00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404);
  });

  it('answers 400, naming the field, to a day outside 1900–2999 (PostgreSQL has no year 0)', async () => {
    for (const url of [
      '/api/oversight?asOf=0000-01-01',
      '/api/oversight?asOf=9999-12-31',
      '/api/oversight/pdf?asOf=0000-12-31',
    ]) {
      const res = await viewer.request('GET', url);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.body).toContain('asOf');
    }
    const body = {
      orderRef: 'Kế hoạch 96/KH-UBND ngày 01/01/2024',
      number: '1',
      titleVi: 'Ngày sai',
      titleEn: 'Wrong day',
      indicator: 'manual',
      unit: 'count',
      target: 1,
      validFrom: '0000-01-01',
    };
    const task = await dept.request('POST', '/api/oversight/tasks', body);
    expect(task.statusCode, task.body).toBe(400);
    expect(task.body).toContain('validFrom');
    const created = await dept.request('POST', '/api/oversight/tasks', { ...body, validFrom: '2024-01-01' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const progress = await dept.request('POST', `/api/oversight/tasks/${id}/progress`, { day: '0000-06-30', value: 1 });
    expect(progress.statusCode, progress.body).toBe(400);
    expect(progress.body).toContain('day');
    expect((await dept.request('DELETE', `/api/oversight/tasks/${id}`)).statusCode).toBe(204);
  });
});

describe('task state', () => {
  const t = { target: 100, comparison: 'at_least' as const, deadline: '2024-08-31' };
  it('is done when met, late once the deadline passed unmet, on track before, no data without a figure', () => {
    expect(taskState(t, null, '2024-06-30')).toBe('no_data');
    expect(taskState(t, 99.9, '2024-08-31')).toBe('on_track');
    expect(taskState(t, 99.9, '2024-09-01')).toBe('late');
    expect(taskState(t, 100, '2024-09-01')).toBe('done');
    // At most: a count to bring down; a standing task falls due at the end of each year.
    const atMost = { target: 0, comparison: 'at_most' as const, deadline: null };
    expect(taskState(atMost, 0, '2024-06-30')).toBe('done');
    expect(taskState(atMost, 3, '2024-12-31')).toBe('on_track');
    expect(taskState(atMost, 3, '2025-01-01')).toBe('on_track');
  });
  it('is not done when the share only rounds up to its target (2 499 of 2 500 is 99,96%, shown as 100%)', () => {
    expect(taskState(t, 100, '2024-08-31', { numerator: 2499, denominator: 2500 })).toBe('on_track');
    expect(taskState(t, 100, '2024-09-01', { numerator: 2499, denominator: 2500 })).toBe('late');
    expect(taskState(t, 100, '2024-09-01', { numerator: 2500, denominator: 2500 })).toBe('done');
    const fewer = { target: 5, comparison: 'at_most' as const, deadline: '2024-08-31' };
    expect(taskState(fewer, 5, '2024-09-01', { numerator: 5001, denominator: 100_000 })).toBe('late');
  });
});

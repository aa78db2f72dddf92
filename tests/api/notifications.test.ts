import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import type { Database } from '../../src/core/db/client.ts';
import { formatDay } from '../../src/core/documents/format.ts';
import { users } from '../../src/modules/auth/auth.schema.ts';
import { notifications, notifyOrganisation, notifyUsers } from '../../src/modules/notifications/index.ts';
import { transitionDossier } from '../../src/modules/systems/dossiers.service.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { attachComponents, createSystem, createTree, DECISION, type Tree } from './systems-support.ts';

type Note = { id: string; kind: string; title: string; body: string; link: string | null; readAt: string | null };

describe.each(TEST_DATABASES)('notifications on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let ids: Tree;
  const as = {} as Record<
    'admin' | 'dept' | 'dept2' | 'deptOff' | 'soc' | 'viewer' | 'agency' | 'agency2' | 'agency141',
    Client
  >;
  const notes = async (c: Client, query = '') => {
    const res = await c.request('GET', `/api/notifications${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Note[];
  };
  const kinds = async (c: Client) => (await notes(c)).map((n) => n.kind).sort();

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    as.admin = await t.userWithRole('n-admin', 'admin');
    ids = await createTree(as.admin);
    as.dept = await t.userWithRole('n-dept', 'department');
    as.dept2 = await t.userWithRole('n-dept2', 'department');
    as.deptOff = await t.userWithRole('n-dept-off', 'department');
    as.soc = await t.userWithRole('n-soc', 'soc');
    as.viewer = await t.userWithRole('n-viewer', 'viewer');
    as.agency = await t.userWithRole('n-agency-137', 'agency', ids['137']);
    as.agency2 = await t.userWithRole('n-agency-137b', 'agency', ids['137']);
    as.agency141 = await t.userWithRole('n-agency-141', 'agency', ids['141']);
    // A disabled account is told nothing.
    await database.db.update(users).set({ disabled: true }).where(eq(users.username, 'n-dept-off'));
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('tells whoever a dossier step hands the dossier to, and nobody else', async () => {
    const system = await createSystem(as.agency, ids['137'] as string, 2);
    const dossierLink = `/systems/view?id=${system.id}&tab=dossier`;
    const created = await as.agency.request('POST', `/api/systems/${system.id}/dossiers`, {});
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const step = async (c: Client, action: string, extra: Record<string, unknown> = {}) => {
      const res = await c.request('POST', `/api/dossiers/${id}/transitions`, { action, ...extra });
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
      return res.json();
    };
    await attachComponents(as.agency, id, 'submission');

    // Submitted: the Department's officers must accept or return it.
    await step(as.agency, 'submit');
    for (const c of [as.dept, as.dept2]) {
      const [n] = await notes(c);
      expect(await kinds(c)).toEqual(['dossier_submitted']);
      expect(n?.title).toBe(`Hồ sơ đề xuất cấp độ chờ tiếp nhận: ${system.name}`);
      expect(n?.body).toContain('Huyện Mù Căng Chải đã nộp hồ sơ đề xuất cấp độ 2');
      expect(n?.link).toBe(dossierLink);
    }
    for (const c of [as.admin, as.soc, as.viewer, as.agency, as.agency2, as.agency141])
      expect(await notes(c), c.username).toEqual([]);

    // Returned: the agency's officers must complete it; another district hears nothing.
    await step(as.dept, 'return', { comment: 'Thiếu sơ đồ mạng' });
    for (const c of [as.agency, as.agency2]) {
      const [n] = await notes(c);
      expect(n?.kind).toBe('dossier_returned');
      expect(n?.body).toContain('“Thiếu sơ đồ mạng”');
      expect(n?.link).toBe(dossierLink);
    }
    expect(await notes(as.agency141)).toEqual([]);
    expect(await kinds(as.dept)).toEqual(['dossier_submitted']);

    // Resubmitted: a new step, so a new notice (the first stays as it was).
    await step(as.agency, 'resubmit');
    const again = await notes(as.dept);
    expect(again.map((n) => n.kind)).toEqual(['dossier_submitted', 'dossier_submitted']);
    expect(again[0]?.body).toContain('đã nộp lại (sau khi bổ sung)');

    // Accepted: the agency learns its clocks; approved: it must implement the plan at the approved level.
    const accepted = await step(as.dept, 'accept');
    const [acc] = await notes(as.agency);
    expect(acc?.kind).toBe('dossier_accepted');
    expect(acc?.body).toContain(`hạn phê duyệt ${formatDay(accepted.approvalDue)}`);
    await step(as.dept, 'approve', DECISION);
    const [approved] = await notes(as.agency2);
    expect(approved?.kind).toBe('dossier_approved');
    expect(approved?.title).toBe(`Đã phê duyệt cấp độ 2: ${system.name}`);
    expect(approved?.body).toContain(
      `Quyết định số ${DECISION.decisionNumber} ngày ${formatDay(DECISION.decisionDate)}`,
    );
    expect(approved?.link).toBe(`/systems/view?id=${system.id}&tab=plan`);
    expect(await kinds(as.agency)).toEqual(['dossier_accepted', 'dossier_approved', 'dossier_returned']);
    expect(await kinds(as.dept)).toEqual(['dossier_submitted', 'dossier_submitted']);
    for (const c of [as.admin, as.soc, as.viewer, as.agency141]) expect(await notes(c), c.username).toEqual([]);
    const toDisabled = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, as.deptOff.userId));
    expect(toDisabled).toEqual([]);
  });

  it('asks no one to act on a step recorded after the fact', async () => {
    const system = await createSystem(as.agency, ids['137'] as string, 1);
    const created = await as.agency.request('POST', `/api/systems/${system.id}/dossiers`, {});
    const id = created.json().id as string;
    await attachComponents(as.agency, id, 'submission');
    const before = (await notes(as.dept)).length;
    await transitionDossier(database.db, CLI_ACTOR, { all: true }, id, { action: 'submit' }, { at: new Date() });
    expect((await notes(as.dept)).length).toBe(before);
  });

  it('shows and marks read only the caller’s own notifications', async () => {
    const notice = { kind: 'test', title: 'Kiểm tra', body: 'Nội dung', link: '/systems', dedupeKey: 'own-test' };
    expect(await notifyUsers(database.db, [as.agency141.userId, as.viewer.userId], notice)).toBe(2);
    // The same notice again adds nothing.
    expect(await notifyUsers(database.db, [as.agency141.userId], notice)).toBe(0);
    const [mine] = await notes(as.agency141);
    const [theirs] = await notes(as.viewer);
    expect(Object.keys(mine ?? {}).sort()).toEqual(
      ['body', 'createdAt', 'emailedAt', 'id', 'kind', 'link', 'readAt', 'title', 'urgent'].sort(),
    );
    const id = mine?.id as string;
    expect(id).not.toBe(theirs?.id);

    // Another user's notification is not found, whoever asks (an administrator too), and stays unread.
    for (const c of [as.viewer, as.admin, as.agency]) {
      const res = await c.request('POST', `/api/notifications/${id}/read`);
      expect(res.statusCode, c.username).toBe(404);
      expect(res.json().error.key).toBe('notifications.notFound');
      expect((await notes(c)).map((n) => n.id)).not.toContain(id);
    }
    expect(
      (await as.agency141.request('POST', '/api/notifications/00000000-0000-4000-8000-000000000000/read')).statusCode,
    ).toBe(404);
    expect((await as.agency141.request('POST', '/api/notifications/not-a-uuid/read')).statusCode).toBe(400);
    expect((await notes(as.agency141, '?unread=true')).map((n) => n.id)).toEqual([id]);

    expect((await as.agency141.request('POST', `/api/notifications/${id}/read`)).json()).toEqual({ updated: 1 });
    // Read already: still the caller's, nothing to change.
    expect((await as.agency141.request('POST', `/api/notifications/${id}/read`)).json()).toEqual({ updated: 0 });
    expect(await notes(as.agency141, '?unread=true')).toEqual([]);
    // unread=false is not read as "true".
    expect((await notes(as.agency141, '?unread=false')).map((n) => n.id)).toEqual([id]);
    expect((await notes(as.viewer, '?unread=true')).map((n) => n.id)).toEqual([theirs?.id]);

    // "Read all" reads the caller's own only.
    const unreadBefore = (await notes(as.agency, '?unread=true')).length;
    expect(unreadBefore).toBeGreaterThan(0);
    expect((await as.agency.request('POST', '/api/notifications/read-all')).json()).toEqual({ updated: unreadBefore });
    expect(await notes(as.agency, '?unread=true')).toEqual([]);
    expect((await notes(as.agency2, '?unread=true')).length).toBe(unreadBefore);
    expect((await notes(as.viewer, '?unread=true')).length).toBe(1);
  });

  it('reaches a commune without officers through its district, and a commune with officers directly', async () => {
    const notice = (key: string) => ({
      kind: 'test',
      title: 'Xã',
      body: 'Việc cần làm',
      link: '/systems',
      dedupeKey: key,
    });
    const narrow = await t.userWithRole('n-agency-137-narrow', 'agency', ids['137']);
    await database.db.update(users).set({ scopeIncludesChildren: false }).where(eq(users.id, narrow.userId));
    // Xã Hồ Bốn has no account: the district's officers whose scope covers it are told, not the narrow one.
    expect(await notifyOrganisation(database.db, ids['04405'] as string, notice('commune-1'))).toBe(2);
    for (const c of [as.agency, as.agency2]) expect(await kinds(c)).toContain('test');
    expect(await notes(narrow)).toEqual([]);
    expect(await notes(as.agency141)).not.toContainEqual(expect.objectContaining({ title: 'Xã' }));
    // Thị trấn Mù Căng Chải has its own officer: only they are told.
    const commune = await t.userWithRole('n-agency-04402', 'agency', ids['04402']);
    const before = (await notes(as.agency)).length;
    expect(await notifyOrganisation(database.db, ids['04402'] as string, notice('commune-2'))).toBe(1);
    expect((await notes(commune)).map((n) => n.title)).toEqual(['Xã']);
    expect((await notes(as.agency)).length).toBe(before);
  });
});

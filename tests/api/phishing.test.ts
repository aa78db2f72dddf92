// Phishing exercises end to end through the API: four-eyes approval, recipients from the staff register as of a
// day, rate-limited sending to a real SMTP server process (aiosmtpd), per-recipient signed links whose public pages
// record only THAT something happened, scoped results, and the refusals (own draft, sending before approval,
// forged links).
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, type Db, queryRows } from '../../src/core/db/client.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import {
  linkToken,
  phishingLinkKey,
  phishingRecipients,
  phishingSmtpMailer,
  sendPhishingMails,
} from '../../src/modules/phishing/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';
import { freePort, type Received, startSmtpServer } from '../support/smtp.ts';

const smtp = await startSmtpServer();
afterAll(() => smtp?.stop());

const PUBLIC_URL = 'https://khien.example.gov.vn';
const TYPED = 'mat-khau-bi-mat-Zq7';

const CAMPAIGN = {
  title: 'Diễn tập tháng 3',
  subject: '[Khẩn] Xác thực tài khoản thư công vụ',
  senderName: 'Bộ phận hỗ trợ',
  senderAddress: 'hotro@mail-congvu.example',
  body: 'Kính gửi {{name}},\nVui lòng xác thực tại {{link}}\nTrân trọng.',
  lessonText: 'Đây là thư diễn tập của Sở.\n\nHãy kiểm tra tên miền trước khi bấm.',
  ratePerMinute: 2,
  recipientsOn: '2026-03-02',
};

/** Every row of every table as text: typed text must be in none of them (also not hex-encoded in a bytea). */
async function allText(db: Db): Promise<string> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  expect(tables.map((t) => t.name)).toContain('phishing_recipients');
  const parts: string[] = [];
  for (const t of tables) {
    const rows = await queryRows<{ row: string }>(db, sql`select t::text as row from ${sql.identifier(t.name)} t`);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

const linkIn = (mail: Received) => {
  const m = /https:\/\/khien\.example\.gov\.vn(\/xac-thuc\/[^\s"<]+)/.exec(mail.text);
  if (!m?.[1]) throw new Error(`no link in ${mail.text}`);
  return m[1];
};

describe.skipIf(!smtp).each(TEST_DATABASES)('phishing exercises on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  const config = testConfig({
    smtp: { url: smtp?.url as string, from: 'khien@example.gov.vn' },
    publicUrl: PUBLIC_URL,
  });
  const key = phishingLinkKey(config);
  let admin: Client;
  let dept: Client;
  let dept2: Client;
  let agencyA: Client;
  let viewer: Client;
  let soc: Client;
  const org: Record<string, string> = {};
  let campaignId: string;
  const mails: Received[] = [];
  const send = (now: Date, mailer = phishingSmtpMailer(smtp?.url as string)) =>
    sendPhishingMails(database.db, { mailer, publicUrl: PUBLIC_URL, key, now }).finally(() => mailer.close());
  const get = async (c: Client, id: string) => {
    const res = await c.request('GET', `/api/phishing/campaigns/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  /** Approves the version of the draft the approver has just read, as the page does. */
  const approve = async (c: Client, id: string) => {
    const { campaign } = await get(c, id);
    return c.request('POST', `/api/phishing/campaigns/${id}/approve`, { updatedAt: campaign.updatedAt });
  };
  const recipientsOf = (id: string) =>
    database.db.select().from(phishingRecipients).where(eq(phishingRecipients.campaignId, id));

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    // The server's own timer must not send behind the test's back: the test drives sending with its own clock.
    t = await startApp(database, testConfig());
    admin = await t.userWithRole('ph-admin', 'admin');
    const make = async (code: string, type: string, parentId?: string) => {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name: code === 'P' ? 'UBND tỉnh' : `Sở ${code}`,
        type,
        ...(parentId ? { parentId } : {}),
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    };
    await make('P', 'province');
    await make('A', 'department', org.P);
    await make('B', 'department', org.P);
    dept = await t.userWithRole('ph-dept', 'department');
    dept2 = await t.userWithRole('ph-dept2', 'department');
    agencyA = await t.userWithRole('ph-agency-a', 'agency', org.A ?? null);
    viewer = await t.userWithRole('ph-viewer', 'viewer');
    soc = await t.userWithRole('ph-soc', 'soc');
    // The register (staff module): two officials of A, one of B, one of A who left before the exercise's day.
    for (const s of [
      { organisationId: org.A, fullName: 'Nguyễn Văn An', email: 'an@a.example', validFrom: '2025-01-01' },
      { organisationId: org.A, fullName: 'Trần Thị Bình', email: 'Binh@A.example', validFrom: '2025-01-01' },
      { organisationId: org.B, fullName: 'Lê Văn Cường', email: 'cuong@b.example', validFrom: '2025-01-01' },
      {
        organisationId: org.A,
        fullName: 'Phạm Đã Nghỉ',
        email: 'nghi@a.example',
        validFrom: '2024-01-01',
        validTo: '2025-12-31',
      },
    ]) {
      const res = await admin.request('POST', '/api/staff', {
        position: 'Chuyên viên',
        duty: 'information_security',
        phone: '0912000000',
        ...s,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.close();
  });

  it('drafts an exercise with the register’s officials in force that day, one per address, and audits it', async () => {
    const res = await dept.request('POST', '/api/phishing/campaigns', { ...CAMPAIGN, organisationIds: [org.P] });
    expect(res.statusCode, res.body).toBe(201);
    campaignId = res.json().id;
    expect(res.json()).toMatchObject({ state: 'draft', createdBy: dept.userId, approvedBy: null });
    const people = await recipientsOf(campaignId);
    expect(people.map((p) => p.email).sort()).toEqual(['an@a.example', 'binh@a.example', 'cuong@b.example']);
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, campaignId));
    expect(entry?.action).toBe('phishing.create');
  });

  it('refuses a mail without the link placeholder, an unknown organisation and a day with nobody in the register', async () => {
    const noLink = await dept.request('POST', '/api/phishing/campaigns', {
      ...CAMPAIGN,
      body: 'Bấm vào đây',
      organisationIds: [org.A],
    });
    expect(noLink.statusCode).toBe(400);
    const unknown = await dept.request('POST', '/api/phishing/campaigns', {
      ...CAMPAIGN,
      organisationIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.key).toBe('phishing.unknownOrganisation');
    const nobody = await dept.request('POST', '/api/phishing/campaigns', {
      ...CAMPAIGN,
      organisationIds: [org.A],
      recipientsOn: '2020-01-01',
    });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.json().error.key).toBe('phishing.noRecipients');
  });

  it('sends nothing before approval and refuses to launch a draft', async () => {
    const launch = await dept.request('POST', `/api/phishing/campaigns/${campaignId}/launch`);
    expect(launch.statusCode).toBe(409);
    expect(launch.json().error.key).toBe('phishing.notApproved');
    expect(await send(new Date())).toEqual({ sent: 0, failed: 0, completed: 0 });
    expect(smtp?.take()).toEqual([]);
  });

  it('four eyes: neither the author nor whoever changed the draft may approve it', async () => {
    const own = await approve(dept, campaignId);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.key).toBe('phishing.ownDraft');
    expect((await get(dept, campaignId)).approveBlocked).toBe('own_draft');
    // dept2 changes the draft (now only A and B): dept2 may no longer approve either.
    const put = await dept2.request('PUT', `/api/phishing/campaigns/${campaignId}`, {
      ...CAMPAIGN,
      organisationIds: [org.A, org.B],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await approve(dept2, campaignId)).statusCode).toBe(403);
    expect((await approve(dept, campaignId)).statusCode).toBe(403);
    const ok = await approve(admin, campaignId);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'approved', approvedBy: admin.userId });
    // Approved as it was: frozen.
    const late = await dept.request('PUT', `/api/phishing/campaigns/${campaignId}`, {
      ...CAMPAIGN,
      organisationIds: [org.A],
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.key).toBe('phishing.notDraft');
    expect(
      (await agencyA.request('POST', `/api/phishing/campaigns/${campaignId}/approve`, { updatedAt: new Date() }))
        .statusCode,
    ).toBe(403);
  });

  it('sends at most N mails per minute through SMTP, then completes', async () => {
    const launch = await dept.request('POST', `/api/phishing/campaigns/${campaignId}/launch`);
    expect(launch.statusCode, launch.body).toBe(200);
    expect(launch.json().state).toBe('sending');
    const t0 = new Date();
    expect(await send(t0)).toEqual({ sent: 2, failed: 0, completed: 0 });
    // Same minute: the budget (2 per minute) is spent.
    expect(await send(new Date(t0.getTime() + 30_000))).toEqual({ sent: 0, failed: 0, completed: 0 });
    mails.push(...(smtp?.take() ?? []));
    expect(mails).toHaveLength(2);
    expect(await send(new Date(t0.getTime() + 61_000))).toEqual({ sent: 1, failed: 0, completed: 1 });
    mails.push(...(smtp?.take() ?? []));
    expect(mails.map((m) => m.rcptTo).sort()).toEqual(['an@a.example', 'binh@a.example', 'cuong@b.example']);
    const an = mails.find((m) => m.rcptTo === 'an@a.example') as Received;
    expect(an.subject).toBe(CAMPAIGN.subject);
    // (Python's address parser leaves a space where nodemailer folds the encoded name; clients join the words.)
    expect(an.from.replace(/\s+/g, '')).toBe('Bộphậnhỗtrợ<hotro@mail-congvu.example>');
    expect(an.text).toContain('Kính gửi Nguyễn Văn An,');
    expect(an.html).toContain('/logo.gif');
    // Each mail carries its own recipient's link.
    expect(new Set(mails.map(linkIn)).size).toBe(3);
    expect((await get(dept, campaignId)).campaign.state).toBe('completed');
    expect(await send(new Date(t0.getTime() + 200_000))).toEqual({ sent: 0, failed: 0, completed: 0 });
  });

  it('records opened, clicked, submitted and reported — first time only, never what was typed', async () => {
    const an = linkIn(mails.find((m) => m.rcptTo === 'an@a.example') as Received);
    const binh = linkIn(mails.find((m) => m.rcptTo === 'binh@a.example') as Received);
    const pixel = await t.app.inject({ method: 'GET', url: `${an}/logo.gif` });
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    const landing = await t.app.inject({ method: 'GET', url: an });
    expect(landing.statusCode).toBe(200);
    expect(landing.headers['content-security-policy']).toContain("script-src 'self'");
    // The bait's inputs carry no name: a browser posts none of what is typed into them.
    expect(landing.body).toContain('<form method="post"');
    expect(landing.body).not.toMatch(/<input[^>]*\sname=/);
    expect(landing.body).not.toContain('<script');
    const submit = await t.app.inject({
      method: 'POST',
      url: an,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `u=an&p=${TYPED}`,
    });
    expect(submit.statusCode).toBe(200);
    expect(submit.body).toContain('Đây là thư diễn tập của Sở.');
    const again = await t.app.inject({
      method: 'POST',
      url: an,
      payload: TYPED,
      headers: { 'content-type': 'text/plain' },
    });
    expect(again.statusCode).toBe(200);
    const report = await t.app.inject({ method: 'POST', url: `${binh}/bao-cao` });
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain('Cảm ơn bạn đã báo cáo');
    const rows = await recipientsOf(campaignId);
    const anRow = rows.find((r) => r.email === 'an@a.example');
    expect(anRow?.openedAt).toBeInstanceOf(Date);
    expect(anRow?.clickedAt).toBeInstanceOf(Date);
    expect(anRow?.submittedAt).toBeInstanceOf(Date);
    expect(rows.find((r) => r.email === 'binh@a.example')?.reportedAt).toBeInstanceOf(Date);
    const everything = await allText(database.db);
    expect(everything).not.toContain(TYPED);
    expect(everything).not.toContain(Buffer.from(TYPED).toString('hex'));
  });

  it('answers 404 and records nothing for a forged, altered or malformed link', async () => {
    const before = await recipientsOf(campaignId);
    const cuong = await database.db
      .select()
      .from(phishingRecipients)
      .where(inArray(phishingRecipients.email, ['cuong@b.example']));
    const real = linkToken(key, cuong[0]?.id as string);
    const otherKey = linkToken(Buffer.alloc(32, 7), cuong[0]?.id as string);
    const flipped = `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [
      otherKey,
      flipped,
      cuong[0]?.id as string,
      'abc',
      `${crypto.randomUUID()}.${real.split('.')[1]}`,
    ]) {
      for (const [method, url] of [
        ['GET', `/xac-thuc/${token}`],
        ['GET', `/xac-thuc/${token}/logo.gif`],
        ['POST', `/xac-thuc/${token}`],
        ['POST', `/xac-thuc/${token}/bao-cao`],
      ] as const) {
        const res = await t.app.inject({ method, url });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
    }
    expect(await recipientsOf(campaignId)).toEqual(before);
  });

  it('shows aggregates in scope, per person only to phishing.write, and nothing to the SOC', async () => {
    const full = await get(dept, campaignId);
    expect(full.totals).toMatchObject({ recipients: 3, sent: 3, opened: 1, clicked: 1, submitted: 1, reported: 1 });
    expect(full.totals.clickRate).toBeCloseTo(1 / 3);
    expect(full.recipients).toHaveLength(3);
    expect(
      full.byOrganisation.map((o: { organisationName: string; sent: number }) => [o.organisationName, o.sent]),
    ).toEqual([
      ['Sở A', 2],
      ['Sở B', 1],
    ]);
    expect(full.byDay).toHaveLength(1);
    expect(full.byDay[0]).toMatchObject({ opened: 1, clicked: 1, submitted: 1, reported: 1 });
    const mine = await get(agencyA, campaignId);
    expect(mine.recipients).toBeNull();
    expect(mine.totals).toMatchObject({ recipients: 2, sent: 2, submitted: 1, reported: 1, submitRate: 0.5 });
    expect(mine.byOrganisation.map((o: { organisationId: string }) => o.organisationId)).toEqual([org.A]);
    expect((await get(viewer, campaignId)).recipients).toBeNull();
    expect((await soc.request('GET', `/api/phishing/campaigns/${campaignId}`)).statusCode).toBe(403);
    const year = new Date().getFullYear();
    const summary = await agencyA.request('GET', `/api/phishing/summary?from=${year}-01-01&to=${year}-12-31`);
    expect(summary.statusCode, summary.body).toBe(200);
    expect(summary.json().totals).toMatchObject({ sent: 2, clicked: 1, submitted: 1, reported: 1 });
    expect(summary.json().byMonth).toHaveLength(1);
    const all = await dept.request(
      'GET',
      `/api/phishing/summary?from=${year}-01-01&to=${year}-12-31&organisationId=${org.B}`,
    );
    expect(all.json().totals).toMatchObject({ sent: 1, clicked: 0 });
    const list = await agencyA.request('GET', '/api/phishing/campaigns');
    expect(list.json().items.map((i: { id: string; counts: { sent: number } }) => [i.id, i.counts.sent])).toEqual([
      [campaignId, 2],
    ]);
  });

  it('keeps a refused mail for a later attempt and cancels an exercise not completed', async () => {
    const res = await dept.request('POST', '/api/phishing/campaigns', {
      ...CAMPAIGN,
      title: 'Diễn tập lỗi máy chủ thư',
      ratePerMinute: 10,
      organisationIds: [org.B],
    });
    const id = res.json().id;
    expect((await approve(dept2, id)).statusCode).toBe(200);
    expect((await dept.request('POST', `/api/phishing/campaigns/${id}/launch`)).statusCode).toBe(200);
    const t0 = new Date();
    const closed = phishingSmtpMailer(`smtp://127.0.0.1:${await freePort()}`);
    expect(await send(t0, closed)).toEqual({ sent: 0, failed: 1, completed: 0 });
    const [row] = await recipientsOf(id);
    expect(row?.sendAttempts).toBe(1);
    expect(row?.sendError).toBeTruthy();
    // Not before its retry time (1 minute later), then sent.
    expect(await send(new Date(t0.getTime() + 30_000))).toEqual({ sent: 0, failed: 0, completed: 0 });
    expect(await send(new Date(t0.getTime() + 61_000))).toEqual({ sent: 1, failed: 0, completed: 1 });
    expect(smtp?.take().map((m) => m.rcptTo)).toEqual(['cuong@b.example']);

    const draft = await dept.request('POST', '/api/phishing/campaigns', {
      ...CAMPAIGN,
      title: 'Hủy',
      organisationIds: [org.A],
    });
    const cancel = await dept.request('POST', `/api/phishing/campaigns/${draft.json().id}/cancel`);
    expect(cancel.json().state).toBe('cancelled');
    expect((await dept.request('POST', `/api/phishing/campaigns/${draft.json().id}/cancel`)).statusCode).toBe(409);
    const actions = (
      await database.db.select().from(auditLog).where(eq(auditLog.entityId, id)).orderBy(asc(auditLog.seq))
    ).map((a) => a.action);
    expect(actions).toEqual(['phishing.create', 'phishing.approved', 'phishing.sending', 'phishing.completed']);
  });

  it('approves only the version the approver read: a draft changed meanwhile is refused', async () => {
    const res = await dept.request('POST', '/api/phishing/campaigns', { ...CAMPAIGN, organisationIds: [org.B] });
    const id = res.json().id as string;
    const seen = (await get(admin, id)).campaign;
    // The author swaps the link text after the approver opened the page.
    const put = await dept.request('PUT', `/api/phishing/campaigns/${id}`, {
      ...CAMPAIGN,
      body: 'Tải tệp đính kèm tại {{link}}',
      organisationIds: [org.B],
    });
    expect(put.statusCode, put.body).toBe(200);
    const stale = await admin.request('POST', `/api/phishing/campaigns/${id}/approve`, { updatedAt: seen.updatedAt });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.key).toBe('phishing.changed');
    // No version at all is no approval either.
    expect((await admin.request('POST', `/api/phishing/campaigns/${id}/approve`)).statusCode).toBe(400);
    expect((await get(admin, id)).campaign.state).toBe('draft');
    const fresh = await approve(admin, id);
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().body).toBe('Tải tệp đính kèm tại {{link}}');
  });

  it('answers 400, never 500, for days the database cannot hold', async () => {
    const create = await dept.request('POST', '/api/phishing/campaigns', {
      ...CAMPAIGN,
      organisationIds: [org.A],
      recipientsOn: '0000-01-01',
    });
    expect(create.statusCode, create.body).toBe(400);
    const summary = await dept.request('GET', '/api/phishing/summary?from=0000-01-01&to=0001-01-01');
    expect(summary.statusCode, summary.body).toBe(400);
  });

  it('keeps per-person results out of caches', async () => {
    const res = await dept.request('GET', `/api/phishing/campaigns/${campaignId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

// E-mail delivery through a real SMTP server process (aiosmtpd): what arrives, to whom, when, and what a refused or
// unreachable server leaves behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import type { Database } from '../../src/core/db/client.ts';
import { openConfiguredDatabase } from '../../src/core/db/open.ts';
import { dayStart, provinceDay } from '../../src/core/time.ts';
import { users } from '../../src/modules/auth/auth.schema.ts';
import { createUser } from '../../src/modules/auth/auth.service.ts';
import type { Role } from '../../src/modules/auth/roles.ts';
import { smtpMailer } from '../../src/modules/notifications/delivery.ts';
import { deliverNotifications, notifications, notifyUsers } from '../../src/modules/notifications/index.ts';
import { PASSWORD, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';
import { freePort, type Received, startSmtpServer } from '../support/smtp.ts';

const smtp = await startSmtpServer();
afterAll(() => smtp?.stop());

const FROM = 'Khiên Lào Cai <khien@laocai.gov.vn>';
const PUBLIC_URL = 'https://khien.laocai.gov.vn';
const TODAY = provinceDay();
/** An instant of a province day (days after today), at hh:mm. */
const at = (days: number, h: number, m = 0) =>
  new Date(dayStart(TODAY).getTime() + days * 86_400_000 + (h * 60 + m) * 60_000);
const dmy = (d: Date) => provinceDay(d).split('-').reverse().join('/');

describe.skipIf(!smtp).each(TEST_DATABASES)('notification e-mail through a real SMTP server on %s', (kind) => {
  let database: Database;
  const id = {} as Record<'hoa' | 'binh' | 'noEmail' | 'off', string>;
  const mailer = () => smtpMailer({ url: smtp?.url as string, from: FROM });
  const deliver = (now: Date, more: { forceDigest?: boolean; via?: ReturnType<typeof mailer> } = {}) => {
    const m = more.via ?? mailer();
    return deliverNotifications(database.db, {
      mailer: m,
      publicUrl: PUBLIC_URL,
      digestHour: 7,
      now,
      forceDigest: more.forceDigest,
    }).finally(() => m.close());
  };
  const received = () => (smtp?.take() ?? []).sort((a, b) => a.rcptTo.localeCompare(b.rcptTo));
  const rowsOf = (userId: string) => database.db.select().from(notifications).where(eq(notifications.userId, userId));
  const notice = (key: string, title: string, urgent = false) => ({
    kind: 'test',
    title,
    body: `Nội dung: ${title}`,
    link: `/systems/view?id=${key}&tab=dossier`,
    dedupeKey: key,
    urgent,
  });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const people: [keyof typeof id, string, Role, string | null][] = [
      ['hoa', 'Nguyễn Thị Hoà', 'department', 'hoa@laocai.gov.vn'],
      ['binh', 'Trần Văn Bình', 'soc', 'binh@laocai.gov.vn'],
      ['noEmail', 'Lê Văn Không Thư', 'department', null],
      ['off', 'Phạm Đã Nghỉ', 'department', 'off@laocai.gov.vn'],
    ];
    for (const [key, name, role, email] of people)
      id[key] = (
        await createUser(database.db, null, {
          username: `mail-${key.toLowerCase()}`,
          displayName: name,
          role,
          email,
          organisationId: null,
          scopeIncludesChildren: true,
          password: PASSWORD,
        })
      ).id;
  });
  afterAll(() => database.close());

  it('e-mails an urgent notification at once, in Vietnamese, with its absolute link; no address, no e-mail', async () => {
    await notifyUsers(database.db, [id.hoa, id.noEmail], notice('u1', 'Sự cố nghiêm trọng: mã độc tống tiền', true));
    // Before the digest hour: urgent does not wait for it.
    const report = await deliver(at(0, 6));
    expect(report).toMatchObject({ urgentSent: 1, digestsSent: 0, failed: 0 });
    const [mail, ...others] = received();
    expect(others).toEqual([]);
    expect(mail).toMatchObject({
      rcptTo: 'hoa@laocai.gov.vn',
      to: 'hoa@laocai.gov.vn',
      from: FROM,
      subject: '[Khiên] KHẨN — Sự cố nghiêm trọng: mã độc tống tiền',
    });
    expect(mail?.text).toContain('Kính gửi Nguyễn Thị Hoà,');
    expect(mail?.text).toContain('Nội dung: Sự cố nghiêm trọng: mã độc tống tiền');
    expect(mail?.text).toContain(`Xem và xử lý: ${PUBLIC_URL}/systems/view?id=u1&tab=dossier`);
    expect(mail?.text).toMatch(/Thời điểm: \d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}/);
    expect(mail?.html).toContain(`<a href="${PUBLIC_URL}/systems/view?id=u1&amp;tab=dossier">`);
    const [sent] = await rowsOf(id.hoa);
    expect(sent?.emailedAt?.getTime()).toBe(at(0, 6).getTime());
    expect((await rowsOf(id.noEmail))[0]?.emailedAt).toBeNull();
    // Sent once.
    expect((await deliver(at(0, 6, 5))).claimed).toBe(0);
    expect(received()).toEqual([]);
  });

  it('sends the others in one digest per user and day at the digest hour, only to enabled accounts with an address', async () => {
    await notifyUsers(database.db, [id.hoa], notice('d1', 'Hồ sơ đề xuất cấp độ chờ tiếp nhận: Cổng dịch vụ công'));
    await notifyUsers(database.db, [id.hoa, id.binh], notice('d2', 'Quá hạn chỉ tiêu: 100% hồ sơ được phê duyệt'));
    await notifyUsers(database.db, [id.noEmail, id.off], notice('d3', 'Không ai nhận thư này'));
    await database.db.update(users).set({ disabled: true }).where(eq(users.id, id.off));

    expect(await deliver(at(0, 6, 59))).toMatchObject({ digestsSent: 0, claimed: 0 });
    expect(received()).toEqual([]);

    expect(await deliver(at(0, 7))).toMatchObject({ digestsSent: 2, digestItems: 3, failed: 0 });
    const [toBinh, toHoa, ...others] = received();
    expect(others).toEqual([]);
    expect(toHoa?.rcptTo).toBe('hoa@laocai.gov.vn');
    expect(toHoa?.subject).toBe(`[Khiên] 2 thông báo cần xem, xử lý — tổng hợp ngày ${dmy(at(0, 7))}`);
    expect(toHoa?.text).toContain(`Tổng hợp ngày ${dmy(at(0, 7))}: anh/chị có 2 thông báo mới cần xem, xử lý.`);
    expect(toHoa?.text).toContain('1. Hồ sơ đề xuất cấp độ chờ tiếp nhận: Cổng dịch vụ công');
    expect(toHoa?.text).toContain(`Xem và xử lý: ${PUBLIC_URL}/systems/view?id=d1&tab=dossier`);
    expect(toHoa?.text).toContain('2. Quá hạn chỉ tiêu: 100% hồ sơ được phê duyệt');
    expect(toHoa?.text).toContain(`Xem và xử lý: ${PUBLIC_URL}/systems/view?id=d2&tab=dossier`);
    // The urgent one went out on its own already.
    expect(toHoa?.text).not.toContain('mã độc tống tiền');
    expect(toBinh).toMatchObject({
      rcptTo: 'binh@laocai.gov.vn',
      subject: `[Khiên] 1 thông báo cần xem, xử lý — tổng hợp ngày ${dmy(at(0, 7))}`,
    });
    expect((await rowsOf(id.noEmail)).every((n) => n.emailedAt === null)).toBe(true);
    expect((await rowsOf(id.off)).map((n) => n.emailedAt)).toEqual([null]);

    // One a day: what comes later waits for tomorrow's digest…
    await notifyUsers(database.db, [id.hoa], notice('d4', 'Hồ sơ bị trả lại, cần bổ sung'));
    expect((await deliver(at(0, 10))).claimed).toBe(0);
    expect(received()).toEqual([]);
    const tomorrow = await deliver(at(1, 7, 30));
    expect(tomorrow).toMatchObject({ digestsSent: 1, digestItems: 1 });
    const [next] = received();
    expect(next?.subject).toBe(`[Khiên] 1 thông báo cần xem, xử lý — tổng hợp ngày ${dmy(at(1, 7))}`);
    expect(next?.text).toContain('Hồ sơ bị trả lại, cần bổ sung');

    // …unless an operator sends the digests now (`khien notifications send --digest`); what was read is not sent.
    await notifyUsers(database.db, [id.hoa], notice('d5', 'Đã đọc trong ứng dụng'));
    await notifyUsers(database.db, [id.hoa], notice('d6', 'Chưa đọc'));
    await database.db.update(notifications).set({ readAt: new Date() }).where(eq(notifications.dedupeKey, 'd5'));
    expect(await deliver(at(1, 9), { forceDigest: true })).toMatchObject({ digestsSent: 1, digestItems: 1 });
    const [forced] = received();
    expect(forced?.text).toContain('Chưa đọc');
    expect(forced?.text).not.toContain('Đã đọc trong ứng dụng');
  });

  it('leaves a notification unsent with its error when the server cannot be reached, and retries later', async () => {
    const closed = smtpMailer({ url: `smtp://127.0.0.1:${await freePort()}`, from: FROM });
    await notifyUsers(database.db, [id.binh], notice('r1', 'Cảnh báo khẩn: lỗ hổng đang bị khai thác', true));
    const first = at(2, 6);
    expect(await deliver(first, { via: closed })).toMatchObject({ urgentSent: 0, failed: 1 });
    const row = async () => (await rowsOf(id.binh)).find((n) => n.dedupeKey === 'r1');
    expect(await row()).toMatchObject({ emailedAt: null, emailAttempts: 1 });
    expect((await row())?.emailError).toMatch(/ECONNREFUSED|connect/i);
    expect((await row())?.emailRetryAt?.getTime()).toBe(first.getTime() + 60_000);

    // Not before its time; a second failure waits twice as long.
    expect((await deliver(new Date(first.getTime() + 30_000))).claimed).toBe(0);
    const second = new Date(first.getTime() + 60_000);
    const closedAgain = smtpMailer({ url: `smtp://127.0.0.1:${await freePort()}`, from: FROM });
    expect(await deliver(second, { via: closedAgain })).toMatchObject({ failed: 1 });
    expect(await row()).toMatchObject({ emailedAt: null, emailAttempts: 2 });
    expect((await row())?.emailRetryAt?.getTime()).toBe(second.getTime() + 120_000);
    expect(received()).toEqual([]);

    const third = new Date(second.getTime() + 120_000);
    expect(await deliver(third)).toMatchObject({ urgentSent: 1, failed: 0 });
    expect(await row()).toMatchObject({ emailedAt: third, emailError: null });
    const [mail] = received();
    expect(mail?.rcptTo).toBe('binh@laocai.gov.vn');
    expect(mail?.subject).toBe('[Khiên] KHẨN — Cảnh báo khẩn: lỗ hổng đang bị khai thác');
  });

  it('sends each notification once when two senders run at the same time (the server and the command line)', async () => {
    for (let i = 0; i < 6; i++)
      await notifyUsers(database.db, [id.hoa, id.binh], notice(`c${i}`, `Cảnh báo số ${i + 1}`, true));
    const now = at(3, 6);
    const [a, b] = await Promise.all([deliver(now), deliver(now)]);
    expect((a?.urgentSent ?? 0) + (b?.urgentSent ?? 0)).toBe(12);
    const subjects = received().map((m) => `${m.rcptTo} ${m.subject}`);
    expect(subjects).toHaveLength(12);
    expect(new Set(subjects).size).toBe(12);
  });

  it('is sent by the server’s own loop from its start', async () => {
    await notifyUsers(database.db, [id.hoa], notice('s1', 'Sự cố mới cần phân công xử lý', true));
    const config = testConfig({ smtp: { url: smtp?.url as string, from: FROM }, publicUrl: PUBLIC_URL });
    const t = await startApp(database, config);
    let mails: Received[] = [];
    for (let i = 0; i < 100 && !mails.some((m) => m.subject.includes('Sự cố mới')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      mails = mails.concat(received());
    }
    await t.app.close();
    expect(mails.filter((m) => m.subject === '[Khiên] KHẨN — Sự cố mới cần phân công xử lý')).toHaveLength(1);
  });
});

describe.skipIf(!smtp)('khien notifications send', () => {
  it('sends what is pending from the command line, and says when no SMTP server is configured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'khien-mail-cli-'));
    try {
      const database = await openConfiguredDatabase(loadConfig({ KHIEN_DATA_DIR: dataDir }));
      const user = await createUser(database.db, null, {
        username: 'cli-mail',
        displayName: 'Đỗ Thị Lan',
        role: 'department',
        email: 'lan@laocai.gov.vn',
        organisationId: null,
        scopeIncludesChildren: true,
        password: PASSWORD,
      });
      await notifyUsers(database.db, [user.id], {
        kind: 'test',
        title: 'Hồ sơ chờ tiếp nhận',
        body: 'Cần tiếp nhận.',
        link: '/systems/dossiers',
        dedupeKey: 'cli-1',
      });
      await database.close();
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, ['bin/khien.mjs', 'notifications', 'send', '--digest', '--json'], {
          encoding: 'utf8',
          env: { ...process.env, KHIEN_DATA_DIR: dataDir, DATABASE_URL: '', KHIEN_SMTP_URL: '', ...env },
        });

      const off = run({});
      expect(off.status).toBe(1);
      expect(off.stderr).toContain('chưa cấu hình KHIEN_SMTP_URL');
      expect(smtp?.take()).toEqual([]);

      const on = run({ KHIEN_SMTP_URL: smtp?.url as string, KHIEN_SMTP_FROM: FROM, KHIEN_PUBLIC_URL: PUBLIC_URL });
      expect(on.status, on.stderr).toBe(0);
      expect(JSON.parse(on.stdout)).toMatchObject({ digestsSent: 1, digestItems: 1, failed: 0 });
      const [mail] = smtp?.take() ?? [];
      expect(mail?.rcptTo).toBe('lan@laocai.gov.vn');
      expect(mail?.text).toContain(`${PUBLIC_URL}/systems/dossiers`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

// The leaders' weekly digest, e-mailed through a real SMTP server process (aiosmtpd): who gets it, what it says,
// and that a week is sent once.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import type { Database } from '../../src/core/db/client.ts';
import { dayStart } from '../../src/core/time.ts';
import { createUser } from '../../src/modules/auth/auth.service.ts';
import { smtpMailer } from '../../src/modules/notifications/delivery.ts';
import { deliverNotifications, notifications } from '../../src/modules/notifications/index.ts';
import { organisations } from '../../src/modules/organisations/index.ts';
import { isoWeek } from '../../src/modules/oversight/digest.ts';
import { addProgress, queueWeeklyDigest, saveTask } from '../../src/modules/oversight/index.ts';
import { PASSWORD } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { startSmtpServer } from '../support/smtp.ts';

const smtp = await startSmtpServer();
afterAll(() => smtp?.stop());

/** Monday 01/07/2024 and the days around it, at hh:00 province time. */
const at = (day: string, h: number) => new Date(dayStart(day).getTime() + h * 3_600_000);
const MONDAY = '2024-07-01';

describe('ISO weeks', () => {
  it('name the week by the year of its Thursday', () => {
    expect(isoWeek('2024-07-01')).toBe('2024-W27');
    expect(isoWeek('2024-07-07')).toBe('2024-W27');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
  });
});

describe.skipIf(!smtp).each(TEST_DATABASES)('weekly digest to leaders through a real SMTP server on %s', (kind) => {
  let database: Database;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const db = database.db;
    for (const [key, code, name] of [
      ['a', 'SO-A', 'Sở Tài chính'],
      ['b', 'SO-B', 'Sở Y tế'],
    ] as const)
      ids[key] = (
        await db.insert(organisations).values({ code, name, type: 'department' }).returning({ id: organisations.id })
      )[0]?.id as string;
    const people: [string, 'viewer' | 'department', string | null, string | null][] = [
      ['lanhdao', 'viewer', 'lanhdao@tinh.gov.vn', null],
      ['lanhdao.syt', 'viewer', 'giamdoc@syt.gov.vn', ids.b as string],
      ['lanhdao.khongthu', 'viewer', null, null],
      ['canbo', 'department', 'canbo@tinh.gov.vn', null],
    ];
    for (const [username, role, email, organisationId] of people)
      ids[username] = (
        await createUser(db, null, {
          username,
          displayName: `Ông ${username}`,
          role,
          email,
          organisationId,
          scopeIncludesChildren: true,
          password: PASSWORD,
        })
      ).id;
    const base = { orderRef: '1949/UBND-VX ngày 07/06/2024', validFrom: '2024-06-07', unit: 'percent' as const };
    const province = await saveTask(db, CLI_ACTOR, null, {
      ...base,
      number: '3',
      titleVi: 'Phê duyệt hồ sơ đề xuất cấp độ',
      titleEn: 'Levels approved',
      indicator: 'manual',
      target: 100,
      deadline: '2024-06-30',
    });
    await addProgress(db, CLI_ACTOR, province.id, { day: '2024-06-28', value: 45, note: '27/60 hệ thống' });
    await saveTask(db, CLI_ACTOR, null, {
      ...base,
      number: '9',
      titleVi: 'Nhiệm vụ riêng của Sở Tài chính',
      titleEn: 'The finance department’s own task',
      indicator: 'manual',
      target: 100,
      organisationId: ids.a,
    });
  });
  afterAll(() => database.close());

  it('mails each leader with an address the board of their scope, once a week', async () => {
    const db = database.db;
    expect(await queueWeeklyDigest(db, at('2024-06-30', 9), { digestHour: 7 })).toBe(0); // a Sunday
    expect(await queueWeeklyDigest(db, at(MONDAY, 6), { digestHour: 7 })).toBe(0); // before the hour
    expect(await queueWeeklyDigest(db, at(MONDAY, 7), { digestHour: 7 })).toBe(2);
    expect(await queueWeeklyDigest(db, at(MONDAY, 8), { digestHour: 7 })).toBe(0); // the week is done
    const rows = await db.select().from(notifications).where(eq(notifications.kind, 'oversight_weekly'));
    expect(rows.map((r) => r.userId).sort()).toEqual([ids.lanhdao, ids['lanhdao.syt']].sort());
    expect(rows.every((r) => r.dedupeKey === 'oversight-weekly:2024-W27')).toBe(true);

    const mailer = smtpMailer({ url: smtp?.url as string, from: 'Khiên <khien@tinh.gov.vn>' });
    const report = await deliverNotifications(db, {
      mailer,
      publicUrl: 'https://khien.tinh.gov.vn',
      digestHour: 7,
      now: at(MONDAY, 8),
    }).finally(() => mailer.close());
    expect(report).toMatchObject({ digestsSent: 2, failed: 0 });
    const mails = (smtp?.take() ?? []).sort((a, b) => a.rcptTo.localeCompare(b.rcptTo));
    expect(mails.map((m) => m.rcptTo)).toEqual(['giamdoc@syt.gov.vn', 'lanhdao@tinh.gov.vn']);
    const [scoped, province] = mails as [(typeof mails)[0], (typeof mails)[0]];
    expect(province.text).toContain('Tình hình thực hiện nhiệm vụ an toàn thông tin tuần 27/2024 — 1 nhiệm vụ chậm');
    expect(province.text).toContain('Số liệu tại ngày 01/07/2024 — Chậm so với hạn: 1; Đang thực hiện: 0');
    expect(province.text).toContain(
      '- [Chậm so với hạn] 3. Phê duyệt hồ sơ đề xuất cấp độ: 45%, chỉ tiêu ≥ 100%, hạn 30/06/2024',
    );
    expect(province.text).toContain('[Chưa có số liệu] 9. Nhiệm vụ riêng của Sở Tài chính');
    expect(province.text).toContain('https://khien.tinh.gov.vn/oversight?asOf=2024-07-01');
    expect(province.html).toContain('<br>- [Chậm so với hạn] 3. Phê duyệt hồ sơ đề xuất cấp độ: 45%');
    // A leader of Sở Y tế sees the province's task, never another department's own.
    expect(scoped.text).toContain('3. Phê duyệt hồ sơ đề xuất cấp độ');
    expect(scoped.text).not.toContain('Sở Tài chính');

    // The next week brings a new digest.
    expect(await queueWeeklyDigest(db, at('2024-07-08', 7), { digestHour: 7 })).toBe(2);
  });
});

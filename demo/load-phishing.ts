// Demo phishing exercises for the merged province: two completed exercises (October 2025, March 2026) sent to the
// register's officials, drafted by the Department's demo account and approved by the administrator (four eyes), with
// results that improve between the two, so the page shows rates per organisation and over time. Needs the staff
// register's demo data (loaded before); loading twice changes nothing.
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../src/core/db/client.ts';
import { AppError } from '../src/core/errors.ts';
import { seededRandom } from '../src/core/random.ts';
import { type Actor, actorFromUser, users } from '../src/modules/auth/index.ts';
import { organisations } from '../src/modules/organisations/index.ts';
import {
  approveCampaign,
  createCampaign,
  launchCampaign,
  phishingCampaigns,
  phishingRecipients,
} from '../src/modules/phishing/index.ts';

const LESSON =
  'Thư vừa rồi là thư giả mạo do Sở gửi để diễn tập. Kẻ gian thường giả danh bộ phận kỹ thuật, thúc giục bằng lời ' +
  'đe doạ khoá tài khoản và dẫn tới trang đăng nhập giả để lấy mật khẩu.\n\nHãy kiểm tra kỹ địa chỉ người gửi và tên ' +
  'miền của liên kết trước khi bấm; không bao giờ nhập mật khẩu qua liên kết trong thư; khi nghi ngờ, hãy báo cho ' +
  'bộ phận an toàn thông tin.';

/** Each exercise: its day, and the chance that a recipient opens, clicks, submits, reports. */
const EXERCISES = [
  {
    title: 'Diễn tập thư lừa đảo tháng 10/2025',
    subject: '[Khẩn] Xác thực lại tài khoản thư công vụ trước 17h hôm nay',
    day: '2025-10-15',
    p: { open: 0.7, click: 0.38, submit: 0.21, report: 0.08 },
  },
  {
    title: 'Diễn tập thư lừa đảo tháng 3/2026',
    subject: 'Thông báo điều chỉnh phụ cấp công vụ năm 2026 — xem chi tiết',
    day: '2026-03-12',
    p: { open: 0.66, click: 0.22, submit: 0.09, report: 0.27 },
  },
];

async function demoActor(db: Db, username: string): Promise<Actor | null> {
  const [u] = await db.select().from(users).where(eq(users.username, username));
  return u ? actorFromUser(u, null) : null;
}

/** Loads the demo exercises not there yet; returns how many it added (0 without the register's demo data). */
export async function loadPhishingDemo(db: Db): Promise<number> {
  const author = await demoActor(db, 'demo.department');
  const approver = await demoActor(db, 'demo.admin');
  if (!author || !approver) return 0;
  let added = 0;
  for (const [i, x] of EXERCISES.entries()) {
    const [exists] = await db
      .select({ id: phishingCampaigns.id })
      .from(phishingCampaigns)
      .where(eq(phishingCampaigns.title, x.title));
    if (exists) continue;
    // The province (the root unit in force that day): its officials and those of every unit under it.
    const roots = await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(
        and(
          isNull(organisations.parentId),
          eq(organisations.type, 'province'),
          or(isNull(organisations.validFrom), lte(organisations.validFrom, x.day)),
          or(isNull(organisations.validTo), sql`${organisations.validTo} >= ${x.day}`),
        ),
      );
    if (!roots.length) continue;
    let created: { id: string };
    try {
      created = await createCampaign(db, author, {
        title: x.title,
        subject: x.subject,
        senderName: 'Bộ phận hỗ trợ thư điện tử',
        senderAddress: 'hotro@mail-congvu.example',
        body: 'Kính gửi {{name}},\n\nVui lòng xem và xác nhận tại:\n{{link}}\n\nTrân trọng.',
        lessonText: LESSON,
        ratePerMinute: 30,
        organisationIds: roots.map((r) => r.id),
        recipientsOn: x.day,
      });
    } catch (e) {
      // No official in the register that day (the staff demo not loaded): nothing to exercise.
      if (e instanceof AppError && e.key === 'phishing.noRecipients') continue;
      throw e;
    }
    await approveCampaign(db, approver, created.id);
    await launchCampaign(db, author, created.id);
    // The exercise as it went: sent that morning, events over the following days (seeded: the same every load).
    const start = new Date(`${x.day}T08:00:00+07:00`).getTime();
    const at = (hours: number) => new Date(start + hours * 3_600_000);
    const random = seededRandom(1700 + i);
    const people = await db
      .select({ id: phishingRecipients.id })
      .from(phishingRecipients)
      .where(eq(phishingRecipients.campaignId, created.id));
    for (const [k, r] of people.entries()) {
      const sentAt = at(k / 1800);
      const opened = random() < x.p.open;
      const clicked = opened && random() < x.p.click / x.p.open;
      const submitted = clicked && random() < x.p.submit / x.p.click;
      const reported = !submitted && random() < x.p.report;
      const delay = random() * 72;
      await db
        .update(phishingRecipients)
        .set({
          sentAt,
          sendAttempts: 1,
          sendRetryAt: null,
          openedAt: opened ? at(delay) : null,
          clickedAt: clicked ? at(delay + 0.05) : null,
          submittedAt: submitted ? at(delay + 0.1) : null,
          reportedAt: reported ? at(delay + 0.5) : null,
        })
        .where(inArray(phishingRecipients.id, [r.id]));
    }
    await db
      .update(phishingCampaigns)
      .set({
        state: 'completed',
        createdAt: at(-72),
        approvedAt: at(-24),
        launchedAt: at(0),
        completedAt: at(1),
      })
      .where(eq(phishingCampaigns.id, created.id));
    added++;
  }
  return added;
}

// The weekly e-mail digest to leaders: each Monday (from the configured digest hour, province time), every enabled
// viewer account with an address gets one notification summarising the board of its scope as of that day; the
// notifications module e-mails it with the day's digest. One per person and ISO week (dedupe key): running the job
// again, or on every server of a cluster, adds nothing.
import { and, eq, isNotNull, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/index.ts';
import { dayStart, provinceDay } from '../../core/time.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { actorFromUser, resolveScope, users } from '../auth/index.ts';
import { notifyUsers } from '../notifications/index.ts';
import { type TaskFigure, taskFigures } from './oversight.service.ts';
import { deadlineText, STATE_VI, targetText, valueText } from './present.ts';

/** ISO 8601 week of a day, e.g. "2024-W27" (the week starts on Monday). */
export function isoWeek(day: string) {
  const d = new Date(`${day}T00:00:00Z`);
  // The week belongs to the year of its Thursday.
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const week = Math.ceil(((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const ORDER: TaskFigure['state'][] = ['late', 'on_track', 'no_data', 'done'];

/** The digest's text: the counts, then every task, late ones first. */
export function digestBody(figures: TaskFigure[], asOf: string) {
  const counts = ORDER.map((s) => `${STATE_VI[s]}: ${figures.filter((f) => f.state === s).length}`).join('; ');
  const lines = [...figures]
    .sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state))
    .map(
      (f) =>
        `- [${STATE_VI[f.state]}] ${f.number}. ${f.title}: ${valueText(f)}, chỉ tiêu ${targetText(f)}, hạn ${deadlineText(f)}`,
    );
  return [`Số liệu tại ngày ${formatDay(asOf)} — ${counts}.`, ...lines].join('\n');
}

/**
 * Queues this week's digest for every leader (viewer with an e-mail address) when it is due at `now`: on Monday from
 * `digestHour`, or any day with `force`. Returns how many notifications were new.
 */
export async function queueWeeklyDigest(db: Db, now: Date, o: { digestHour: number; force?: boolean }) {
  const today = provinceDay(now);
  const monday = new Date(`${today}T00:00:00Z`).getUTCDay() === 1;
  if (!o.force && (!monday || now.getTime() < dayStart(today).getTime() + o.digestHour * 3_600_000)) return 0;
  const week = isoWeek(today);
  const leaders = await db
    .select()
    .from(users)
    .where(and(eq(users.role, 'viewer'), eq(users.disabled, false), isNotNull(users.email), ne(users.email, '')));
  let created = 0;
  for (const u of leaders) {
    const figures = await taskFigures(db, await resolveScope(db, actorFromUser(u, null)), { asOf: today });
    if (!figures.length) continue;
    const late = figures.filter((f) => f.state === 'late').length;
    created += await notifyUsers(db, [u.id], {
      kind: 'oversight_weekly',
      title: `Tình hình thực hiện nhiệm vụ an toàn thông tin tuần ${week.slice(6)}/${week.slice(0, 4)}${late ? ` — ${late} nhiệm vụ chậm` : ''}`,
      body: digestBody(figures, today),
      link: `/oversight?asOf=${today}`,
      dedupeKey: `oversight-weekly:${week}`,
    });
  }
  return created;
}

/** The weekly digest's timer (hourly check), only when e-mail is configured: without it there is no one to mail. */
export function registerOversightDigest(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  if (!config.smtp || !config.publicUrl) return;
  registerPeriodic(app, {
    name: 'oversight weekly digest',
    intervalMs: 3_600_000,
    atStart: true,
    job: () => queueWeeklyDigest(db, new Date(), { digestHour: config.digestHour }),
  });
}

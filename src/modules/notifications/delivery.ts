// E-mail delivery of notifications through any SMTP server (nodemailer): urgent ones at once, the others in one
// digest per user and day at the configured hour (province time). Only unread notifications go out, only to enabled
// accounts with an address. A row is claimed (email_retry_at = a lease) before it is sent, so two senders (the server
// and `khien notifications send`) never send it twice; a failure keeps the error and retries with a growing wait.
import { and, asc, eq, exists, gte, inArray, isNotNull, isNull, lte, ne, not, or, type SQL, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db/client.ts';
import { dayStart, provinceDay } from '../../core/time.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { users } from '../auth/index.ts';
import { notifications } from './notifications.schema.ts';
import { digestMail, type Mail, urgentMail } from './templates.ts';

/** Sends one message; rejects when the server does not accept it. */
export type Mailer = { send(to: string, mail: Mail): Promise<void>; close(): void };

export type DeliveryOptions = {
  mailer: Mailer;
  /** Base of the links (KHIEN_PUBLIC_URL). */
  publicUrl: string;
  /** Hour of the daily digest, province time. */
  digestHour: number;
  now?: Date;
  /** Send every pending digest now, whatever the hour and whether one went out today (`--digest`). */
  forceDigest?: boolean;
  /** Urgent notifications, and digest recipients, handled per call. */
  batch?: number;
};

export type DeliveryReport = {
  urgentSent: number;
  digestsSent: number;
  /** Notifications carried by the digests sent. */
  digestItems: number;
  /** Messages the server refused or could not take (kept for a later attempt). */
  failed: number;
  /** Rows claimed in this call (0: nothing was due). */
  claimed: number;
};

/** How long a claimed row stays with its sender before another may take it (a sender that died mid-way). */
const LEASE_MS = 10 * 60_000;
/** A digest carries at most this many notifications; the rest wait for the next one. */
const DIGEST_CLAIM = 500;

/** An SMTP mailer for KHIEN_SMTP_URL (timeouts bounded: a silent server must not hold the loop). */
export function smtpMailer(smtp: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({
    url: smtp.url,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(to, mail) {
      await transport.sendMail({ from: smtp.from, to, ...mail });
    },
    close: () => transport.close(),
  };
}

/** The start line of `khien serve` about e-mail: the server (without its password), or "in-app only". */
export function describeEmail(config: Pick<Config, 'smtp' | 'digestHour'>): string {
  if (!config.smtp)
    return 'Thư điện tử: chưa cấu hình KHIEN_SMTP_URL, thông báo chỉ hiển thị trong ứng dụng / e-mail: not configured, notifications in-app only';
  const url = new URL(config.smtp.url);
  url.password = '';
  const hour = `${String(config.digestHour).padStart(2, '0')}:00`;
  return (
    `Thư điện tử qua / e-mail via ${url.toString().replace(/\/$/, '')} từ / from ${config.smtp.from}; ` +
    `thư khẩn gửi ngay, thư tổng hợp hằng ngày lúc ${hour} / urgent at once, daily digest at ${hour}`
  );
}

/** Accounts that receive e-mail: enabled, with an address. */
const reachable = and(isNotNull(users.email), ne(users.email, ''), eq(users.disabled, false));

/** Not e-mailed yet, still unread, and not held by a sender nor waiting for a retry. */
const pending = (now: Date) =>
  and(
    isNull(notifications.emailedAt),
    isNull(notifications.readAt),
    or(isNull(notifications.emailRetryAt), lte(notifications.emailRetryAt, now)),
  );

/** Claims up to `limit` pending rows matching `where` for this sender; returns them, oldest first. */
async function claim(db: Db, now: Date, where: SQL | undefined, limit: number) {
  const ids = db
    .select({ id: notifications.id })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(and(pending(now), reachable, where))
    .orderBy(asc(notifications.createdAt))
    .limit(limit)
    .for('update', { of: notifications, skipLocked: true });
  const rows = await db
    .update(notifications)
    .set({ emailRetryAt: new Date(now.getTime() + LEASE_MS) })
    .where(and(inArray(notifications.id, ids), pending(now)))
    .returning();
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Records the outcome: sent, or the error with the next attempt 1, 2, 4 … minutes later (at most an hour). */
async function settle(db: Db, ids: string[], now: Date, error: unknown) {
  if (!ids.length) return;
  const message = error ? (error instanceof Error ? error.message : String(error)).slice(0, 1000) : null;
  await db
    .update(notifications)
    .set(
      message === null
        ? { emailedAt: now, emailError: null, emailRetryAt: null }
        : {
            emailError: message,
            emailAttempts: sql`${notifications.emailAttempts} + 1`,
            emailRetryAt: sql`${now.toISOString()}::timestamptz + least(power(2, ${notifications.emailAttempts}), 60) * interval '1 minute'`,
          },
    )
    .where(inArray(notifications.id, ids));
}

/** The instant today's digest is due (province time). */
function digestSince(now: Date, hour: number) {
  return new Date(dayStart(provinceDay(now)).getTime() + hour * 3_600_000);
}

/** One round of delivery: urgent notifications, then the digests that are due. */
export async function deliverNotifications(db: Db, opts: DeliveryOptions): Promise<DeliveryReport> {
  const now = opts.now ?? new Date();
  const batch = opts.batch ?? 20;
  const report: DeliveryReport = { urgentSent: 0, digestsSent: 0, digestItems: 0, failed: 0, claimed: 0 };
  const recipients = async (ids: string[]) =>
    new Map(
      (
        await db
          .select({ id: users.id, email: users.email, name: users.displayName })
          .from(users)
          .where(inArray(users.id, ids))
      ).map((u) => [u.id, u]),
    );

  const urgent = await claim(db, now, eq(notifications.urgent, true), batch);
  report.claimed += urgent.length;
  const people = await recipients([...new Set(urgent.map((n) => n.userId))]);
  for (const n of urgent) {
    const to = people.get(n.userId);
    const error = to?.email
      ? await opts.mailer.send(to.email, urgentMail({ recipientName: to.name, publicUrl: opts.publicUrl }, n)).then(
          () => null,
          (e: unknown) => e ?? 'send failed',
        )
      : 'no e-mail address';
    await settle(db, [n.id], now, error);
    if (error) report.failed++;
    else report.urgentSent++;
  }

  const since = digestSince(now, opts.digestHour);
  if (!opts.forceDigest && now < since) return report;
  const later = and(eq(notifications.urgent, false), pending(now), eq(notifications.userId, users.id));
  const digestToday = and(
    eq(notifications.urgent, false),
    eq(notifications.userId, users.id),
    gte(notifications.emailedAt, since),
  );
  const due = await db
    .select({ id: users.id, email: users.email, name: users.displayName })
    .from(users)
    .where(
      and(
        reachable,
        exists(db.select({ one: notifications.id }).from(notifications).where(later)),
        opts.forceDigest
          ? undefined
          : not(exists(db.select({ one: notifications.id }).from(notifications).where(digestToday))),
      ),
    )
    .orderBy(asc(users.id))
    .limit(batch);
  for (const u of due) {
    if (!u.email) continue;
    const items = await claim(
      db,
      now,
      and(eq(notifications.urgent, false), eq(notifications.userId, u.id)),
      DIGEST_CLAIM,
    );
    if (!items.length) continue;
    report.claimed += items.length;
    const mail = digestMail({ recipientName: u.name, publicUrl: opts.publicUrl }, items, now);
    const error = await opts.mailer.send(u.email, mail).then(
      () => null,
      (e: unknown) => e ?? 'send failed',
    );
    await settle(
      db,
      items.map((n) => n.id),
      now,
      error,
    );
    if (error) report.failed++;
    else {
      report.digestsSent++;
      report.digestItems += items.length;
    }
  }
  return report;
}

/**
 * Delivers e-mail every `intervalMs` while the server is up, when SMTP is configured (else nothing: in-app only).
 * One round at a time; closing the server stops the timer and waits for the round under way.
 */
export function registerNotificationDelivery(
  app: FastifyInstance,
  { db, config, intervalMs = 30_000 }: { db: Db; config: Config; intervalMs?: number },
) {
  const { smtp, publicUrl } = config;
  if (!smtp || !publicUrl) return;
  const mailer = smtpMailer(smtp);
  registerPeriodic(app, {
    name: 'notification delivery',
    intervalMs,
    atStart: true,
    job: async () => {
      const r = await deliverNotifications(db, { mailer, publicUrl, digestHour: config.digestHour });
      if (r.failed) app.log.warn({ ...r }, 'some notification e-mails failed; they will be retried');
    },
    onClose: () => mailer.close(),
  });
}

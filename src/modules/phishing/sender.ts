// Sending an exercise's mails through SMTP at the campaign's rate: at most N in any minute (counted from the
// mails actually sent in the last 60 s, so a restart does not reset the budget). A row is claimed (a lease in
// send_retry_at) before it is sent, so two senders never send it twice; a failure keeps the error and retries after
// 1, 2, 4 … minutes, up to MAX_ATTEMPTS; when nothing is left to send the exercise is completed.
import { and, asc, count, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db/client.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { landingPath, linkToken, phishingLinkKey, pixelPath } from './links.ts';
import { LINK_PLACEHOLDER, NAME_PLACEHOLDER } from './phishing.input.ts';
import { phishingCampaigns, phishingRecipients } from './phishing.schema.ts';
import { completeCampaign } from './phishing.service.ts';

export type PhishingMail = { from: string; to: string; subject: string; text: string; html: string };
/** Sends one message; rejects when the server does not accept it. */
export type PhishingMailer = { send(mail: PhishingMail): Promise<void>; close(): void };

export type PhishingSendOptions = {
  mailer: PhishingMailer;
  /** Base of the links (KHIEN_PUBLIC_URL). */
  publicUrl: string;
  /** The links' key (phishingLinkKey). */
  key: Buffer;
  now?: Date;
};

export type PhishingSendReport = { sent: number; failed: number; completed: number };

export const MAX_ATTEMPTS = 5;
const LEASE_MS = 10 * 60_000;

/** An SMTP mailer for KHIEN_SMTP_URL; the sender is each exercise's own (the envelope too). */
export function phishingSmtpMailer(url: string): PhishingMailer {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(mail) {
      await transport.sendMail(mail);
    },
    close: () => transport.close(),
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The exercise's mail for one recipient: their link in place of {{link}}, a tracking image in the HTML part. */
export function phishingMail(
  campaign: { subject: string; senderName: string; senderAddress: string; body: string },
  recipient: { id: string; fullName: string; email: string },
  publicUrl: string,
  key: Buffer,
): PhishingMail {
  const token = linkToken(key, recipient.id);
  const link = `${publicUrl}${landingPath(token)}`;
  const text = campaign.body.replaceAll(NAME_PLACEHOLDER, recipient.fullName).replaceAll(LINK_PLACEHOLDER, link);
  const html = escapeHtml(campaign.body.replaceAll(NAME_PLACEHOLDER, recipient.fullName))
    .split(LINK_PLACEHOLDER)
    .join(`<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`)
    .replace(/\n/g, '<br>\n');
  const pixel = `<img src="${escapeHtml(`${publicUrl}${pixelPath(token)}`)}" width="1" height="1" alt="">`;
  return {
    from: `"${campaign.senderName.replace(/["\\\r\n]/g, '')}" <${campaign.senderAddress}>`,
    to: recipient.email,
    subject: campaign.subject,
    text,
    html: `<!doctype html><html><body><p>${html}</p>${pixel}</body></html>`,
  };
}

/** Not sent, not given up, not held by a sender nor waiting for a retry. */
const pending = (now: Date) =>
  and(
    isNull(phishingRecipients.sentAt),
    lt(phishingRecipients.sendAttempts, MAX_ATTEMPTS),
    or(isNull(phishingRecipients.sendRetryAt), lte(phishingRecipients.sendRetryAt, now)),
  );

/** One round: for each exercise being sent, as many mails as its rate still allows this minute. */
export async function sendPhishingMails(db: Db, opts: PhishingSendOptions): Promise<PhishingSendReport> {
  const now = opts.now ?? new Date();
  const report: PhishingSendReport = { sent: 0, failed: 0, completed: 0 };
  const campaigns = await db
    .select()
    .from(phishingCampaigns)
    .where(eq(phishingCampaigns.state, 'sending'))
    .orderBy(asc(phishingCampaigns.launchedAt));
  for (const c of campaigns) {
    const [recent] = await db
      .select({ n: count() })
      .from(phishingRecipients)
      .where(
        and(eq(phishingRecipients.campaignId, c.id), gt(phishingRecipients.sentAt, new Date(now.getTime() - 60_000))),
      );
    const allowance = c.ratePerMinute - Number(recent?.n ?? 0);
    if (allowance > 0) {
      // Picked and leased in one transaction (locked rows skipped): two senders never take the same mail, and the
      // budget is exact (a LIMIT inside UPDATE … IN (subquery) is not guaranteed to be evaluated once).
      const claimed = await db.transaction(async (tx) => {
        const picked = await tx
          .select({ id: phishingRecipients.id })
          .from(phishingRecipients)
          .where(and(eq(phishingRecipients.campaignId, c.id), pending(now)))
          .orderBy(asc(phishingRecipients.id))
          .limit(allowance)
          .for('update', { skipLocked: true });
        if (!picked.length) return [];
        return tx
          .update(phishingRecipients)
          .set({ sendRetryAt: new Date(now.getTime() + LEASE_MS) })
          .where(
            inArray(
              phishingRecipients.id,
              picked.map((p) => p.id),
            ),
          )
          .returning();
      });
      for (const r of claimed) {
        const error = await opts.mailer.send(phishingMail(c, r, opts.publicUrl, opts.key)).then(
          () => null,
          (e: unknown) => (e instanceof Error ? e.message : String(e ?? 'send failed')).slice(0, 1000),
        );
        await db
          .update(phishingRecipients)
          .set(
            error === null
              ? {
                  sentAt: now,
                  sendError: null,
                  sendRetryAt: null,
                  sendAttempts: sql`${phishingRecipients.sendAttempts} + 1`,
                }
              : {
                  sendError: error,
                  sendAttempts: sql`${phishingRecipients.sendAttempts} + 1`,
                  sendRetryAt: sql`${now.toISOString()}::timestamptz + power(2, ${phishingRecipients.sendAttempts}) * interval '1 minute'`,
                },
          )
          .where(eq(phishingRecipients.id, r.id));
        if (error) report.failed++;
        else report.sent++;
      }
    }
    // Done when nothing is left that may still go out (sent, or failed MAX_ATTEMPTS times).
    const [left] = await db
      .select({ n: count() })
      .from(phishingRecipients)
      .where(
        and(
          eq(phishingRecipients.campaignId, c.id),
          isNull(phishingRecipients.sentAt),
          lt(phishingRecipients.sendAttempts, MAX_ATTEMPTS),
        ),
      );
    if (Number(left?.n ?? 0) === 0) {
      await completeCampaign(db, c.id, now);
      report.completed++;
    }
  }
  return report;
}

/**
 * Sends exercises every `intervalMs` while the server is up, when SMTP and the public address are configured.
 * One round at a time; closing the server stops the timer and waits for the round under way.
 */
export function registerPhishingSender(
  app: FastifyInstance,
  { db, config, intervalMs = 15_000 }: { db: Db; config: Config; intervalMs?: number },
) {
  const { smtp, publicUrl } = config;
  if (!smtp || !publicUrl) return;
  const key = phishingLinkKey(config);
  const mailer = phishingSmtpMailer(smtp.url);
  registerPeriodic(app, {
    name: 'phishing-exercise sending',
    intervalMs,
    atStart: true,
    job: async () => {
      const r = await sendPhishingMails(db, { mailer, publicUrl, key });
      if (r.failed) app.log.warn({ ...r }, 'some phishing-exercise mails failed; they will be retried');
    },
    onClose: () => mailer.close(),
  });
}

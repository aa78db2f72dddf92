// `khien notifications send [--digest]`: deliver pending e-mail now (cron, operations), as the server's loop does.
import type { Command } from 'commander';
import { fail, withDatabase } from '../../cli/context.ts';
import { loadConfig } from '../../core/config.ts';
import { type DeliveryReport, deliverNotifications, describeEmail, smtpMailer } from './delivery.ts';

export function registerNotificationCommands(notifications: Command) {
  notifications
    .command('send')
    .description(
      'Gửi ngay thư thông báo đang chờ (khẩn; tổng hợp nếu đã đến giờ) / send pending notification e-mail now ' +
        '(urgent; digests when due)',
    )
    .option('--digest', 'gửi cả thư tổng hợp ngay, không chờ đến giờ / send every pending digest now')
    .option('--json', 'print JSON')
    .action(async (o: { digest?: boolean; json?: boolean }) => {
      const config = loadConfig();
      if (!config.smtp || !config.publicUrl) fail(describeEmail(config));
      const { smtp, publicUrl } = config;
      const mailer = smtpMailer(smtp);
      const total: DeliveryReport = { urgentSent: 0, digestsSent: 0, digestItems: 0, failed: 0, claimed: 0 };
      try {
        await withDatabase(async ({ db }) => {
          // Rounds until nothing is left to claim (a failed row waits for its retry time, so this ends).
          for (;;) {
            const r = await deliverNotifications(db, {
              mailer,
              publicUrl,
              digestHour: config.digestHour,
              forceDigest: o.digest,
            });
            for (const k of Object.keys(total) as (keyof DeliveryReport)[]) total[k] += r[k];
            if (!r.claimed) break;
          }
        });
      } finally {
        mailer.close();
      }
      if (o.json) console.log(JSON.stringify(total, null, 2));
      else
        console.log(
          `Đã gửi ${total.urgentSent} thư khẩn, ${total.digestsSent} thư tổng hợp (${total.digestItems} thông báo); ` +
            `lỗi ${total.failed} / sent ${total.urgentSent} urgent, ${total.digestsSent} digests; ${total.failed} failed`,
        );
      if (total.failed) process.exitCode = 2;
    });
}

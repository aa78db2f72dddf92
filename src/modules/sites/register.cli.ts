// `khien sites run-daily`: the register's daily trust checks now (for a cron job instead of the server's timer).
import type { Command } from 'commander';
import { withDatabase } from '../../cli/context.ts';
import { loadConfig } from '../../core/config.ts';
import { checkEnvironment, runDailySiteChecks } from './scheduler.ts';

/** Adds the register's commands to `khien sites`. */
export function registerSiteRegisterCommands(sites: Command): void {
  sites
    .command('run-daily')
    .description(
      'Kiểm tra hằng ngày các trang web trong danh sách chưa được kiểm tra hôm nay / the daily trust checks of the ' +
        'register now (idempotent per day; uses KHIEN_SITES_DNS, KHIEN_SITES_CA_FILE)',
    )
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const env = checkEnvironment(loadConfig());
      const r = await withDatabase(({ db }) => runDailySiteChecks(db, env));
      if (o.json) return console.log(JSON.stringify({ ...r, checks: r.checks.length }, null, 2));
      console.log(
        `${r.checked} trang đã kiểm tra: ${r.pass} đạt, ${r.warn} cảnh báo, ${r.fail} không đạt; ${r.alerts} thông báo / ` +
          `${r.checked} sites checked: ${r.pass} pass, ${r.warn} warn, ${r.fail} fail; ${r.alerts} notifications`,
      );
    });
}

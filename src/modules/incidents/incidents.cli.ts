// `khien incidents …`: the incidents list and the clock check from the command line.

import { type Command, Option } from 'commander';
import { organisationIdByCode, withDatabase } from '../../cli/context.ts';
import { formatTimeDay } from '../../core/documents/format.ts';
import { INCIDENT_SEVERITIES, INCIDENT_STATES } from './incidents.input.ts';
import { clockName, listIncidents } from './incidents.service.ts';
import { runIncidentDeadlineCheck } from './timer.ts';

/**
 * Registers `khien incidents` and returns it, so that other command files (the statutory forms) add their own
 * subcommands to the same group.
 */
export function registerIncidentsCommands(incidents: Command): Command {
  incidents
    .command('list')
    .description('Danh sách sự cố với các thời hạn / incidents with their statutory clocks')
    .addOption(new Option('--state <state>', 'state').choices(INCIDENT_STATES))
    .addOption(new Option('--severity <severity>', 'severity').choices(INCIDENT_SEVERITIES))
    .option('--org <code>', 'operated by, or affecting, this organisation (code) or its descendants')
    .option('-q, --query <text>', 'code or title contains')
    .option('--limit <n>', 'at most this many', '200')
    .option('--json', 'print JSON')
    .action(
      (o: {
        state?: (typeof INCIDENT_STATES)[number];
        severity?: (typeof INCIDENT_SEVERITIES)[number];
        org?: string;
        query?: string;
        limit: string;
        json?: boolean;
      }) =>
        withDatabase(async ({ db }) => {
          const organisationId = o.org ? await organisationIdByCode(db, o.org) : undefined;
          const page = await listIncidents(
            db,
            { all: true },
            {
              state: o.state,
              severity: o.severity,
              organisationId,
              q: o.query,
              sort: 'detectedAt',
              dir: 'desc',
              limit: Math.min(500, Math.max(1, Number(o.limit) || 200)),
              offset: 0,
            },
          );
          if (o.json) return console.log(JSON.stringify(page, null, 2));
          console.log(`${page.total} sự cố / incidents`);
          for (const i of page.items) {
            console.log(
              `  ${i.code}  ${formatTimeDay(i.detectedAt)}  ${i.severity === 'serious' ? 'NGHIÊM TRỌNG' : 'thông thường'}  ${i.state}  ${i.organisationName}: ${i.title}`,
            );
            for (const c of i.clocks)
              console.log(
                `      ${clockName(c.clock)}: hạn ${formatTimeDay(c.dueAt)} — ${c.state} (${c.rule.legalBasis})`,
              );
          }
        }),
    );
  incidents
    .command('clock-check')
    .description('Nhắc hạn báo cáo sự cố và đội ứng cứu / notify near and overdue clocks (idempotent)')
    .option('--at <datetime>', 'check as of this ISO date-time instead of now')
    .action(async (o: { at?: string }) => {
      const at = o.at ? new Date(o.at) : new Date();
      const r = await withDatabase(({ db }) => runIncidentDeadlineCheck(db, at));
      console.log(`${r.incidents} sự cố đang xử lý; ${r.notices} thông báo mới / new notifications`);
    });
  return incidents;
}

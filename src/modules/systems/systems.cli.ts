// `khien systems …`: import/export in the national-platform layout and the deadline check, from the command line.
import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { CLI_ACTOR, fail, isoDay, organisationIdByCode, withDatabase } from '../../cli/context.ts';
import { provinceDay } from '../../core/time.ts';
import { type ExportFormat, exportSystems, importSystems, readSystemRows } from './systems.io.ts';
import { listTargets, runDeadlineCheck } from './targets.service.ts';

export function registerSystemsCommands(systems: Command) {
  systems
    .command('export')
    .description(
      'Xuất danh sách hệ thống (docs/national-platform-export.md) / export systems with level and dossier state',
    )
    .addOption(new Option('--format <format>', 'file format').choices(['xlsx', 'csv', 'json']).default('xlsx'))
    .requiredOption('-o, --output <file>', 'output file')
    .action(async (o: { format: ExportFormat; output: string }) => {
      writeFileSync(o.output, await withDatabase(({ db }) => exportSystems(db, { all: true }, o.format)));
      console.log(`Đã ghi / wrote ${o.output}`);
    });
  systems
    .command('import')
    .description('Nhập hệ thống từ XLSX/CSV/JSON / import systems in the export layout')
    .argument('<file>', 'XLSX, CSV or JSON file')
    .action(async (file: string) => {
      const r = await withDatabase(async ({ db }) =>
        importSystems(db, CLI_ACTOR, { all: true }, await readSystemRows(readFileSync(file))),
      ).catch((e: Error) => fail(`${file}: ${e.message}`));
      console.log(`Thêm mới ${r.created}, cập nhật ${r.updated}, không đổi ${r.unchanged}, lỗi ${r.errors.length}`);
      for (const e of r.errors)
        console.log(`  ${file}: dòng ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.message}`);
      if (r.errors.length) process.exitCode = 2;
    });
  systems
    .command('deadline-check')
    .description('Kiểm tra hạn, gửi thông báo / notify organisations of overdue targets and inspections (idempotent)')
    .option('--at <datetime>', 'check as of this ISO date-time instead of now')
    .action(async (o: { at?: string }) => {
      const r = await withDatabase(({ db }) => runDeadlineCheck(db, o.at ? new Date(o.at) : new Date()));
      console.log(`Ngày ${r.today}: ${r.overdueItems} mục quá hạn, ${r.notificationsCreated} thông báo mới`);
    });
}

export function registerTargetsCommand(cmd: Command) {
  cmd
    .option('--as-of <date>', 'the day (yyyy-mm-dd or dd/mm/yyyy; default today)')
    .option('--org <code>', 'organisation code (as of that day): that organisation and its descendants')
    .option('--json', 'print JSON')
    .action((o: { asOf?: string; org?: string; json?: boolean }) =>
      withDatabase(async ({ db }) => {
        const asOf = o.asOf ? isoDay(o.asOf) : provinceDay();
        const organisationId = o.org ? await organisationIdByCode(db, o.org, asOf) : undefined;
        const targets = await listTargets(db, { all: true }, { asOf, organisationId });
        const rows = targets.map((t) => ({
          id: t.id,
          title: t.title,
          kind: t.kind,
          deadline: t.deadline,
          legalBasis: t.legalBasis,
          asOf: t.asOf,
          doneByDeadline: t.met,
          late: t.late,
          notMet: t.notMet,
          total: t.total,
          percent: t.percent,
          percentWithLate: t.percentWithLate,
        }));
        if (o.json) return console.log(JSON.stringify({ asOf, targets: rows }, null, 2));
        const vi = (d: string) => d.split('-').reverse().join('/');
        console.log(`Chỉ tiêu tại ngày / targets as of ${vi(asOf)}`);
        for (const r of rows)
          console.log(
            `  ${r.title} (hạn ${vi(r.deadline)}): đúng hạn ${r.doneByDeadline}/${r.total}, trễ hạn ${r.late}, chưa đạt ${r.notMet}`,
          );
      }),
    );
}

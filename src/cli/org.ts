// `khien org …`: the organisation tree from the command line.
import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { provinceDay } from '../core/time.ts';
import {
  exportOrganisations,
  importOrganisations,
  listOrganisations,
  readReorganisation,
  reorganise,
  treeOrder,
} from '../modules/organisations/index.ts';
import { CLI_ACTOR, fail, isoDay, withDatabase } from './context.ts';

export function registerOrgCommands(org: Command) {
  org
    .command('list')
    .description('Các đơn vị có hiệu lực vào một ngày / the units in force on a day')
    .option('--as-of <date>', 'the day (yyyy-mm-dd or dd/mm/yyyy; default today)')
    .option('--json', 'print JSON')
    .action((o: { asOf?: string; json?: boolean }) =>
      withDatabase(async ({ db }) => {
        const day = o.asOf ? isoDay(o.asOf) : provinceDay();
        const units = treeOrder(await listOrganisations(db, { all: true }, day));
        const codeOf = new Map(units.map((u) => [u.id, u.code]));
        const rows = units.map((u) => ({
          code: u.code,
          name: u.name,
          type: u.type,
          parentCode: u.parentId ? (codeOf.get(u.parentId) ?? null) : null,
          validFrom: u.validFrom,
          validTo: u.validTo,
          ipRanges: u.ipRanges,
        }));
        if (o.json) return console.log(JSON.stringify({ asOf: day, count: rows.length, organisations: rows }, null, 2));
        console.log(`${rows.length} đơn vị ngày / units on ${day.split('-').reverse().join('/')}`);
        for (const r of rows) console.log(`  ${r.code.padEnd(12)} ${r.name}`);
      }),
    );
  org
    .command('reorganise')
    .description(
      'Sắp xếp lại đơn vị (sáp nhập, đổi tên, giải thể) / apply a reorganisation file atomically; --dry-run previews it',
    )
    .argument('<file>', 'CSV or XLSX: effective, old_code, new_code, new_name, new_type, new_parent_code, legal_basis')
    .option('--dry-run', 'check and show what would move, change nothing')
    .option('--json', 'print the report as JSON')
    .action((file: string, o: { dryRun?: boolean; json?: boolean }) =>
      withDatabase(async ({ db }) => {
        const r = await reorganise(db, CLI_ACTOR, await readReorganisation(readFileSync(file)), {
          dryRun: o.dryRun,
        }).catch((e: Error) => fail(`${file}: ${e.message}`));
        if (o.json) console.log(JSON.stringify(r, null, 2));
        else {
          const state = r.alreadyApplied
            ? 'đã áp dụng trước đó / already applied'
            : r.applied
              ? 'đã áp dụng / applied'
              : r.errors.length
                ? 'không áp dụng (lỗi) / not applied (errors)'
                : 'xem trước / preview';
          console.log(`Ngày hiệu lực / effective ${r.effective}: ${state}`);
          console.log(
            `  đơn vị mới / new units ${r.created.length}, đơn vị kết thúc / closed units ${r.closed.length}`,
          );
          console.log(
            `  chuyển sang đơn vị kế thừa / rolls up to successors: ${r.moves.ipRanges} IP ranges, ${r.moves.systems} systems, ${r.moves.computers} computers, ${r.moves.socFindings} SOC findings`,
          );
          for (const a of r.accountsToReview)
            console.log(`  tài khoản cần xem lại / account to review: ${a.username} (${a.organisationCode})`);
          for (const e of r.errors)
            console.log(`  ${file}: dòng ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.message}`);
        }
        if (r.errors.length) process.exitCode = 2;
      }),
    );
  org
    .command('import')
    .description('Nhập cây tổ chức từ CSV/XLSX / import (upsert by code) an organisation tree from CSV or XLSX')
    .argument('<file>', 'CSV or XLSX file')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const buf = readFileSync(file);
      const report = await withDatabase(({ db }) => importOrganisations(db, CLI_ACTOR, buf)).catch((e: Error) =>
        fail(`${file}: ${e.message}`),
      );
      if (o.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(
          `Thêm mới ${report.created}, cập nhật ${report.updated}, không đổi ${report.unchanged}, lỗi ${report.errors.length}`,
        );
        for (const e of report.errors)
          console.log(`  ${file}: dòng ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.message}`);
      }
      if (report.errors.length) process.exitCode = 2;
    });
  org
    .command('export')
    .description('Xuất cây tổ chức / export the organisation tree')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']).default('xlsx'))
    .requiredOption('-o, --output <file>', 'output file')
    .option('--as-of <date>', 'the tree in force on this day (default today)')
    .action(async (o: { format: 'csv' | 'xlsx'; output: string; asOf?: string }) => {
      const day = o.asOf ? isoDay(o.asOf) : provinceDay();
      const buf = await withDatabase(({ db }) => exportOrganisations(db, o.format, day));
      writeFileSync(o.output, buf);
      console.log(`Đã ghi / wrote ${o.output}`);
    });
}

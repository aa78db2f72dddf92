import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { DEMO_DESCRIPTION, loadDemo } from '../../demo/load-demo.ts';
import { loadConfig } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { provinceDay } from '../core/time.ts';
import { registerAdvisoryCommands } from '../modules/advisories/index.ts';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { createUser, ROLES, type Role } from '../modules/auth/index.ts';
import { registerIncidentFormCommands, registerIncidentsCommands } from '../modules/incidents/index.ts';
import { registerNotificationCommands } from '../modules/notifications/index.ts';
import {
  exportOrganisations,
  importOrganisations,
  listOrganisations,
  organisations,
  readReorganisation,
  reorganise,
  treeOrder,
} from '../modules/organisations/index.ts';
import { registerReportCommands } from '../modules/reports/index.ts';
import { registerRulesCommands } from '../modules/rules/index.ts';
import { registerSitesCommands } from '../modules/sites/index.ts';
import { registerSocCommands, registerSocStoreCommands } from '../modules/soc/index.ts';
import { registerSystemsCommands } from '../modules/systems/index.ts';
import { registerScanCommands } from '../modules/vulnerabilities/index.ts';
import { serve } from '../server/serve.ts';
import { CLI_ACTOR, fail, isoDay, organisationIdByCode, withDatabase } from './context.ts';

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : Promise.reject(e)));

const program = new Command()
  .name('khien')
  .description('Khiên — nền tảng điều hành an toàn thông tin cấp tỉnh / provincial cyber-security platform')
  .showHelpAfterError();

program
  .command('serve')
  .description('Chạy máy chủ web và API / start the web server and API (env: PORT, HOST, KHIEN_DATA_DIR, DATABASE_URL)')
  .action(async () => {
    await serve(loadConfig());
  });

program
  .command('migrate')
  .description('Áp dụng các bản chuyển đổi CSDL / apply pending database migrations and exit')
  .action(() => withDatabase(async (d) => console.log(`Migrations applied (${d.kind}).`)));

const user = program.command('user').description('Tài khoản / accounts');
user
  .command('create')
  .description('Tạo tài khoản / create an account (the first administrator, for instance)')
  .requiredOption('--username <name>', 'login name')
  .requiredOption('--name <display>', 'display name (họ và tên)')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .option('--org <code>', 'organisation code (required for role agency)')
  .option('--email <email>', 'e-mail address')
  .option('--password-stdin', 'read the password from standard input instead of generating one')
  .action(
    async (o: {
      username: string;
      name: string;
      role: Role;
      org?: string;
      email?: string;
      passwordStdin?: boolean;
    }) => {
      const generated = !o.passwordStdin;
      const password = generated ? randomBytes(15).toString('base64url') : readFileSync(0, 'utf8').trim();
      await withDatabase(async ({ db }) => {
        const organisationId = o.org ? await organisationIdByCode(db, o.org) : null;
        const u = await createUser(db, CLI_ACTOR, {
          username: o.username,
          displayName: o.name,
          role: o.role,
          email: o.email ?? null,
          organisationId,
          password,
          // A generated password is a temporary one: its holder sets their own at first sign-in.
          mustChangePassword: generated,
        }).catch((e: Error) => fail(e.message));
        console.log(`Đã tạo tài khoản / created account "${u.username}" (${u.role}).`);
        if (generated) console.log(`Mật khẩu tạm thời / temporary password (shown once): ${password}`);
      });
    },
  );

const org = program.command('org').description('Cơ quan, đơn vị / organisation tree');
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
        console.log(`  đơn vị mới / new units ${r.created.length}, đơn vị kết thúc / closed units ${r.closed.length}`);
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

program
  .command('demo')
  .description(`${DEMO_DESCRIPTION} Never run this against a production database.`)
  .option('--yes', 'load even though the database already holds organisations')
  .action((o: { yes?: boolean }) =>
    withDatabase(async ({ db, kind }) => {
      const [existing] = await db.select({ id: organisations.id }).from(organisations).limit(1);
      if (existing && !o.yes) fail('the database already holds organisations; add --yes to load the demo data anyway');
      const r = await loadDemo(db, CLI_ACTOR);
      const orgs = r.organisations;
      console.log(
        `Dữ liệu mẫu (${kind}): cây tổ chức 2024 thêm ${orgs.created}, cập nhật ${orgs.updated}, không đổi ${orgs.unchanged}, lỗi ${orgs.errors}`,
      );
      for (const x of r.reorganisations)
        console.log(
          `Sắp xếp đơn vị / reorganisation ${x.effective}: ${x.alreadyApplied ? 'đã có / already applied' : 'đã áp dụng / applied'}`,
        );
      console.log(
        `Báo cáo quét / scan reports: ${r.findings.scanReports}; nhật ký mạng / network logs: ${r.findings.logFiles}`,
      );
      console.log(
        `Quét trang web / web scans, thêm / added: ${r.web.reports} báo cáo ZAP, Nuclei / reports, ` +
          `${r.web.websites} trang web / websites, ${r.web.findings} lỗ hổng / findings`,
      );
      const added = r.response;
      console.log(
        `Ứng cứu sự cố / incident response, thêm / added: ${added.members} thành viên đội / team members, ` +
          `${added.shifts} ca trực / on-call shifts, ${added.incidents} sự cố / incidents, ${added.advisories} cảnh báo / advisories`,
      );
      const p = r.programme;
      console.log(
        `Chương trình / programme, thêm / added: ${p.warnings} cảnh báo cho người dân / residents' warnings, ` +
          `${p.awarenessActivities} hoạt động tuyên truyền / awareness activities, ${p.siteChecks} lượt kiểm tra trang web / site checks, ` +
          `${p.phishing} đợt diễn tập thư giả mạo / phishing exercises, ${p.orderTasks} nhiệm vụ chỉ đạo / order tasks`,
      );
      console.log('Tài khoản mẫu / demo accounts (passwords shown once):');
      for (const a of r.accounts)
        console.log(`  ${a.username.padEnd(20)} ${a.role.padEnd(11)} ${a.password ?? '(đã có / exists)'}`);
    }),
  );

const audit = program.command('audit').description('Nhật ký kiểm toán / audit log');
audit
  .command('verify')
  .description('Kiểm tra chuỗi băm / verify the hash chain of the audit log (exit code 1 when tampered)')
  .option(
    '--head <hash>',
    'một mã đầu chuỗi đã lưu bên ngoài / a head hash kept outside the database: the newest rows must not have been removed',
  )
  .action((opts: { head?: string }) =>
    withDatabase(async ({ db }) => {
      const v = await verifyAuditChain(db, opts.head);
      if (v.keptHead === 'missing') {
        console.error(
          `BỊ CẮT / TRUNCATED: the kept head ${opts.head} is no longer in the chain (${v.entries} entries)`,
        );
        process.exitCode = 1;
      } else if (v.ok) console.log(`Toàn vẹn / intact: ${v.entries} entries, head ${v.headHash}`);
      else {
        console.error(
          `BỊ SỬA ĐỔI / TAMPERED: entry #${v.brokenAt?.seq} (${v.brokenAt?.reason}) after ${v.entries - 1} good entries`,
        );
        process.exitCode = 1;
      }
    }),
  );

registerSocCommands(program);
registerSocStoreCommands(program);
registerSystemsCommands(program);
registerRulesCommands(program);
registerScanCommands(program);
registerAdvisoryCommands(program);
registerNotificationCommands(program);
registerSitesCommands(program);
registerIncidentFormCommands(registerIncidentsCommands(program));
registerReportCommands(program);

// Expected failures (bad input, refused operations) are one clear line; anything else keeps its stack for a report.
await program
  .parseAsync(process.argv)
  .catch((e: Error) => (e instanceof AppError ? fail(e.message) : Promise.reject(e)));

// `khien`: the table of top-level commands. A command's code loads only when that command runs: `khien --help` loads
// none, `khien soc analyze` only the analysis engine. So each loader imports the module's command-line face, its
// `*.cli.ts`, not its index.ts, which would load the whole module (services, routes, the database).
import { Command } from 'commander';
import { reportFailure } from './errors.ts';

type Loader = (cmd: Command) => Promise<unknown>;

/** Name, description (shown by `khien --help`), and the loader that adds the command's options, subcommands, action. */
const COMMANDS: Array<[string, string, Loader]> = [
  [
    'serve',
    'Chạy máy chủ web và API / start the web server and API (env: PORT, HOST, KHIEN_DATA_DIR, DATABASE_URL)',
    async (c) => (await import('./server.ts')).registerServeCommand(c),
  ],
  [
    'migrate',
    'Áp dụng các bản chuyển đổi CSDL / apply pending database migrations and exit',
    async (c) => (await import('./server.ts')).registerMigrateCommand(c),
  ],
  ['user', 'Tài khoản / accounts', async (c) => (await import('./user.ts')).registerUserCommands(c)],
  ['org', 'Cơ quan, đơn vị / organisation tree', async (c) => (await import('./org.ts')).registerOrgCommands(c)],
  [
    'demo',
    'Nạp dữ liệu mẫu: tỉnh Yên Bái 2024, sáp nhập vào tỉnh Lào Cai 01/07/2025 / load the demo province in time',
    async (c) => (await import('./demo.ts')).registerDemoCommand(c),
  ],
  ['audit', 'Nhật ký kiểm toán / audit log', async (c) => (await import('./audit.ts')).registerAuditCommands(c)],
  [
    'backup',
    'Sao lưu cơ sở dữ liệu / back up the database to a file',
    async (c) => (await import('../modules/backup/backup.cli.ts')).registerBackupCommand(c),
  ],
  [
    'restore',
    'Khôi phục từ bản sao lưu / restore a backup into an empty database',
    async (c) => (await import('../modules/backup/backup.cli.ts')).registerRestoreCommand(c),
  ],
  [
    'soc',
    'Trung tâm giám sát (SOC) / security operations analytics',
    async (c) => {
      (await import('../modules/soc/soc.cli.ts')).registerSocCommands(c);
      (await import('../modules/soc/soc-store.cli.ts')).registerSocStoreCommands(c);
    },
  ],
  [
    'systems',
    'Hệ thống thông tin, cấp độ / information systems and levels',
    async (c) => (await import('../modules/systems/systems.cli.ts')).registerSystemsCommands(c),
  ],
  [
    'targets',
    'Chỉ tiêu tại một ngày / each target as of a day: met by the deadline, late, not met, total',
    async (c) => (await import('../modules/systems/systems.cli.ts')).registerTargetsCommand(c),
  ],
  [
    'rules',
    'Quy định theo thời gian / the rules in force on a day',
    async (c) => (await import('../modules/rules/rules.cli.ts')).registerRulesCommands(c),
  ],
  [
    'scans',
    'Máy tính có lỗ hổng / vulnerability scan reports',
    async (c) => (await import('../modules/vulnerabilities/vulnerabilities.cli.ts')).registerScanCommands(c),
  ],
  [
    'advisories',
    'Cảnh báo an toàn thông tin / security advisories',
    async (c) => (await import('../modules/advisories/advisories.cli.ts')).registerAdvisoryCommands(c),
  ],
  [
    'notifications',
    'Thông báo / notifications',
    async (c) => (await import('../modules/notifications/notifications.cli.ts')).registerNotificationCommands(c),
  ],
  [
    'sites',
    'Tên miền, cổng thông tin / agency websites and domains',
    async (c) => (await import('../modules/sites/sites.cli.ts')).registerSitesCommands(c),
  ],
  [
    'incidents',
    'Sự cố an toàn thông tin mạng / incidents',
    async (c) => {
      const incidents = (await import('../modules/incidents/incidents.cli.ts')).registerIncidentsCommands(c);
      (await import('../modules/incidents/forms/forms.cli.ts')).registerIncidentFormCommands(incidents);
    },
  ],
  [
    'report',
    'Báo cáo (DOCX/PDF, Nghị định 30/2020) / official reports',
    async (c) => (await import('../modules/reports/reports.cli.ts')).registerReportCommands(c),
  ],
];

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : Promise.reject(e)));

const program = new Command()
  .name('khien')
  .description('Khiên — nền tảng điều hành an toàn thông tin cấp tỉnh / provincial cyber-security platform')
  // Read by errors.ts from the command line, so that it holds before a command is even loaded.
  .option('--debug', 'in lỗi kèm vết ngăn xếp / print errors with their stack trace (or KHIEN_DEBUG=1)')
  // Refusals of the command line are printed by reportFailure, as one line like every other error.
  .exitOverride()
  .configureOutput({ outputError: () => {} });
for (const [name, description] of COMMANDS) program.command(name).description(description);

/** The words of the command line that name commands (`soc analyze`), the options and their values left out. */
const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const named = words[0] === 'help' ? words[1] : words[0];

/** `khien soc analyze --help`: where a refused command line is explained. */
function helpFor(): string {
  const path = ['khien'];
  let cmd: Command = program;
  for (const word of words) {
    const sub = cmd.commands.find((c) => c.name() === word);
    if (!sub) break;
    path.push(word);
    cmd = sub;
  }
  return `${path.join(' ')} --help`;
}

try {
  const loader = COMMANDS.find(([name]) => name === named)?.[2];
  const cmd = program.commands.find((c) => c.name() === named);
  if (loader && cmd) await loader(cmd);
  await program.parseAsync(process.argv);
} catch (e) {
  reportFailure(e, helpFor());
}

// `khien audit verify`: checks the audit log's hash chain.
import type { Command } from 'commander';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { withDatabase } from './context.ts';

export function registerAuditCommands(audit: Command) {
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
}

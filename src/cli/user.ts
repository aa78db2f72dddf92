// `khien user …`: accounts from the command line (the first administrator, for instance).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { createUser, ROLES, type Role } from '../modules/auth/index.ts';
import { CLI_ACTOR, fail, organisationIdByCode, withDatabase } from './context.ts';

export function registerUserCommands(user: Command) {
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
}

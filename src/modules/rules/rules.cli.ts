// `khien rules …`: the law as dated data from the command line (who appraises, the rules of a day, a province's rows).

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CLI_ACTOR, fail, isoDay, withDatabase } from '../../cli/context.ts';
import { auditActor } from '../../core/actor.ts';
import { provinceDay } from '../../core/time.ts';

import { organisationByCodeOn } from '../organisations/index.ts';
import { authorityFor } from './authority.ts';
import { RULE_KIND_NAMES, type RuleKind } from './kinds.ts';
import { ruleBook } from './rule-book.ts';
import { addProvinceRule, listRules, saveBodies, saveCalendarDays } from './rules.service.ts';

export function registerRulesCommands(rules: Command) {
  rules
    .command('authority')
    .description('Cơ quan thẩm định, phê duyệt hồ sơ cấp độ / who appraises and approves a level dossier on a day')
    .requiredOption('--level <n>', 'level 1–5')
    .option('--on <date>', 'the day (yyyy-mm-dd or dd/mm/yyyy; default today)')
    .option(
      '--owner <code>',
      'organisation code of the system’s owner (a vertical body has its ministry), or a body code',
    )
    .option('--json', 'print JSON')
    .action((o: { level: string; on?: string; owner?: string; json?: boolean }) =>
      withDatabase(async ({ db }) => {
        const level = Number(o.level);
        if (!Number.isInteger(level) || level < 1 || level > 5) fail(`invalid level "${o.level}" (1–5)`);
        const on = o.on ? isoDay(o.on) : provinceDay();
        const book = await ruleBook(db);
        let ownerBody: string | null = null;
        if (o.owner) {
          const org = await organisationByCodeOn(db, o.owner, on);
          if (org) ownerBody = org.ownerBodyCode;
          else if (book.bodyByCode(o.owner, on)) ownerBody = o.owner;
          else fail(`no organisation or body with code "${o.owner}" on ${on}`);
        }
        const a = authorityFor(book, level, on, ownerBody);
        if (!a) fail(`no rule gives the authority for level ${level} on ${on}`);
        if (o.json) return console.log(JSON.stringify(a, null, 2));
        console.log(`Cấp độ ${level}, ngày ${on.split('-').reverse().join('/')} — ${a.rule.legalBasis}`);
        console.log(`  Thẩm định / appraises: ${a.appraisers.map((p) => p.vi).join('; ')}`);
        console.log(`  Phê duyệt / approves:  ${a.approver.vi}`);
        if (a.listApprover) console.log(`  Phê duyệt danh mục / approves the list: ${a.listApprover.vi}`);
        for (const p of [...a.appraisers, a.approver])
          if (p.body)
            console.log(
              `  ${p.body.shortName}: ${p.body.legalBasis}${p.body.confirmed ? '' : ' (chưa xác nhận / unconfirmed)'}`,
            );
      }),
    );
  rules
    .command('list')
    .description('Các quy định và căn cứ / every rule version, marking those in force on a day')
    .option('--kind <kind>', `one of: ${RULE_KIND_NAMES.join(', ')}`)
    .option('--on <date>', 'the day (default today)')
    .option('--json', 'print JSON')
    .action((o: { kind?: string; on?: string; json?: boolean }) =>
      withDatabase(async ({ db }) => {
        if (o.kind && !RULE_KIND_NAMES.includes(o.kind as RuleKind)) fail(`unknown kind "${o.kind}"`);
        const rows = await listRules(db, {
          kind: o.kind as RuleKind | undefined,
          on: o.on ? isoDay(o.on) : provinceDay(),
        });
        if (o.json) return console.log(JSON.stringify(rows, null, 2));
        for (const r of rows)
          console.log(
            `${r.appliesOn ? '*' : ' '} ${r.kind.padEnd(20)} ${r.key.padEnd(36)} ${r.validFrom}…${r.validTo ?? ''}  ${r.legalBasis}${r.origin === 'province' ? ' [tỉnh]' : ''}`,
          );
      }),
    );
  rules
    .command('add')
    .description('Thêm quy định của tỉnh / add province rule versions from a JSON file (an object or an array)')
    .argument(
      '<file>',
      'JSON: { kind, key, validFrom, validTo?, basis: { document, article?, clause?, point? }, vi, en, data }',
    )
    .action((file: string) =>
      withDatabase(async ({ db }) => {
        const json = JSON.parse(readFileSync(file, 'utf8'));
        for (const r of Array.isArray(json) ? json : [json]) {
          const row = await addProvinceRule(db, auditActor(CLI_ACTOR), r).catch((e: Error) =>
            fail(`${file}: ${e.message}`),
          );
          console.log(`Đã thêm / added ${row.kind}/${row.key} from ${row.validFrom}`);
        }
      }),
    );
  rules
    .command('bodies')
    .description('Nạp cơ quan có thẩm quyền của tỉnh / load the province’s competent bodies from a JSON array')
    .argument(
      '<file>',
      'JSON array of { code, role, name, shortName, organisationCode?, validFrom, validTo?, legalBasis }',
    )
    .action((file: string) =>
      withDatabase(async ({ db }) => {
        const r = await saveBodies(db, auditActor(CLI_ACTOR), JSON.parse(readFileSync(file, 'utf8'))).catch(
          (e: Error) => fail(`${file}: ${e.message}`),
        );
        console.log(`Đã lưu / saved ${r.saved} bodies`);
      }),
    );
  rules
    .command('holidays')
    .description('Thêm ngày nghỉ, ngày làm bù / add calendar days from a JSON array')
    .argument('<file>', 'JSON array of { date, kind: holiday|day_off|working_day, name, legalBasis }')
    .action((file: string) =>
      withDatabase(async ({ db }) => {
        const r = await saveCalendarDays(db, auditActor(CLI_ACTOR), JSON.parse(readFileSync(file, 'utf8'))).catch(
          (e: Error) => fail(`${file}: ${e.message}`),
        );
        console.log(`Đã lưu / saved ${r.saved} days`);
      }),
    );
}

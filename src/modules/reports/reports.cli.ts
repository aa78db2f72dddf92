// `khien report six-month|annual|monitoring …`: a periodic report as a DOCX or PDF file (an unnumbered draft).
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { fail, isoDay, organisationIdByCode, withDatabase } from '../../cli/context.ts';
import { DOCUMENT_FORMATS, type DocumentFormat, formatDay } from '../../core/documents/index.ts';
import { provinceDay } from '../../core/time.ts';
import { ruleBook } from '../rules/index.ts';
import { type PeriodicKind, reportPeriod } from './periods.ts';
import { periodicReport, renderReport } from './reports.service.ts';

type Options = { year: string; half?: string; org?: string; format: DocumentFormat; output: string; on?: string };

const ALL = { all: true } as const;

function periodicCommand(group: Command, name: string, kind: PeriodicKind, description: string) {
  const cmd = group.command(name).description(description).requiredOption('--year <yyyy>', 'the year');
  if (kind !== 'annual') cmd.requiredOption('--half <1|2>', '1 = January–June, 2 = July–December');
  cmd
    .option('--org <code>', 'the issuing unit’s code on the period’s last day (default: the province)')
    .addOption(new Option('--format <format>', 'file format').choices(DOCUMENT_FORMATS).default('pdf'))
    .requiredOption('-o, --output <file>', 'where to write it')
    .option('--on <date>', 'the day the document is dated (default: today)')
    .action((o: Options) =>
      withDatabase(async ({ db }) => {
        const year = Number(o.year);
        if (!Number.isInteger(year) || year < 2017 || year > 2100) fail(`invalid --year "${o.year}"`);
        const half = kind === 'annual' ? null : Number(o.half);
        if (half !== null && half !== 1 && half !== 2) fail(`--half must be 1 or 2, not "${o.half}"`);
        const book = await ruleBook(db);
        // Codes are reused across periods: the unit is the one holding the code on the period's last day.
        const { asOf } = reportPeriod(book, kind, year, half as 1 | 2 | null, provinceDay());
        const organisationId = o.org ? await organisationIdByCode(db, o.org, asOf) : null;
        const built = await periodicReport(
          db,
          ALL,
          null,
          { kind, year, half: half as 1 | 2 | null, organisationId, ...(o.on ? { day: isoDay(o.on) } : {}) },
          new Date(),
          book,
        );
        const f = await renderReport(built, o.format);
        writeFileSync(o.output, f.file);
        console.log(`Đã ghi / written ${o.output} (${f.file.length} bytes, SHA-256 ${f.sha256})`);
        console.log(
          `${built.title}; số liệu đến ngày / figures as of ${formatDay(asOf)}; ` +
            `kính gửi / to: ${built.doc.addressees?.join('; ') || '—'}`,
        );
      }),
    );
}

export function registerReportCommands(report: Command) {
  periodicCommand(
    report,
    'six-month',
    'six_month',
    'Báo cáo kết quả 6 tháng / the six-month statement: SOC, vulnerable computers, targets, tasks',
  );
  periodicCommand(
    report,
    'annual',
    'annual',
    'Báo cáo năm về bảo đảm an toàn HTTT theo cấp độ (TT 12/2022 Điều 13) / the annual report by level',
  );
  periodicCommand(
    report,
    'monitoring',
    'monitoring',
    'Báo cáo giám sát 6 tháng (TT 31/2017) / the six-monthly monitoring report',
  );
}

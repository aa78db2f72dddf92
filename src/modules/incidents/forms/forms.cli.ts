// `khien incidents form …`: a statutory form (TT 20/2017, 01–05) as a DOCX or PDF file.
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { fail, isoDay, organisationIdByCode, withDatabase } from '../../../cli/context.ts';
import { DOCUMENT_FORMATS, type DocumentFormat, formatDay } from '../../../core/documents/index.ts';
import { provinceDay } from '../../../core/time.ts';
import { type FormFile, incidentForm, memberProfileForm, periodicForm, registrationForm } from './forms.service.ts';

const FORMS = ['01', '02', '03', '04', '05'] as const;
const ALL = { all: true } as const;

type Options = {
  form: (typeof FORMS)[number];
  format: DocumentFormat;
  output?: string;
  on?: string;
  year?: string;
  half?: string;
};

/** Adds `form` to the `khien incidents` group (registerIncidentsCommands returns it). */
export function registerIncidentFormCommands(incidents: Command) {
  incidents
    .command('form')
    .description(
      'Biểu mẫu TT 20/2017 (DOCX/PDF) / a statutory form: 01 member profile, 02 contact registration, ' +
        '03 initial report, 04 closing report, 05 periodic report',
    )
    .argument('<id>', "03/04: the incident's id or code; 01: the team member's id; 02/05: the organisation's code")
    .addOption(new Option('--form <form>', 'which form').choices(FORMS).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'file format').choices(DOCUMENT_FORMATS).default('pdf'))
    .option('-o, --output <file>', 'where to write it (default: the form’s own name in this folder)')
    .option('--on <date>', 'the day the form is dated (dd/mm/yyyy or yyyy-mm-dd; 01–04)')
    .option('--year <yyyy>', 'form 05: the year (default: this year)')
    .option('--half <1|2>', 'form 05: 1 = the report due in January–June, 2 = July–December (default: this half)')
    .action((id: string, o: Options) =>
      withDatabase(async ({ db }) => {
        const on = o.on ? isoDay(o.on) : undefined;
        const today = provinceDay();
        let file: FormFile;
        if (o.form === '03' || o.form === '04') file = await incidentForm(db, ALL, id, o.form, o.format, on);
        else if (o.form === '01') {
          if (!/^[0-9a-f-]{36}$/i.test(id)) fail(`form 01 takes a team member's id, not "${id}"`);
          file = await memberProfileForm(db, ALL, id, o.format, on);
        } else if (o.form === '02')
          file = await registrationForm(db, ALL, await organisationIdByCode(db, id, on ?? today), o.format, on);
        else {
          const year = Number(o.year ?? today.slice(0, 4));
          const half = Number(o.half ?? (Number(today.slice(5, 7)) <= 6 ? 1 : 2));
          if (!Number.isInteger(year) || year < 2017 || year > 2100) fail(`invalid --year "${o.year}"`);
          if (half !== 1 && half !== 2) fail(`--half must be 1 or 2, not "${o.half}"`);
          // Codes are reused across periods: the member is the unit holding the code at the half's end (or today).
          const asOf = [today, `${year}-${half === 1 ? '06-30' : '12-31'}`].sort()[0];
          file = await periodicForm(db, ALL, await organisationIdByCode(db, id, asOf), year, half as 1 | 2, o.format);
        }
        const out = o.output ?? file.fileName;
        writeFileSync(out, file.file);
        console.log(`Đã ghi / written ${out} (${file.file.length} bytes, SHA-256 ${file.sha256})`);
        console.log(`Ngày / dated ${formatDay(file.date)}; kính gửi / to: ${file.recipients.join('; ') || '—'}`);
      }),
    );
}

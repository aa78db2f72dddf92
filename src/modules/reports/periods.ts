import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import type { AppliedRule, RuleBook } from '../rules/index.ts';
import type { ReportKind } from './reports.input.ts';

export type PeriodicKind = Exclude<ReportKind, 'inspection_conclusion'>;
export type ReportPeriod = { from: string; to: string; asOf: string };

const DAY_MS = 86_400_000;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The report's schedule rule in force on `day` (its period and recipients), if any. */
export function scheduleRule(book: RuleBook, kind: PeriodicKind, day: string): AppliedRule<'report_schedule'> | null {
  return book.on('report_schedule', day).find((r) => r.data.report === kind) ?? null;
}

/**
 * The days a periodic report covers: a calendar half, or the rule's reporting year (e.g. 15/12 of the year before
 * to 14/12, TT 12/2022 Art. 13); figures stand as of its last day, or today while it runs. A period that has not
 * begun is refused.
 */
export function reportPeriod(
  book: RuleBook,
  kind: PeriodicKind,
  year: number,
  half: 1 | 2 | null,
  today = provinceDay(),
): ReportPeriod {
  let from: string;
  let to: string;
  if (kind === 'annual') {
    const end = scheduleRule(book, kind, `${year}-12-31`)?.data.periodEnd ?? '12-31';
    to = `${year}-${end}`;
    from = nextDay(`${year - 1}-${end}`);
  } else {
    if (half === null) throw new AppError('VALIDATION', 'half is required', { field: 'half' });
    from = `${year}-${half === 1 ? '01-01' : '07-01'}`;
    to = `${year}-${half === 1 ? '06-30' : '12-31'}`;
  }
  if (today < from)
    throw new AppError(
      'VALIDATION',
      `The period ${from} – ${to} has not begun`,
      { field: 'year' },
      { key: 'reports.periodNotBegun', params: { from, to } },
    );
  return { from, to, asOf: to < today ? to : today };
}

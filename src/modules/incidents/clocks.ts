import type { CalendarDay } from '../../core/calendar.ts';
import { dayEnd, dayStart, provinceDay } from '../../core/time.ts';
import type { AppliedRule, BodyRole, IncidentClock, RuleBook } from '../rules/index.ts';

/**
 * The statutory clocks (rules of kind `incident_clock`): when each report is due, from which event, and whether it
 * was sent in time. Pure: the caller passes the rule book, the events and "now".
 */

export const CLOCK_STATES = ['pending', 'near', 'overdue', 'done', 'done_late'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

export type ClockView = {
  clock: IncidentClock;
  rule: {
    key: string;
    vi: string;
    en: string;
    legalBasis: string;
    confirmed: boolean;
    note: string | null;
  };
  form: '03' | '04' | '05' | null;
  recipients: BodyRole[];
  /** The event the clock runs from. */
  startsAt: Date;
  dueAt: Date;
  doneAt: Date | null;
  state: ClockState;
  /** Public holidays and days off (weekdays) between the event and the due day, which explain a later due date. */
  daysOff: Pick<CalendarDay, 'date' | 'name'>[];
  /** False when the calendar has no data for the due year (its holidays are unknown): the due date may be early. */
  calendarCovered: boolean;
};

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const addDays = (isoDay: string, n: number) =>
  new Date(Date.parse(`${isoDay}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * When a clock started at `at` falls due. Hours run from the instant; calendar days are counted from the day after
 * the event (Civil Code 2015 Art. 147) and end with the last day, moved to the next working day when that one is a
 * day off and the rule says so (Art. 148 cl. 5); working days skip weekends, holidays and days off (core/calendar.ts).
 */
export function dueFrom(rule: AppliedRule<'incident_clock'>, at: Date, book: RuleBook) {
  const { amount = 0, unit = 'hours' } = rule.data;
  const cal = book.calendar;
  if (unit === 'hours') return { dueAt: new Date(at.getTime() + amount * HOUR_MS), daysOff: [], calendarCovered: true };
  const start = provinceDay(at);
  let last = unit === 'working_days' ? cal.addWorkingDays(start, amount) : addDays(start, amount);
  if (unit === 'calendar_days' && rule.data.rollToWorkingDay) while (!cal.isWorkingDay(last)) last = addDays(last, 1);
  return {
    dueAt: dayEnd(last),
    daysOff: cal.daysOff(start, last).map(({ date, name }) => ({ date, name })),
    calendarCovered: cal.covers(last),
  };
}

/** Where a clock stands at `now`: sent in time or late, or still to send (near once within its reminder window). */
export function clockState(dueAt: Date, doneAt: Date | null, remindBeforeHours: number, now: Date): ClockState {
  if (doneAt) return doneAt <= dueAt ? 'done' : 'done_late';
  if (now > dueAt) return 'overdue';
  return now.getTime() >= dueAt.getTime() - remindBeforeHours * HOUR_MS ? 'near' : 'pending';
}

const view = (
  rule: AppliedRule<'incident_clock'>,
  startsAt: Date,
  doneAt: Date | null,
  now: Date,
  book: RuleBook,
): ClockView => {
  const due = dueFrom(rule, startsAt, book);
  return {
    clock: rule.data.clock,
    rule: {
      key: rule.key,
      vi: rule.vi,
      en: rule.en,
      legalBasis: rule.legalBasis,
      confirmed: rule.confirmed,
      note: rule.note,
    },
    form: rule.data.form,
    recipients: rule.data.recipients,
    startsAt,
    ...due,
    doneAt,
    state: clockState(due.dueAt, doneAt, rule.data.remindBeforeHours, now),
  };
};

/** The rule for a clock on a day (the province's own version wins, rule-book.ts). */
export const clockRule = (book: RuleBook, clock: IncidentClock, day: string) =>
  book.on('incident_clock', day).find((r) => r.data.clock === clock) ?? null;

export type IncidentEvents = {
  detectedAt: Date;
  beyondCapability: boolean;
  beyondCapabilityAt: Date | null;
  notifiedAt: Date | null;
  responseEndedAt: Date | null;
  /** The first issue of each form for this incident. */
  issued: Partial<Record<'03' | '04', Date>>;
};

const earliest = (...dates: (Date | null | undefined)[]) =>
  dates.filter((d): d is Date => !!d).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;

/**
 * An incident's clocks, under the rules in force on its detection day: the notification (done by the notice or the
 * initial report), the initial report when beyond the operator's capability, and the closing report once the
 * response has ended. A clock whose event has not happened is not listed.
 */
export function incidentClocks(book: RuleBook, e: IncidentEvents, now: Date): ClockView[] {
  const day = provinceDay(e.detectedAt);
  const out: ClockView[] = [];
  const notification = clockRule(book, 'notification', day);
  if (notification) out.push(view(notification, e.detectedAt, earliest(e.notifiedAt, e.issued['03']), now, book));
  const initial = clockRule(book, 'initial_report', day);
  if (initial && e.beyondCapability)
    out.push(view(initial, e.beyondCapabilityAt ?? e.detectedAt, e.issued['03'] ?? null, now, book));
  const closing = clockRule(book, 'closing_report', day);
  if (closing && e.responseEndedAt) out.push(view(closing, e.responseEndedAt, e.issued['04'] ?? null, now, book));
  return out;
}

/** A member's contact change: due to be reported to the coordinating body within the rule's hours. */
export function contactClock(book: RuleBook, changedAt: Date, reportedAt: Date | null, now: Date): ClockView | null {
  const rule = clockRule(book, 'contact_change', provinceDay(changedAt));
  return rule ? view(rule, changedAt, reportedAt && reportedAt >= changedAt ? reportedAt : null, now, book) : null;
}

/** The next periodic report (form 05) due after `now`: before one of the rule's yearly dates. */
export function periodicClock(book: RuleBook, now: Date): ClockView | null {
  const today = provinceDay(now);
  const rule = clockRule(book, 'periodic_report', today);
  if (!rule?.data.dates) return null;
  const year = Number(today.slice(0, 4));
  const next = [year, year + 1]
    .flatMap((y) => (rule.data.dates ?? []).map((md) => dayStart(`${y}-${md}`)))
    .filter((d) => d > now)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  if (!next) return null;
  const previous = [year - 1, year]
    .flatMap((y) => (rule.data.dates ?? []).map((md) => dayStart(`${y}-${md}`)))
    .filter((d) => d <= now)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return {
    ...view({ ...rule, data: { ...rule.data, amount: 0, unit: 'hours' } }, next, null, now, book),
    // The period runs from the previous due date; the clock is "due before" the next one.
    startsAt: previous ?? dayStart(`${year}-01-01`),
  };
}

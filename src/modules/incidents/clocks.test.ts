import { describe, expect, it } from 'vitest';
import { ruleBookFromFiles } from '../rules/index.ts';
import { clockRule, clockState, dueFrom, incidentClocks, periodicClock } from './clocks.ts';

const book = ruleBookFromFiles();
const at = (iso: string) => new Date(iso);

describe('incident clocks', () => {
  const notification = clockRule(book, 'notification', '2026-02-13');
  if (!notification) throw new Error('the shipped rules have no notification clock');

  it('counts the 5 days of QĐ 05/2017 in calendar days, from the day after detection', () => {
    // Detected Tuesday 03/03/2026 at 23:30: the five days are 04–08/03, ending Sunday 08/03 → Monday 09/03.
    expect(dueFrom(notification, at('2026-03-03T23:30:00+07:00'), book).dueAt).toEqual(at('2026-03-10T00:00:00+07:00'));
    // Detected Monday 09/03/2026: due by the end of Saturday 14/03 → Monday 16/03.
    expect(dueFrom(notification, at('2026-03-09T08:00:00+07:00'), book).dueAt).toEqual(at('2026-03-17T00:00:00+07:00'));
    // Detected Wednesday 04/03: due by the end of Monday 09/03, a working day.
    expect(dueFrom(notification, at('2026-03-04T08:00:00+07:00'), book).dueAt).toEqual(at('2026-03-10T00:00:00+07:00'));
  });

  it('moves a calendar-day limit that ends in Tết to the next working day, and lists the days off', () => {
    const due = dueFrom(notification, at('2026-02-13T10:00:00+07:00'), book);
    expect(due.dueAt).toEqual(at('2026-02-24T00:00:00+07:00'));
    expect(due.daysOff.map((d) => d.date)).toEqual([
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
    ]);
    expect(due.calendarCovered).toBe(true);
  });

  it('skips holidays when a province counts the same clock in working days', () => {
    const working = { ...notification, data: { ...notification.data, unit: 'working_days' as const } };
    // Friday 13/02/2026 + 5 working days: Tết 16–20/02 and the weekends do not count → Friday 27/02.
    expect(dueFrom(working, at('2026-02-13T10:00:00+07:00'), book).dueAt).toEqual(at('2026-02-28T00:00:00+07:00'));
    // Wednesday 29/04/2026 + 5 working days: 30/04, 01/05 and the weekend skipped → Friday 08/05.
    expect(dueFrom(working, at('2026-04-29T10:00:00+07:00'), book).dueAt).toEqual(at('2026-05-09T00:00:00+07:00'));
  });

  it('counts hours from the instant (the contact change within 24 hours)', () => {
    const contact = clockRule(book, 'contact_change', '2026-02-16');
    if (!contact) throw new Error('no contact clock');
    // In Tết as on any day: hours do not stop for holidays.
    expect(dueFrom(contact, at('2026-02-16T09:15:00+07:00'), book).dueAt).toEqual(at('2026-02-17T09:15:00+07:00'));
  });

  it('says near, overdue, done or late', () => {
    const due = at('2026-03-10T00:00:00+07:00');
    expect(clockState(due, null, 24, at('2026-03-08T00:00:00+07:00'))).toBe('pending');
    expect(clockState(due, null, 24, at('2026-03-09T01:00:00+07:00'))).toBe('near');
    expect(clockState(due, null, 24, at('2026-03-10T00:00:01+07:00'))).toBe('overdue');
    expect(clockState(due, at('2026-03-09T12:00:00+07:00'), 24, at('2026-04-01T00:00:00+07:00'))).toBe('done');
    expect(clockState(due, at('2026-03-11T12:00:00+07:00'), 24, at('2026-04-01T00:00:00+07:00'))).toBe('done_late');
  });

  it('lists the initial report only when beyond capability and the closing report once the response ended', () => {
    const base = {
      detectedAt: at('2026-03-02T08:00:00+07:00'),
      beyondCapability: false,
      beyondCapabilityAt: null,
      notifiedAt: null,
      responseEndedAt: null,
      issued: {},
    };
    const now = at('2026-03-03T08:00:00+07:00');
    expect(incidentClocks(book, base, now).map((c) => c.clock)).toEqual(['notification']);
    const beyond = incidentClocks(
      book,
      { ...base, beyondCapability: true, beyondCapabilityAt: at('2026-03-02T09:00:00+07:00'), issued: { '03': now } },
      now,
    );
    expect(beyond.map((c) => [c.clock, c.state])).toEqual([
      // Form 03 also notifies, within the 5 days.
      ['notification', 'done'],
      // "At once": due when found beyond capability, so issued a day later is late.
      ['initial_report', 'done_late'],
    ]);
    const ended = incidentClocks(book, { ...base, responseEndedAt: at('2026-03-04T17:00:00+07:00') }, now);
    expect(ended.find((c) => c.clock === 'closing_report')).toMatchObject({
      form: '04',
      dueAt: at('2026-03-10T00:00:00+07:00'),
      recipients: ['owner', 'national_incident_coordinator'],
    });
  });

  it('a rule not yet in force has no clock: TT 20/2017 applies from 01/11/2017', () => {
    const old = incidentClocks(
      book,
      {
        detectedAt: at('2017-06-01T08:00:00+07:00'),
        beyondCapability: false,
        beyondCapabilityAt: null,
        notifiedAt: null,
        responseEndedAt: at('2017-06-02T08:00:00+07:00'),
        issued: {},
      },
      at('2017-06-03T08:00:00+07:00'),
    );
    expect(old.map((c) => c.clock)).toEqual(['notification']);
  });

  it('gives the next periodic report: before 20/06 and before 15/12', () => {
    expect(periodicClock(book, at('2026-05-01T00:00:00+07:00'))).toMatchObject({
      dueAt: at('2026-06-20T00:00:00+07:00'),
      startsAt: at('2025-12-15T00:00:00+07:00'),
      state: 'pending',
      form: '05',
    });
    expect(periodicClock(book, at('2026-06-15T00:00:00+07:00'))?.state).toBe('near');
    expect(periodicClock(book, at('2026-06-20T00:00:00+07:00'))?.dueAt).toEqual(at('2026-12-15T00:00:00+07:00'));
    expect(periodicClock(book, at('2026-12-20T00:00:00+07:00'))?.dueAt).toEqual(at('2027-06-20T00:00:00+07:00'));
  });

  it('names the coordinating body of the day: VNCERT/CC until 28/02/2025, then the Ministry of Public Security', () => {
    expect(book.body('national_incident_coordinator', '2025-02-28')?.shortName).toBe('VNCERT/CC (Bộ TT&TT)');
    expect(book.body('national_incident_coordinator', '2025-03-01')).toMatchObject({
      shortName: 'Cục A05 (Bộ Công an)',
      confirmed: false,
    });
  });
});

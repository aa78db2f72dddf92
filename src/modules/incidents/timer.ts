import type { FastifyInstance } from 'fastify';
import type { Db } from '../../core/db/client.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { runIncidentClockCheck } from './incidents.service.ts';
import { runTeamClockCheck } from './team.service.ts';

/** The incidents' and the team's clocks, checked as of `now` (the hourly timer, `khien incidents clock-check`). */
export async function runIncidentDeadlineCheck(db: Db, now: Date) {
  const incidents = await runIncidentClockCheck(db, now);
  const team = await runTeamClockCheck(db, now);
  return { incidents: incidents.incidents, notices: incidents.notices + team.notices };
}

/** Runs the clock check every `intervalMs` while the server is up; the timer stops when the server closes. */
export function registerIncidentTimer(app: FastifyInstance, db: Db, intervalMs = 3_600_000) {
  registerPeriodic(app, {
    name: 'incident clock check',
    intervalMs,
    job: () => runIncidentDeadlineCheck(db, new Date()),
  });
}

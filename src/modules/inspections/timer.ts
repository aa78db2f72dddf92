import { and, eq, lt, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/index.ts';
import { provinceDay } from '../../core/time.ts';
import { registerPeriodic } from '../../server/periodic.ts';
import { notifyOrganisation } from '../notifications/index.ts';
import { inspectionFindings, inspections } from './inspections.schema.ts';

/**
 * Tells the organisation that must remediate a finding once its deadline has passed and it is still not closed (once
 * per finding: the dedupe key). Returns how many notifications were new.
 */
export async function remindOverdueFindings(db: Db, today = provinceDay()): Promise<number> {
  const overdue = await db
    .select({ f: inspectionFindings, inspectionTitle: inspections.title })
    .from(inspectionFindings)
    .innerJoin(inspections, eq(inspections.id, inspectionFindings.inspectionId))
    .where(
      and(ne(inspectionFindings.state, 'closed'), lt(inspectionFindings.dueOn, today), ne(inspections.state, 'closed')),
    );
  let sent = 0;
  for (const { f, inspectionTitle } of overdue)
    sent += await notifyOrganisation(db, f.organisationId, {
      kind: 'inspection.overdue',
      title: `Quá hạn khắc phục tồn tại sau kiểm tra: ${f.title}`,
      body: `${inspectionTitle} — hạn khắc phục ${formatDay(f.dueOn)} đã qua.`,
      link: `/inspections/view?id=${f.inspectionId}`,
      dedupeKey: `inspection-overdue:${f.id}`,
    });
  return sent;
}

/** Runs the reminder every `intervalMs` while the server is up. */
export function registerInspectionTimer(app: FastifyInstance, db: Db, intervalMs = 3_600_000) {
  registerPeriodic(app, { name: 'inspection findings overdue', intervalMs, job: () => remindOverdueFindings(db) });
}

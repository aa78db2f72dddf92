import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { organisationIdIn, type Scope, scopeOrganisationIds } from '../auth/index.ts';
import { advisories } from './advisories.schema.ts';

/**
 * SQL shared by the advisory services: what the caller may see (scope in the query, never filtered afterwards) and
 * what counts as remediated or late.
 */

/**
 * The advisory's columns written out in full, for sub-queries: Drizzle leaves the table name off the columns of a
 * one-table select, and a bare "id" inside a sub-query would be the sub-query's own.
 */
export const A_ID = sql.raw('"advisories"."id"');
export const A_CVES = sql.raw('"advisories"."cves"');

/** `column in (the caller's organisations)`; everything (records of no organisation too) for an unscoped caller. */
export const inScopeSql = (column: SQL, scope: Scope) => organisationIdIn(column, scopeOrganisationIds(scope));

/**
 * The advisories a caller may see: all of them unscoped; for an agency, published or closed ones that concern one
 * of its organisations (a draft has concerned nobody yet).
 */
export const visibleSql = (scope: Scope): SQL =>
  scope.all
    ? sql`true`
    : sql`${advisories.state} <> 'draft' and exists (select 1 from advisory_organisations vo
        where vo.advisory_id = ${A_ID} and ${inScopeSql(sql`vo.organisation_id`, scope)})`;

/**
 * A target that needs nothing more: mitigated, not affected, a risk acceptance the Department approved, or patched —
 * a computer's patch only once a later scan confirmed it (`confirmed_at`).
 */
export const remediatedSql = (t: string) => {
  const c = (col: string) => sql.raw(`${t}.${col}`);
  // Never null (a pending decision is a null column): true or false, so `not` and counts stay right.
  return sql`coalesce(${c('response')} in ('mitigated', 'not_affected')
    or (${c('response')} = 'risk_accepted' and ${c('risk_decision')} = 'approved')
    or (${c('response')} = 'patched' and (${c('computer_id')} is null or ${c('confirmed_at')} is not null)), false)`;
};

/**
 * Why an agency's part is late on `today`, as SQL ('acknowledge', 'act' or null): not acknowledged by its day, or
 * targets still open after the day to act. `ao` is its advisory_organisations row, `a` the advisory.
 */
export const lateSql = (ao: string, a: string, today: string) => {
  const o = (col: string) => sql.raw(`${ao}.${col}`);
  const v = (col: string) => sql.raw(`${a}.${col}`);
  return sql`case when ${v('state')} <> 'published' then null
    when ${o('acknowledged_at')} is null and ${o('acknowledge_by')} < ${today}::date then 'acknowledge'
    when ${v('act_by')} < ${today}::date and exists (select 1 from advisory_targets lt
      where lt.advisory_id = ${o('advisory_id')} and lt.organisation_id = ${o('organisation_id')}
        and not ${remediatedSql('lt')}) then 'act'
    end`;
};

export const advisoryNotFound = () =>
  new AppError('NOT_FOUND', 'Advisory not found', undefined, { key: 'advisories.notFound' });

/** The advisory if the caller may see it; another agency's (or a draft, for an agency) is "not found". */
export async function visibleAdvisory(db: Db, scope: Scope, id: string) {
  const [a] = await db
    .select()
    .from(advisories)
    .where(and(eq(advisories.id, id), visibleSql(scope)));
  if (!a) throw advisoryNotFound();
  return a;
}

export const SEVERITY_VI: Record<string, string> = {
  critical: 'nghiêm trọng',
  high: 'cao',
  medium: 'trung bình',
  low: 'thấp',
  info: 'thông tin',
};

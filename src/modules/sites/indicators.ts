// The .vn programme's indicators (.vn domains per 1,000 people aged 15–69, id.vn / biz.vn counts…), imported by
// period from the figures the Ministry and VNNIC publish; a re-import replaces the same period and indicator.
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { auditActor, userRef } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { cachedFigure } from '../../core/figure-cache.ts';
import { NUL_MESSAGE, nulColumn, readTable, type TableRow } from '../../core/tabular.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import type { ZSiteImportReport, ZVnIndicatorList } from './sites.contract.ts';
import { PERIOD_PATTERN, VN_INDICATORS, type VnIndicator } from './sites.input.ts';
import { vnIndicators } from './sites.schema.ts';

export const INDICATOR_COLUMNS: Record<string, string> = {
  period: 'period',
  kỳ: 'period',
  indicator: 'indicator',
  'chỉ tiêu': 'indicator',
  'mã chỉ tiêu': 'indicator',
  value: 'value',
  'giá trị': 'value',
  source: 'source',
  nguồn: 'source',
};

/** A period's first and last day: "2024" → 2024-01-01..2024-12-31, "2024-02" → 2024-02-01..2024-02-29. */
export function periodDays(period: string): { start: string; end: string } | null {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) return null;
  if (!m[2]) return { start: `${m[1]}-01-01`, end: `${m[1]}-12-31` };
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  return { start: `${m[1]}-${m[2]}-01`, end: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}` };
}

/** A number as people write it: "1.234,5" (vi-VN) or "1,234.5" / "1234.5". */
export function parseNumber(text: string): number | null {
  const s = text.trim().replace(/\s/g, '');
  if (!/^-?[\d.,]+$/.test(s)) return null;
  let normal = s;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma > lastDot) normal = s.replace(/\./g, '').replace(',', '.');
  else if (lastDot > lastComma && lastComma >= 0) normal = s.replace(/,/g, '');
  else if (lastComma < 0 && (s.match(/\./g) ?? []).length > 1) normal = s.replace(/\./g, '');
  const n = Number(normal);
  return Number.isFinite(n) ? n : null;
}

type Report = z.output<typeof ZSiteImportReport>;

export async function importIndicatorRows(db: Db, actor: Actor, rows: TableRow[]): Promise<Report> {
  const errors: Report['errors'] = [];
  const good: {
    row: number;
    period: string;
    start: string;
    end: string;
    indicator: VnIndicator;
    value: number;
    source: string | null;
  }[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of rows) {
    const fail = (column: string, message: string, key: string, params?: Record<string, string | number>) =>
      errors.push({ row, column, message, key: `sites.${key}`, params });
    const nul = nulColumn(cells);
    if (nul) {
      errors.push({ row, column: nul, message: NUL_MESSAGE, key: 'nulCharacter' });
      continue;
    }
    const period = (cells.period ?? '').trim();
    const days = periodDays(period);
    if (!days) {
      fail('period', `Period "${period}" is neither a year (2024) nor a month (2024-05)`, 'importBadPeriod', {
        value: period,
      });
      continue;
    }
    const indicator = (cells.indicator ?? '').trim().toLowerCase() as VnIndicator;
    if (!VN_INDICATORS.includes(indicator)) {
      fail(
        'indicator',
        `Unknown indicator "${cells.indicator ?? ''}" (expected one of: ${VN_INDICATORS.join(', ')})`,
        'importBadIndicator',
        {
          value: cells.indicator ?? '',
        },
      );
      continue;
    }
    const value = parseNumber(cells.value ?? '');
    if (value === null || value < 0) {
      fail('value', `Value "${cells.value ?? ''}" is not a number of zero or more`, 'importBadValue', {
        value: cells.value ?? '',
      });
      continue;
    }
    const key = `${period}|${indicator}`;
    if (seen.has(key)) {
      fail(
        'indicator',
        `${indicator} for ${period} already appears on row ${seen.get(key)}`,
        'importIndicatorRepeated',
        {
          row: seen.get(key) ?? 0,
        },
      );
      continue;
    }
    seen.set(key, row);
    good.push({
      row,
      period,
      start: days.start,
      end: days.end,
      indicator,
      value,
      source: (cells.source ?? '').trim() || null,
    });
  }
  return db.transaction(async (tx) => {
    const report: Report = { created: 0, updated: 0, unchanged: 0, errors };
    for (const g of good) {
      const [before] = await tx
        .select()
        .from(vnIndicators)
        .where(and(eq(vnIndicators.period, g.period), eq(vnIndicators.indicator, g.indicator)));
      if (before && before.value === g.value && before.source === g.source) {
        report.unchanged++;
        continue;
      }
      const fields = { value: g.value, source: g.source, importedBy: userRef(actor), importedAt: new Date() };
      const [after] = before
        ? await tx.update(vnIndicators).set(fields).where(eq(vnIndicators.id, before.id)).returning()
        : await tx
            .insert(vnIndicators)
            .values({ ...fields, period: g.period, periodStart: g.start, periodEnd: g.end, indicator: g.indicator })
            .returning();
      await recordAudit(tx, auditActor(actor), {
        action: 'vn_indicator.import',
        entityType: 'vn_indicator',
        entityId: after?.id ?? null,
        before,
        after,
      });
      if (before) report.updated++;
      else report.created++;
    }
    return report;
  });
}

export async function importIndicators(db: Db, actor: Actor, file: Buffer) {
  return importIndicatorRows(db, actor, await readTable(file, INDICATOR_COLUMNS));
}

/** Every stored figure, by indicator then period (a trend per indicator). */
/** The programme's indicators (the trend page): the plain list below, reused while the table is unchanged. */
export function listIndicators(db: Db, indicator?: VnIndicator): Promise<z.output<typeof ZVnIndicatorList>> {
  return cachedFigure(db, { name: 'listIndicators', topics: ['sites'], key: [indicator] }, () =>
    plainListIndicators(db, indicator),
  );
}

export async function plainListIndicators(db: Db, indicator?: VnIndicator): Promise<z.output<typeof ZVnIndicatorList>> {
  const rows = await db
    .select()
    .from(vnIndicators)
    .where(indicator ? eq(vnIndicators.indicator, indicator) : undefined)
    .orderBy(asc(vnIndicators.indicator), asc(vnIndicators.periodStart), asc(vnIndicators.periodEnd));
  return {
    items: rows.map((r) => ({
      period: r.period,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      indicator: r.indicator,
      value: r.value,
      source: r.source,
      importedAt: r.importedAt,
    })),
  };
}

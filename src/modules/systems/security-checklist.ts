import type { RuleBook } from '../rules/index.ts';

/**
 * Phương án bảo đảm ATTT theo cấp độ: the measures a security plan must implement are rules (`checklist_group`,
 * `checklist_item`: rules/tcvn-11930-2017.json), each with the minimum level at which it applies (requirements are
 * cumulative: level n includes level n−1). Which items apply depends on the day, like every rule.
 */
export type PlanItemState = { itemCode: string; status: string; evidence: string | null; reason: string | null };
export type PlanSummary = { applicable: number; done: number; percent: number; fullyImplemented: boolean };

/** The checklist on a day: groups in order, each with its items. */
export function checklistOn(book: RuleBook, on: string) {
  const items = book.on('checklist_item', on);
  return book.on('checklist_group', on).map((g) => ({
    code: g.data.code,
    kind: g.data.group,
    vi: g.vi,
    en: g.en,
    confirmed: g.confirmed,
    legalBasis: g.legalBasis,
    items: items
      .filter((i) => i.data.group === g.data.code)
      .map((i) => ({ code: i.data.code, vi: i.vi, en: i.en, minLevel: i.data.minLevel, legalBasis: i.legalBasis })),
  }));
}

/** Items required at `level` on `on`; an item marked not applicable (with its reason) no longer counts. */
export function planSummary(book: RuleBook, level: number | null, states: PlanItemState[], on: string): PlanSummary {
  if (level === null) return { applicable: 0, done: 0, percent: 0, fullyImplemented: false };
  const byCode = new Map(states.map((s) => [s.itemCode, s.status]));
  const required = book
    .on('checklist_item', on)
    .filter((i) => i.data.minLevel <= level && byCode.get(i.data.code) !== 'not_applicable');
  const done = required.filter((i) => byCode.get(i.data.code) === 'done').length;
  return {
    applicable: required.length,
    done,
    percent: required.length ? Math.round((done / required.length) * 100) : 100,
    fullyImplemented: done === required.length,
  };
}

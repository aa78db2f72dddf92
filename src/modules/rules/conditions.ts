/**
 * A tiny declarative condition language, so legal criteria are data a reviewer can read and correct rather than
 * if-statements. A condition tests one answer field, or combines conditions with all/any/not.
 */
export type Scalar = string | number | boolean | null;
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; eq: Scalar }
  | { field: string; in: Scalar[] }
  | { field: string; gte: number }
  | { field: string; lt: number };

export type Answers = Record<string, Scalar>;

export function evaluate(c: Condition, answers: Answers): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, answers));
  if ('any' in c) return c.any.some((x) => evaluate(x, answers));
  if ('not' in c) return !evaluate(c.not, answers);
  const v = answers[c.field];
  if ('eq' in c) return v === c.eq;
  if ('in' in c) return c.in.includes(v ?? null);
  if (typeof v !== 'number') return false;
  if ('gte' in c) return v >= c.gte;
  return v < c.lt;
}

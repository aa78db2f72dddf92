// Zod-only request schemas of the leaders' dashboard (the web forms reuse them; no database import here).
import { z } from 'zod';

/**
 * What a task's figure is computed from: each indicator is code over other modules' figures (indicators.ts), except
 * `manual`, whose progress the Department records by hand (dated entries).
 */
export const OVERSIGHT_INDICATORS = [
  'soc_findings_triaged',
  'vulnerable_computers',
  'computers_with_critical',
  'vulnerable_websites',
  'dossiers_approved',
  'plans_implemented',
  'four_layers',
  'accountable_heads',
  'staff_drilled',
  'team_member_drills',
  'residents_reached',
  'sites_trusted',
  'advisories_acknowledged',
  'incidents_reported',
  'inspections_done',
  'manual',
] as const;
export type OversightIndicator = (typeof OVERSIGHT_INDICATORS)[number];
export const TASK_UNITS = ['percent', 'count'] as const;
export const TASK_COMPARISONS = ['at_least', 'at_most'] as const;
export const TASK_STATES = ['done', 'on_track', 'late', 'no_data'] as const;

/** A day PostgreSQL and every figure's period can hold: no year 0000, nothing past 2999 (a day's end stays a date). */
const day = z.iso.date().refine((d) => d >= '1900-01-01' && d <= '2999-12-31', 'oversight.dayOutOfRange');
const text = (max: number) => z.string().trim().min(1).max(max);
/** Empty or missing = null. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);

/** A task of an order (or one the province adds itself): its indicator, target, deadline and validity. */
export const ZOrderTaskInput = z
  .object({
    orderRef: text(200).describe('the order’s number and date, e.g. "123/UBND-VX ngày 07/06/2024"'),
    number: text(20).describe('the task’s number in the order'),
    titleVi: text(500),
    titleEn: text(500),
    indicator: z.enum(OVERSIGHT_INDICATORS),
    unit: z.enum(TASK_UNITS),
    target: z.number().min(0).max(1_000_000),
    comparison: z.enum(TASK_COMPARISONS).default('at_least'),
    deadline: day
      .nullish()
      .transform((v) => v ?? null)
      .describe('null: a standing task, counted per calendar year'),
    organisationId: z
      .uuid()
      .nullish()
      .transform((v) => v ?? null)
      .describe('the subtree it binds; null: every unit'),
    validFrom: day,
    validTo: day.nullish().transform((v) => v ?? null),
    legalBasis: optionalText(300),
  })
  .refine((t) => !t.validTo || t.validFrom <= t.validTo, { message: 'oversight.validityReversed', path: ['validTo'] })
  .refine((t) => t.unit !== 'percent' || t.target <= 100, { message: 'oversight.percentOver100', path: ['target'] });
export type OrderTaskInput = z.input<typeof ZOrderTaskInput>;

/** A count of a progress entry: what its integer column holds (more is refused, not a database error). */
const count = () =>
  z
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .nullish()
    .transform((v) => v ?? null);

/** Progress of a task counted by hand, as of a day, for a unit (null: the task's whole subtree). */
export const ZProgressInput = z
  .object({
    day,
    organisationId: z
      .uuid()
      .nullish()
      .transform((v) => v ?? null),
    value: z.number().min(0).max(1_000_000),
    numerator: count(),
    denominator: count(),
    note: optionalText(1000),
  })
  .refine((p) => p.numerator === null || p.denominator === null || p.numerator <= p.denominator, {
    message: 'oversight.numeratorOver',
    path: ['numerator'],
  });
export type ProgressInput = z.input<typeof ZProgressInput>;

export const ZOversightQuery = z.object({
  asOf: day.optional().describe('figures as they stood at the end of this day (default today)'),
  organisationId: z.uuid().optional().describe('this unit and its subtree (tree of asOf); children are its units'),
});

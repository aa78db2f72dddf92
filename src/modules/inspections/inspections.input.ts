import { z } from 'zod';

/**
 * Inspections' value lists and what their routes accept (zod only: the web forms reuse it). A message that is a key
 * (`inspections.…`) is translated as `errors.<key>`.
 */

/** Định kỳ (in the year's plan) or đột xuất (ad hoc, may start without a notice). */
export const INSPECTION_KINDS = ['periodic', 'ad_hoc'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

/** planned → notified → in progress → concluded → closed (an ad hoc inspection may start unannounced). */
export const INSPECTION_STATES = ['planned', 'notified', 'in_progress', 'concluded', 'closed'] as const;
export type InspectionState = (typeof INSPECTION_STATES)[number];
export const INSPECTION_TRANSITIONS: Record<InspectionState, readonly InspectionState[]> = {
  planned: ['notified', 'in_progress'],
  notified: ['in_progress'],
  in_progress: ['concluded'],
  concluded: ['closed'],
  closed: [],
};

export const CHECK_RESULTS = ['compliant', 'partly', 'not_compliant', 'not_applicable'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];
export const FINDING_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** open → answered (the agency) → closed (the inspector accepts) or back to open (returned, or reopened). */
export const FINDING_STATES = ['open', 'answered', 'closed'] as const;
export type FindingState = (typeof FINDING_STATES)[number];
export const TEAM_ROLES = ['lead', 'member'] as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'inspections.tooLong')
    .nullish()
    .transform((v) => v || null);
/** A day the databases and the documents can hold (PostgreSQL has no year 0). */
export const day = z.iso
  .date({ error: 'inspections.invalidDate' })
  .refine((d) => d >= '1900-01-01' && d <= '9999-12-31', 'inspections.dayOutOfRange');
/** A planned day: within the plans' years, so that the clocks counted from it stay days too. */
const plannedDay = day.refine((d) => d >= '2000-01-01' && d <= '2100-12-31', 'inspections.dayOutOfRange');
const optionalId = z
  .uuid()
  .nullish()
  .transform((v) => v ?? null);
const title = z.string().trim().min(3, 'inspections.titleLength').max(300, 'inspections.titleLength');

/** A team member: a user of Khiên, or a name (an expert from outside). */
export const ZTeamMember = z.object({
  userId: optionalId,
  name: z.string().trim().min(2, 'inspections.nameRequired').max(200, 'inspections.tooLong'),
  role: z.enum(TEAM_ROLES).default('member'),
});
const team = z.array(ZTeamMember).max(30, 'inspections.tooMany');

const planFields = {
  year: z.number().int().min(2000, 'inspections.yearRange').max(2100, 'inspections.yearRange'),
  /** The issuing unit (the Department): the plan's scope key and the conclusions' issuer. */
  organisationId: z.uuid({ error: 'inspections.required' }),
  title,
  decisionRef: text(200),
  decisionDate: day.nullish().transform((v) => v ?? null),
  team,
  note: text(5000),
};
export const ZPlanInput = z.object({ ...planFields, team: team.default([]) });
export type PlanInput = z.input<typeof ZPlanInput>;
export const ZPlanUpdate = z
  .object(planFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'inspections.nothingToChange' });

const forwards = (v: { plannedStart?: string; plannedEnd?: string }) =>
  !v.plannedStart || !v.plannedEnd || v.plannedEnd >= v.plannedStart;
const systemIds = z
  .array(z.uuid())
  .max(50, 'inspections.tooMany')
  .transform((v) => [...new Set(v)]);

const inspectionFields = {
  title,
  kind: z.enum(INSPECTION_KINDS),
  /** The inspected agency. */
  organisationId: z.uuid({ error: 'inspections.required' }),
  plannedStart: plannedDay,
  plannedEnd: plannedDay,
  systemIds,
  team,
};
export const ZInspectionInput = z
  .object({
    ...inspectionFields,
    planId: optionalId,
    /** The inspecting unit: the plan's issuer by default (required for an inspection outside any plan). */
    inspectorOrganisationId: optionalId,
    systemIds: systemIds.default([]),
    /** Default: the plan's team. */
    team: team.optional(),
  })
  .refine(forwards, { message: 'inspections.periodReversed', path: ['plannedEnd'] });
export type InspectionInput = z.input<typeof ZInspectionInput>;
export const ZInspectionUpdate = z
  .object(inspectionFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'inspections.nothingToChange' })
  .refine(forwards, { message: 'inspections.periodReversed', path: ['plannedEnd'] });
export type InspectionUpdate = z.input<typeof ZInspectionUpdate>;

/**
 * A step: `on` is the day it happened (default today): the notice's day, the first day of field work, the day the
 * conclusion is signed, the day the inspection is closed. `endedOn` (concluding) is the last day of field work.
 */
export const ZInspectionTransition = z.object({
  to: z.enum(INSPECTION_STATES),
  on: day.optional(),
  endedOn: day.optional(),
  summary: text(10000),
});
export type InspectionTransition = z.input<typeof ZInspectionTransition>;

export const ZCheckUpdate = z
  .object({ result: z.enum(CHECK_RESULTS).nullable(), note: text(5000) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'inspections.nothingToChange' });
export type CheckUpdate = z.input<typeof ZCheckUpdate>;

export const ZFindingInput = z.object({
  severity: z.enum(FINDING_SEVERITIES),
  /** The organisation that must remediate (the inspected agency or one of its units). */
  organisationId: z.uuid({ error: 'inspections.required' }),
  systemId: optionalId,
  title,
  description: text(5000),
  dueOn: day,
  /** The day it was found (default today; not before field work started). */
  foundOn: day.optional(),
});
export type FindingInput = z.input<typeof ZFindingInput>;

/** The agency's answer: what it did, with optional evidence (a reference: document number, link). */
export const ZFindingAnswer = z.object({
  text: z.string().trim().min(3, 'inspections.answerRequired').max(5000, 'inspections.tooLong'),
  evidence: text(2000),
  /** The day of the answer (default today). */
  on: day.optional(),
});
export type FindingAnswer = z.input<typeof ZFindingAnswer>;

/** The inspector accepts (closes) the finding, or returns it (also: reopens a closed one) with a note. */
export const ZFindingDecision = z
  .object({ accept: z.boolean(), note: text(5000), on: day.optional() })
  .refine((v) => v.accept || !!v.note, { message: 'inspections.returnNeedsNote', path: ['note'] });
export type FindingDecision = z.input<typeof ZFindingDecision>;

/** The list's filters (the XLSX export takes the same, without paging). */
export const ZInspectionFilters = z.object({
  q: z.string().trim().max(200).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  state: z.enum(INSPECTION_STATES).optional(),
  kind: z.enum(INSPECTION_KINDS).optional(),
  planId: z.uuid().optional(),
  organisationId: z.uuid().optional().describe('the inspected agency and its units'),
  /** Only inspections with a finding past its deadline and not closed (as of today). */
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export const ZInspectionQuery = ZInspectionFilters.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type InspectionListQuery = z.output<typeof ZInspectionFilters> & { limit?: number; offset?: number };

export const ZPlanQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ZFiguresQuery = z
  .object({ from: day, to: day, organisationId: z.uuid().optional() })
  .refine((v) => v.to >= v.from, { message: 'inspections.periodReversed', path: ['to'] });

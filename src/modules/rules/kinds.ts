import { z } from 'zod';
import type { Condition } from './conditions.ts';

/** The roles a rule may name; rule-book.ts resolves each to the body in force on a date. */
export const BODY_ROLES = [
  'owner',
  'province_committee',
  'security_unit',
  'it_department',
  'provincial_police',
  'ministry_security_authority',
  'prime_minister',
  'ministry',
  /** Cơ quan điều phối quốc gia về ứng cứu sự cố (QĐ 05/2017 Art. 7): it receives incident reports. */
  'national_incident_coordinator',
  /** The province's specialised incident-response unit (đơn vị chuyên trách ứng cứu sự cố, QĐ 05/2017 Art. 6). */
  'incident_response_unit',
] as const;
export type BodyRole = (typeof BODY_ROLES)[number];

const ZCondition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(ZCondition).min(1) }).strict(),
    z.object({ any: z.array(ZCondition).min(1) }).strict(),
    z.object({ not: ZCondition }).strict(),
    z.object({ field: z.string(), eq: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).strict(),
    z.object({ field: z.string(), in: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])) }).strict(),
    z.object({ field: z.string(), gte: z.number() }).strict(),
    z.object({ field: z.string(), lt: z.number() }).strict(),
  ]),
);
const level = z.number().int().min(1).max(5);

/** The programme's counted targets (rules/programmes.json). */
export const PROGRAMME_INDICATORS = [
  'staff_drill_participation', // % of registered officials who took part in a drill this year
  'team_member_drills', // drills per response-team member this year on a system of level ≥ minSystemLevel
  'resident_awareness_reach', // % of residents reached by anti-fraud awareness this year
] as const;
const levels = z.array(level).min(1);

/** The statutory clocks of an incident and of the response team (QĐ 05/2017 Art. 11, TT 20/2017 Art. 6 and 9). */
export const INCIDENT_CLOCKS = [
  'notification',
  'initial_report',
  'closing_report',
  'periodic_report',
  'contact_change',
] as const;
export type IncidentClock = (typeof INCIDENT_CLOCKS)[number];
/** The event a clock runs from; `yearly` = fixed dates each year (the periodic report). */
export const CLOCK_EVENTS = ['detection', 'beyond_capability', 'response_end', 'contact_change', 'yearly'] as const;
/** Calendar days (Bộ luật Dân sự: from the day after the event), working days (core/calendar.ts) or hours. */
export const CLOCK_UNITS = ['calendar_days', 'working_days', 'hours'] as const;
export type ClockUnit = (typeof CLOCK_UNITS)[number];

const ZIncidentClock = z
  .object({
    clock: z.enum(INCIDENT_CLOCKS),
    from: z.enum(CLOCK_EVENTS),
    amount: z.number().int().min(0).max(8760).optional(),
    unit: z.enum(CLOCK_UNITS).optional(),
    /** `yearly`: due before each of these days (mm-dd), e.g. "06-20" = before 20 June. */
    dates: z
      .array(z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'mm-dd'))
      .min(1)
      .optional(),
    /** A calendar-day limit whose last day is not a working day ends with the next working day. */
    rollToWorkingDay: z.boolean().default(false),
    /** The statutory form that satisfies the clock (TT 20/2017 annex I); null = a notice in any form. */
    form: z.enum(['03', '04', '05']).nullable(),
    /** Who must receive it, as body roles resolved on the day. */
    recipients: z.array(z.enum(BODY_ROLES)),
    /** How long before the due time a reminder goes out. */
    remindBeforeHours: z.number().int().min(0).max(8760),
    order: z.number().int(),
  })
  .refine((c) => (c.from === 'yearly' ? !!c.dates : c.amount !== undefined && !!c.unit), {
    message: 'a yearly clock needs dates; any other needs amount and unit',
  });

/** The four contents of an information-security inspection (TT 03/2017 Art. 10–13), in the order a report lists them. */
export const INSPECTION_CONTENTS = ['legal', 'effectiveness', 'scan', 'other'] as const;
export type InspectionContent = (typeof INSPECTION_CONTENTS)[number];

const mmdd = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'mm-dd');

/** What `data` holds for each kind of rule. An administrator's row is checked against the same schema. */
export const RULE_KINDS = {
  level_criterion: z.object({ level, when: ZCondition }),
  dossier_authority: z.object({
    levels,
    appraiser: z.array(z.enum(BODY_ROLES)).min(1),
    approver: z.enum(BODY_ROLES),
    listApprover: z.enum(BODY_ROLES).optional(),
    /** Calendar days for the appraisal from acceptance; null = no separate appraisal step. */
    appraisalDays: z.number().int().min(1).max(365).nullable(),
    approvalWorkingDays: z.number().int().min(1).max(120),
    /** The appraisal opinion must be recorded before approval. */
    appraisalRequired: z.boolean(),
    /** The specialised security unit's opinion is a required dossier component. */
    specialisedOpinionRequired: z.boolean(),
  }),
  owner_rule: z.object({ defaultOwnerRole: z.enum(BODY_ROLES) }),
  dossier_component: z.object({
    component: z.string().regex(/^[a-z_]+$/),
    levels,
    requiredAt: z.enum(['submission', 'approval']),
    order: z.number().int(),
  }),
  checklist_group: z.object({ code: z.string(), group: z.enum(['management', 'technical']), order: z.number().int() }),
  checklist_item: z.object({ code: z.string(), group: z.string(), minLevel: level, order: z.number().int() }),
  inspection_period: z.object({ levels, months: z.number().int().min(1).max(60) }),
  /**
   * An inspection's statutory clock: the notice goes out at least `days` calendar days before the start, the
   * conclusion (report) at most `days` after the end of the field work.
   */
  inspection_clock: z.object({
    clock: z.enum(['notice', 'conclusion']),
    days: z.number().int().min(0).max(365),
    order: z.number().int(),
  }),
  /**
   * An item an inspection checks for each system of at least `minLevel` (`scan` and `other` items: once per
   * inspection). `evidence: vulnerability_scan` fills the item with Khiên's own scan figures of the agency that day.
   * The effectiveness content is the security-plan checklist (`checklist_item`) of the system's level.
   */
  inspection_item: z.object({
    content: z.enum(INSPECTION_CONTENTS),
    code: z.string().regex(/^[A-Za-z0-9.-]{1,20}$/),
    minLevel: level,
    evidence: z.enum(['vulnerability_scan']).nullable().default(null),
    order: z.number().int(),
  }),
  protection_layer: z.object({ layer: z.number().int().min(1).max(4) }),
  online_service_scale: z.object({ value: z.number().int().min(0).max(4) }),
  /**
   * How long an agency has to acknowledge an advisory (working days from its notification) and to act on it (calendar
   * days from publication), for the advisories of these severities; `knownExploited` rules apply to advisories with a
   * CVE in the KEV catalogue and win over the severity's rule.
   */
  advisory_deadline: z.object({
    severities: z.array(z.enum(['critical', 'high', 'medium', 'low', 'info'])).min(1),
    knownExploited: z.boolean().default(false),
    acknowledgeWorkingDays: z.number().int().min(0).max(60),
    actDays: z.number().int().min(1).max(365),
  }),
  incident_clock: ZIncidentClock,
  /**
   * Sự cố nghiêm trọng (QĐ 05/2017 Art. 9): a system of these levels (or on the national critical list) hit by one
   * of `factors`, and (when `beyondCapability`) its owner cannot cope. Anything else is a normal incident.
   */
  incident_severity: z.object({
    levels,
    criticalList: z.boolean(),
    factors: z.array(z.string().regex(/^[a-z_]+$/)).min(1),
    beyondCapability: z.boolean(),
  }),
  /**
   * A target of the province's programme, counted per calendar year as of a day: `percent` of a population (staff
   * drilled, residents reached) or a `count` per person (drills per response-team member, on systems of at least
   * `minSystemLevel` on the drill's day).
   */
  programme_target: z.object({
    indicator: z.enum(PROGRAMME_INDICATORS),
    unit: z.enum(['percent', 'count']),
    target: z.number().min(0).max(1000),
    minSystemLevel: level.optional(),
  }),
  /**
   * When an official report is due and to whom (reports module): its period (calendar halves, or a year ending on
   * `periodEnd` of the report's year and starting the day after it a year before) and, per sender — a unit, or the
   * owner (the province) —, the recipients' roles and the day it must arrive before.
   */
  report_schedule: z.object({
    report: z.enum(['six_month', 'annual', 'monitoring']),
    period: z.enum(['half', 'year']),
    periodEnd: mmdd.optional(),
    steps: z
      .array(
        z.object({
          sender: z.enum(['unit', 'owner']),
          recipients: z.array(z.enum(BODY_ROLES)).min(1),
          dueBefore: mmdd.nullable(),
        }),
      )
      .min(1),
  }),
  /** What a trusted website must show (TLS floor, certificate warning window, .gov.vn for state bodies, privacy policy). */
  site_trust_criteria: z.object({
    minTlsVersion: z.enum(['TLSv1.2', 'TLSv1.3']),
    expiryWarnDays: z.number().int().min(1).max(365),
    requireGovVnForStateBodies: z.boolean(),
    requirePrivacyPolicy: z.boolean(),
    requireHsts: z.boolean(),
  }),
} as const;
export type RuleKind = keyof typeof RULE_KINDS;
export const RULE_KIND_NAMES = Object.keys(RULE_KINDS) as RuleKind[];
export type RuleData<K extends RuleKind> = z.infer<(typeof RULE_KINDS)[K]>;

const isoDate = z.iso.date();
/** Empty or missing = null. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);
export const ZLegalBasis = z.object({
  document: z.string().trim().min(2).max(300),
  article: z.string().trim().max(50).optional(),
  clause: z.string().trim().max(50).optional(),
  point: z.string().trim().max(50).optional(),
});
export type LegalBasis = z.infer<typeof ZLegalBasis>;

/** One rule version as written in a data file or sent by an administrator. */
export const ZRuleVersion = z.object({
  kind: z.enum(RULE_KIND_NAMES as [RuleKind, ...RuleKind[]]),
  key: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{1,80}$/, 'letters, digits, dots and dashes'),
  validFrom: isoDate,
  validTo: isoDate.nullish().transform((v) => v ?? null),
  basis: ZLegalBasis,
  vi: z.string().trim().min(2).max(2000),
  en: z.string().trim().min(2).max(2000),
  confirmed: z.boolean().default(true),
  note: optionalText(2000),
  data: z.unknown(),
});
export type RuleVersion = z.output<typeof ZRuleVersion>;

export const ZBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/),
  role: z.enum(BODY_ROLES),
  name: z.string().trim().min(2).max(300),
  shortName: z.string().trim().min(2).max(120),
  organisationCode: optionalText(50),
  validFrom: isoDate,
  validTo: isoDate.nullish().transform((v) => v ?? null),
  legalBasis: z.string().trim().min(2).max(500),
  confirmed: z.boolean().default(true),
  note: optionalText(2000),
});
export type BodyInput = z.input<typeof ZBody>;

export const ZCalendarDay = z.object({
  date: isoDate,
  kind: z.enum(['holiday', 'day_off', 'working_day']),
  name: z.string().trim().min(2).max(200),
  legalBasis: z.string().trim().min(2).max(500),
  confirmed: z.boolean().default(true),
});

/** Checks a rule's `data` against its kind; the error names the kind and the path. */
export function parseRuleData<K extends RuleKind>(kind: K, data: unknown, where: string): RuleData<K> {
  const r = RULE_KINDS[kind].safeParse(data);
  if (!r.success)
    throw new Error(
      `${where}: data of a ${kind} rule: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return r.data as RuleData<K>;
}

/** "NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm c" — how officials cite a provision. */
export function citation(b: LegalBasis): string {
  const parts = [b.article && (/^\d/.test(b.article) ? `Điều ${b.article}` : b.article)];
  if (b.clause) parts.push(`khoản ${b.clause}`);
  if (b.point) parts.push(`điểm ${b.point}`);
  const where = parts.filter(Boolean).join(' ');
  return where ? `${b.document}, ${where}` : b.document;
}

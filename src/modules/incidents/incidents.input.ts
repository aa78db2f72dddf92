import { z } from 'zod';

/**
 * Value lists of incidents and the response team (the schema, the contract and the web share them) and what the
 * incident and team routes accept. The web forms validate with these same schemas; this file imports only zod, so
 * the browser bundle gets no server code. A message that is a key (`incidents.…`) is translated as `errors.<key>`.
 */

// ---- Value lists -------------------------------------------------------------------------------------------------

/**
 * open (reported, being verified) → responding → responded (the response ended; the closing report, form 04, is
 * due within the rule's days) → closed (only with form 04 issued, TT 20/2017 Art. 9.2.b).
 */
export const INCIDENT_STATES = ['open', 'responding', 'responded', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** Sự cố nghiêm trọng / thông thường (QĐ 05/2017 Art. 9). */
export const INCIDENT_SEVERITIES = ['serious', 'normal'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const INCIDENT_SOURCES = ['manual', 'soc', 'vulnerability'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

/** The attack types of the initial report (TT 20/2017, form 03). */
export const INCIDENT_TYPES = [
  'dos',
  'spoofing',
  'malware',
  'unauthorised_access',
  'defacement',
  'encryption',
  'destruction',
  'espionage',
  'combined',
  'other',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/**
 * The consequences that make an incident on a level-4/5 or critical system serious when the owner cannot cope
 * (QĐ 05/2017 Art. 9 cl. 1 points a–đ): outage, leak of state secrets, data that cannot be recovered, loss of control,
 * cascading harm.
 */
export const SEVERITY_FACTORS = [
  'outage',
  'secret_leak',
  'data_unrecoverable',
  'loss_of_control',
  'cascading',
] as const;
export type SeverityFactor = (typeof SEVERITY_FACTORS)[number];

/** Response steps (TT 20/2017 Art. 11), in order. */
export const RESPONSE_STEPS = [
  'receive_verify',
  'first_actions',
  'plan',
  'report_coordinate',
  'contain',
  'eradicate_recover',
  'lessons',
] as const;
export type ResponseStep = (typeof RESPONSE_STEPS)[number];

/** The statutory forms (TT 20/2017 annexes): member profile, registration, initial, closing, periodic report. */
export const INCIDENT_FORMS = ['01', '02', '03', '04', '05'] as const;
export type IncidentForm = (typeof INCIDENT_FORMS)[number];

export const TEAM_ROLES = ['lead', 'deputy', 'member', 'liaison'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** The states a transition may lead to (open is where an incident starts). */
export const INCIDENT_TRANSITIONS = ['responding', 'responded', 'closed'] as const;

// ---- Shared field rules ------------------------------------------------------------------------------------------

/** Optional free text: trimmed, '' and null both mean "none". */
const text = (max = 5000) =>
  z
    .string()
    .trim()
    .max(max, 'incidents.tooLong')
    .nullish()
    .transform((v) => v || null);
/** An instant with its offset (2026-02-13T15:20:00+07:00), as the browser sends it. */
const instant = z.iso.datetime({ offset: true, error: 'incidents.invalidTime' });
const day = z.iso.date({ error: 'incidents.invalidDate' });
const id = z.uuid({ error: 'incidents.required' });
const ids = z
  .array(z.uuid())
  .max(200, 'incidents.tooMany')
  .transform((v) => [...new Set(v)]);

// ---- Incidents ---------------------------------------------------------------------------------------------------

/** The fields of the initial report (QĐ 05/2017 Art. 11 cl. 4) and what the severity is decided on. */
const incidentFields = {
  title: z.string().trim().min(3, 'incidents.titleLength').max(300, 'incidents.titleLength'),
  /** The operating agency (đơn vị vận hành). */
  organisationId: id,
  ownerName: text(300),
  systemId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  detectedAt: instant,
  contactName: text(200),
  contactPosition: text(200),
  contactPhone: text(50),
  contactEmail: z
    .email({ error: 'incidents.emailInvalid' })
    .max(254)
    .or(z.literal(''))
    .nullish()
    .transform((v) => v || null),
  type: z.enum(INCIDENT_TYPES),
  description: text(),
  damage: text(),
  spread: text(),
  provider: text(500),
  actionsTaken: text(),
  helpers: text(),
  results: text(),
  proposals: text(),
  severityFactors: z.array(z.enum(SEVERITY_FACTORS)).transform((v) => [...new Set(v)]),
  beyondCapability: z.boolean(),
  /** Other agencies the incident affects: each of them sees it. */
  affectedOrganisationIds: ids,
  affectedSystemIds: ids,
};

/** A new incident: reported from scratch, or opened from a vulnerability finding (`vulnFindingId`). */
export const ZIncidentInput = z.object({
  ...incidentFields,
  severityFactors: incidentFields.severityFactors.default([]),
  beyondCapability: incidentFields.beyondCapability.default(false),
  affectedOrganisationIds: incidentFields.affectedOrganisationIds.default([]),
  affectedSystemIds: incidentFields.affectedSystemIds.default([]),
  vulnFindingId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
});
export type IncidentInput = z.input<typeof ZIncidentInput>;

/** A change: any of the report's fields (nothing defaults: what is left out stays), and when it was notified. */
export const ZIncidentUpdate = z
  .object({ ...incidentFields, notifiedAt: instant.nullable() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'incidents.nothingToChange' });
export type IncidentUpdate = z.input<typeof ZIncidentUpdate>;

/** A step of the response (TT 20/2017 Art. 11) with when it happened and what was done. */
export const ZIncidentStepInput = z.object({
  step: z.enum(RESPONSE_STEPS),
  at: instant,
  note: z.string().trim().min(3, 'incidents.noteRequired').max(5000, 'incidents.tooLong'),
});
export type IncidentStepInput = z.input<typeof ZIncidentStepInput>;

/** A task: its owner is a response-team member (the default responders) or a user. */
export const ZIncidentTaskInput = z.object({
  title: z.string().trim().min(3, 'incidents.titleLength').max(300, 'incidents.titleLength'),
  memberId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  assigneeId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  dueOn: day.nullish().transform((v) => v ?? null),
});
export type IncidentTaskInput = z.input<typeof ZIncidentTaskInput>;

export const ZIncidentTaskUpdate = ZIncidentTaskInput.extend({ done: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'incidents.nothingToChange' });
export type IncidentTaskUpdate = z.input<typeof ZIncidentTaskUpdate>;

/** Moves an incident on: responded records when the response ended (default now). */
export const ZIncidentTransition = z.object({
  to: z.enum(INCIDENT_TRANSITIONS),
  at: instant.optional(),
});
export type IncidentTransition = z.input<typeof ZIncidentTransition>;

/** An evidence file's name and note (the file itself is the raw request body). */
export const ZEvidenceQuery = z.object({
  fileName: z.string().trim().min(1, 'incidents.fileNameRequired').max(255, 'incidents.tooLong'),
  note: z.string().trim().max(1000, 'incidents.tooLong').optional(),
});

// ---- Response team -----------------------------------------------------------------------------------------------

/** A roster entry: who, from which organisation, the team role, and a 24/7 phone and e-mail. */
export const ZTeamMemberInput = z
  .object({
    userId: z
      .uuid()
      .nullish()
      .transform((v) => v ?? null),
    fullName: z.string().trim().min(2, 'incidents.nameLength').max(200, 'incidents.nameLength'),
    organisationId: id,
    teamRole: z.enum(TEAM_ROLES).default('member'),
    position: text(200),
    expertise: text(1000),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9 .-]{5,24}$/, 'incidents.phoneInvalid'),
    email: z.email({ error: 'incidents.emailInvalid' }).max(254),
    validFrom: day,
    validTo: day.nullish().transform((v) => v ?? null),
  })
  .refine((m) => !m.validTo || m.validTo >= m.validFrom, { message: 'incidents.periodReversed', path: ['validTo'] });
export type TeamMemberInput = z.input<typeof ZTeamMemberInput>;

/** When the changed contact was reported to the coordinating body (default now). */
export const ZContactReported = z.object({ at: instant.optional() });

/** One on-call shift (trực 24/7), at most a month long. */
export const ZShiftInput = z
  .object({ memberId: id, startsAt: instant, endsAt: instant })
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), {
    message: 'incidents.shiftReversed',
    path: ['endsAt'],
  })
  .refine((s) => Date.parse(s.endsAt) - Date.parse(s.startsAt) <= 31 * 86_400_000, {
    message: 'incidents.shiftTooLong',
    path: ['endsAt'],
  });
export type ShiftInput = z.input<typeof ZShiftInput>;

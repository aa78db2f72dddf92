import { z } from 'zod';

/**
 * Drills' value lists and what the drill routes accept (zod only: the web forms reuse it). A message that is a key
 * (`drills.…`) is translated as `errors.<key>`.
 */

/** Tabletop; live attack–defence on real systems (CT 60/CT-BTTTT); a national or a cluster (regional) drill. */
export const DRILL_KINDS = ['tabletop', 'live', 'national', 'cluster'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** planned → running → completed; planned or running → cancelled. */
export const DRILL_STATES = ['planned', 'running', 'completed', 'cancelled'] as const;
export type DrillState = (typeof DRILL_STATES)[number];
export const DRILL_TRANSITIONS: Record<DrillState, readonly DrillState[]> = {
  planned: ['running', 'cancelled'],
  running: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

/** How far attackers may go on a live drill's targets. */
export const EXPLOITATION_DEPTHS = [
  'reconnaissance',
  'exploitation',
  'privilege_escalation',
  'lateral_movement',
] as const;

export const TEAM_SIDES = ['attack', 'defence', 'organiser', 'observer'] as const;
export const PARTICIPANT_ROLES = ['lead', 'member', 'referee', 'observer'] as const;
export const FINDING_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const TASK_STATES = ['open', 'in_progress', 'done'] as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'drills.tooLong')
    .nullish()
    .transform((v) => v || null);
/**
 * PostgreSQL has no year 0 and a drill's day is read in the province's time zone: times and days are kept between
 * 1900 and 9999 (the last day left out for times, so the province's day of any accepted time stays a valid date).
 */
const instant = z.iso
  .datetime({ offset: true, error: 'drills.invalidTime' })
  .refine(
    (v) => Date.parse(v) >= Date.UTC(1900, 0, 1) && Date.parse(v) < Date.UTC(9999, 11, 31),
    'drills.dayOutOfRange',
  );
const day = z.iso
  .date({ error: 'drills.invalidDate' })
  .refine((d) => d >= '1900-01-01' && d <= '9999-12-31', 'drills.dayOutOfRange');
const optionalId = z
  .uuid()
  .nullish()
  .transform((v) => v ?? null);

const drillFields = {
  title: z.string().trim().min(3, 'drills.titleLength').max(300, 'drills.titleLength'),
  kind: z.enum(DRILL_KINDS),
  /** The organising unit: the scope key (its readers see the drill). */
  organiserId: z.uuid({ error: 'drills.required' }),
  startsAt: instant,
  endsAt: instant,
  description: text(5000),
  /** Live drills: target systems, tools allowed, exploitation depth, the window attacks may run in. */
  systemIds: z
    .array(z.uuid())
    .max(100, 'drills.tooMany')
    .transform((v) => [...new Set(v)]),
  tools: text(2000),
  exploitationDepth: z
    .enum(EXPLOITATION_DEPTHS)
    .nullish()
    .transform((v) => v ?? null),
  windowStartsAt: instant.nullish().transform((v) => v ?? null),
  windowEndsAt: instant.nullish().transform((v) => v ?? null),
  lessons: text(10000),
};

const forwards = (d: {
  startsAt?: string;
  endsAt?: string;
  windowStartsAt?: string | null;
  windowEndsAt?: string | null;
}) =>
  (!d.startsAt || !d.endsAt || Date.parse(d.endsAt) >= Date.parse(d.startsAt)) &&
  (!d.windowStartsAt || !d.windowEndsAt || Date.parse(d.windowEndsAt) > Date.parse(d.windowStartsAt));

export const ZDrillInput = z
  .object({
    ...drillFields,
    systemIds: drillFields.systemIds.default([]),
  })
  .refine(forwards, { message: 'drills.periodReversed', path: ['endsAt'] });
export type DrillInput = z.input<typeof ZDrillInput>;

export const ZDrillUpdate = z
  .object(drillFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'drills.nothingToChange' })
  .refine(forwards, { message: 'drills.periodReversed', path: ['endsAt'] });
export type DrillUpdate = z.input<typeof ZDrillUpdate>;

export const ZDrillTransition = z.object({ to: z.enum(DRILL_STATES) });

export const ZDrillQuery = z.object({
  q: z.string().trim().max(200).optional(),
  state: z.enum(DRILL_STATES).optional(),
  kind: z.enum(DRILL_KINDS).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const points = z
  .number()
  .int()
  .min(0, 'drills.pointsRange')
  .max(100000, 'drills.pointsRange')
  .nullish()
  .transform((v) => v ?? null);

export const ZDrillTeamInput = z.object({
  name: z.string().trim().min(1, 'drills.nameRequired').max(200, 'drills.tooLong'),
  side: z.enum(TEAM_SIDES),
  attackPoints: points,
  defencePoints: points,
  availabilityPoints: points,
});
export type DrillTeamInput = z.input<typeof ZDrillTeamInput>;
export const ZDrillTeamUpdate = ZDrillTeamInput.partial().refine((v) => Object.keys(v).length > 0, {
  message: 'drills.nothingToChange',
});

/** A participant: an official of the register (in force on the drill's day) or a response-team member. */
export const ZParticipantInput = z
  .object({
    staffMemberId: optionalId,
    teamMemberId: optionalId,
    teamId: optionalId,
    role: z.enum(PARTICIPANT_ROLES).default('member'),
  })
  .refine((p) => (p.staffMemberId === null) !== (p.teamMemberId === null), {
    message: 'drills.participantSource',
    path: ['staffMemberId'],
  });
export type ParticipantInput = z.input<typeof ZParticipantInput>;

export const ZParticipantUpdate = z
  .object({ teamId: optionalId, role: z.enum(PARTICIPANT_ROLES), attended: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'drills.nothingToChange' });

export const ZFindingInput = z.object({
  severity: z.enum(FINDING_SEVERITIES),
  systemId: optionalId,
  description: z.string().trim().min(3, 'drills.descriptionRequired').max(5000, 'drills.tooLong'),
});
export type FindingInput = z.input<typeof ZFindingInput>;

/** A finding becomes a remediation task for an organisation, due on a day; the organisation is notified. */
export const ZTaskInput = z.object({ organisationId: z.uuid({ error: 'drills.required' }), dueOn: day });
export type TaskInput = z.input<typeof ZTaskInput>;
export const ZTaskUpdate = z
  .object({ state: z.enum(TASK_STATES), dueOn: day, note: text(2000) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'drills.nothingToChange' });

export const ZTargetsQuery = z.object({
  on: day.optional().describe('figures as they stood at the end of this day (default today)'),
  organisationId: z.uuid().optional().describe('this organisation and its subtree (tree of `on`)'),
});

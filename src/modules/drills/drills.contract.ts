import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import {
  DRILL_KINDS,
  DRILL_STATES,
  EXPLOITATION_DEPTHS,
  FINDING_SEVERITIES,
  PARTICIPANT_ROLES,
  TASK_STATES,
  TEAM_SIDES,
} from './drills.input.ts';

// What the drill routes answer. Named schemas (.meta({ id })) become the web client's types and value lists.

export const ZDrillKind = z.enum(DRILL_KINDS).meta({ id: 'DrillKind' });
export const ZDrillState = z.enum(DRILL_STATES).meta({ id: 'DrillState' });
export const ZExploitationDepth = z.enum(EXPLOITATION_DEPTHS).meta({ id: 'ExploitationDepth' });
export const ZTeamSide = z.enum(TEAM_SIDES).meta({ id: 'DrillTeamSide' });
export const ZParticipantRole = z.enum(PARTICIPANT_ROLES).meta({ id: 'DrillParticipantRole' });
export const ZFindingSeverity = z.enum(FINDING_SEVERITIES).meta({ id: 'DrillFindingSeverity' });
export const ZTaskState = z.enum(TASK_STATES).meta({ id: 'DrillTaskState' });

export const ZDrillSummary = z
  .object({
    id: z.uuid(),
    title: z.string(),
    kind: ZDrillKind,
    state: ZDrillState,
    organiserId: z.uuid(),
    organiserName: z.string(),
    startsAt: zInstant,
    endsAt: zInstant,
    drillDay: zDay,
    participants: z.number().int(),
    attended: z.number().int(),
    findings: z.number().int(),
  })
  .meta({ id: 'DrillSummary' });
export const ZDrillPage = page(ZDrillSummary).meta({ id: 'DrillPage' });

export const ZDrillTeam = z
  .object({
    id: z.uuid(),
    name: z.string(),
    side: ZTeamSide,
    attackPoints: z.number().int().nullable(),
    defencePoints: z.number().int().nullable(),
    availabilityPoints: z.number().int().nullable(),
    total: z.number().int(),
  })
  .meta({ id: 'DrillTeam' });

export const ZDrillParticipant = z
  .object({
    id: z.uuid(),
    staffMemberId: z.uuid().nullable(),
    teamMemberId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    fullName: z.string(),
    email: z.string(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    role: ZParticipantRole,
    attended: z.boolean(),
  })
  .meta({ id: 'DrillParticipant' });

export const ZDrillFinding = z
  .object({
    id: z.uuid(),
    severity: ZFindingSeverity,
    systemId: z.uuid().nullable(),
    systemName: z.string().nullable(),
    description: z.string(),
    task: z
      .object({
        organisationId: z.uuid(),
        organisationName: z.string(),
        dueOn: zDay,
        state: ZTaskState,
        note: z.string().nullable(),
        doneAt: zInstant.nullable(),
        overdue: z.boolean(),
        /** The task's organisation is in the caller's scope: it reports the progress (with drill.remediate). */
        ownTask: z.boolean(),
      })
      .nullable(),
    createdAt: zInstant,
  })
  .meta({ id: 'DrillFinding' });

export const ZDrillDetail = ZDrillSummary.extend({
  description: z.string().nullable(),
  tools: z.string().nullable(),
  exploitationDepth: ZExploitationDepth.nullable(),
  windowStartsAt: zInstant.nullable(),
  windowEndsAt: zInstant.nullable(),
  lessons: z.string().nullable(),
  /** Target systems, each with its approved level on the drill's day. */
  systems: z.array(
    z.object({ id: z.uuid(), name: z.string(), organisationName: z.string(), level: z.number().int().nullable() }),
  ),
  teams: z.array(ZDrillTeam),
  participantList: z.array(ZDrillParticipant),
  findingList: z.array(ZDrillFinding),
  transitions: z.array(ZDrillState),
}).meta({ id: 'DrillDetail' });

const ZRate = z.object({
  registered: z.number().int(),
  attended: z.number().int(),
  /** attended / registered × 100, one decimal; null when nobody is registered. */
  percent: z.number().nullable(),
  met: z.boolean().nullable(),
});

const ZTargetRule = z.object({
  key: z.string(),
  vi: z.string(),
  en: z.string(),
  legalBasis: z.string(),
  confirmed: z.boolean(),
  target: z.number(),
  minSystemLevel: z.number().int().nullable(),
});

/** Drill targets as they stood at the end of a day (the year runs from 1 January of that day's year). */
export const ZDrillTargets = z
  .object({
    on: zDay,
    yearStart: zDay,
    staffRule: ZTargetRule.nullable(),
    teamRule: ZTargetRule.nullable(),
    staff: z.object({
      total: ZRate,
      /** Units other than communes (province level) and communes (commune level), by their type that day. */
      provinceLevel: ZRate,
      communeLevel: ZRate,
      /** Each unit of that day's tree in scope: its own officials and its subtree's. */
      organisations: z.array(
        z.object({
          organisationId: z.uuid(),
          name: z.string(),
          type: z.string(),
          parentId: z.uuid().nullable(),
          depth: z.number().int(),
          own: ZRate,
          subtree: ZRate,
        }),
      ),
    }),
    team: z.object({
      members: z.number().int(),
      met: z.number().int(),
      list: z.array(
        z.object({
          memberId: z.uuid(),
          fullName: z.string(),
          organisationName: z.string(),
          /** Drills attended that year up to the day on a target system of at least the rule's level that day. */
          qualifying: z.array(z.object({ id: z.uuid(), title: z.string(), drillDay: zDay, level: z.number().int() })),
          met: z.boolean(),
        }),
      ),
    }),
  })
  .meta({ id: 'DrillTargets' });

import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import { INSPECTION_CONTENTS } from '../rules/index.ts';
import {
  CHECK_RESULTS,
  FINDING_SEVERITIES,
  FINDING_STATES,
  INSPECTION_KINDS,
  INSPECTION_STATES,
  TEAM_ROLES,
} from './inspections.input.ts';

// What the inspection routes answer. Named schemas (.meta({ id })) become the web client's types and value lists.

export const ZInspectionKind = z.enum(INSPECTION_KINDS).meta({ id: 'InspectionKind' });
export const ZInspectionState = z.enum(INSPECTION_STATES).meta({ id: 'InspectionState' });
export const ZInspectionContent = z.enum(INSPECTION_CONTENTS).meta({ id: 'InspectionContent' });
export const ZCheckResult = z.enum(CHECK_RESULTS).meta({ id: 'InspectionCheckResult' });
export const ZInspectionFindingSeverity = z.enum(FINDING_SEVERITIES).meta({ id: 'InspectionFindingSeverity' });
export const ZInspectionFindingState = z.enum(FINDING_STATES).meta({ id: 'InspectionFindingState' });
/** pending: not yet due; met/late: done on or after its day; overdue: not done and past its day; none: no clock. */
export const ZClockState = z.enum(['pending', 'met', 'late', 'overdue', 'none']).meta({ id: 'InspectionClockState' });

export const ZInspectionTeamMember = z
  .object({ userId: z.uuid().nullable(), name: z.string(), role: z.enum(TEAM_ROLES) })
  .meta({ id: 'InspectionTeamMember' });

export const ZInspectionClock = z
  .object({
    clock: z.enum(['notice', 'conclusion']),
    /** The last day allowed (notice: on or before; conclusion: on or before); null: no rule, or no start yet. */
    dueOn: zDay.nullable(),
    doneOn: zDay.nullable(),
    state: ZClockState,
    days: z.number().int().nullable(),
    legalBasis: z.string().nullable(),
    confirmed: z.boolean(),
  })
  .meta({ id: 'InspectionClock' });

export const ZInspectionRow = z
  .object({
    id: z.uuid(),
    title: z.string(),
    kind: ZInspectionKind,
    state: ZInspectionState,
    planId: z.uuid().nullable(),
    planTitle: z.string().nullable(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    inspectorOrganisationId: z.uuid(),
    inspectorName: z.string(),
    plannedStart: zDay,
    plannedEnd: zDay,
    noticeOn: zDay.nullable(),
    startedOn: zDay.nullable(),
    endedOn: zDay.nullable(),
    concludedOn: zDay.nullable(),
    closedOn: zDay.nullable(),
    systems: z.number().int(),
    findings: z.number().int(),
    findingsOpen: z.number().int(),
    findingsOverdue: z.number().int(),
    noticeClock: ZClockState,
    conclusionClock: ZClockState,
  })
  .meta({ id: 'InspectionRow' });
export const ZInspectionPage = page(ZInspectionRow).meta({ id: 'InspectionPage' });

export const ZInspectionCheck = z
  .object({
    id: z.uuid(),
    systemId: z.uuid().nullable(),
    systemName: z.string().nullable(),
    level: z.number().int().nullable(),
    content: ZInspectionContent,
    itemCode: z.string(),
    textVi: z.string(),
    textEn: z.string(),
    legalBasis: z.string(),
    evidence: z.string().nullable(),
    result: ZCheckResult.nullable(),
    note: z.string().nullable(),
    updatedAt: zInstant.nullable(),
  })
  .meta({ id: 'InspectionCheck' });

export const ZInspectionFindingEvent = z
  .object({
    kind: z.enum(['answer', 'accept', 'return']),
    text: z.string().nullable(),
    evidence: z.string().nullable(),
    on: zDay,
    at: zInstant,
    userName: z.string(),
  })
  .meta({ id: 'InspectionFindingEvent' });

export const ZInspectionFinding = z
  .object({
    id: z.uuid(),
    severity: ZInspectionFindingSeverity,
    organisationId: z.uuid(),
    organisationName: z.string(),
    systemId: z.uuid().nullable(),
    systemName: z.string().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    dueOn: zDay,
    foundOn: zDay,
    state: ZInspectionFindingState,
    /** Not closed and its deadline has passed (as of today). */
    overdue: z.boolean(),
    /** The caller's organisation must remediate it (it may answer). */
    ownFinding: z.boolean(),
    events: z.array(ZInspectionFindingEvent),
  })
  .meta({ id: 'InspectionFinding' });

export const ZInspectionDetail = ZInspectionRow.extend({
  team: z.array(ZInspectionTeamMember),
  summary: z.string().nullable(),
  systemList: z.array(z.object({ id: z.uuid(), name: z.string(), level: z.number().int().nullable() })),
  clocks: z.array(ZInspectionClock),
  checklist: z.array(ZInspectionCheck),
  checklistAnswered: z.number().int(),
  findingList: z.array(ZInspectionFinding),
  transitions: z.array(ZInspectionState),
}).meta({ id: 'InspectionDetail' });

export const ZInspectionPlanSummary = z
  .object({
    id: z.uuid(),
    year: z.number().int(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    title: z.string(),
    decisionRef: z.string().nullable(),
    decisionDate: zDay.nullable(),
    inspections: z.number().int(),
    concluded: z.number().int(),
  })
  .meta({ id: 'InspectionPlanSummary' });
export const ZInspectionPlanPage = page(ZInspectionPlanSummary).meta({ id: 'InspectionPlanPage' });
export const ZInspectionPlanDetail = ZInspectionPlanSummary.extend({
  team: z.array(ZInspectionTeamMember),
  note: z.string().nullable(),
  inspectionList: z.array(ZInspectionRow),
}).meta({ id: 'InspectionPlanDetail' });

export const ZInspectionFigures = z
  .object({
    planned: z.number().int(),
    done: z.number().int(),
    concluded: z.number().int(),
    findings: z.number().int(),
    findingsOpen: z.number().int(),
    findingsClosed: z.number().int(),
    findingsOverdue: z.number().int(),
  })
  .meta({ id: 'InspectionFigures' });

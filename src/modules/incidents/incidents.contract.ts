import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import { BODY_ROLES, CLOCK_UNITS, INCIDENT_CLOCKS } from '../rules/index.ts';
import { CLOCK_STATES } from './clocks.ts';
import {
  INCIDENT_FORMS,
  INCIDENT_SEVERITIES,
  INCIDENT_SOURCES,
  INCIDENT_STATES,
  INCIDENT_TRANSITIONS,
  INCIDENT_TYPES,
  RESPONSE_STEPS,
  SEVERITY_FACTORS,
  TEAM_ROLES,
} from './incidents.input.ts';
import { incidents, responseTeamMembers } from './incidents.schema.ts';

// What the incident and team routes answer. Named schemas (.meta({ id })) become the web client's types and lists.

export const ZIncidentState = z.enum(INCIDENT_STATES).meta({ id: 'IncidentState' });
export const ZIncidentSeverity = z.enum(INCIDENT_SEVERITIES).meta({ id: 'IncidentSeverity' });
export const ZIncidentType = z.enum(INCIDENT_TYPES).meta({ id: 'IncidentType' });
export const ZIncidentSource = z.enum(INCIDENT_SOURCES).meta({ id: 'IncidentSource' });
export const ZSeverityFactor = z.enum(SEVERITY_FACTORS).meta({ id: 'SeverityFactor' });
export const ZResponseStep = z.enum(RESPONSE_STEPS).meta({ id: 'ResponseStep' });
export const ZIncidentForm = z.enum(INCIDENT_FORMS).meta({ id: 'IncidentForm' });
export const ZTeamRole = z.enum(TEAM_ROLES).meta({ id: 'TeamRole' });
export const ZIncidentTransitionTo = z.enum(INCIDENT_TRANSITIONS).meta({ id: 'IncidentTransitionTo' });
export const ZIncidentClockName = z.enum(INCIDENT_CLOCKS).meta({ id: 'IncidentClockName' });
export const ZClockState = z.enum(CLOCK_STATES).meta({ id: 'ClockState' });

/** A rule as shown beside what it decided: its text, citation, and whether it was read in the source. */
export const ZAppliedRuleText = z
  .object({
    key: z.string(),
    vi: z.string(),
    en: z.string(),
    legalBasis: z.string(),
    confirmed: z.boolean(),
    note: z.string().nullable(),
  })
  .meta({ id: 'AppliedRuleText' });

/** One statutory clock: from which event, due when, done when, and where it stands. */
export const ZIncidentClock = z
  .object({
    clock: ZIncidentClockName,
    rule: ZAppliedRuleText,
    form: z.enum(['03', '04', '05']).nullable(),
    recipients: z.array(z.enum(BODY_ROLES)),
    startsAt: zInstant,
    dueAt: zInstant,
    doneAt: zInstant.nullable(),
    state: ZClockState,
    daysOff: z.array(z.object({ date: zDay, name: z.string() })),
    calendarCovered: z.boolean(),
  })
  .meta({ id: 'IncidentClock' });

export const ZSeverityBasis = z
  .object({
    ruleKey: z.string().nullable(),
    legalBasis: z.string().nullable(),
    day: zDay,
    systems: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        level: z.number().int().nullable(),
        critical: z.boolean(),
        qualifies: z.boolean(),
      }),
    ),
    factors: z.array(z.string()),
    beyondCapability: z.boolean(),
  })
  .meta({ id: 'SeverityBasis' });

/** A stored incident (what create, update and transitions answer). */
export const ZIncident = createSelectSchema(incidents, {
  type: ZIncidentType,
  severity: ZIncidentSeverity,
  state: ZIncidentState,
  source: ZIncidentSource,
  severityFactors: z.array(ZSeverityFactor),
  severityBasis: ZSeverityBasis.nullable(),
}).meta({ id: 'Incident' });

/** An incident in a list, with its operator, system and clocks (late flags). */
export const ZIncidentRow = z
  .object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    organisationId: z.string(),
    organisationName: z.string(),
    systemName: z.string().nullable(),
    detectedAt: zInstant,
    type: ZIncidentType,
    severity: ZIncidentSeverity,
    state: ZIncidentState,
    source: ZIncidentSource,
    /** The caller's agency is affected, not the operator. */
    affectedOnly: z.boolean(),
    clocks: z.array(ZIncidentClock),
  })
  .meta({ id: 'IncidentRow' });
export const ZIncidentPage = page(ZIncidentRow).meta({ id: 'IncidentPage' });

export const INCIDENT_SORTS = ['detectedAt', 'code', 'title', 'severity', 'state', 'organisation'] as const;
export const ZIncidentQuery = z.object({
  q: z.string().trim().max(200).optional().describe('code or title contains'),
  state: ZIncidentState.optional(),
  severity: ZIncidentSeverity.optional(),
  organisationId: z.uuid().optional().describe('operated by, or affecting, this organisation or its descendants'),
  sort: z.enum(INCIDENT_SORTS).meta({ id: 'IncidentSort' }).default('detectedAt'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const named = z.object({ id: z.string(), name: z.string() });

export const ZIncidentStep = z
  .object({
    id: z.string(),
    step: ZResponseStep,
    at: zInstant,
    note: z.string(),
    actorName: z.string().nullable(),
    createdAt: zInstant,
  })
  .meta({ id: 'IncidentStep' });

export const ZIncidentTask = z
  .object({
    id: z.string(),
    title: z.string(),
    memberId: z.string().nullable(),
    memberName: z.string().nullable(),
    assigneeId: z.string().nullable(),
    assigneeName: z.string().nullable(),
    dueOn: zDay.nullable(),
    doneAt: zInstant.nullable(),
    /** Not done and its due day has passed. */
    overdue: z.boolean(),
    createdAt: zInstant,
  })
  .meta({ id: 'IncidentTask' });

export const ZIncidentEvidence = z
  .object({
    id: z.string(),
    fileName: z.string(),
    mediaType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    note: z.string().nullable(),
    uploadedByName: z.string().nullable(),
    uploadedAt: zInstant,
  })
  .meta({ id: 'IncidentEvidence' });

export const ZIncidentReport = z
  .object({
    id: z.string(),
    form: ZIncidentForm,
    issuedAt: zInstant,
    recipients: z.array(z.string()),
    sha256: z.string(),
  })
  .meta({ id: 'IncidentReport' });

/** One incident with everything the response needs, and what the caller may do with it. */
export const ZIncidentDetail = ZIncident.extend({
  organisationName: z.string(),
  systemName: z.string().nullable(),
  affectedOrganisations: z.array(named),
  affectedSystems: z.array(named.extend({ organisationName: z.string() })),
  socFindingIds: z.array(z.string()),
  steps: z.array(ZIncidentStep),
  tasks: z.array(ZIncidentTask),
  evidence: z.array(ZIncidentEvidence),
  reports: z.array(ZIncidentReport),
  clocks: z.array(ZIncidentClock),
  /** The severity rule of the detection day, to explain the stored severity. */
  severityRule: ZAppliedRuleText.nullable(),
  access: z.object({
    /** Change the report, add steps, tasks and evidence (the operator or a coordinator). */
    edit: z.boolean(),
    /** Coordinate: close the case. */
    manage: z.boolean(),
    transitions: z.array(ZIncidentTransitionTo),
  }),
}).meta({ id: 'IncidentDetail' });

/** The rules of a day that the new-incident form explains: the severity rule and the clocks. */
export const ZIncidentRules = z
  .object({
    on: zDay,
    severity: ZAppliedRuleText.extend({
      levels: z.array(z.number().int()),
      criticalList: z.boolean(),
      factors: z.array(z.string()),
      beyondCapability: z.boolean(),
    }).nullable(),
    clocks: z.array(
      ZAppliedRuleText.extend({
        clock: ZIncidentClockName,
        amount: z.number().int().nullable(),
        unit: z.enum(CLOCK_UNITS).nullable(),
        dates: z.array(z.string()).nullable(),
        form: z.enum(['03', '04', '05']).nullable(),
      }),
    ),
  })
  .meta({ id: 'IncidentRules' });

/** Who may own a task: response-team members first (on call now first), then users of the operator and coordinators. */
export const ZIncidentAssignees = z
  .object({
    members: z.array(
      z.object({
        id: z.string(),
        fullName: z.string(),
        organisationName: z.string(),
        teamRole: ZTeamRole,
        onCall: z.boolean(),
      }),
    ),
    users: z.array(z.object({ id: z.string(), displayName: z.string() })),
  })
  .meta({ id: 'IncidentAssignees' });

/** A stored roster entry. */
export const ZTeamMemberRecord = createSelectSchema(responseTeamMembers, { teamRole: ZTeamRole });

/** A roster entry as listed: its organisation, whether it serves today, on call now, and its contact-change clock. */
export const ZTeamMember = ZTeamMemberRecord.extend({
  organisationName: z.string(),
  userName: z.string().nullable(),
  active: z.boolean(),
  onCall: z.boolean(),
  /** Null for a reader who is not a coordinator, outside the member's organisation (personal contacts). */
  phone: z.string().nullable(),
  email: z.string().nullable(),
  /** The changed contact not yet reported to the coordinating body (or reported late). */
  contactClock: ZIncidentClock.nullable(),
}).meta({ id: 'TeamMember' });

export const ZOnCallShift = z
  .object({
    id: z.string(),
    memberId: z.string(),
    memberName: z.string(),
    phone: z.string(),
    email: z.string(),
    startsAt: zInstant,
    endsAt: zInstant,
  })
  .meta({ id: 'OnCallShift' });

/** A shift as stored (what adding one answers). */
export const ZOnCallShiftRecord = z
  .object({ id: z.string(), memberId: z.string(), memberName: z.string(), startsAt: zInstant, endsAt: zInstant })
  .meta({ id: 'OnCallShiftRecord' });

/** The team's page: roster, who is on call now, the rota ahead, the next periodic report and the coordinating body. */
export const ZTeamOverview = z
  .object({
    members: z.array(ZTeamMember),
    onCallNow: z.array(ZOnCallShift),
    /** The rota ahead; phone and e-mail null for a reader who may not see the member's (see TeamMember). */
    shifts: z.array(ZOnCallShift.extend({ phone: z.string().nullable(), email: z.string().nullable() })),
    periodicReport: ZIncidentClock.nullable(),
    coordinator: z.object({ name: z.string(), shortName: z.string(), confirmed: z.boolean() }).nullable(),
  })
  .meta({ id: 'TeamOverview' });

export const ZShiftQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe('shifts ending after this instant (default now)'),
  days: z.coerce.number().int().min(1).max(92).default(14),
});

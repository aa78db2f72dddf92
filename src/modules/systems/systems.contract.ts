import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { zDay, zInstant } from '../../core/contract.ts';
import { PERMISSIONS, type Permission } from '../auth/index.ts';
import { RULE_KINDS, type RuleKind, ZLegalBasis, ZLevelAuthority, ZRuleOrigin } from '../rules/index.ts';
import { CLASSIFICATION_HINTS } from './level-criteria.ts';
import { GAP_KINDS } from './plan.service.ts';
import {
  DOSSIER_ACTIONS,
  DOSSIER_STATES,
  ICS_WORKS_GRADES,
  INFRA_SCOPES,
  LAYER_STATUSES,
  PLAN_ITEM_STATUSES,
  SECRET_GRADES,
  SECURITY_HARMS,
  SECURITY_LEVELS,
  SYSTEM_TYPES,
  TARGET_KINDS,
} from './systems.input.ts';
import {
  dossierAttachments,
  dossierEvents,
  informationSystems,
  levelDossiers,
  programmeTargets,
} from './systems.schema.ts';

/** What the information-system programme's routes answer (the web client's types are generated from these). */

// ---- Value lists -------------------------------------------------------------------------------------------------

/** A level 1–5; `enum` lists the values so the generated client can offer them. */
export const ZSecurityLevel = z
  .number()
  .int()
  .min(SECURITY_LEVELS[0])
  .max(SECURITY_LEVELS[4])
  .meta({ id: 'SecurityLevel', enum: [...SECURITY_LEVELS], description: 'Security level (NĐ 85/2016 Art. 7–11)' });

export const ZSystemType = z.enum(SYSTEM_TYPES).meta({ id: 'SystemType' });
export const ZStateSecretGrade = z.enum(SECRET_GRADES).meta({ id: 'StateSecretGrade' });
export const ZSecurityHarm = z.enum(SECURITY_HARMS).meta({ id: 'SecurityHarm' });
export const ZInfrastructureScope = z.enum(INFRA_SCOPES).meta({ id: 'InfrastructureScope' });
export const ZIcsWorksGrade = z.enum(ICS_WORKS_GRADES).meta({ id: 'IcsWorksGrade' });
export const ZClassificationHint = z.enum(CLASSIFICATION_HINTS).meta({ id: 'ClassificationHint' });
export const ZDossierState = z.enum(DOSSIER_STATES).meta({ id: 'DossierState' });
export const ZDossierAction = z.enum(DOSSIER_ACTIONS).meta({ id: 'DossierAction' });
/** What a dossier history entry records: creation, an edit, an attached document, an import, or a lifecycle step. */
export const DOSSIER_EVENT_KINDS = ['create', 'update', 'attach', 'import', ...DOSSIER_ACTIONS] as const;
export type DossierEventKind = (typeof DOSSIER_EVENT_KINDS)[number];
export const ZDossierEventKind = z.enum(DOSSIER_EVENT_KINDS).meta({ id: 'DossierEventKind' });
/** When the rules require a dossier component: at submission or by approval. */
export const ZDossierComponentStage = RULE_KINDS.dossier_component.shape.requiredAt.meta({
  id: 'DossierComponentStage',
});
export const ZChecklistGroupKind = RULE_KINDS.checklist_group.shape.group.meta({ id: 'ChecklistGroupKind' });
export const ZPlanItemStatus = z.enum(PLAN_ITEM_STATUSES).meta({ id: 'PlanItemStatus' });
export const ZLayerStatus = z.enum(LAYER_STATUSES).meta({ id: 'LayerStatus' });
export const ZLayerGapKind = z.enum(GAP_KINDS).meta({ id: 'LayerGapKind' });
export const ZTargetKind = z.enum(TARGET_KINDS).meta({ id: 'TargetKind' });

// ---- Rules as they apply to the programme (shapes of the rules module: rules.contract.ts) -------------------------

/** One rule of a kind as it applies on a day (rule-book.ts AppliedRule), with the data of its kind. */
const appliedRule = <K extends RuleKind>(kind: K) =>
  z.object({
    id: z.string(),
    kind: z.literal(kind),
    key: z.string(),
    validFrom: zDay,
    validTo: zDay.nullable(),
    basis: ZLegalBasis,
    /** The citation as officials write it, e.g. "NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm c". */
    legalBasis: z.string(),
    vi: z.string(),
    en: z.string(),
    confirmed: z.boolean(),
    note: z.string().nullable(),
    origin: ZRuleOrigin,
    data: RULE_KINDS[kind],
  });

/** A level criterion of NĐ 85/2016 Art. 7–11: the level and the condition on the classification answers. */
export const ZLevelCriterion = appliedRule('level_criterion').meta({ id: 'LevelCriterion' });

/** A lifecycle step: the states it starts from, where it leads, the permission it needs and the fields it requires. */
export const ZDossierTransition = z
  .object({
    from: z.array(ZDossierState),
    to: ZDossierState,
    permission: z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]]),
    requires: z.array(z.string()),
  })
  .meta({ id: 'DossierTransition' });

/** GET /api/dossiers/rules: authorities, required documents and the lifecycle on a day. */
export const ZDossierRules = z
  .object({
    on: zDay,
    authorities: z.array(appliedRule('dossier_authority')),
    components: z.array(appliedRule('dossier_component')),
    transitions: z.record(ZDossierAction, ZDossierTransition),
  })
  .meta({ id: 'DossierRules' });

// ---- Registry ----------------------------------------------------------------------------------------------------

/** What the classification aid proposes for the answers on a day (level null: no criterion matched). */
export const ZLevelSuggestion = z
  .object({
    on: zDay,
    level: ZSecurityLevel.nullable(),
    ruleId: z.string().nullable(),
    legalBasis: z.string().nullable(),
    vi: z.string().nullable(),
    en: z.string().nullable(),
    matchedRuleIds: z.array(z.string()),
    hints: z.array(ZClassificationHint),
  })
  .meta({ id: 'LevelSuggestion' });

export const ZPlanSummary = z
  .object({
    applicable: z.number().int(),
    done: z.number().int(),
    /** Whole percent of the applicable items done (100 when none apply). */
    percent: z.number().int(),
    fullyImplemented: z.boolean(),
  })
  .meta({ id: 'PlanSummary' });

/** Where a system stands today: its latest dossier, the level last approved, and its security-plan progress. */
export const ZSystemStatus = z
  .object({
    dossier: z
      .object({
        id: z.uuid(),
        state: ZDossierState,
        level: ZSecurityLevel,
        decisionNumber: z.string().nullable(),
        decisionDate: zDay.nullable(),
      })
      .nullable(),
    approvedLevel: ZSecurityLevel.nullable(),
    approvedOn: zDay.nullable(),
    plan: ZPlanSummary,
  })
  .meta({ id: 'SystemStatus' });

export const ZSystemHost = z
  .object({ hostname: z.string().nullable(), address: z.string().describe('CIDR, canonical form') })
  .meta({ id: 'SystemHost' });
export const ZSystemSoftware = z
  .object({
    name: z.string(),
    vendor: z.string().nullable(),
    version: z.string().nullable(),
    cpe: z.string().nullable(),
  })
  .meta({ id: 'SystemSoftware' });

const systemFields = {
  ...createSelectSchema(informationSystems, {
    systemType: ZSystemType,
    stateSecretGrade: ZStateSecretGrade,
    securityHarm: ZSecurityHarm,
    onlineServiceLevel: z.number().int().min(0).max(4),
    infrastructureScope: ZInfrastructureScope,
    icsWorksGrade: ZIcsWorksGrade,
    userCount: z.number().int().nullable(),
    inServiceFrom: zDay.nullable(),
  }).shape,
  organisationCode: z.string(),
  organisationName: z.string(),
  suggestion: ZLevelSuggestion,
  status: ZSystemStatus,
  hosts: z.array(ZSystemHost),
  software: z.array(ZSystemSoftware),
};
/** A registered information system as the registry lists it: its answers, hosts, software, suggestion and status. */
export const ZInformationSystem = z.object(systemFields).meta({ id: 'InformationSystem' });
/** One information system (GET/POST/PUT /api/systems/:id); the same fields as a list item today. */
export const ZSystemDetail = z.object(systemFields).meta({ id: 'SystemDetail' });

/** A problem with one row of an uploaded file: the row number, the column key and why. */
const ZRowError = z.object({
  row: z.number().int(),
  column: z.string().optional(),
  /** Why, in English (logs, the command line, API users). */
  message: z.string(),
  /** The message key the UI translates (`errors.<key>`), with its values. */
  key: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export const ZSystemImportReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(ZRowError),
  })
  .meta({ id: 'SystemImportReport' });

/** The export's JSON form: one object per system keyed by the column keys of docs/national-platform-export.md. */
export const ZSystemExportRows = z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])));

// ---- Dossiers ----------------------------------------------------------------------------------------------------

/** A document the rules require in a level's dossier, and whether one is attached. */
export const ZDossierComponent = z
  .object({
    component: z.string(),
    requiredAt: ZDossierComponentStage,
    vi: z.string(),
    en: z.string(),
    legalBasis: z.string(),
    confirmed: z.boolean(),
    attached: z.boolean(),
  })
  .meta({ id: 'DossierComponent' });

/** A level-proposal dossier with its system, authority, required documents and due dates. */
export const ZDossier = createSelectSchema(levelDossiers, {
  state: ZDossierState,
  level: ZSecurityLevel,
  suggestedLevel: ZSecurityLevel.nullable(),
  decisionDate: zDay.nullable(),
})
  .extend({
    systemName: z.string(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    /** Who appraises and approves under the rule of the dossier's day (null: no rule for the level). */
    authority: ZLevelAuthority.nullable(),
    components: z.array(ZDossierComponent),
    /** Calendar days from acceptance, under the rule of the day of acceptance. */
    appraisalDue: zDay.nullable(),
    /** Working days from the appraisal (or its due date). */
    approvalDue: zDay.nullable(),
    overdue: z.boolean(),
  })
  .meta({ id: 'Dossier' });

/** One entry of a dossier's history: who did what, when, and the step's legal date. */
export const ZDossierEvent = createSelectSchema(dossierEvents, {
  action: ZDossierEventKind,
  fromState: ZDossierState.nullable(),
  toState: ZDossierState,
  details: z.record(z.string(), z.unknown()).nullable().describe('what the step recorded (fields vary by action)'),
  effectiveOn: zDay,
}).meta({ id: 'DossierEvent' });

/** A dossier document without its content (download it from /api/attachments/{id}). */
export const ZDossierAttachment = createSelectSchema(dossierAttachments)
  .pick({ id: true, filename: true, component: true, mediaType: true, size: true, sha256: true, createdAt: true })
  .meta({ id: 'DossierAttachment' });

export const ZDossierDetail = ZDossier.extend({
  history: z.array(ZDossierEvent),
  attachments: z.array(ZDossierAttachment),
}).meta({ id: 'DossierDetail' });

/** The media types a dossier document may have (dossiers.service.ts recognises them by their first bytes). */
export const ATTACHMENT_MEDIA_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'image/png',
  'image/jpeg',
  'image/tiff',
] as const;

// ---- Security plan, layers, targets ---------------------------------------------------------------------------------

/** A checklist item of the security plan with its status for the system. */
export const ZPlanItem = z
  .object({
    code: z.string(),
    vi: z.string(),
    en: z.string(),
    minLevel: ZSecurityLevel,
    legalBasis: z.string(),
    group: z.string(),
    /** The item applies at the system's approved level. */
    required: z.boolean(),
    status: ZPlanItemStatus,
    evidence: z.string().nullable(),
    reason: z.string().nullable(),
    updatedAt: zInstant.nullable(),
  })
  .meta({ id: 'PlanItem' });

export const ZPlanGroup = z
  .object({
    code: z.string(),
    kind: ZChecklistGroupKind,
    vi: z.string(),
    en: z.string(),
    confirmed: z.boolean(),
    legalBasis: z.string(),
    items: z.array(ZPlanItem),
  })
  .meta({ id: 'PlanGroup' });

/** The security plan of a system at its approved level: the checklist in force on `on` with each item's status. */
export const ZSecurityPlan = z
  .object({
    systemId: z.uuid(),
    organisationId: z.uuid(),
    level: ZSecurityLevel.nullable(),
    on: zDay,
    summary: ZPlanSummary,
    groups: z.array(ZPlanGroup),
  })
  .meta({ id: 'SecurityPlan' });

/** One of the 4 protection layers of a system, with the computed next inspection (layer 3) and its gaps. */
export const ZProtectionLayer = z
  .object({
    layer: z.number().int().min(1).max(4),
    vi: z.string(),
    en: z.string(),
    legalBasis: z.string(),
    status: ZLayerStatus,
    provider: z.string().nullable(),
    evidence: z.string().nullable(),
    lastInspectionDate: zDay.nullable(),
    nextInspectionDate: zDay.nullable(),
    inspectionPeriodMonths: z.number().int().nullable(),
    inspectionBasis: z.string().nullable(),
    updatedAt: zInstant.nullable(),
    gaps: z.array(ZLayerGapKind),
  })
  .meta({ id: 'ProtectionLayer' });

export const ZSystemLayers = z
  .object({ systemId: z.uuid(), legalBasis: z.string().nullable(), layers: z.array(ZProtectionLayer) })
  .meta({ id: 'SystemLayers' });

/** A layer with a gap, of one system in scope (GET /api/layers/gaps). */
export const ZSystemLayerGap = z
  .object({
    systemId: z.uuid(),
    systemName: z.string(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    layer: z.number().int().min(1).max(4),
    layerVi: z.string(),
    layerEn: z.string(),
    status: ZLayerStatus,
    nextInspectionDate: zDay.nullable(),
    gaps: z.array(ZLayerGapKind),
  })
  .meta({ id: 'SystemLayerGap' });

/** A Department target (chỉ tiêu) as stored. */
export const ZProgrammeTarget = createSelectSchema(programmeTargets, { kind: ZTargetKind, deadline: zDay }).meta({
  id: 'ProgrammeTarget',
});

const targetFigures = {
  /** The day the figures stand on. */
  asOf: zDay,
  total: z.number().int(),
  /** Met by the deadline (or by `asOf` while the deadline is ahead). */
  met: z.number().int(),
  /** Met after the deadline, by `asOf`: shown apart, not counted as done. */
  late: z.number().int(),
  notMet: z.number().int(),
  /** Share met by the deadline, one decimal; null when no system is covered. */
  percent: z.number().nullable(),
  percentWithLate: z.number().nullable(),
  deadlinePassed: z.boolean(),
  overdue: z.boolean(),
};

/** A target with its figures as of a day. */
export const ZTargetSummary = ZProgrammeTarget.extend(targetFigures).meta({ id: 'TargetSummary' });

/** A target's figures per organisation (the tree of `asOf`) and the systems holding it back. */
export const ZTargetProgress = ZProgrammeTarget.extend({
  ...targetFigures,
  byOrganisation: z.array(
    z.object({
      organisationId: z.uuid(),
      code: z.string(),
      name: z.string(),
      parentId: z.uuid().nullable(),
      total: z.number().int(),
      met: z.number().int(),
      late: z.number().int(),
      percent: z.number().nullable(),
    }),
  ),
  holdingBack: z.array(
    z.object({
      systemId: z.uuid(),
      systemName: z.string(),
      organisationId: z.uuid(),
      organisationName: z.string(),
      /** Met after the deadline. */
      late: z.boolean(),
      dossierState: ZDossierState.nullable(),
      approvedLevel: ZSecurityLevel.nullable(),
      approvedOn: zDay.nullable(),
      planPercent: z.number().int(),
      accountableHead: z.object({
        name: z.string().nullable(),
        title: z.string().nullable(),
        email: z.string().nullable(),
      }),
    }),
  ),
}).meta({ id: 'TargetProgress' });

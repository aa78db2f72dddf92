import { z } from 'zod';

/**
 * What the information-system programme's routes accept: value lists, request bodies and list queries. The web
 * forms validate with these same schemas (this file imports only zod, so the browser bundle gets no server code).
 * A message that is a key (`systems.…`) is translated by the UI as `errors.<key>`.
 */

// ---- Value lists -------------------------------------------------------------------------------------------------

/** Loại hệ thống thông tin (NĐ 85/2016 Điều 6 khoản 2). */
export const SYSTEM_TYPES = [
  'internal', // Phục vụ hoạt động nội bộ (email, QLVB, họp trực tuyến…)
  'public_service', // Phục vụ người dân, doanh nghiệp (cổng, một cửa/DVC…)
  'infrastructure', // Cơ sở hạ tầng thông tin (WAN/TSLCD, trung tâm dữ liệu, LGSP…)
  'industrial_control', // Điều khiển công nghiệp (PLC, SCADA…)
  'other',
] as const;
export type SystemType = (typeof SYSTEM_TYPES)[number];

/** Độ mật của bí mật nhà nước: evidence for the harm criterion of NĐ 85 Art. 9–11 clause 1, not a level by itself. */
export const SECRET_GRADES = ['none', 'mat', 'toi_mat', 'tuyet_mat'] as const;
/** Mức tổn hại tới quốc phòng, an ninh quốc gia khi hệ thống bị phá hoại (NĐ 85 Art. 9.1, 10.1, 11.1). */
export const SECURITY_HARMS = ['none', 'harm', 'serious', 'especially_serious'] as const;
/** Phạm vi của hệ thống cơ sở hạ tầng thông tin. */
export const INFRA_SCOPES = ['none', 'one_agency', 'sector_or_provinces', 'national'] as const;
/** Cấp công trình do hệ thống điều khiển công nghiệp phục vụ. */
export const ICS_WORKS_GRADES = ['none', 'IV', 'III', 'II', 'I', 'special'] as const;

export const DOSSIER_STATES = ['draft', 'submitted', 'under_appraisal', 'returned', 'approved'] as const;
export type DossierState = (typeof DOSSIER_STATES)[number];
export const PLAN_ITEM_STATUSES = ['not_started', 'in_progress', 'done', 'not_applicable'] as const;
export const LAYER_STATUSES = ['missing', 'partial', 'in_place'] as const;
export const TARGET_KINDS = ['dossier_approved', 'plan_implemented'] as const;

export const DOSSIER_ACTIONS = ['submit', 'resubmit', 'accept', 'return', 'record_appraisal', 'approve'] as const;
export type DossierAction = (typeof DOSSIER_ACTIONS)[number];

/** Cấp độ an toàn hệ thống thông tin (NĐ 85/2016 Art. 7–11). */
export const SECURITY_LEVELS = [1, 2, 3, 4, 5] as const;

// ---- Shared field rules ------------------------------------------------------------------------------------------

/** Optional free text: trimmed, '' and null both mean "none". */
const text = (max = 1000) =>
  z
    .string()
    .trim()
    .max(max, 'systems.tooLong')
    .nullish()
    .transform((v) => v || null);
const count = z
  .number('systems.notANumber')
  .int('systems.notANumber')
  .min(0, 'systems.notNegative')
  .nullish()
  .transform((v) => v ?? null);
/** A real calendar day, yyyy-mm-dd (31/02 is not one). */
const day = z.iso.date({ error: 'systems.invalidDate' });
const optionalDay = day.nullish().transform((v) => v ?? null);
const level = z.number('systems.required').int().min(1, 'systems.required').max(5, 'systems.required');

// ---- Registry ----------------------------------------------------------------------------------------------------

export const ZClassificationInput = z.object({
  systemType: z.enum(SYSTEM_TYPES),
  infoPublic: z.boolean().default(true),
  infoPrivate: z.boolean().default(false),
  infoPersonal: z.boolean().default(false),
  userCount: count,
  stateSecretGrade: z.enum(SECRET_GRADES).default('none'),
  securityHarm: z.enum(SECURITY_HARMS).default('none'),
  onlineServiceLevel: z.number().int().min(0).max(4).default(0),
  conditionalBusiness: z.boolean().default(false),
  infrastructureScope: z.enum(INFRA_SCOPES).default('none'),
  icsWorksGrade: z.enum(ICS_WORKS_GRADES).default('none'),
  national24x7: z.boolean().default(false),
  nationalDatabase: z.boolean().default(false),
  nationalSecurityWorks: z.boolean().default(false),
  internationalInterconnect: z.boolean().default(false),
  criticalList: z.boolean().default(false),
});

export const ZSystemHostInput = z.object({
  hostname: text(253),
  address: z.string().trim().min(2, 'systems.invalidAddress').max(64, 'systems.invalidAddress'),
});
export const ZSystemSoftwareInput = z.object({
  name: z.string().trim().min(1, 'systems.required').max(200, 'systems.tooLong'),
  vendor: text(200),
  version: text(100),
  cpe: z
    .string()
    .trim()
    .refine((v) => v === '' || /^cpe:(2\.3:|\/)[aho]/.test(v), 'systems.invalidCpe')
    .nullish()
    .transform((v) => v || null),
});

/** POST /api/systems, PUT /api/systems/:id: a system's registration and classification answers. */
export const ZSystemInput = ZClassificationInput.extend({
  organisationId: z.uuid('systems.organisationRequired'),
  code: text(50),
  name: z.string().trim().min(2, 'systems.nameLength').max(300, 'systems.nameLength'),
  purpose: text(),
  usersDescription: text(),
  hosting: text(),
  ownerName: text(300),
  operatorName: text(300),
  /** Ngày đưa vào vận hành: from when the system counts in targets; null = from its registration. */
  inServiceFrom: optionalDay,
  hosts: z.array(ZSystemHostInput).max(1000).default([]),
  software: z.array(ZSystemSoftwareInput).max(1000).default([]),
});
export type SystemInput = z.input<typeof ZSystemInput>;

export const SYSTEM_SORTS = ['name', 'code', 'level', 'organisation', 'state'] as const;
const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  dir: z.enum(['asc', 'desc']).optional(),
  q: z.string().trim().max(100).optional(),
};

/** GET /api/systems: one page of the registry, sorted, searched and filtered. */
export const ZSystemListQuery = z.object({
  ...paging,
  sort: z.enum(SYSTEM_SORTS).meta({ id: 'SystemSort' }).default('name'),
  /** Systems of this organisation and its subtree. */
  organisationId: z.uuid().optional(),
  /** The level last approved. */
  level: z.coerce.number().int().min(1).max(5).optional(),
  /** The state of the latest dossier; `none`: no dossier yet. */
  state: z
    .enum([...DOSSIER_STATES, 'none'])
    .meta({ id: 'SystemStateFilter' })
    .optional(),
});
export type SystemListQuery = z.output<typeof ZSystemListQuery>;

// ---- Dossiers ----------------------------------------------------------------------------------------------------

/** POST /api/systems/:id/dossiers, PUT /api/dossiers/:id: the proposed level and, when it differs, the reason. */
export const ZDossierInput = z.object({
  level: level.optional(),
  reason: z
    .string()
    .trim()
    .max(5000, 'systems.tooLong')
    .nullish()
    .transform((v) => v || null),
});
export type DossierInput = z.input<typeof ZDossierInput>;

/** POST /api/dossiers/:id/transitions: a lifecycle step and what it records. */
export const ZTransitionInput = z.object({
  action: z.enum(DOSSIER_ACTIONS),
  comment: z.string().trim().max(5000, 'systems.tooLong').optional(),
  decisionNumber: z.string().trim().max(100, 'systems.tooLong').optional(),
  decisionDate: day.optional(),
  appraisalRef: z.string().trim().max(200, 'systems.tooLong').optional(),
});
export type TransitionInput = z.input<typeof ZTransitionInput>;

export const DOSSIER_SORTS = ['submitted', 'updated', 'name', 'organisation', 'level', 'state'] as const;

/** GET /api/dossiers: one page of the dossiers in scope. */
export const ZDossierListQuery = z.object({
  ...paging,
  sort: z.enum(DOSSIER_SORTS).meta({ id: 'DossierSort' }).default('updated'),
  /** A state, or `pending`: submitted or under appraisal (the appraising side's worklist). */
  state: z
    .enum([...DOSSIER_STATES, 'pending'])
    .meta({ id: 'DossierStateFilter' })
    .optional(),
  organisationId: z.uuid().optional(),
  systemId: z.uuid().optional(),
});
export type DossierListQuery = z.output<typeof ZDossierListQuery>;

// ---- Security plan, layers, targets ------------------------------------------------------------------------------

/** PUT /api/systems/:id/plan: items' statuses; an item marked not applicable says why. */
export const ZPlanUpdate = z.object({
  items: z
    .array(
      z
        .object({
          code: z.string().max(20),
          status: z.enum(PLAN_ITEM_STATUSES),
          evidence: text(5000),
          reason: text(2000),
        })
        .refine((i) => i.status !== 'not_applicable' || !!i.reason, {
          path: ['reason'],
          error: 'systems.planReasonRequired',
        }),
    )
    .min(1)
    .max(200),
});
export type PlanUpdate = z.input<typeof ZPlanUpdate>;

/** PUT /api/systems/:id/layers: the 4 layers' statuses (the next inspection is computed, never sent). */
export const ZLayersUpdate = z.object({
  layers: z
    .array(
      z.object({
        layer: z.number().int().min(1).max(4),
        status: z.enum(LAYER_STATUSES),
        provider: text(300),
        evidence: text(5000),
        lastInspectionDate: optionalDay,
      }),
    )
    .min(1)
    .max(4),
});
export type LayersUpdate = z.input<typeof ZLayersUpdate>;

/** POST /api/targets, PUT /api/targets/:id: a Department target (chỉ tiêu). */
export const ZTargetInput = z.object({
  title: z.string().trim().min(3, 'systems.titleLength').max(300, 'systems.titleLength'),
  kind: z.enum(TARGET_KINDS),
  deadline: z.string().min(1, 'systems.required').pipe(day),
  organisationId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  legalBasis: text(300),
});
export type TargetInput = z.input<typeof ZTargetInput>;

import { sql } from 'drizzle-orm';
import {
  boolean,
  cidr,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea } from '../../core/db/columns.ts';
import { users } from '../auth/auth.schema.ts';
import { organisations } from '../organisations/organisations.schema.ts';

import {
  DOSSIER_STATES,
  type DossierState,
  ICS_WORKS_GRADES,
  INFRA_SCOPES,
  LAYER_STATUSES,
  PLAN_ITEM_STATUSES,
  SECRET_GRADES,
  SECURITY_HARMS,
  SYSTEM_TYPES,
  type SystemType,
  TARGET_KINDS,
} from './systems.input.ts';

// The value lists live with the request schemas (systems.input.ts), which the web forms share.
export {
  DOSSIER_STATES,
  type DossierState,
  ICS_WORKS_GRADES,
  INFRA_SCOPES,
  LAYER_STATUSES,
  PLAN_ITEM_STATUSES,
  SECRET_GRADES,
  SECURITY_HARMS,
  SYSTEM_TYPES,
  type SystemType,
  TARGET_KINDS,
};

export const dossierState = pgEnum('dossier_state', DOSSIER_STATES);

export const planItemStatus = pgEnum('plan_item_status', PLAN_ITEM_STATUSES);
export const layerStatus = pgEnum('layer_status', LAYER_STATUSES);
export const targetKind = pgEnum('target_kind', TARGET_KINDS);

/** Hệ thống thông tin — one information system registered by an agency. */
export const informationSystems = pgTable(
  'information_systems',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The agency that registers and answers for the system; the scope key of every query. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    /** Optional business key (e.g. the capdo.ais.gov.vn code); imports match on it first. */
    code: text('code').unique(),
    name: text('name').notNull(),
    purpose: text('purpose'),
    systemType: text('system_type', { enum: SYSTEM_TYPES }).notNull(),
    infoPublic: boolean('info_public').notNull().default(true),
    infoPrivate: boolean('info_private').notNull().default(false),
    infoPersonal: boolean('info_personal').notNull().default(false),
    stateSecretGrade: text('state_secret_grade', { enum: SECRET_GRADES }).notNull().default('none'),
    securityHarm: text('security_harm', { enum: SECURITY_HARMS }).notNull().default('none'),
    /** Mức độ DVC trực tuyến (0 = none … 4), NĐ 85's scale; its labels after NĐ 42/2022 are rules (online_service_scale). */
    onlineServiceLevel: integer('online_service_level').notNull().default(0),
    conditionalBusiness: boolean('conditional_business').notNull().default(false),
    infrastructureScope: text('infrastructure_scope', { enum: INFRA_SCOPES }).notNull().default('none'),
    icsWorksGrade: text('ics_works_grade', { enum: ICS_WORKS_GRADES }).notNull().default('none'),
    /** HTTT quốc gia / hạ tầng dùng chung toàn quốc vận hành 24/7 (NĐ 85 Điều 10). */
    national24x7: boolean('national_24x7').notNull().default(false),
    /** Lưu trữ dữ liệu tập trung đối với thông tin, dữ liệu đặc biệt quan trọng của quốc gia (NĐ 85 Art. 11.2). */
    nationalDatabase: boolean('national_database').notNull().default(false),
    /** Điều khiển công trình quan trọng liên quan đến an ninh quốc gia (NĐ 85 Art. 11.4). */
    nationalSecurityWorks: boolean('national_security_works').notNull().default(false),
    internationalInterconnect: boolean('international_interconnect').notNull().default(false),
    /** Thuộc danh mục HTTT quan trọng quốc gia do Thủ tướng quyết định. */
    criticalList: boolean('critical_list').notNull().default(false),
    /** Số người sử dụng — the count NĐ 85 Art. 8.2 and 9.2 measure against 10,000. */
    userCount: integer('user_count'),
    usersDescription: text('users_description'),
    hosting: text('hosting'),
    ownerName: text('owner_name'), // Chủ quản
    operatorName: text('operator_name'), // Đơn vị vận hành
    /** Ngày đưa vào vận hành: from when the system counts in targets (null: from its registration). */
    inServiceFrom: date('in_service_from'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('information_systems_org_idx').on(t.organisationId),
    uniqueIndex('information_systems_org_name_uq').on(t.organisationId, t.name),
  ],
);

/** Máy chủ, địa chỉ IP/dải IP of a system (a single address is stored as /32 or /128). */
export const systemHosts = pgTable(
  'system_hosts',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    hostname: text('hostname'),
    address: cidr('address').notNull(),
  },
  (t) => [index('system_hosts_system_idx').on(t.systemId)],
);

/** Phần mềm và phiên bản; CPE lets advisories target affected systems later. */
export const systemSoftware = pgTable(
  'system_software',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    vendor: text('vendor'),
    version: text('version'),
    cpe: text('cpe'),
  },
  (t) => [index('system_software_system_idx').on(t.systemId)],
);

/** Hồ sơ đề xuất cấp độ — a level-proposal dossier and where it stands. */
export const levelDossiers = pgTable(
  'level_dossiers',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    state: dossierState('state').notNull().default('draft'),
    /** The level the officer proposes (đề xuất). */
    level: integer('level').notNull(),
    /** What the classification aid suggested when the dossier was last edited, and the deciding rule. */
    suggestedLevel: integer('suggested_level'),
    suggestedRuleId: text('suggested_rule_id'),
    /** Required when `level` differs from `suggestedLevel`. */
    reason: text('reason'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    /** Số văn bản thẩm định (the Department's for level 3; the Ministry's for levels 4–5). */
    appraisalRef: text('appraisal_ref'),
    appraisedAt: timestamp('appraised_at', { withTimezone: true }),
    returnComment: text('return_comment'),
    decisionNumber: text('decision_number'),
    decisionDate: date('decision_date'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('level_dossiers_system_idx').on(t.systemId)],
);

/** Lịch sử hồ sơ: who did what, when and why. */
export const dossierEvents = pgTable(
  'dossier_events',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    dossierId: uuid('dossier_id')
      .notNull()
      .references(() => levelDossiers.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    fromState: dossierState('from_state'),
    toState: dossierState('to_state').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorName: text('actor_name').notNull(),
    comment: text('comment'),
    details: jsonb('details'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The step's legal date: the decision's date for an approval, the day it was taken otherwise. */
    effectiveOn: date('effective_on').notNull(),
  },
  (t) => [index('dossier_events_dossier_idx').on(t.dossierId), index('dossier_events_actor_idx').on(t.actorId)],
);

/** Tài liệu kèm hồ sơ, kept in the database so PGlite and PostgreSQL behave the same. */
export const dossierAttachments = pgTable(
  'dossier_attachments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    dossierId: uuid('dossier_id')
      .notNull()
      .references(() => levelDossiers.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    /** Thành phần hồ sơ (a dossier_component rule's `component`), or null for another document. */
    component: text('component'),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('dossier_attachments_dossier_idx').on(t.dossierId),
    index('dossier_attachments_uploader_idx').on(t.uploadedBy),
  ],
);

/** Trạng thái từng biện pháp của phương án bảo đảm ATTT; absent row = not started. */
export const securityPlanItems = pgTable(
  'security_plan_items',
  {
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    itemCode: text('item_code').notNull(),
    status: planItemStatus('status').notNull(),
    evidence: text('evidence'),
    reason: text('reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.systemId, t.itemCode] })],
);

/** Every change of a plan item's status, so the plan's state on any past day is known. */
export const securityPlanItemHistory = pgTable(
  'security_plan_item_history',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    itemCode: text('item_code').notNull(),
    status: planItemStatus('status').notNull(),
    evidence: text('evidence'),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorName: text('actor_name').notNull(),
  },
  (t) => [index('security_plan_item_history_system_idx').on(t.systemId, t.at)],
);

/** Mô hình 4 lớp: status and evidence of each layer (1–4) for a system. */
export const protectionLayers = pgTable(
  'protection_layers',
  {
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    layer: integer('layer').notNull(),
    status: layerStatus('status').notNull(),
    provider: text('provider'),
    evidence: text('evidence'),
    lastInspectionDate: date('last_inspection_date'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.systemId, t.layer] })],
);

/** Every change of a layer's status and inspection dates. */
export const protectionLayerHistory = pgTable(
  'protection_layer_history',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    layer: integer('layer').notNull(),
    status: layerStatus('status').notNull(),
    provider: text('provider'),
    evidence: text('evidence'),
    lastInspectionDate: date('last_inspection_date'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorName: text('actor_name').notNull(),
  },
  (t) => [index('protection_layer_history_system_idx').on(t.systemId, t.at)],
);

/** A system's registered attributes after each change (classification answers, organisation, dates). */
export const informationSystemHistory = pgTable(
  'information_system_history',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    systemId: uuid('system_id')
      .notNull()
      .references(() => informationSystems.id, { onDelete: 'cascade' }),
    attributes: jsonb('attributes').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorName: text('actor_name').notNull(),
  },
  (t) => [index('information_system_history_system_idx').on(t.systemId, t.at)],
);

/** Chỉ tiêu — a Department target such as "100% hồ sơ được phê duyệt trước 31/08/2024". */
export const programmeTargets = pgTable(
  'programme_targets',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    title: text('title').notNull(),
    kind: targetKind('kind').notNull(),
    deadline: date('deadline').notNull(),
    /** Root of the organisation subtree the target covers; null = every organisation. */
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'restrict' }),
    legalBasis: text('legal_basis'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('programme_targets_org_idx').on(t.organisationId)],
);

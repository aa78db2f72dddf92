// Shapes of the information-system programme API (src/modules/systems) and the value lists its forms offer.

export const SYSTEM_TYPES = ['internal', 'public_service', 'infrastructure', 'industrial_control', 'other'] as const;
export const SECRET_GRADES = ['none', 'mat', 'toi_mat', 'tuyet_mat'] as const;
/** Harm to national defence and security if the system is sabotaged (NĐ 85 Art. 9.1, 10.1, 11.1). */
export const SECURITY_HARMS = ['none', 'harm', 'serious', 'especially_serious'] as const;
export const INFRA_SCOPES = ['none', 'one_agency', 'sector_or_provinces', 'national'] as const;
export const ICS_WORKS_GRADES = ['none', 'IV', 'III', 'II', 'I', 'special'] as const;
export const DOSSIER_STATES = ['draft', 'submitted', 'under_appraisal', 'returned', 'approved'] as const;
export const PLAN_ITEM_STATUSES = ['not_started', 'in_progress', 'done', 'not_applicable'] as const;
export const LAYER_STATUSES = ['missing', 'partial', 'in_place'] as const;
export const TARGET_KINDS = ['dossier_approved', 'plan_implemented'] as const;

export type DossierState = (typeof DOSSIER_STATES)[number];
export type PlanItemStatus = (typeof PLAN_ITEM_STATUSES)[number];
export type LayerStatus = (typeof LAYER_STATUSES)[number];
export type TargetKind = (typeof TARGET_KINDS)[number];

export type Classification = {
  systemType: (typeof SYSTEM_TYPES)[number];
  infoPublic: boolean;
  infoPrivate: boolean;
  infoPersonal: boolean;
  /** Số người sử dụng: what NĐ 85 Art. 8.2 and 9.2 measure against 10,000. */
  userCount: number | null;
  stateSecretGrade: (typeof SECRET_GRADES)[number];
  securityHarm: (typeof SECURITY_HARMS)[number];
  onlineServiceLevel: number;
  conditionalBusiness: boolean;
  infrastructureScope: (typeof INFRA_SCOPES)[number];
  icsWorksGrade: (typeof ICS_WORKS_GRADES)[number];
  national24x7: boolean;
  nationalDatabase: boolean;
  nationalSecurityWorks: boolean;
  internationalInterconnect: boolean;
  criticalList: boolean;
};

export type Host = { hostname: string | null; address: string };
export type Software = { name: string; vendor: string | null; version: string | null; cpe: string | null };

export type SystemInput = Classification & {
  organisationId: string;
  code: string | null;
  name: string;
  purpose: string | null;
  usersDescription: string | null;
  hosting: string | null;
  ownerName: string | null;
  operatorName: string | null;
  /** Ngày đưa vào vận hành (yyyy-mm-dd): from when the system counts in targets; null = from its registration. */
  inServiceFrom: string | null;
  hosts: Host[];
  software: Software[];
};

export const CLASSIFICATION_HINTS = ['secret_grade_is_evidence', 'user_count_missing'] as const;

export type Suggestion = {
  /** The day whose criteria were applied. */
  on: string;
  level: number | null;
  ruleId: string | null;
  legalBasis: string | null;
  vi: string | null;
  en: string | null;
  matchedRuleIds: string[];
  hints: (typeof CLASSIFICATION_HINTS)[number][];
};

/** A rule as it applies on a day (src/modules/rules/rule-book.ts AppliedRule), with the data of its kind. */
export type AppliedRule<D = Record<string, unknown>> = {
  id: string;
  kind: string;
  key: string;
  validFrom: string;
  validTo: string | null;
  /** The citation, e.g. "NĐ 85/2016/NĐ-CP, Điều 12 khoản 2". */
  legalBasis: string;
  vi: string;
  en: string;
  confirmed: boolean;
  note: string | null;
  origin: 'national' | 'province';
  data: D;
};

/** GET /api/rules: every version, marking those that apply on the day asked. */
export type ListedRule<D = Record<string, unknown>> = AppliedRule<D> & { appliesOn: boolean };

export type PlanSummary = { applicable: number; done: number; percent: number; fullyImplemented: boolean };

export type SystemView = SystemInput & {
  id: string;
  organisationCode: string;
  organisationName: string;
  createdAt: string;
  updatedAt: string;
  suggestion: Suggestion;
  status: {
    dossier: {
      id: string;
      state: DossierState;
      level: number;
      decisionNumber: string | null;
      decisionDate: string | null;
    } | null;
    approvedLevel: number | null;
    approvedOn: string | null;
    plan: PlanSummary;
  };
};

/** A competent body as recorded for a period (src/modules/rules/rule-book.ts Body). */
export type Body = {
  code: string;
  role: string;
  name: string;
  shortName: string;
  organisationCode: string | null;
  validFrom: string;
  validTo: string | null;
  legalBasis: string;
  confirmed: boolean;
  note: string | null;
};

/** A role of a rule resolved to the body holding it on the day (body null: none on record, the role's words). */
export type Party = { role: string; vi: string; en: string; body: Body | null };

/** Who appraises and approves a dossier under the rule of its day (src/modules/rules/authority.ts). */
export type Authority = {
  level: number;
  on: string;
  ownerKind: 'local' | 'ministry';
  owner: Party;
  appraisers: Party[];
  approver: Party;
  listApprover: Party | null;
  appraisalDays: number | null;
  approvalWorkingDays: number;
  appraisalRequired: boolean;
  specialisedOpinionRequired: boolean;
  legalBasis: string;
  rule: AppliedRule;
};

/** A document NĐ 85 requires in a level's dossier, and whether one is attached. */
export type DossierComponent = {
  component: string;
  requiredAt: 'submission' | 'approval';
  vi: string;
  en: string;
  legalBasis: string;
  confirmed: boolean;
  attached: boolean;
};

export type DossierSummary = {
  id: string;
  systemId: string;
  state: DossierState;
  level: number;
  suggestedLevel: number | null;
  suggestedRuleId: string | null;
  reason: string | null;
  submittedAt: string | null;
  acceptedAt: string | null;
  appraisalRef: string | null;
  appraisedAt: string | null;
  returnComment: string | null;
  decisionNumber: string | null;
  decisionDate: string | null;
  approvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  systemName: string;
  organisationId: string;
  organisationName: string;
  authority: Authority | null;
  components: DossierComponent[];
  appraisalDue: string | null;
  approvalDue: string | null;
  overdue: boolean;
};

export type DossierEvent = {
  id: string;
  action: string;
  fromState: DossierState | null;
  toState: DossierState;
  actorName: string;
  comment: string | null;
  details: Record<string, unknown> | null;
  at: string;
  /** The step's legal date: the decision's date for an approval, the day it was taken otherwise. */
  effectiveOn: string;
};

export type Attachment = {
  id: string;
  filename: string;
  /** The dossier component this document is, or null for another document. */
  component: string | null;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
};

export type DossierDetail = DossierSummary & { history: DossierEvent[]; attachments: Attachment[] };

export type DossierAction = 'submit' | 'resubmit' | 'accept' | 'return' | 'record_appraisal' | 'approve';

export type Plan = {
  systemId: string;
  level: number | null;
  /** The day whose checklist this is. */
  on: string;
  summary: PlanSummary;
  groups: {
    code: string;
    kind: 'management' | 'technical';
    vi: string;
    en: string;
    confirmed: boolean;
    legalBasis: string;
    items: {
      code: string;
      vi: string;
      en: string;
      legalBasis: string;
      minLevel: number;
      required: boolean;
      status: PlanItemStatus;
      evidence: string | null;
      reason: string | null;
    }[];
  }[];
};

export type LayerGap = 'missing' | 'partial' | 'inspection_unscheduled' | 'inspection_overdue';

export type Layers = {
  systemId: string;
  legalBasis: string | null;
  layers: {
    layer: number;
    vi: string;
    en: string;
    legalBasis: string;
    status: LayerStatus;
    provider: string | null;
    evidence: string | null;
    lastInspectionDate: string | null;
    /** Computed: the last inspection plus the period for the approved level (never sent back). */
    nextInspectionDate: string | null;
    inspectionPeriodMonths: number | null;
    inspectionBasis: string | null;
    gaps: LayerGap[];
  }[];
};

export type TargetSummary = {
  id: string;
  title: string;
  kind: TargetKind;
  deadline: string;
  organisationId: string | null;
  legalBasis: string | null;
  /** The day the figures stand on. */
  asOf: string;
  total: number;
  /** Met by the deadline (or by `asOf` while the deadline is ahead). */
  met: number;
  /** Met after the deadline, by `asOf`: shown apart, not counted as done. */
  late: number;
  notMet: number;
  /** Share met by the deadline; null when no system is covered. */
  percent: number | null;
  percentWithLate: number | null;
  /** The deadline is before `asOf`. */
  deadlinePassed: boolean;
  overdue: boolean;
};

export type TargetProgress = TargetSummary & {
  byOrganisation: {
    organisationId: string;
    code: string;
    name: string;
    parentId: string | null;
    total: number;
    met: number;
    late: number;
    percent: number | null;
  }[];
  holdingBack: {
    systemId: string;
    systemName: string;
    organisationId: string;
    organisationName: string;
    /** Met after the deadline. */
    late: boolean;
    dossierState: DossierState | null;
    approvedLevel: number | null;
    approvedOn: string | null;
    planPercent: number;
    accountableHead: { name: string | null; title: string | null; email: string | null };
  }[];
};

export type Notification = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
};

export const STATE_BADGE: Record<DossierState, string> = {
  draft: 'badge-neutral',
  submitted: 'badge-warn',
  under_appraisal: 'badge-warn',
  returned: 'badge-bad',
  approved: 'badge-good',
};

export const SYSTEMS_PATH = '/systems';
export const systemPath = (id: string, tab?: string) =>
  `/systems/view?id=${encodeURIComponent(id)}${tab ? `&tab=${tab}` : ''}`;
export const editPath = (id?: string) => (id ? `/systems/edit?id=${encodeURIComponent(id)}` : '/systems/edit');

/**
 * The server's notification links name a system as /systems/<id>[/<tab>]; the UI's routes are flat, so turn them
 * into the detail page with the tab in the query.
 */
export function notificationHref(link: string | null): string | null {
  if (!link) return null;
  const m = /^\/systems\/([0-9a-f-]{36})(?:\/(\w+))?$/.exec(link);
  if (m?.[1]) return systemPath(m[1], m[2]);
  return link;
}

/** A percentage as the reader's locale writes it (12,5 % / 12.5%); '—' when there is nothing to count. */
export function formatPercent(value: number | null, lang: string): string {
  if (value === null) return '—';
  return `${new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 }).format(value)}%`;
}

/** Picks the Vietnamese or English text of a bilingual record. */
export const pick = (lang: string, vi: string | null | undefined, en: string | null | undefined) =>
  (lang === 'en' ? en || vi : vi || en) ?? '';

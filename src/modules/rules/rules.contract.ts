import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { zDay, zInstant } from '../../core/contract.ts';
import { BODY_ROLES, RULE_KIND_NAMES, RULE_KINDS, type RuleKind } from './kinds.ts';
import { calendarDays, legalRules } from './rules.schema.ts';

/** What the rules routes answer (the web client's types are generated from these). */
export const ZRuleKind = z.enum(RULE_KIND_NAMES as [RuleKind, ...RuleKind[]]).meta({ id: 'RuleKind' });
export const ZBodyRole = z.enum(BODY_ROLES).meta({ id: 'BodyRole' });
/** Shipped national data, or the province's own row. */
export const ZRuleOrigin = z.enum(legalRules.origin.enumValues).meta({ id: 'RuleOrigin' });
export const ZCalendarDayKind = z.enum(calendarDays.kind.enumValues).meta({ id: 'CalendarDayKind' });

/** Where a rule comes from: document, article, clause, point. */
export const ZLegalBasis = z
  .object({
    document: z.string(),
    article: z.string().optional(),
    clause: z.string().optional(),
    point: z.string().optional(),
  })
  .meta({ id: 'LegalBasis' });

/**
 * The condition of a level criterion (conditions.ts), recursive: named so the description can refer to it (an unnamed
 * recursive schema has no valid reference in the OpenAPI document). The instance kinds.ts uses is registered itself,
 * since `.meta()` would name a copy that the recursion does not go through.
 */
z.globalRegistry.add(RULE_KINDS.level_criterion.shape.when, { id: 'RuleCondition' });

/**
 * A rule's `data`: the shape of its kind (kinds.ts RULE_KINDS). Each kind's shape keeps unlisted keys, so a value
 * that also fits an earlier kind's shape (a checklist item and a checklist group) loses nothing.
 */
const ZRuleData = z.union(RULE_KIND_NAMES.map((k) => RULE_KINDS[k].loose()));

const ruleFields = {
  id: z.string(),
  kind: ZRuleKind,
  key: z.string(),
  validFrom: zDay,
  validTo: zDay.nullable(),
  basis: ZLegalBasis,
  legalBasis: z.string().describe('The citation as officials write it, e.g. "NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm c"'),
  vi: z.string(),
  en: z.string(),
  /** false where the wording or numbering was reconstructed rather than read in the source. */
  confirmed: z.boolean(),
  note: z.string().nullable(),
  origin: ZRuleOrigin,
};

/** One version of a rule with its text and legal basis (rule-book.ts AppliedRule). */
export const ZRule = z.object({ ...ruleFields, data: ZRuleData }).meta({ id: 'Rule' });

/** GET /api/rules: every version, marking those that apply on the day asked. */
export const ZListedRule = ZRule.extend({ appliesOn: z.boolean() }).meta({ id: 'ListedRule' });

/** A province rule as stored (the row POST /api/rules adds); `data` is shaped by its kind, as in `Rule`. */
export const ZLegalRuleRow = createSelectSchema(legalRules, {
  origin: ZRuleOrigin,
  validFrom: zDay,
  validTo: zDay.nullable(),
  data: z.unknown().describe('Shaped by the kind, as in Rule.data'),
  createdAt: zInstant,
}).meta({ id: 'LegalRuleRow' });

/** A competent body, in one version (rule-book.ts Body). */
export const ZCompetentBody = z
  .object({
    code: z.string(),
    role: ZBodyRole,
    name: z.string(),
    shortName: z.string(),
    /** The body's unit in the organisation tree, by code, when it is one. */
    organisationCode: z.string().nullable(),
    validFrom: zDay,
    validTo: zDay.nullable(),
    legalBasis: z.string(),
    confirmed: z.boolean(),
    note: z.string().nullable(),
  })
  .meta({ id: 'CompetentBody' });

/**
 * A role a rule names, with the body holding it on the day (null when none is on record: the role's words). No id of
 * its own: systems.contract.ts names the same shape 'AuthorityParty' for the dossier rules.
 */
export const ZAuthorityParty = z.object({
  role: ZBodyRole,
  vi: z.string(),
  en: z.string(),
  body: ZCompetentBody.nullable(),
});

/** Who appraises and who approves a level dossier on a day (authority.ts Authority). */
export const ZLevelAuthority = z
  .object({
    level: z.number().int(),
    on: zDay,
    ownerKind: z.enum(['local', 'ministry']),
    owner: ZAuthorityParty,
    appraisers: z.array(ZAuthorityParty),
    approver: ZAuthorityParty,
    listApprover: ZAuthorityParty.nullable(),
    appraisalDays: z.number().int().nullable(),
    approvalWorkingDays: z.number().int(),
    appraisalRequired: z.boolean(),
    specialisedOpinionRequired: z.boolean(),
    legalBasis: z.string(),
    rule: z.object({ ...ruleFields, kind: z.literal('dossier_authority'), data: RULE_KINDS.dossier_authority }),
    ownerRule: z.object({ ...ruleFields, kind: z.literal('owner_rule'), data: RULE_KINDS.owner_rule }).nullable(),
  })
  .meta({ id: 'LevelAuthority' });

/** A day that breaks the Monday–Friday week. */
export const ZCalendarDay = z
  .object({
    date: zDay,
    kind: ZCalendarDayKind,
    name: z.string(),
    legalBasis: z.string(),
    confirmed: z.boolean(),
  })
  .meta({ id: 'CalendarDay' });

export const ZCalendarYear = z
  .object({
    year: z.number().int(),
    /** Whether the data lists anything in the year (if not, its holidays are missing: due dates are approximate). */
    covered: z.boolean(),
    days: z.array(ZCalendarDay),
  })
  .meta({ id: 'CalendarYear' });

/** How many rows a province edit wrote. */
export const ZSaved = z.object({ saved: z.number().int() });

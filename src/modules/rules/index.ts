// The rules module's public face: the law as dated data (rules, competent bodies, working-day calendar).
export { type Authority, authorityFor, type Party, roleLabel } from './authority.ts';
export { type Answers, type Condition, evaluate } from './conditions.ts';
export {
  BODY_ROLES,
  type BodyRole,
  CLOCK_UNITS,
  type ClockUnit,
  citation,
  INCIDENT_CLOCKS,
  INSPECTION_CONTENTS,
  type IncidentClock,
  type InspectionContent,
  type LegalBasis,
  PROGRAMME_INDICATORS,
  RULE_KINDS,
  type RuleKind,
} from './kinds.ts';
export { type AppliedRule, type Body, forgetRuleBook, RuleBook, ruleBook } from './rule-book.ts';
export { ZLegalBasis, ZLevelAuthority, ZRuleOrigin } from './rules.contract.ts';
export { registerRulesRoutes } from './rules.routes.ts';
export {
  addProvinceRule,
  listRules,
  ruleBookFromFiles,
  saveBodies,
  saveCalendarDays,
  syncBuiltinRules,
} from './rules.service.ts';

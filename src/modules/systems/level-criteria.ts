import { type Answers, evaluate, type RuleBook } from '../rules/index.ts';

/**
 * The classification aid over the level criteria of NĐ 85/2016 Art. 7–11, which are rules (`level_criterion`,
 * rules/nd85-2016.json) and so change with the law's date: it proposes the highest level whose criterion matches
 * the answers on a day, citing the first matching criterion of that level (data order, most specific first).
 * Composite systems (max of components) are classified per component by registering each component.
 */
export type ClassificationAnswers = {
  systemType: string;
  infoPublic: boolean;
  infoPrivate: boolean;
  infoPersonal: boolean;
  userCount: number | null;
  stateSecretGrade: string;
  securityHarm: string;
  onlineServiceLevel: number;
  conditionalBusiness: boolean;
  infrastructureScope: string;
  icsWorksGrade: string;
  national24x7: boolean;
  nationalDatabase: boolean;
  nationalSecurityWorks: boolean;
  internationalInterconnect: boolean;
  criticalList: boolean;
};

/** Something the officer should know about the answers that no criterion says (shown beside the suggestion). */
export const CLASSIFICATION_HINTS = ['secret_grade_is_evidence', 'user_count_missing'] as const;

export type LevelSuggestion = {
  /** The day whose criteria were applied. */
  on: string;
  /** null when no criterion matched: the officer proposes a level with a written reason. */
  level: number | null;
  ruleId: string | null;
  legalBasis: string | null;
  vi: string | null;
  en: string | null;
  matchedRuleIds: string[];
  hints: (typeof CLASSIFICATION_HINTS)[number][];
};

export function suggestLevel(book: RuleBook, answers: ClassificationAnswers, on: string): LevelSuggestion {
  const matched = book.on('level_criterion', on).filter((r) => evaluate(r.data.when, answers as unknown as Answers));
  const top = matched.reduce<(typeof matched)[number] | null>(
    (best, r) => (!best || r.data.level > best.data.level ? r : best),
    null,
  );
  const hints: LevelSuggestion['hints'] = [];
  // A secrecy grade does not decide a level: the harm if the system is sabotaged does (Art. 9–11 clause 1).
  if (answers.stateSecretGrade !== 'none' && answers.securityHarm === 'none') hints.push('secret_grade_is_evidence');
  if (
    answers.systemType === 'public_service' &&
    (answers.infoPrivate || answers.infoPersonal) &&
    answers.userCount === null
  )
    hints.push('user_count_missing');
  return {
    on,
    level: top?.data.level ?? null,
    ruleId: top?.key ?? null,
    legalBasis: top?.legalBasis ?? null,
    vi: top?.vi ?? null,
    en: top?.en ?? null,
    matchedRuleIds: matched.map((r) => r.key),
    hints,
  };
}

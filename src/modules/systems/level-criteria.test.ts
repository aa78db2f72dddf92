import { describe, expect, it } from 'vitest';
import { type ClassificationAnswers, LEVEL_RULES, suggestLevel } from './level-criteria.ts';

const base: ClassificationAnswers = {
  systemType: 'internal',
  infoPublic: true,
  infoPrivate: false,
  infoPersonal: false,
  personalDataSubjects: null,
  stateSecretGrade: 'none',
  onlineServiceLevel: 0,
  conditionalBusiness: false,
  infrastructureScope: 'none',
  icsWorksGrade: 'none',
  national24x7: false,
  nationalDatabase: false,
  internationalInterconnect: false,
  criticalList: false,
};
const portal: Partial<ClassificationAnswers> = { systemType: 'public_service' };

/** One realistic system per rule: [expected level, deciding rule, answers]. */
const CASES: [number, string, Partial<ClassificationAnswers>][] = [
  [5, 'nd85-l5-secret', { stateSecretGrade: 'tuyet_mat' }],
  [5, 'nd85-l5-national-db', { systemType: 'infrastructure', nationalDatabase: true }],
  [5, 'nd85-l5-international', { systemType: 'infrastructure', internationalInterconnect: true }],
  [5, 'nd85-l5-ics-special', { systemType: 'industrial_control', icsWorksGrade: 'special' }],
  [5, 'nd85-l5-critical-list', { criticalList: true }],
  [4, 'nd85-l4-secret', { stateSecretGrade: 'toi_mat' }],
  [4, 'nd85-l4-national-egov', { ...portal, national24x7: true, onlineServiceLevel: 4 }],
  [4, 'nd85-l4-national-infra', { systemType: 'infrastructure', infrastructureScope: 'national' }],
  [4, 'nd85-l4-ics-grade-i', { systemType: 'industrial_control', icsWorksGrade: 'I' }],
  [3, 'nd85-l3-secret', { stateSecretGrade: 'mat', infoPrivate: true }],
  [3, 'nd85-l3-dvc-3', { ...portal, onlineServiceLevel: 4, infoPersonal: true, personalDataSubjects: 50_000 }],
  [3, 'nd85-l3-conditional-business', { ...portal, conditionalBusiness: true }],
  [3, 'nd85-l3-personal-10k', { ...portal, infoPersonal: true, personalDataSubjects: 10_000 }],
  [3, 'nd85-l3-shared-infra', { systemType: 'infrastructure', infrastructureScope: 'sector_or_provinces' }],
  [3, 'nd85-l3-ics-grade-ii-iv', { systemType: 'industrial_control', icsWorksGrade: 'III' }],
  [2, 'nd85-l2-internal-private', { infoPrivate: true, infoPersonal: true, personalDataSubjects: 300 }],
  [
    2,
    'nd85-l2-personal-under-10k',
    { ...portal, infoPersonal: true, personalDataSubjects: 9_999, onlineServiceLevel: 2 },
  ],
  [2, 'nd85-l2-dvc-1-2', { ...portal, onlineServiceLevel: 2 }],
  [2, 'nd85-l2-unconditional-service', { ...portal }],
  [2, 'nd85-l2-agency-infra', { systemType: 'infrastructure', infrastructureScope: 'one_agency' }],
  [1, 'nd85-l1-internal-public', {}],
];

describe('level criteria (NĐ 85/2016 Art. 7–11)', () => {
  it.each(CASES)('proposes level %i by rule %s', (level, ruleId, answers) => {
    const s = suggestLevel({ ...base, ...answers }, '2024-06-15');
    expect(s.level).toBe(level);
    expect(s.ruleId).toBe(ruleId);
    expect(s.legalBasis).toMatch(/^NĐ 85\/2016\/NĐ-CP, Điều (7|8|9|10|11)\b/);
  });

  it('has a case for every rule', () => {
    expect(CASES.map((c) => c[1]).sort()).toEqual(LEVEL_RULES.map((r) => r.id).sort());
  });

  it('proposes the highest level when several criteria match, and none when nothing matches', () => {
    const s = suggestLevel({ ...base, ...portal, onlineServiceLevel: 3, stateSecretGrade: 'toi_mat' }, '2024-06-15');
    expect([s.level, s.ruleId]).toEqual([4, 'nd85-l4-secret']);
    expect(s.matchedRuleIds).toContain('nd85-l3-dvc-3');
    expect(suggestLevel({ ...base, systemType: 'other' }, '2024-06-15').level).toBeNull();
  });

  it('applies only the rules in force on the date', () => {
    expect(suggestLevel(base, '2016-06-30').level).toBeNull();
    const closed = LEVEL_RULES.map((r) => (r.level === 1 ? { ...r, validTo: '2024-12-31' } : r));
    expect(suggestLevel(base, '2024-12-31', closed).level).toBe(1);
    expect(suggestLevel(base, '2025-01-01', closed).level).toBeNull();
  });
});

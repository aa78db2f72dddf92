import { describe, expect, it } from 'vitest';
import { RuleBook, ruleBookFromFiles } from '../rules/index.ts';
import { type ClassificationAnswers, suggestLevel } from './level-criteria.ts';

const book = ruleBookFromFiles();
const base: ClassificationAnswers = {
  systemType: 'internal',
  infoPublic: true,
  infoPrivate: false,
  infoPersonal: false,
  userCount: null,
  stateSecretGrade: 'none',
  securityHarm: 'none',
  onlineServiceLevel: 0,
  conditionalBusiness: false,
  infrastructureScope: 'none',
  icsWorksGrade: 'none',
  national24x7: false,
  nationalDatabase: false,
  nationalSecurityWorks: false,
  internationalInterconnect: false,
  criticalList: false,
};
const portal: Partial<ClassificationAnswers> = { systemType: 'public_service' };
const nationalInfra: Partial<ClassificationAnswers> = { systemType: 'infrastructure', infrastructureScope: 'national' };

/** One realistic system per criterion of rules/nd85-2016.json: [expected level, deciding rule, answers]. */
const CASES: [number, string, Partial<ClassificationAnswers>][] = [
  [5, 'nd85-l5-harm', { stateSecretGrade: 'tuyet_mat', securityHarm: 'especially_serious' }],
  [5, 'nd85-l5-vital-data', { systemType: 'infrastructure', nationalDatabase: true }],
  [5, 'nd85-l5-international', { ...nationalInfra, internationalInterconnect: true }],
  [5, 'nd85-l5-ics', { systemType: 'industrial_control', icsWorksGrade: 'special' }],
  [5, 'nd85-l5-pm-decision', { criticalList: true }],
  [4, 'nd85-l4-harm', { securityHarm: 'serious' }],
  [4, 'nd85-l4-national-system', { ...portal, national24x7: true, onlineServiceLevel: 4 }],
  [4, 'nd85-l4-national-infra', { ...nationalInfra, national24x7: true }],
  [4, 'nd85-l4-ics-grade-i', { systemType: 'industrial_control', icsWorksGrade: 'I' }],
  [3, 'nd85-l3-harm', { stateSecretGrade: 'mat', securityHarm: 'harm', infoPrivate: true }],
  [3, 'nd85-l3-online-service', { ...portal, onlineServiceLevel: 4, infoPersonal: true, userCount: 50_000 }],
  [3, 'nd85-l3-conditional-business', { ...portal, conditionalBusiness: true }],
  [3, 'nd85-l3-users-10k', { ...portal, infoPrivate: true, userCount: 10_000 }],
  [3, 'nd85-l3-shared-infra', { systemType: 'infrastructure', infrastructureScope: 'sector_or_provinces' }],
  [3, 'nd85-l3-ics-grade-ii-iv', { systemType: 'industrial_control', icsWorksGrade: 'III' }],
  [2, 'nd85-l2-internal-private', { infoPrivate: true, infoPersonal: true, userCount: 300 }],
  [2, 'nd85-l2-users-under-10k', { ...portal, infoPersonal: true, userCount: 9_999, onlineServiceLevel: 2 }],
  [2, 'nd85-l2-online-service', { ...portal, onlineServiceLevel: 2 }],
  [2, 'nd85-l2-unconditional-service', { ...portal }],
  [2, 'nd85-l2-agency-infra', { systemType: 'infrastructure', infrastructureScope: 'one_agency' }],
  [1, 'nd85-l1-internal-public', {}],
];

describe('level criteria (NĐ 85/2016 Art. 7–11) as dated rules', () => {
  it.each(CASES)('proposes level %i by rule %s', (level, ruleId, answers) => {
    const s = suggestLevel(book, { ...base, ...answers }, '2024-06-15');
    expect([s.level, s.ruleId]).toEqual([level, ruleId]);
    expect(s.legalBasis).toMatch(/^NĐ 85\/2016\/NĐ-CP, Điều (7|8|9|10|11)\b/);
  });

  it('has a case for every criterion', () => {
    expect(CASES.map((c) => c[1]).sort()).toEqual(
      book
        .on('level_criterion', '2024-06-15')
        .map((r) => r.key)
        .sort(),
    );
  });

  it('applies the corrections of the review (users, private or personal, harm, Art. 10.3, 11.3, 11.4)', () => {
    const at = (a: Partial<ClassificationAnswers>) => suggestLevel(book, { ...base, ...a }, '2024-06-15');
    // Users are counted, for private as well as personal information (Art. 9.2.c).
    expect(at({ ...portal, infoPrivate: true, userCount: 12_000, conditionalBusiness: true }).level).toBe(3);
    // A secrecy grade alone decides nothing: it is evidence for the harm criterion, and the aid says so.
    const secret = at({ stateSecretGrade: 'toi_mat' });
    expect(secret.level).toBeNull();
    expect(secret.hints).toContain('secret_grade_is_evidence');
    // Nationwide shared infrastructure is level 4 only when it must run 24/7 without unplanned downtime (Art. 10.3).
    expect(at(nationalInfra).level).toBeNull();
    // An international link is level 5 only for national infrastructure (Art. 11.3), not for any system.
    expect(at({ ...portal, internationalInterconnect: true }).level).toBe(2);
    // Industrial control of a works important to national security is level 5 (Art. 11.4).
    expect(at({ systemType: 'industrial_control', nationalSecurityWorks: true }).ruleId).toBe('nd85-l5-ics');
  });

  it('proposes the highest level when several criteria match, and none when nothing matches', () => {
    const s = suggestLevel(book, { ...base, ...portal, onlineServiceLevel: 3, securityHarm: 'serious' }, '2024-06-15');
    expect([s.level, s.ruleId]).toEqual([4, 'nd85-l4-harm']);
    expect(s.matchedRuleIds).toContain('nd85-l3-online-service');
    expect(suggestLevel(book, { ...base, systemType: 'other' }, '2024-06-15').level).toBeNull();
  });

  it('applies only the rules in force on the date, and a province row from its own date', () => {
    expect(suggestLevel(book, base, '2016-06-30').level).toBeNull();
    const l1 = book.on('level_criterion', '2024-01-01').find((r) => r.key === 'nd85-l1-internal-public');
    if (!l1) throw new Error('missing rule');
    const row = (
      over: Partial<{ validFrom: string; validTo: string | null; origin: 'national' | 'province' }>,
      id: string,
    ) => ({
      id,
      kind: l1.kind,
      key: l1.key,
      validFrom: l1.validFrom,
      validTo: null,
      document: l1.basis.document,
      article: l1.basis.article ?? null,
      clause: null,
      point: null,
      textVi: l1.vi,
      textEn: l1.en,
      data: l1.data,
      confirmed: true,
      note: null,
      origin: 'national' as const,
      ruleSet: null,
      createdBy: null,
      createdAt: new Date(0),
      ...over,
    });
    // The province supersedes the criterion from 2025-01-01 with a stricter reading: level 2 for the same answers.
    const mine = new RuleBook(
      [row({}, 'a'), { ...row({ validFrom: '2025-01-01', origin: 'province' }, 'b'), data: { ...l1.data, level: 2 } }],
      [],
      [],
    );
    expect(suggestLevel(mine, base, '2024-12-31').level).toBe(1);
    expect(suggestLevel(mine, base, '2025-01-01').level).toBe(2);
  });
});

import { type Answers, type Condition, type EffectiveDated, effectiveOn, evaluate } from './conditions.ts';

/**
 * Tiêu chí xác định cấp độ — the level criteria of NĐ 85/2016/NĐ-CP Art. 7–11, as data. The classification aid
 * proposes the highest level whose rule matches the answers; the first matching rule of that level (in table order,
 * most specific first) is cited as the one that decided it.
 *
 * Reviewers: the articles (Điều 7–11) are confirmed; the khoản/điểm numbering was reconstructed from the decree's
 * structure and is (unconfirmed). Mapping of state-secret grades (Mật / Tối mật / Tuyệt mật) to the decree's
 * "harm / serious harm / especially serious harm" is (inferred). The DVC scale is the pre-NĐ 42/2022 "mức độ 1–4";
 * mapping "một phần" = 3 and "toàn trình" = 4 is (unconfirmed). The rules are valid from NĐ 85's entry into force;
 * when the levels decree under the 2025 Cybersecurity Law is confirmed, close them with validTo and add its rules.
 * Composite systems (max of components) are classified per component by registering each component.
 */
export type LevelRule = EffectiveDated & {
  id: string;
  level: 1 | 2 | 3 | 4 | 5;
  legalBasis: string;
  vi: string;
  en: string;
  when: Condition;
};

/** The answer fields the conditions read (the registry's classification columns). */
export type ClassificationAnswers = {
  systemType: string;
  infoPublic: boolean;
  infoPrivate: boolean;
  infoPersonal: boolean;
  personalDataSubjects: number | null;
  stateSecretGrade: string;
  onlineServiceLevel: number;
  conditionalBusiness: boolean;
  infrastructureScope: string;
  icsWorksGrade: string;
  national24x7: boolean;
  nationalDatabase: boolean;
  internationalInterconnect: boolean;
  criticalList: boolean;
};

const ND85 = 'NĐ 85/2016/NĐ-CP';
const FROM = '2016-07-01';
const is = (field: keyof ClassificationAnswers, eq: string | number | boolean) => ({ field, eq });
const noSecret = is('stateSecretGrade', 'none');
const publicFacing = is('systemType', 'public_service');
const rule = (
  id: string,
  level: LevelRule['level'],
  article: string,
  vi: string,
  en: string,
  when: Condition,
): LevelRule => ({
  id,
  level,
  legalBasis: `${ND85}, ${article}`,
  vi,
  en,
  when,
  validFrom: FROM,
  validTo: null,
});

export const LEVEL_RULES: LevelRule[] = [
  rule(
    'nd85-l5-secret',
    5,
    'Điều 11 khoản 1',
    'Xử lý thông tin bí mật nhà nước độ Tuyệt mật (tổn hại đặc biệt nghiêm trọng)',
    'Processes top-secret state information (especially serious harm)',
    is('stateSecretGrade', 'tuyet_mat'),
  ),
  rule(
    'nd85-l5-national-db',
    5,
    'Điều 11 khoản 2',
    'Hệ thống cơ sở dữ liệu quốc gia',
    'Central store of vital national data',
    is('nationalDatabase', true),
  ),
  rule(
    'nd85-l5-international',
    5,
    'Điều 11 khoản 3',
    'Kết nối liên thông quốc tế',
    'International interconnection',
    is('internationalInterconnect', true),
  ),
  rule(
    'nd85-l5-ics-special',
    5,
    'Điều 11 khoản 4',
    'Điều khiển công nghiệp phục vụ công trình cấp đặc biệt',
    'Industrial control of a special-grade works',
    is('icsWorksGrade', 'special'),
  ),
  rule(
    'nd85-l5-critical-list',
    5,
    'Điều 11 khoản 5',
    'Thuộc danh mục hệ thống thông tin quan trọng quốc gia do Thủ tướng quyết định',
    'On the Prime Minister’s list of critical information systems',
    is('criticalList', true),
  ),
  rule(
    'nd85-l4-secret',
    4,
    'Điều 10 khoản 1',
    'Xử lý thông tin bí mật nhà nước độ Tối mật (tổn hại nghiêm trọng)',
    'Processes very-secret state information (serious harm)',
    is('stateSecretGrade', 'toi_mat'),
  ),
  rule(
    'nd85-l4-national-egov',
    4,
    'Điều 10 khoản 2',
    'Hệ thống thông tin quốc gia phục vụ Chính phủ điện tử, vận hành 24/7',
    'National e-Government system operating 24/7',
    { all: [is('national24x7', true), { not: is('systemType', 'infrastructure') }] },
  ),
  rule(
    'nd85-l4-national-infra',
    4,
    'Điều 10 khoản 3',
    'Hạ tầng thông tin dùng chung phạm vi toàn quốc, vận hành 24/7',
    'Nationwide shared information infrastructure operating 24/7',
    { all: [is('systemType', 'infrastructure'), is('infrastructureScope', 'national')] },
  ),
  rule(
    'nd85-l4-ics-grade-i',
    4,
    'Điều 10 khoản 4',
    'Điều khiển công nghiệp phục vụ công trình cấp I',
    'Industrial control of a grade I works',
    is('icsWorksGrade', 'I'),
  ),
  rule(
    'nd85-l3-secret',
    3,
    'Điều 9 khoản 1',
    'Xử lý thông tin bí mật nhà nước độ Mật (gây tổn hại)',
    'Processes confidential state information (harm)',
    is('stateSecretGrade', 'mat'),
  ),
  rule(
    'nd85-l3-dvc-3',
    3,
    'Điều 9 khoản 2 điểm a',
    'Cung cấp dịch vụ công trực tuyến mức độ 3 trở lên',
    'Online public services at level 3 or above',
    { all: [publicFacing, { field: 'onlineServiceLevel', gte: 3 }] },
  ),
  rule(
    'nd85-l3-conditional-business',
    3,
    'Điều 9 khoản 2 điểm b',
    'Cung cấp dịch vụ trực tuyến thuộc danh mục ngành nghề kinh doanh có điều kiện',
    'Online services in a conditional line of business',
    { all: [publicFacing, is('conditionalBusiness', true)] },
  ),
  rule(
    'nd85-l3-personal-10k',
    3,
    'Điều 9 khoản 2 điểm c',
    'Xử lý thông tin cá nhân của từ 10.000 người sử dụng trở lên',
    'Personal data of 10,000 or more users',
    { all: [publicFacing, is('infoPersonal', true), { field: 'personalDataSubjects', gte: 10_000 }] },
  ),
  rule(
    'nd85-l3-shared-infra',
    3,
    'Điều 9 khoản 3',
    'Hạ tầng thông tin dùng chung của một ngành, một hoặc nhiều tỉnh',
    'Shared infrastructure of a sector or one or more provinces',
    { all: [is('systemType', 'infrastructure'), is('infrastructureScope', 'sector_or_provinces')] },
  ),
  rule(
    'nd85-l3-ics-grade-ii-iv',
    3,
    'Điều 9 khoản 4',
    'Điều khiển công nghiệp phục vụ công trình cấp II, III, IV',
    'Industrial control of a grade II–IV works',
    { field: 'icsWorksGrade', in: ['II', 'III', 'IV'] },
  ),
  rule(
    'nd85-l2-internal-private',
    2,
    'Điều 8 khoản 1',
    'Phục vụ nội bộ, có xử lý thông tin riêng hoặc thông tin cá nhân, không có bí mật nhà nước',
    'Internal, processes private or personal information, no state secret',
    {
      all: [is('systemType', 'internal'), noSecret, { any: [is('infoPrivate', true), is('infoPersonal', true)] }],
    },
  ),
  rule(
    'nd85-l2-personal-under-10k',
    2,
    'Điều 8 khoản 2 điểm c',
    'Dịch vụ trực tuyến xử lý thông tin cá nhân của dưới 10.000 người sử dụng',
    'Online service processing personal data of fewer than 10,000 users',
    { all: [publicFacing, is('infoPersonal', true), { field: 'personalDataSubjects', lt: 10_000 }] },
  ),
  rule(
    'nd85-l2-dvc-1-2',
    2,
    'Điều 8 khoản 2 điểm a',
    'Cung cấp dịch vụ công trực tuyến mức độ 2 trở xuống',
    'Online public services at level 2 or below',
    { all: [publicFacing, { field: 'onlineServiceLevel', in: [1, 2] }] },
  ),
  rule(
    'nd85-l2-unconditional-service',
    2,
    'Điều 8 khoản 2 điểm b',
    'Cung cấp dịch vụ trực tuyến không thuộc danh mục kinh doanh có điều kiện',
    'Online services outside the conditional lines of business',
    { all: [publicFacing, is('conditionalBusiness', false)] },
  ),
  rule(
    'nd85-l2-agency-infra',
    2,
    'Điều 8 khoản 3',
    'Hạ tầng thông tin phục vụ hoạt động của một cơ quan, tổ chức',
    'Information infrastructure of a single agency',
    { all: [is('systemType', 'infrastructure'), is('infrastructureScope', 'one_agency')] },
  ),
  rule(
    'nd85-l1-internal-public',
    1,
    'Điều 7',
    'Phục vụ nội bộ, chỉ xử lý thông tin công cộng',
    'Internal, public information only',
    {
      all: [is('systemType', 'internal'), noSecret, is('infoPrivate', false), is('infoPersonal', false)],
    },
  ),
];

export type LevelSuggestion = {
  /** null when no rule matched: the officer proposes a level with a written reason. */
  level: number | null;
  ruleId: string | null;
  legalBasis: string | null;
  vi: string | null;
  en: string | null;
  matchedRuleIds: string[];
};

/** The classification aid: highest matching level on `date`, citing the rule that decided it. */
export function suggestLevel(answers: ClassificationAnswers, date: string, rules = LEVEL_RULES): LevelSuggestion {
  const matched = effectiveOn(rules, date).filter((r) => evaluate(r.when, answers as unknown as Answers));
  const top = matched.reduce<LevelRule | null>((best, r) => (!best || r.level > best.level ? r : best), null);
  return {
    level: top?.level ?? null,
    ruleId: top?.id ?? null,
    legalBasis: top?.legalBasis ?? null,
    vi: top?.vi ?? null,
    en: top?.en ?? null,
    matchedRuleIds: matched.map((r) => r.id),
  };
}

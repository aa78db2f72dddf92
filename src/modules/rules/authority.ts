import type { BodyRole } from './kinds.ts';
import type { AppliedRule, Body, RuleBook } from './rule-book.ts';

/** Words for a role when no body is on record for it (a fresh install, or a ministry's own unit). */
const ROLE_LABELS: Record<BodyRole, { vi: string; en: string }> = {
  owner: { vi: 'Chủ quản hệ thống thông tin', en: 'System owner' },
  province_committee: { vi: 'Ủy ban nhân dân cấp tỉnh', en: 'Provincial People’s Committee' },
  security_unit: {
    vi: 'Đơn vị chuyên trách về an toàn thông tin của chủ quản',
    en: 'The owner’s specialised information-security unit',
  },
  it_department: { vi: 'Cơ quan chuyên môn về công nghệ thông tin cấp tỉnh', en: 'Provincial IT department' },
  provincial_police: { vi: 'Công an cấp tỉnh', en: 'Provincial police' },
  ministry_security_authority: {
    vi: 'Cơ quan quản lý nhà nước về an toàn thông tin cấp Bộ',
    en: 'The ministry’s information-security authority',
  },
  prime_minister: { vi: 'Thủ tướng Chính phủ', en: 'The Prime Minister' },
  ministry: { vi: 'Bộ, ngành chủ quản', en: 'The owning ministry' },
  national_incident_coordinator: {
    vi: 'Cơ quan điều phối quốc gia về ứng cứu sự cố',
    en: 'National incident-response coordinator',
  },
  incident_response_unit: {
    vi: 'Đơn vị chuyên trách ứng cứu sự cố cấp tỉnh',
    en: 'Provincial incident-response unit',
  },
};

/** A role in words, for a recipient with no body on record. */
export const roleLabel = (role: BodyRole) => ROLE_LABELS[role];

export type Party = { role: BodyRole; vi: string; en: string; body: Body | null };

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
  /** The citation of the rule applied, e.g. "NĐ 85/2016/NĐ-CP, Điều 12 khoản 2". */
  legalBasis: string;
  rule: AppliedRule<'dossier_authority'>;
  /** The rule that makes a vertical body's ministry its owner (or the province's committee otherwise). */
  ownerRule: AppliedRule<'owner_rule'> | null;
};

/**
 * Who appraises and who approves a level-N dossier on a day, for an owner: the province's committee for a local
 * body, or the ministry named by the organisation's `ownerBodyCode` for a vertical one (NĐ 85 Art. 3.1).
 */
export function authorityFor(
  book: RuleBook,
  level: number,
  on: string,
  ownerBodyCode: string | null,
): Authority | null {
  const rule = book.on('dossier_authority', on).find((r) => r.data.levels.includes(level));
  if (!rule) return null;
  const ownerRule = book.on('owner_rule', on)[0] ?? null;
  const ministry = ownerBodyCode ? book.bodyByCode(ownerBodyCode, on) : null;
  const ownerKind = ownerBodyCode ? 'ministry' : 'local';
  const ownerRole: BodyRole = ownerBodyCode ? 'ministry' : (ownerRule?.data.defaultOwnerRole ?? 'province_committee');
  const ownerBody = ownerBodyCode ? ministry : book.body(ownerRole, on);
  const owner = party('owner', ownerBody);
  const resolve = (role: BodyRole): Party => {
    if (role === 'owner') return owner;
    // A vertical body's specialised unit belongs to its ministry, not to the province.
    if (role === 'security_unit' && ownerKind === 'ministry') {
      const label = ROLE_LABELS.security_unit;
      const of = ownerBody ? ` (${ownerBody.shortName})` : '';
      return { role, vi: `${label.vi}${of}`, en: `${label.en}${of}`, body: null };
    }
    return party(role, book.body(role, on));
  };
  return {
    level,
    on,
    ownerKind,
    owner,
    appraisers: rule.data.appraiser.map(resolve),
    approver: resolve(rule.data.approver),
    listApprover: rule.data.listApprover ? resolve(rule.data.listApprover) : null,
    appraisalDays: rule.data.appraisalDays,
    approvalWorkingDays: rule.data.approvalWorkingDays,
    appraisalRequired: rule.data.appraisalRequired,
    specialisedOpinionRequired: rule.data.specialisedOpinionRequired,
    legalBasis: rule.legalBasis,
    rule,
    ownerRule,
  };
}

function party(role: BodyRole, body: Body | null): Party {
  const label = ROLE_LABELS[role];
  return body ? { role, vi: body.name, en: body.name, body } : { role, ...label, body: null };
}

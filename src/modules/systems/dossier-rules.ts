import type { Permission } from '../auth/permissions.ts';
import { type EffectiveDated, effectiveOn } from './conditions.ts';
import type { DossierState } from './systems.schema.ts';

/**
 * Thẩm quyền thẩm định, phê duyệt hồ sơ đề xuất cấp độ and the time limits, per level (NĐ 85/2016 Art. 12, 16–17;
 * see domain brief §1). Effective-dated data: the authority moved to the Ministry of Public Security on 01/03/2025
 * (NĐ 45/2025) — add the successor rows when their exact wording is confirmed.
 */
export type DossierAuthority = EffectiveDated & {
  levels: number[];
  appraiserVi: string;
  appraiserEn: string;
  approverVi: string;
  approverEn: string;
  /** Calendar days for appraisal from acceptance of a valid dossier; null = no separate appraisal limit. */
  appraisalDays: number | null;
  /** Working days for the approval decision. */
  approvalWorkingDays: number;
  /** Levels 4–5: the Ministry's appraisal reference must be recorded before approval. */
  externalAppraisalRequired: boolean;
  legalBasis: string;
};

export const DOSSIER_AUTHORITIES: DossierAuthority[] = [
  {
    levels: [1, 2],
    appraiserVi: 'Đơn vị chuyên trách về ATTT (Sở TT&TT)',
    appraiserEn: 'Owner’s security unit (Department of Information and Communications)',
    approverVi: 'Đơn vị chuyên trách về ATTT (Sở TT&TT), báo cáo chủ quản',
    approverEn: 'Owner’s security unit (the Department), reporting to the owner',
    appraisalDays: null,
    approvalWorkingDays: 7,
    externalAppraisalRequired: false,
    legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 12 khoản 1; Điều 17',
    validFrom: '2016-07-01',
    validTo: null,
  },
  {
    levels: [3],
    appraiserVi: 'Đơn vị chuyên trách về ATTT (Sở TT&TT)',
    appraiserEn: 'Owner’s security unit (the Department)',
    approverVi: 'Chủ quản hệ thống thông tin (UBND tỉnh)',
    approverEn: 'System owner (Provincial People’s Committee)',
    appraisalDays: 15,
    approvalWorkingDays: 7,
    externalAppraisalRequired: false,
    legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 12 khoản 2; Điều 16; Điều 17',
    validFrom: '2016-07-01',
    validTo: null,
  },
  {
    levels: [4, 5],
    appraiserVi: 'Bộ TT&TT (Cục ATTT), sau khi có ý kiến của đơn vị chuyên trách về ATTT',
    appraiserEn: 'Ministry (Authority of Information Security) after the security unit’s opinion',
    approverVi: 'Chủ quản hệ thống thông tin (cấp độ 5: Thủ tướng phê duyệt danh mục)',
    approverEn: 'System owner (level 5: the Prime Minister approves the list)',
    appraisalDays: 30,
    approvalWorkingDays: 7,
    externalAppraisalRequired: true,
    legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 12 khoản 3–4; Điều 16; Điều 17',
    validFrom: '2016-07-01',
    validTo: null,
  },
];

export function authorityFor(level: number, date: string): DossierAuthority | null {
  return effectiveOn(DOSSIER_AUTHORITIES, date).find((a) => a.levels.includes(level)) ?? null;
}

export const DOSSIER_ACTIONS = ['submit', 'resubmit', 'accept', 'return', 'record_appraisal', 'approve'] as const;
export type DossierAction = (typeof DOSSIER_ACTIONS)[number];

/**
 * The lifecycle: draft → submitted → under appraisal → approved, or returned with comments → resubmitted. Each
 * action names the permission (roles in permissions.ts) the actor needs; a wrong role is 403, a wrong state 409.
 */
export const DOSSIER_TRANSITIONS: Record<
  DossierAction,
  { from: DossierState[]; to: DossierState; permission: Permission; requires: string[] }
> = {
  submit: { from: ['draft'], to: 'submitted', permission: 'dossier.prepare', requires: [] },
  resubmit: { from: ['returned'], to: 'submitted', permission: 'dossier.prepare', requires: [] },
  accept: { from: ['submitted'], to: 'under_appraisal', permission: 'dossier.appraise', requires: [] },
  return: {
    from: ['submitted', 'under_appraisal'],
    to: 'returned',
    permission: 'dossier.appraise',
    requires: ['comment'],
  },
  /** Records the appraisal document (levels with an appraisal step; required before approval at levels 4–5). */
  record_appraisal: {
    from: ['under_appraisal'],
    to: 'under_appraisal',
    permission: 'dossier.appraise',
    requires: ['appraisalRef'],
  },
  approve: {
    from: ['under_appraisal'],
    to: 'approved',
    permission: 'dossier.appraise',
    requires: ['decisionNumber', 'decisionDate'],
  },
};

/** Adds working days (Monday–Friday; public holidays are not modelled). */
export function addWorkingDays(from: Date, days: number): Date {
  const d = new Date(from);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}

export const addDays = (from: Date, days: number) => new Date(from.getTime() + days * 86_400_000);

/** The calendar date (yyyy-mm-dd) in Asia/Ho_Chi_Minh, the product's time zone. */
export const vnDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(d);

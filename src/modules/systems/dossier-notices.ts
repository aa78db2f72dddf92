// Who is asked to act after each step of a level dossier, and what they are told (in-app, and by e-mail when SMTP is
// configured). The Department's side is every role that may take the next step (permissions.ts, less the
// administrator); the agency's side is the officers of the system's organisation.

import type { Db } from '../../core/db/client.ts';
import { formatDay } from '../../core/documents/format.ts';
import { PERMISSIONS, type Role } from '../auth/index.ts';
import { type Notice, notifyOrganisation, notifyRoles } from '../notifications/index.ts';
import type { DossierAction } from './dossier-rules.ts';
import type { DossierSummary } from './dossiers.service.ts';

/** A page of a system in the web UI (the notice's link; e-mails prefix KHIEN_PUBLIC_URL). */
export const systemLink = (systemId: string, tab?: 'dossier' | 'plan' | 'layers') =>
  `/systems/view?id=${systemId}${tab ? `&tab=${tab}` : ''}`;

const appraisers: Role[] = PERMISSIONS['dossier.appraise'].filter((r) => r !== 'admin');

/**
 * Notifies whoever the step hands the dossier to: a submission → the Department (accept or return it); a return →
 * the agency (complete and resubmit); an acceptance → the agency (the clocks now run); an approval → the agency
 * (implement the plan at the approved level). `eventId` (the dossier_events row) makes each step notify once.
 */
export async function notifyDossierStep(db: Db, action: DossierAction, d: DossierSummary, eventId: string) {
  const system = `“${d.systemName}” (${d.organisationName})`;
  const base = { link: systemLink(d.systemId, 'dossier'), dedupeKey: `dossier:${d.id}:${action}:${eventId}` };
  const toAgency = (n: Omit<Notice, 'link' | 'dedupeKey'> & { link?: string }) =>
    notifyOrganisation(db, d.organisationId, { ...base, ...n });
  switch (action) {
    case 'submit':
    case 'resubmit':
      return notifyRoles(db, appraisers, {
        ...base,
        kind: 'dossier_submitted',
        title: `Hồ sơ đề xuất cấp độ chờ tiếp nhận: ${d.systemName}`,
        body:
          `${d.organisationName} đã ${action === 'resubmit' ? 'nộp lại (sau khi bổ sung)' : 'nộp'} hồ sơ đề xuất ` +
          `cấp độ ${d.level} cho hệ thống ${system}. Cần kiểm tra, tiếp nhận hoặc trả lại để bổ sung.`,
      });
    case 'return':
      return toAgency({
        kind: 'dossier_returned',
        title: `Hồ sơ đề xuất cấp độ bị trả lại, cần bổ sung: ${d.systemName}`,
        body: `Hồ sơ cấp độ ${d.level} của hệ thống ${system} được trả lại với ý kiến: “${d.returnComment ?? ''}”. Cần bổ sung, chỉnh sửa và nộp lại.`,
      });
    case 'accept': {
      const due = [
        d.appraisalDue ? `hạn thẩm định ${formatDay(d.appraisalDue)}` : null,
        d.approvalDue ? `hạn phê duyệt ${formatDay(d.approvalDue)}` : null,
      ].filter(Boolean);
      return toAgency({
        kind: 'dossier_accepted',
        title: `Hồ sơ đề xuất cấp độ đã được tiếp nhận: ${d.systemName}`,
        body:
          `Hồ sơ cấp độ ${d.level} của hệ thống ${system} đã được tiếp nhận để thẩm định` +
          `${due.length ? ` (${due.join(', ')})` : ''}.`,
      });
    }
    case 'approve':
      return toAgency({
        kind: 'dossier_approved',
        title: `Đã phê duyệt cấp độ ${d.level}: ${d.systemName}`,
        body:
          `Hệ thống ${system} được phê duyệt cấp độ ${d.level} theo Quyết định số ${d.decisionNumber ?? ''}` +
          `${d.decisionDate ? ` ngày ${formatDay(d.decisionDate)}` : ''}. Cần triển khai phương án bảo đảm an toàn ` +
          'thông tin theo cấp độ được phê duyệt.',
        link: systemLink(d.systemId, 'plan'),
      });
    case 'record_appraisal':
      // The Department records the opinion and approves: nobody else has to act on it.
      return 0;
  }
}

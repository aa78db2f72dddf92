/**
 * Phương án bảo đảm ATTT theo cấp độ — the measures a security plan must implement, following the structure of
 * TCVN 11930:2017 (management groups M1–M5, technical groups T1–T4; domain brief §3), with the minimum level at
 * which each item applies (TT 03/TT 12 requirements are cumulative: level n includes level n−1).
 *
 * Confirmation: item names of M3, M4, M5, T3 and T4 were read in a source; M1, M2, T1 and T2 item names are
 * (unconfirmed). Every `minLevel` is (inferred) — the per-level item counts were not found — except that M5 has 11
 * items at level 3 and monitoring applies from level 3 (TT 31/2017). Correct the data here; plans follow.
 */
export type ChecklistGroup = {
  code: string;
  kind: 'management' | 'technical';
  vi: string;
  en: string;
  confirmed: boolean;
};
export type ChecklistItem = { code: string; group: string; vi: string; en: string; minLevel: number };

export const CHECKLIST_GROUPS: ChecklistGroup[] = [
  { code: 'M1', kind: 'management', vi: 'Chính sách an toàn thông tin', en: 'Security policy', confirmed: false },
  {
    code: 'M2',
    kind: 'management',
    vi: 'Tổ chức bảo đảm an toàn thông tin',
    en: 'Security organisation',
    confirmed: false,
  },
  { code: 'M3', kind: 'management', vi: 'Bảo đảm nguồn nhân lực', en: 'Human resources', confirmed: true },
  {
    code: 'M4',
    kind: 'management',
    vi: 'Quản lý thiết kế, xây dựng hệ thống',
    en: 'Design and build',
    confirmed: true,
  },
  { code: 'M5', kind: 'management', vi: 'Quản lý vận hành hệ thống', en: 'Operations management', confirmed: true },
  { code: 'T1', kind: 'technical', vi: 'Bảo đảm an toàn mạng', en: 'Network security', confirmed: false },
  { code: 'T2', kind: 'technical', vi: 'Bảo đảm an toàn máy chủ', en: 'Server security', confirmed: false },
  { code: 'T3', kind: 'technical', vi: 'Bảo đảm an toàn ứng dụng', en: 'Application security', confirmed: true },
  { code: 'T4', kind: 'technical', vi: 'Bảo đảm an toàn dữ liệu', en: 'Data security', confirmed: true },
];

const item = (code: string, minLevel: number, vi: string, en: string): ChecklistItem => ({
  code,
  group: code.split('.')[0] ?? code,
  vi,
  en,
  minLevel,
});

export const CHECKLIST_ITEMS: ChecklistItem[] = [
  item('M1.1', 1, 'Xây dựng chính sách an toàn thông tin', 'Security policy in place'),
  item('M1.2', 2, 'Công bố, phổ biến chính sách', 'Policy published and communicated'),
  item('M1.3', 3, 'Rà soát, cập nhật chính sách định kỳ', 'Periodic policy review'),
  item('M2.1', 1, 'Đơn vị/bộ phận chuyên trách về an toàn thông tin', 'Designated security unit'),
  item('M2.2', 2, 'Đầu mối liên lạc, phối hợp với cơ quan chức năng', 'Liaison with authorities'),
  item('M3.1', 2, 'Tuyển dụng', 'Recruitment'),
  item('M3.2', 1, 'Trong quá trình làm việc', 'During employment'),
  item('M3.3', 1, 'Chấm dứt hoặc thay đổi công việc', 'Termination or change of job'),
  item('M4.1', 1, 'Thiết kế an toàn hệ thống thông tin', 'Secure design'),
  item('M4.2', 2, 'Phát triển phần mềm thuê khoán', 'Outsourced software development'),
  item('M4.3', 1, 'Thử nghiệm và nghiệm thu hệ thống', 'Testing and acceptance'),
  item('M5.1', 1, 'Quản lý an toàn mạng', 'Network security management'),
  item('M5.2', 1, 'Quản lý an toàn máy chủ và ứng dụng', 'Server and application security management'),
  item('M5.3', 1, 'Quản lý an toàn dữ liệu', 'Data security management'),
  item('M5.4', 2, 'Quản lý an toàn thiết bị đầu cuối', 'Endpoint security management'),
  item('M5.5', 1, 'Quản lý phòng chống phần mềm độc hại', 'Malware protection management'),
  item('M5.6', 3, 'Quản lý giám sát an toàn hệ thống thông tin', 'Security monitoring management'),
  item('M5.7', 2, 'Quản lý điểm yếu an toàn thông tin', 'Vulnerability management'),
  item('M5.8', 1, 'Quản lý sự cố an toàn thông tin', 'Incident management'),
  item('M5.9', 2, 'Quản lý an toàn người sử dụng đầu cuối', 'End-user security management'),
  item('M5.10', 3, 'Quản lý rủi ro an toàn thông tin', 'Risk management'),
  item('M5.11', 2, 'Quản lý kết thúc vận hành, khai thác, thanh lý, hủy bỏ', 'Decommissioning and disposal'),
  item('T1.1', 1, 'Thiết kế hệ thống, phân vùng mạng', 'Network design and zoning'),
  item('T1.2', 1, 'Kiểm soát truy cập từ bên ngoài mạng', 'Access control at the perimeter'),
  item('T1.3', 1, 'Nhật ký hệ thống', 'Network logs'),
  item('T1.4', 2, 'Phòng chống xâm nhập', 'Intrusion prevention'),
  item('T1.5', 3, 'Phòng chống phần mềm độc hại trên môi trường mạng', 'Network malware protection'),
  item('T1.6', 1, 'Bảo vệ thiết bị hệ thống', 'Network device hardening'),
  item('T2.1', 1, 'Xác thực', 'Authentication'),
  item('T2.2', 1, 'Kiểm soát truy cập', 'Access control'),
  item('T2.3', 1, 'Nhật ký hệ thống', 'System logs'),
  item('T2.4', 2, 'Phòng chống xâm nhập và phần mềm độc hại', 'Intrusion and malware protection'),
  item('T2.5', 2, 'Xử lý máy chủ khi chuyển giao', 'Wiping servers on handover'),
  item('T3.1', 1, 'Xác thực', 'Authentication'),
  item('T3.2', 1, 'Kiểm soát truy cập', 'Access control'),
  item('T3.3', 1, 'Nhật ký hệ thống', 'Application logs'),
  item('T3.4', 2, 'Bảo mật thông tin liên lạc', 'Communication confidentiality'),
  item('T3.5', 3, 'Chống chối bỏ', 'Non-repudiation'),
  item('T3.6', 2, 'An toàn ứng dụng và mã nguồn', 'Application and source-code security'),
  item('T4.1', 2, 'Nguyên vẹn dữ liệu', 'Data integrity'),
  item('T4.2', 2, 'Bảo mật dữ liệu', 'Data confidentiality'),
  item('T4.3', 1, 'Sao lưu dự phòng', 'Backup'),
];

export type PlanItemState = { itemCode: string; status: string; evidence: string | null; reason: string | null };
export type PlanSummary = { applicable: number; done: number; percent: number; fullyImplemented: boolean };

/** Items required at `level`; an item marked not applicable (with its reason) no longer counts. */
export function planSummary(level: number | null, states: PlanItemState[]): PlanSummary {
  if (level === null) return { applicable: 0, done: 0, percent: 0, fullyImplemented: false };
  const byCode = new Map(states.map((s) => [s.itemCode, s.status]));
  const required = CHECKLIST_ITEMS.filter((i) => i.minLevel <= level && byCode.get(i.code) !== 'not_applicable');
  const done = required.filter((i) => byCode.get(i.code) === 'done').length;
  return {
    applicable: required.length,
    done,
    percent: required.length ? Math.round((done / required.length) * 100) : 100,
    fullyImplemented: done === required.length,
  };
}

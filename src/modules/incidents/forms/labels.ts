import type {
  IncidentSeverity,
  IncidentState,
  IncidentType,
  ResponseStep,
  SeverityFactor,
  TeamRole,
} from '../incidents.input.ts';

/** The words the statutory forms use for each value (TT 20/2017 annexes, QĐ 05/2017), as printed in documents. */

export const TYPE_VI: Record<IncidentType, string> = {
  dos: 'Tấn công từ chối dịch vụ',
  spoofing: 'Tấn công giả mạo',
  malware: 'Tấn công sử dụng mã độc',
  unauthorised_access: 'Truy cập trái phép, chiếm quyền điều khiển',
  defacement: 'Thay đổi giao diện',
  encryption: 'Mã hóa phần mềm, dữ liệu, thiết bị',
  destruction: 'Phá hoại thông tin, dữ liệu, phần mềm',
  espionage: 'Nghe trộm, gián điệp, lấy cắp thông tin, dữ liệu',
  combined: 'Tấn công tổng hợp sử dụng kết hợp nhiều hình thức',
  other: 'Hình thức tấn công khác',
};

export const SEVERITY_VI: Record<IncidentSeverity, string> = {
  serious: 'Nghiêm trọng',
  normal: 'Thông thường',
};

export const STATE_VI: Record<IncidentState, string> = {
  open: 'Đã tiếp nhận, đang xác minh',
  responding: 'Đang ứng cứu',
  responded: 'Đã kết thúc ứng cứu',
  closed: 'Đã đóng',
};

export const STEP_VI: Record<ResponseStep, string> = {
  receive_verify: 'Tiếp nhận, xác minh sự cố',
  first_actions: 'Triển khai các bước ưu tiên ban đầu',
  plan: 'Xây dựng phương án ứng cứu',
  report_coordinate: 'Báo cáo, phối hợp',
  contain: 'Ngăn chặn sự cố',
  eradicate_recover: 'Loại bỏ nguyên nhân, khôi phục, kiểm tra lại',
  lessons: 'Tổng kết, rút kinh nghiệm',
};

export const FACTOR_VI: Record<SeverityFactor, string> = {
  outage: 'gián đoạn dịch vụ',
  secret_leak: 'có khả năng lộ dữ liệu tuyệt mật, bí mật nhà nước',
  data_unrecoverable: 'mất toàn vẹn dữ liệu quan trọng không khôi phục được',
  loss_of_control: 'mất quyền điều khiển hệ thống',
  cascading: 'có khả năng lan rộng, ảnh hưởng dây chuyền',
};

export const TEAM_ROLE_VI: Record<TeamRole, string> = {
  lead: 'Trưởng nhóm',
  deputy: 'Phó trưởng nhóm',
  member: 'Thành viên',
  liaison: 'Đầu mối liên lạc',
};

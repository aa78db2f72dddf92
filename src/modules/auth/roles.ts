// Dependency-free on purpose: the web UI imports these values, so they must not pull in the database layer.

export const ROLES = [
  'admin', // Quản trị viên cấp tỉnh — province administrator
  'department', // Cán bộ cơ quan chuyên trách ATTT của tỉnh — officer of the department in charge
  'soc', // Chuyên viên SOC — SOC analyst
  'agency', // Cán bộ cơ quan/đơn vị — officer of one organisation
  'viewer', // Lãnh đạo — leader, read-only
] as const;
export type Role = (typeof ROLES)[number];

export const MIN_PASSWORD_LENGTH = 12;

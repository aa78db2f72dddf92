// Dependency-free on purpose: the web UI imports these values, so they must not pull in the database layer.

/**
 * Kinds of organisation in a province's tree. Districts (huyện, thị xã, thành phố thuộc tỉnh) were abolished on
 * 01/07/2025; units carry validity dates and a successor so older reports still show the tree of their time.
 */
export const ORGANISATION_TYPES = [
  'province', // Tỉnh / UBND tỉnh
  'department', // Sở, ban, ngành
  'district', // Huyện, thị xã, thành phố thuộc tỉnh
  'commune', // Xã, phường, thị trấn
  'party', // Cơ quan Đảng
  'council', // Hội đồng nhân dân
  'central', // Cơ quan Trung ương đóng trên địa bàn
  'other',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

// The staff register's public face: the officials in charge of digital transformation and information security.

export * from './staff.input.ts';
export { registerStaffRoutes } from './staff.routes.ts';
export { staffMembers } from './staff.schema.ts';
export { createStaff, importStaff } from './staff.service.ts';
export { type StaffContact, staffForPhishing } from './staff-faces.ts';

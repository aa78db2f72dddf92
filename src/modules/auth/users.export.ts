import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, yesNo } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import type { ZUserListItem } from './auth.contract.ts';
import { ZUserListQuery } from './auth.input.ts';
import { listUsers } from './auth.service.ts';

/** The accounts as a file (administrators), with the list's filters: never a password, a secret or a session. */

const role = uiLabel('roles');
type User = z.output<typeof ZUserListItem>;
const state = (u: User) =>
  u.disabled
    ? 'Đã khóa'
    : u.locked
      ? 'Tạm khóa do đăng nhập sai'
      : u.mustChangePassword
        ? 'Chờ đổi mật khẩu'
        : 'Hoạt động';

const columns: Column<User>[] = [
  { key: 'username', header: 'Tên đăng nhập', width: 20, value: (u) => u.username },
  { key: 'displayName', header: 'Họ và tên', width: 28, value: (u) => u.displayName },
  { key: 'email', header: 'Thư điện tử', width: 28, value: (u) => u.email },
  { key: 'role', header: 'Vai trò', width: 28, value: (u) => role(u.role) },
  { key: 'organisation', header: 'Cơ quan, đơn vị', width: 36, value: (u) => u.organisation?.name ?? null },
  { key: 'children', header: 'Gồm đơn vị trực thuộc', width: 12, value: (u) => yesNo(u.scopeIncludesChildren) },
  { key: 'totp', header: 'Xác thực hai lớp', width: 12, value: (u) => yesNo(u.totpEnabled) },
  { key: 'state', header: 'Trạng thái', width: 20, value: state },
  { key: 'lastLoginAt', header: 'Đăng nhập gần nhất', width: 18, value: (u) => u.lastLoginAt },
  { key: 'createdAt', header: 'Ngày tạo', width: 18, value: (u) => u.createdAt },
];

export function registerUserExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/users/export',
    permission: 'user.read',
    tags: ['users'],
    what: 'Accounts',
    query: ZUserListQuery,
    sheet: 'Người dùng',
    fileStem: 'nguoi-dung',
    columns,
    list: (_req, q) => listUsers(db, q),
  });
}

import type { ComponentType } from 'react';
import type { Permission } from './lib/roles.ts';
import { AccountPage } from './pages/account/AccountPage.tsx';
import { AuditPage } from './pages/audit/AuditPage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { OrganisationsPage } from './pages/organisations/OrganisationsPage.tsx';
import { UsersPage } from './pages/users/UsersPage.tsx';

/** The signed-in pages; the sidebar lists those the user's role may open. `key` names the nav label (nav.*). */
export const ROUTES: { path: string; key: string; permission: Permission; page: ComponentType }[] = [
  { path: '/', key: 'dashboard', permission: 'self', page: DashboardPage },
  { path: '/organisations', key: 'organisations', permission: 'organisation.read', page: OrganisationsPage },
  { path: '/users', key: 'users', permission: 'user.read', page: UsersPage },
  { path: '/audit', key: 'audit', permission: 'audit.read', page: AuditPage },
  { path: '/account', key: 'account', permission: 'self', page: AccountPage },
];

import type { ComponentType } from 'react';
import type { Permission } from './lib/roles.ts';
import { AccountPage } from './pages/account/AccountPage.tsx';
import { AuditPage } from './pages/audit/AuditPage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { OrganisationsPage } from './pages/organisations/OrganisationsPage.tsx';
import { SocDashboardPage } from './pages/soc/SocDashboardPage.tsx';
import { SocContactsPage, SocScannersPage } from './pages/soc/SocFindingsPage.tsx';
import { SocIngestPage } from './pages/soc/SocIngestPage.tsx';
import { SYSTEMS_ROUTES } from './pages/systems/routes.ts';
import { UsersPage } from './pages/users/UsersPage.tsx';
import { ComputersPage } from './pages/vulnerabilities/ComputersPage.tsx';
import { FindingsPage } from './pages/vulnerabilities/FindingsPage.tsx';
import { ImportPage, PolicyPage } from './pages/vulnerabilities/ImportPage.tsx';
import { VulnDashboardPage } from './pages/vulnerabilities/VulnDashboardPage.tsx';

export type AppRoute = {
  path: string;
  /** Names the nav label (nav.*) and the test id (nav-<key>). */
  key: string;
  permission: Permission;
  page: ComponentType;
  /** Sidebar group (nav.section.*); consecutive routes of one section are listed under its title. */
  section?: 'vuln' | 'soc' | 'systems';
  /** Hides the link (not the page) when another page already offers the same thing to this user. */
  hideInNav?: (can: (p: Permission) => boolean) => boolean;
};

/** The signed-in pages; the sidebar lists those the user's role may open. */
export const ROUTES: AppRoute[] = [
  { path: '/', key: 'dashboard', permission: 'self', page: DashboardPage },
  { path: '/vulnerabilities', key: 'vulnDashboard', permission: 'vuln.read', page: VulnDashboardPage, section: 'vuln' },
  {
    path: '/vulnerabilities/computers',
    key: 'vulnComputers',
    permission: 'vuln.read',
    page: ComputersPage,
    section: 'vuln',
  },
  {
    path: '/vulnerabilities/findings',
    key: 'vulnFindings',
    permission: 'vuln.read',
    page: FindingsPage,
    section: 'vuln',
  },
  { path: '/vulnerabilities/import', key: 'vulnImport', permission: 'vuln.import', page: ImportPage, section: 'vuln' },
  {
    path: '/vulnerabilities/policy',
    key: 'vulnPolicy',
    permission: 'vuln.policy',
    page: PolicyPage,
    section: 'vuln',
    // Whoever imports scans finds the policy form on the import page.
    hideInNav: (can) => can('vuln.import'),
  },
  { path: '/soc', key: 'socDashboard', permission: 'soc.read', page: SocDashboardPage, section: 'soc' },
  { path: '/soc/scanners', key: 'socScanners', permission: 'soc.read', page: SocScannersPage, section: 'soc' },
  { path: '/soc/contacts', key: 'socContacts', permission: 'soc.read', page: SocContactsPage, section: 'soc' },
  { path: '/soc/ingest', key: 'socIngest', permission: 'soc.ingest', page: SocIngestPage, section: 'soc' },
  ...SYSTEMS_ROUTES,
  { path: '/organisations', key: 'organisations', permission: 'organisation.read', page: OrganisationsPage },
  { path: '/users', key: 'users', permission: 'user.read', page: UsersPage },
  { path: '/audit', key: 'audit', permission: 'audit.read', page: AuditPage },
  { path: '/account', key: 'account', permission: 'self', page: AccountPage },
];

import { lazyRouteComponent } from '@tanstack/react-router';
import type { Permission } from './lib/roles.ts';

/** What the sidebar and the permission guard know of a page (nav.<key> is its label, nav-<key> its test id). */
export type PageMeta = {
  key: string;
  permission: Permission;
  /** Sidebar group (nav.section.*); consecutive pages of one section are listed under its title. */
  section?: 'vuln' | 'soc' | 'incidents' | 'systems' | 'readiness' | 'outreach';
  /** Hides the link (not the page) when another page already offers the same thing to this user. */
  hideInNav?: (can: (p: Permission) => boolean) => boolean;
};

const hidden = () => true;
const page = (path: string, meta: PageMeta, component: ReturnType<typeof lazyRouteComponent>) => ({
  path,
  ...meta,
  component,
});

/** The pages in sidebar order; each is its own chunk, loaded when first opened. */
export const PAGES = [
  page(
    '/',
    { key: 'dashboard', permission: 'self' },
    lazyRouteComponent(() => import('./pages/DashboardPage.tsx'), 'DashboardPage'),
  ),
  page(
    '/oversight',
    { key: 'oversight', permission: 'oversight.read' },
    lazyRouteComponent(() => import('./pages/oversight/OversightPage.tsx'), 'OversightPage'),
  ),
  page(
    '/vulnerabilities',
    { key: 'vulnDashboard', permission: 'vuln.read', section: 'vuln' },
    lazyRouteComponent(() => import('./pages/vulnerabilities/VulnDashboardPage.tsx'), 'VulnDashboardPage'),
  ),
  page(
    '/vulnerabilities/computers',
    { key: 'vulnComputers', permission: 'vuln.read', section: 'vuln' },
    lazyRouteComponent(() => import('./pages/vulnerabilities/ComputersPage.tsx'), 'ComputersPage'),
  ),
  page(
    '/vulnerabilities/websites',
    { key: 'vulnWebsites', permission: 'vuln.read', section: 'vuln' },
    lazyRouteComponent(() => import('./pages/vulnerabilities/WebsitesPage.tsx'), 'WebsitesPage'),
  ),
  page(
    '/vulnerabilities/findings',
    { key: 'vulnFindings', permission: 'vuln.read', section: 'vuln' },
    lazyRouteComponent(() => import('./pages/vulnerabilities/FindingsPage.tsx'), 'FindingsPage'),
  ),
  page(
    '/inventory',
    { key: 'inventory', permission: 'vuln.read', section: 'vuln' },
    lazyRouteComponent(() => import('./pages/inventory/InventoryPage.tsx'), 'InventoryPage'),
  ),
  page(
    '/vulnerabilities/import',
    { key: 'vulnImport', permission: 'vuln.import', section: 'vuln' },
    lazyRouteComponent(() => import('./pages/vulnerabilities/ImportPage.tsx'), 'ImportPage'),
  ),
  page(
    '/vulnerabilities/policy',
    // Whoever imports scans finds the policy form on the import page.
    { key: 'vulnPolicy', permission: 'vuln.policy', section: 'vuln', hideInNav: (can) => can('vuln.import') },
    lazyRouteComponent(() => import('./pages/vulnerabilities/ImportPage.tsx'), 'PolicyPage'),
  ),
  page(
    '/soc',
    { key: 'socDashboard', permission: 'soc.read', section: 'soc' },
    lazyRouteComponent(() => import('./pages/soc/SocDashboardPage.tsx'), 'SocDashboardPage'),
  ),
  page(
    '/soc/scanners',
    { key: 'socScanners', permission: 'soc.read', section: 'soc' },
    lazyRouteComponent(() => import('./pages/soc/SocFindingsPage.tsx'), 'SocScannersPage'),
  ),
  page(
    '/soc/contacts',
    { key: 'socContacts', permission: 'soc.read', section: 'soc' },
    lazyRouteComponent(() => import('./pages/soc/SocFindingsPage.tsx'), 'SocContactsPage'),
  ),
  page(
    '/soc/ingest',
    { key: 'socIngest', permission: 'soc.ingest', section: 'soc' },
    lazyRouteComponent(() => import('./pages/soc/SocIngestPage.tsx'), 'SocIngestPage'),
  ),
  page(
    '/advisories',
    { key: 'advisories', permission: 'advisory.read' },
    lazyRouteComponent(() => import('./pages/advisories/AdvisoriesPage.tsx'), 'AdvisoriesPage'),
  ),
  page(
    '/advisories/view',
    { key: 'advisoryView', permission: 'advisory.read', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/advisories/AdvisoryDetailPage.tsx'), 'AdvisoryDetailPage'),
  ),
  page(
    '/advisories/edit',
    { key: 'advisoryEdit', permission: 'advisory.write', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/advisories/AdvisoryEditPage.tsx'), 'AdvisoryEditPage'),
  ),
  page(
    '/advisories/import',
    { key: 'advisoryImport', permission: 'advisory.write', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/advisories/AdvisoryImportPage.tsx'), 'AdvisoryImportPage'),
  ),
  page(
    '/incidents',
    { key: 'incidents', permission: 'incident.read', section: 'incidents' },
    lazyRouteComponent(() => import('./pages/incidents/IncidentsPage.tsx'), 'IncidentsPage'),
  ),
  page(
    '/incidents/team',
    { key: 'incidentTeam', permission: 'incident.read', section: 'incidents' },
    lazyRouteComponent(() => import('./pages/incidents/TeamPage.tsx'), 'TeamPage'),
  ),
  page(
    '/incidents/view',
    { key: 'incidentView', permission: 'incident.read', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/incidents/IncidentDetailPage.tsx'), 'IncidentDetailPage'),
  ),
  page(
    '/incidents/edit',
    { key: 'incidentEdit', permission: 'incident.report', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/incidents/IncidentEditPage.tsx'), 'IncidentEditPage'),
  ),
  // readiness: staff, drills
  page(
    '/staff',
    { key: 'staff', permission: 'staff.read', section: 'readiness' },
    lazyRouteComponent(() => import('./pages/staff/StaffPage.tsx'), 'StaffPage'),
  ),
  page(
    '/drills',
    { key: 'drills', permission: 'drill.read', section: 'readiness' },
    lazyRouteComponent(() => import('./pages/drills/DrillsPage.tsx'), 'DrillsPage'),
  ),
  page(
    '/drills/view',
    { key: 'drillView', permission: 'drill.read', section: 'readiness', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/drills/DrillViewPage.tsx'), 'DrillViewPage'),
  ),
  // readiness: phishing
  page(
    '/phishing',
    { key: 'phishing', permission: 'phishing.read', section: 'readiness' },
    lazyRouteComponent(() => import('./pages/phishing/PhishingPage.tsx'), 'PhishingPage'),
  ),
  page(
    '/phishing/view',
    { key: 'phishingView', permission: 'phishing.read', section: 'readiness', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/phishing/PhishingViewPage.tsx'), 'PhishingViewPage'),
  ),
  // outreach: awareness
  page(
    '/awareness',
    { key: 'awareness', permission: 'awareness.read', section: 'outreach' },
    lazyRouteComponent(() => import('./pages/awareness/AwarenessPage.tsx'), 'AwarenessPage'),
  ),
  // outreach: sites
  page(
    '/sites',
    { key: 'sites', permission: 'site.read', section: 'outreach' },
    lazyRouteComponent(() => import('./pages/sites/SitesPage.tsx'), 'SitesPage'),
  ),
  page(
    '/sites/view',
    { key: 'siteView', permission: 'site.read', section: 'outreach', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/sites/SiteViewPage.tsx'), 'SiteViewPage'),
  ),
  page(
    '/sites/indicators',
    { key: 'siteIndicators', permission: 'site.read', section: 'outreach' },
    lazyRouteComponent(() => import('./pages/sites/IndicatorsPage.tsx'), 'IndicatorsPage'),
  ),
  // outreach: residents
  page(
    '/residents',
    { key: 'residents', permission: 'resident.manage', section: 'outreach' },
    lazyRouteComponent(() => import('./pages/residents/ResidentsPage.tsx'), 'ResidentsPage'),
  ),
  page(
    '/systems',
    { key: 'systems', permission: 'system.read', section: 'systems' },
    lazyRouteComponent(() => import('./pages/systems/SystemsPage.tsx'), 'SystemsPage'),
  ),
  page(
    '/systems/dossiers',
    { key: 'systemDossiers', permission: 'dossier.appraise', section: 'systems' },
    lazyRouteComponent(() => import('./pages/systems/PendingDossiersPage.tsx'), 'PendingDossiersPage'),
  ),
  page(
    '/systems/targets',
    { key: 'systemTargets', permission: 'system.read', section: 'systems' },
    lazyRouteComponent(() => import('./pages/systems/TargetsPage.tsx'), 'TargetsPage'),
  ),
  page(
    '/inspections',
    { key: 'inspections', permission: 'inspection.read', section: 'systems' },
    lazyRouteComponent(() => import('./pages/inspections/InspectionsPage.tsx'), 'InspectionsPage'),
  ),
  page(
    '/inspections/plan',
    { key: 'inspectionPlan', permission: 'inspection.read', section: 'systems', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/inspections/PlanPage.tsx'), 'PlanPage'),
  ),
  page(
    '/inspections/view',
    { key: 'inspectionView', permission: 'inspection.read', section: 'systems', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/inspections/InspectionViewPage.tsx'), 'InspectionViewPage'),
  ),
  page(
    '/systems/view',
    { key: 'systemView', permission: 'system.read', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/systems/SystemDetailPage.tsx'), 'SystemDetailPage'),
  ),
  page(
    '/systems/edit',
    { key: 'systemEdit', permission: 'system.write', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/systems/SystemEditPage.tsx'), 'SystemEditPage'),
  ),
  page(
    '/reports',
    { key: 'reports', permission: 'report.read' },
    lazyRouteComponent(() => import('./pages/reports/ReportsPage.tsx'), 'ReportsPage'),
  ),
  page(
    '/notifications',
    { key: 'notifications', permission: 'self', hideInNav: hidden },
    lazyRouteComponent(() => import('./pages/notifications/NotificationsPage.tsx'), 'NotificationsPage'),
  ),
  page(
    '/organisations',
    { key: 'organisations', permission: 'organisation.read' },
    lazyRouteComponent(() => import('./pages/organisations/OrganisationsPage.tsx'), 'OrganisationsPage'),
  ),
  page(
    '/users',
    { key: 'users', permission: 'user.read' },
    lazyRouteComponent(() => import('./pages/users/UsersPage.tsx'), 'UsersPage'),
  ),
  page(
    '/audit',
    { key: 'audit', permission: 'audit.read' },
    lazyRouteComponent(() => import('./pages/audit/AuditPage.tsx'), 'AuditPage'),
  ),
  page(
    '/account',
    { key: 'account', permission: 'self' },
    lazyRouteComponent(() => import('./pages/account/AccountPage.tsx'), 'AccountPage'),
  ),
] as const;

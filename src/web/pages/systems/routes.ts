import type { AppRoute } from '../../routes.ts';
import { NOTIFICATIONS_PATH, NotificationsPage } from './Notifications.tsx';
import { PendingDossiersPage } from './PendingDossiersPage.tsx';
import { SystemDetailPage } from './SystemDetailPage.tsx';
import { SystemEditPage } from './SystemEditPage.tsx';
import { SystemsPage } from './SystemsPage.tsx';
import { TARGETS_PATH, TargetsPage } from './TargetsPage.tsx';

const hidden = () => true;

/** An toàn theo cấp độ: registry, dossiers awaiting appraisal, targets; detail/edit/notification pages are linked to. */
export const SYSTEMS_ROUTES: AppRoute[] = [
  { path: '/systems', key: 'systems', permission: 'system.read', page: SystemsPage, section: 'systems' },
  {
    path: '/systems/dossiers',
    key: 'systemDossiers',
    permission: 'dossier.appraise',
    page: PendingDossiersPage,
    section: 'systems',
  },
  { path: TARGETS_PATH, key: 'systemTargets', permission: 'system.read', page: TargetsPage, section: 'systems' },
  { path: '/systems/view', key: 'systemView', permission: 'system.read', page: SystemDetailPage, hideInNav: hidden },
  {
    path: '/systems/edit',
    key: 'systemEdit',
    permission: 'system.write',
    page: SystemEditPage,
    hideInNav: hidden,
  },
  { path: NOTIFICATIONS_PATH, key: 'notifications', permission: 'self', page: NotificationsPage, hideInNav: hidden },
];

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { followLink } from '../lib/router.ts';
import { useCan, useSession } from '../lib/session.ts';
import { NotificationBell } from '../pages/systems/Notifications.tsx';
import { type AppRoute, ROUTES } from '../routes.ts';
import { BrandMark } from './BrandMark.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function Layout({ path, children }: { path: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { me, signOut } = useSession();
  const can = useCan();
  const visible = ROUTES.filter((r) => can(r.permission) && !r.hideInNav?.(can));
  // Consecutive routes of one section form a group; routes without a section are groups of their own.
  const groups: { section?: AppRoute['section']; routes: AppRoute[] }[] = [];
  for (const r of visible) {
    const last = groups.at(-1);
    if (r.section && last?.section === r.section) last.routes.push(r);
    else groups.push({ section: r.section, routes: [r] });
  }
  const link = (r: AppRoute) => (
    <li key={r.path}>
      <a
        href={r.path}
        onClick={followLink}
        data-testid={`nav-${r.key}`}
        aria-current={path === r.path ? 'page' : undefined}
      >
        {t(`nav.${r.key}`)}
      </a>
    </li>
  );
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/" onClick={followLink}>
          <BrandMark />
          <span>
            <span className="brand-name">Khiên</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </span>
        </a>
        <div className="topbar-right">
          <LanguageSwitch />
          <NotificationBell />
          <a className="user-chip" href="/account" onClick={followLink} data-testid="current-user">
            <span className="user-name">{me.user.displayName}</span>
            <span className="user-role">{t(`roles.${me.role}`)}</span>
          </a>
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()} data-testid="logout">
            {t('header.logout')}
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label={t('nav.label')}>
        <ul>
          {groups.map((g) =>
            g.section ? (
              <li key={g.section} className="nav-section">
                <span className="nav-section-title">{t(`nav.section.${g.section}`)}</span>
                <ul>{g.routes.map(link)}</ul>
              </li>
            ) : (
              g.routes.map(link)
            ),
          )}
        </ul>
        <div className="sidebar-foot">
          <a href="/api/docs" target="_blank" rel="noreferrer">
            {t('nav.apiDocs')}
          </a>
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
